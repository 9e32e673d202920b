import * as vscode from 'vscode';
import type { ServiceRef } from '../../core/cloud/ports';
import { resolveTarget } from '../../core/deploy/target';
import { SECTION } from './settings';

/** What the explorer passes when a command runs from a service's menu. */
export interface ServiceNode {
  project?: string;
  region?: string;
  service?: string;
}

/** The service a command means: the explorer node's, else the one a deploy of `root` would update. */
export async function serviceRefFor(root: string, node: ServiceNode | undefined): Promise<ServiceRef> {
  if (node?.project && node.region && node.service) return { project: node.project, region: node.region, service: node.service };
  const c = vscode.workspace.getConfiguration(SECTION, vscode.Uri.file(root));
  const { target } = await resolveTarget({
    project: c.get<string>('project') || undefined,
    region: c.get<string>('region') || undefined,
    service: c.get<string>('serviceName') || undefined,
    env: { ...process.env },
    workspaceRoot: root,
  });
  return target;
}
