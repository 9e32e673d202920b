import * as vscode from 'vscode';
import type { ServiceRef } from '../../core/cloud/ports';
import { resolveTarget } from '../../core/deploy/target';
import { readTargetSettings } from './settings';

/** What the explorer passes when a command runs from a service's menu. */
export interface ServiceNode {
  project?: string;
  region?: string;
  service?: string;
}

/** The service a command means: the explorer node's, else the one a deploy of `root` would update. */
export async function serviceRefFor(root: string, node: ServiceNode | undefined): Promise<ServiceRef> {
  if (node?.project && node.region && node.service) return { project: node.project, region: node.region, service: node.service };
  const { target } = await resolveTarget({
    ...readTargetSettings(vscode.Uri.file(root)),
    env: { ...process.env },
    workspaceRoot: root,
  });
  return target;
}
