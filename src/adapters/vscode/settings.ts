import * as vscode from 'vscode';
import { DEFAULT_OPTIONS, type DeployOptions } from '../../core/deployOptions';
import type { GcpConfig } from '../gcp/gcpConfig';

export const SECTION = 'devgem';

/** Reads the devgem.* settings for one folder into the pipeline's options. */
export function readDeployOptions(folder: vscode.Uri): DeployOptions {
  const c = vscode.workspace.getConfiguration(SECTION, folder);
  const text = (key: string) => c.get<string>(key)?.trim() || undefined;
  const seconds = (key: string, fallback: number) => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    workspaceRoot: folder.fsPath,
    project: text('project'),
    region: text('region'),
    serviceName: text('serviceName'),
    allowUnauthenticated: c.get<boolean>('allowUnauthenticated', DEFAULT_OPTIONS.allowUnauthenticated),
    sourceBucket: text('sourceBucket'),
    repository: text('artifactRepository') ?? DEFAULT_OPTIONS.repository,
    buildTimeoutSeconds: seconds('buildTimeoutSeconds', DEFAULT_OPTIONS.buildTimeoutSeconds),
    deployTimeoutSeconds: seconds('deployTimeoutSeconds', DEFAULT_OPTIONS.deployTimeoutSeconds),
    verifyTimeoutSeconds: seconds('verifyTimeoutSeconds', DEFAULT_OPTIONS.verifyTimeoutSeconds),
    env: { ...process.env },
  };
}

/** The emulator setting wins over the environment variable, so a user can switch in Settings. */
export function readGcpConfig(): GcpConfig {
  const fromSetting = vscode.workspace.getConfiguration(SECTION).get<string>('emulatorHost')?.trim();
  return { emulatorHost: fromSetting || process.env.DEVGEM_EMULATOR_HOST?.trim() || undefined };
}
