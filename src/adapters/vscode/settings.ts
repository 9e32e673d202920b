import * as vscode from 'vscode';
import { DEFAULT_OPTIONS, type DeployOptions } from '../../core/deploy/deployOptions';
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
    service: text('serviceName'),
    allowUnauthenticated: c.get<boolean>('allowUnauthenticated', DEFAULT_OPTIONS.allowUnauthenticated),
    sourceBucket: text('sourceBucket'),
    repository: text('artifactRepository') ?? DEFAULT_OPTIONS.repository,
    buildTimeoutSeconds: seconds('buildTimeoutSeconds', DEFAULT_OPTIONS.buildTimeoutSeconds),
    deployTimeoutSeconds: seconds('deployTimeoutSeconds', DEFAULT_OPTIONS.deployTimeoutSeconds),
    verifyTimeoutSeconds: seconds('verifyTimeoutSeconds', DEFAULT_OPTIONS.verifyTimeoutSeconds),
    callTimeoutSeconds: seconds('callTimeoutSeconds', 60),
    incremental: c.get<boolean>('incrementalDeploys', true),
    autoRollback: c.get<boolean>('autoRollback', true),
    env: { ...process.env },
  };
}

/** The emulator setting wins over the environment variable, so a user can switch in Settings. */
export function readGcpConfig(): GcpConfig {
  const fromSetting = vscode.workspace.getConfiguration(SECTION).get<string>('emulatorHost')?.trim();
  return { emulatorHost: fromSetting || process.env.DEVGEM_EMULATOR_HOST?.trim() || undefined };
}

export type AiProvider = 'auto' | 'vertex' | 'apiKey' | 'off';

export interface AgentSettings {
  provider: AiProvider;
  model: string;
  vertexProject?: string;
  vertexLocation: string;
  maxSteps: number;
  firstByteTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  deploysPerDay: number;
  modelCallsPerDay: number;
  tokensPerDay: number;
}

export const DEFAULT_MODEL = 'gemini-3.8-flash';

/** The devgem.ai.* and devgem.limits.* settings. */
export function readAgentSettings(): AgentSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const whole = (key: string, fallback: number, min: number, max: number) => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  };
  const provider = c.get<string>('ai.provider');
  return {
    provider: provider === 'vertex' || provider === 'apiKey' || provider === 'off' ? provider : 'auto',
    model: c.get<string>('ai.model')?.trim() || DEFAULT_MODEL,
    vertexProject: c.get<string>('ai.vertexProject')?.trim() || undefined,
    vertexLocation: c.get<string>('ai.vertexLocation')?.trim() || 'global',
    maxSteps: whole('ai.maxSteps', 12, 1, 50),
    firstByteTimeoutSeconds: whole('ai.firstByteTimeoutSeconds', 90, 5, 600),
    idleTimeoutSeconds: whole('ai.idleTimeoutSeconds', 60, 5, 600),
    deploysPerDay: whole('limits.deploysPerDay', 50, 0, 100_000),
    modelCallsPerDay: whole('limits.modelCallsPerDay', 500, 0, 1_000_000),
    tokensPerDay: whole('limits.tokensPerDay', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}
