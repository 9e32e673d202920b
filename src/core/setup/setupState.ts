import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ViewSnapshot } from '../../shared/protocol';
import { gcloudConfigDir, resolveTarget, type TargetSettings } from '../deploy/target';

/** The context keys the Getting Started walkthrough completes its steps on (package.json `onContext:`). */
export const SETUP_CONTEXT_KEYS = {
  signedIn: 'devgem.signedIn',
  hasTarget: 'devgem.hasTarget',
  aiConfigured: 'devgem.aiConfigured',
  hasDeployed: 'devgem.hasDeployed',
} as const;

/**
 * Flipped by the extension after the walkthrough may have appeared. VS Code counts an `onContext` completion event whose
 * expression is already true when its walkthrough service starts (lazily, when the walkthrough is first opened) as seen
 * but never ticks the step, and then ignores that expression for the session; each step therefore also completes on
 * `KEY && pulse` and `KEY && !pulse`, and the next flip makes one of them newly true.
 */
export const WALKTHROUGH_PULSE_KEY = 'devgem.walkthroughPulse';

export type SetupState = Record<keyof typeof SETUP_CONTEXT_KEYS, boolean>;

export interface SetupInputs {
  env: Record<string, string | undefined>;
  settings: TargetSettings;
  /** A local Cloud emulator stands in for Google: no sign-in needed. */
  emulatorHost?: string;
  snapshot: Pick<ViewSnapshot, 'deploy' | 'history' | 'agent'>;
  gcloudConfigDir?: string;
}

/** Where Google's client libraries look for Application Default Credentials, in their order. */
export function adcFiles(env: Record<string, string | undefined>, configDir = gcloudConfigDir(env)): string[] {
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS?.trim();
  return [...(explicit ? [explicit] : []), path.join(configDir, 'application_default_credentials.json')];
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** A deploy got past preflight (credentials were checked) now or before. */
export function preflightPassed(snapshot: SetupInputs['snapshot']): boolean {
  if (snapshot.deploy?.stages?.preflight?.status === 'done') return true;
  return (snapshot.history ?? []).some((r) => r.stages?.preflight?.status === 'done' || r.outcome === 'success' || r.outcome === 'private');
}

/** A project and region resolve the way a deploy would resolve them (settings, environment, gcloud). */
export async function hasTarget(inputs: Pick<SetupInputs, 'env' | 'settings' | 'gcloudConfigDir'>): Promise<boolean> {
  try {
    // Only project and region matter here; the service name has its own checks at deploy time.
    await resolveTarget({
      project: inputs.settings.project,
      region: inputs.settings.region,
      env: inputs.env,
      workspaceRoot: 'app',
      gcloudConfigDir: inputs.gcloudConfigDir,
    });
    return true;
  } catch {
    return false;
  }
}

/** What the walkthrough's steps complete on. Reads two small files at most; never throws. */
export async function readSetupState(inputs: SetupInputs): Promise<SetupState> {
  const configDir = inputs.gcloudConfigDir ?? gcloudConfigDir(inputs.env);
  const signedIn =
    Boolean(inputs.emulatorHost?.trim()) || preflightPassed(inputs.snapshot) || (await Promise.all(adcFiles(inputs.env, configDir).map(isFile))).some(Boolean);
  return {
    signedIn,
    hasTarget: await hasTarget({ ...inputs, gcloudConfigDir: configDir }),
    aiConfigured: inputs.snapshot.agent?.mode === 'gemini',
    hasDeployed: (inputs.snapshot.history?.length ?? 0) > 0,
  };
}

/** The full path of `command` on PATH (with Windows' extensions), or undefined: tells whether gcloud is installed. */
export async function findOnPath(
  command: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, command + ext.toLowerCase());
      if (await isFile(file)) return file;
    }
  }
  return undefined;
}
