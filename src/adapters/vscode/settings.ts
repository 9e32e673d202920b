// Every devgem.* setting is read here. The deploy settings (project, region,
// service, …) are read for one folder, so in a multi-root workspace a folder's
// own .vscode/settings.json wins; the others are read for the window.
import * as vscode from 'vscode';
import { BUILD_STRATEGIES, DEFAULT_OPTIONS, type DeployOptions } from '../../core/deploy/deployOptions';
import { BUILD_MACHINE_TYPES } from '../../core/cloud/ports';
import type { TargetSettings } from '../../core/deploy/target';
import { applyDeployConfig, readDeployConfigSync } from '../../core/deploy/deployConfig';
import type { UsageLimits } from '../../core/base/usage';
import { DEFAULT_MAX_ENTRIES, DEFAULT_MAX_EXTRACT_MB, type ExtractLimits } from '../../core/github/archiveRules';
import { DEFAULT_MAX_DOWNLOAD_MB } from '../../core/github/gitHubSource';
import type { GcpConfig } from '../gcp/gcpConfig';

export const SECTION = 'devgem';

/**
 * A setting that protects the user (devgem.limits.*, devgem.ai.*, the emulator host, the
 * download cap): only the user's (or remote machine's) value or the default counts. package.json
 * gives them `scope: machine`, and this ignores workspace and folder values even where an old
 * VS Code would still apply them, so a cloned repository cannot lift limits or redirect calls.
 */
function userSetting<T>(key: string): T | undefined {
  const seen = vscode.workspace.getConfiguration(SECTION).inspect<T>(key);
  return seen?.globalValue ?? seen?.defaultValue;
}

function folderSettings(folder: vscode.Uri | undefined) {
  const c = vscode.workspace.getConfiguration(SECTION, folder);
  const text = (key: string) => c.get<string>(key)?.trim() || undefined;
  // The setting is devgem.serviceName; everywhere else the service is `service` (one ServiceRef shape).
  const target: TargetSettings = { project: text('project'), region: text('region'), service: text('serviceName') };
  return { c, text, target, allowUnauthenticated: c.get<boolean>('allowUnauthenticated', DEFAULT_OPTIONS.allowUnauthenticated) };
}

/** The project, region and service name set for `folder` (the window's when undefined). */
export function readTargetSettings(folder: vscode.Uri | undefined): TargetSettings {
  return folderSettings(folder).target;
}

/** What the chat's system prompt states about the settings of `folder`. */
export function readPromptOptions(folder: vscode.Uri | undefined): Pick<DeployOptions, 'project' | 'region' | 'service' | 'allowUnauthenticated'> {
  const { target, allowUnauthenticated } = folderSettings(folder);
  return { ...target, allowUnauthenticated };
}

/** `value` when it is one of `allowed` (a hand-edited settings.json may hold anything). */
function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

/**
 * Reads the devgem.* settings for one folder into the pipeline's options, with the folder's
 * saved deploy configuration (.devgem/deploy.json) over them. A bad file throws a DevgemError naming the field.
 */
export function readDeployOptions(folder: vscode.Uri): DeployOptions {
  return applyDeployConfig(readSettingsOptions(folder), readDeployConfigSync(folder.fsPath));
}

function readSettingsOptions(folder: vscode.Uri): DeployOptions {
  const { c, text, target, allowUnauthenticated } = folderSettings(folder);
  const seconds = (key: string, fallback: number) => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    workspaceRoot: folder.fsPath,
    ...target,
    allowUnauthenticated,
    sourceBucket: text('sourceBucket'),
    repository: text('artifactRepository') ?? DEFAULT_OPTIONS.repository,
    buildTimeoutSeconds: seconds('buildTimeoutSeconds', DEFAULT_OPTIONS.buildTimeoutSeconds),
    deployTimeoutSeconds: seconds('deployTimeoutSeconds', DEFAULT_OPTIONS.deployTimeoutSeconds),
    verifyTimeoutSeconds: seconds('verifyTimeoutSeconds', DEFAULT_OPTIONS.verifyTimeoutSeconds),
    callTimeoutSeconds: seconds('callTimeoutSeconds', 60),
    incremental: c.get<boolean>('incrementalDeploys', true),
    autoRollback: c.get<boolean>('autoRollback', true),
    buildStrategy: oneOf(c.get<string>('build.strategy'), BUILD_STRATEGIES) ?? 'auto',
    buildMachineType: oneOf(c.get<string>('build.machineType'), BUILD_MACHINE_TYPES),
    env: { ...process.env },
  };
}

/**
 * The options of a deploy of `target`, a folder inside the workspace folder
 * `folder` (the Explorer's "Deploy to Cloud Run"): the workspace folder's
 * settings, but a subfolder is its own app, so its service is named after it
 * unless it is the workspace folder itself (devgem.serviceName names that one).
 */
export function readFolderDeployOptions(folder: vscode.Uri, target: vscode.Uri): DeployOptions {
  const opts = readDeployOptions(folder);
  if (target.fsPath === folder.fsPath) return opts;
  return { ...opts, workspaceRoot: target.fsPath, service: undefined };
}

/**
 * Saves the project or region the walkthrough's pickers chose: in the
 * folder's own settings (.vscode/settings.json) when `folder` is given, never
 * the .code-workspace file of a multi-root workspace; else in the user's.
 */
export async function writeTargetSetting(key: 'project' | 'region', value: string, folder: vscode.Uri | undefined): Promise<void> {
  const target = folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION, folder).update(key, value, target);
}

/**
 * The local Cloud emulator (tests, `npm start`) is chosen by the environment variable
 * DEVGEM_EMULATOR_HOST only: it is not a setting users see, nor one a repository can set.
 */
export function readGcpConfig(): GcpConfig {
  return { emulatorHost: process.env.DEVGEM_EMULATOR_HOST?.trim() || undefined };
}

/** devgem.reviewGeneratedDockerfile: show a generated Dockerfile and ask before writing it. */
export function readReviewGeneratedDockerfile(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('reviewGeneratedDockerfile', true);
}

/** The download limit of a GitHub repository archive (devgem.github.maxDownloadMB), in bytes. */
export function readMaxDownloadBytes(): number {
  const mb = userSetting<number>('github.maxDownloadMB');
  return Math.round((typeof mb === 'number' && Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_DOWNLOAD_MB) * 1024 * 1024);
}

/** Caps on what a GitHub archive may extract to (devgem.github.maxExtractMB, devgem.github.maxEntries). */
export function readExtractLimits(): ExtractLimits {
  const config = vscode.workspace.getConfiguration(SECTION);
  const mb = config.get<number>('github.maxExtractMB');
  const entries = config.get<number>('github.maxEntries');
  const positive = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  return {
    maxBytes: Math.round((positive(mb) ? mb : DEFAULT_MAX_EXTRACT_MB) * 1024 * 1024),
    maxEntries: Math.round(positive(entries) ? entries : DEFAULT_MAX_ENTRIES),
  };
}

export type AiProvider = 'auto' | 'vertex' | 'apiKey' | 'vscode' | 'off';

export interface AgentSettings {
  provider: AiProvider;
  model: string;
  vertexProject?: string;
  vertexLocation: string;
  /** devgem.project for the window, Vertex AI's project when devgem.ai.vertexProject is unset ('' when set empty). */
  windowProject?: string;
  maxSteps: number;
  firstByteTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  deploysPerDay: number;
  modelCallsPerDay: number;
  tokensPerDay: number;
}

export const DEFAULT_MODEL = 'gemini-3.8-flash';

/** The devgem.ai.* and devgem.limits.* settings (user values only, see userSetting). */
export function readAgentSettings(): AgentSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const whole = (key: string, fallback: number, min: number, max: number) => {
    const v = userSetting<number>(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  };
  const provider = userSetting<string>('ai.provider');
  return {
    provider: provider === 'vertex' || provider === 'apiKey' || provider === 'vscode' || provider === 'off' ? provider : 'auto',
    model: userSetting<string>('ai.model')?.trim() || DEFAULT_MODEL,
    vertexProject: userSetting<string>('ai.vertexProject')?.trim() || undefined,
    vertexLocation: userSetting<string>('ai.vertexLocation')?.trim() || 'global',
    windowProject: c.get<string>('project')?.trim(),
    maxSteps: whole('ai.maxSteps', 12, 1, 50),
    firstByteTimeoutSeconds: whole('ai.firstByteTimeoutSeconds', 90, 5, 600),
    idleTimeoutSeconds: whole('ai.idleTimeoutSeconds', 60, 5, 600),
    deploysPerDay: whole('limits.deploysPerDay', 50, 0, 100_000),
    modelCallsPerDay: whole('limits.modelCallsPerDay', 500, 0, 1_000_000),
    tokensPerDay: whole('limits.tokensPerDay', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** The daily limits the usage guard enforces. */
export function readUsageLimits(): UsageLimits {
  const s = readAgentSettings();
  return { deploysPerDay: s.deploysPerDay, modelCallsPerDay: s.modelCallsPerDay, tokensPerDay: s.tokensPerDay };
}

/** devgem.local.*: Run Locally. Secrets reach the local container only when this is on (and the user confirms). */
export function readLocalRunSettings(folder: vscode.Uri | undefined): { includeSecrets: boolean } {
  return { includeSecrets: vscode.workspace.getConfiguration(SECTION, folder).get<boolean>('local.includeSecrets', false) };
}
