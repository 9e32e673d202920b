import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServiceRef } from '../../shared/protocol';
import { DevgemError } from '../base/errors';
import { isPlausibleRegion } from '../cloud/regions';

/** What the user may choose of the target (devgem.project, devgem.region, devgem.serviceName): each part optional. */
export type TargetSettings = Partial<ServiceRef>;

/** Where a target comes from: the settings first, then the environment, gcloud's configuration and the folder's name. */
export interface TargetSources extends TargetSettings {
  env: Record<string, string | undefined>;
  /** The folder being deployed; its name is the default service name. */
  workspaceRoot: string;
  /** Where gcloud keeps its configuration; defaults to gcloud's own rule. */
  gcloudConfigDir?: string;
}

/** The project and region as the sources give them now, and where each came from; nothing checked, the project maybe unset. */
export interface TargetLookup {
  project?: string;
  /** "setting devgem.project", "GOOGLE_CLOUD_PROJECT", `gcloud configuration "work"`, … */
  projectFrom?: string;
  region: string;
  regionFrom: string;
}

/** The target a deploy goes to, and where its parts came from (for the preflight's detail line). */
export interface ResolvedTarget {
  target: ServiceRef;
  projectFrom: string;
  regionFrom: string;
  /** The user named the service; otherwise it is named after the folder (or, in a monorepo, the app). */
  serviceNamed: boolean;
}

export const DEFAULT_REGION = 'us-central1';
const MAX_SERVICE_NAME = 49;

/** gcloud's own rule for where its configuration lives (gcloud need not be installed). */
export function gcloudConfigDir(env: Record<string, string | undefined>): string {
  if (env.CLOUDSDK_CONFIG) return env.CLOUDSDK_CONFIG;
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'gcloud');
  return path.join(env.HOME || os.homedir(), '.config', 'gcloud');
}

/** Minimal INI reader for gcloud's `configurations/config_<name>` files. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) (out[section] ??= {})[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The active gcloud configuration's `core/project` and `run/region`, if any. */
export async function readGcloudConfig(
  dir: string,
  env: Record<string, string | undefined>,
): Promise<{ project?: string; region?: string; configName: string }> {
  const configName = env.CLOUDSDK_ACTIVE_CONFIG_NAME || (await readText(path.join(dir, 'active_config')))?.trim() || 'default';
  const text = await readText(path.join(dir, 'configurations', `config_${configName}`));
  const ini = text ? parseIni(text) : {};
  return { project: ini.core?.project || undefined, region: ini.run?.region || undefined, configName };
}

/** Cloud Run's rule: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen. */
export function validateServiceName(name: string): string | undefined {
  if (!name) return 'The service name is empty.';
  if (name.length > MAX_SERVICE_NAME) return `"${name}" is longer than ${MAX_SERVICE_NAME} characters.`;
  if (!/^[a-z]/.test(name)) return `"${name}" must start with a lowercase letter.`;
  if (!/^[a-z0-9-]+$/.test(name)) return `"${name}" may contain only lowercase letters, digits and hyphens.`;
  if (name.endsWith('-')) return `"${name}" must not end with a hyphen.`;
  return undefined;
}

/** A valid service name made from a folder name ("My_App 2" -> "my-app-2"). */
export function serviceNameFromFolder(folder: string): string {
  let name = folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '');
  name = name.slice(0, MAX_SERVICE_NAME).replace(/-+$/, '');
  return name || 'app';
}

function validateProject(project: string, from: string): void {
  if (!/^[a-z][a-z0-9.:-]{4,62}[a-z0-9]$/.test(project)) {
    throw new DevgemError('config', `"${project}" (from ${from}) is not a valid Google Cloud project ID.`, {
      fix: 'Use the project ID (not its name or number), e.g. "my-project-123": set "devgem.project" in Settings.',
    });
  }
}

function validateRegion(region: string, from: string): void {
  if (!isPlausibleRegion(region)) {
    throw new DevgemError('config', `"${region}" (from ${from}) is not a Cloud Run region.`, {
      fix: 'Set "devgem.region" in Settings to a region such as us-central1 or europe-west1.',
    });
  }
}

const firstSet = (candidates: [string | undefined, string][]): [string, string] | undefined => {
  const hit = candidates.find(([v]) => v?.trim());
  return hit ? [hit[0]!.trim(), hit[1]] : undefined;
};

/**
 * The project and region a deploy would use now: settings, then environment,
 * then gcloud's active configuration (then the default region). Neither throws
 * when no project is set nor validates: a picker shows whatever is set.
 */
export async function lookUpTarget(sources: Omit<TargetSources, 'workspaceRoot' | 'service'>): Promise<TargetLookup> {
  const { env } = sources;
  const gcloud = await readGcloudConfig(sources.gcloudConfigDir ?? gcloudConfigDir(env), env);
  const gcloudFrom = `gcloud configuration "${gcloud.configName}"`;
  const project = firstSet([
    [sources.project, 'setting devgem.project'],
    [env.GOOGLE_CLOUD_PROJECT, 'GOOGLE_CLOUD_PROJECT'],
    [env.CLOUDSDK_CORE_PROJECT, 'CLOUDSDK_CORE_PROJECT'],
    [gcloud.project, gcloudFrom],
  ]);
  const region = firstSet([
    [sources.region, 'setting devgem.region'],
    [env.CLOUDSDK_RUN_REGION, 'CLOUDSDK_RUN_REGION'],
    [env.GOOGLE_CLOUD_REGION, 'GOOGLE_CLOUD_REGION'],
    [gcloud.region, gcloudFrom],
  ]) ?? [DEFAULT_REGION, 'default'];
  return { project: project?.[0], projectFrom: project?.[1], region: region[0], regionFrom: region[1] };
}

/** The target as lookUpTarget finds it, checked, with the service named by the setting or after the folder. */
export async function resolveTarget(sources: TargetSources): Promise<ResolvedTarget> {
  const found = await lookUpTarget(sources);
  if (!found.project || !found.projectFrom) {
    throw new DevgemError('config', 'No Google Cloud project is set.', {
      fix: 'Set "devgem.project" in Settings (Devgem: Open Settings), or run `gcloud config set project YOUR_PROJECT_ID`.',
    });
  }
  validateProject(found.project, found.projectFrom);
  validateRegion(found.region, found.regionFrom);

  const named = sources.service?.trim();
  const service = named || serviceNameFromFolder(path.basename(sources.workspaceRoot));
  const invalid = validateServiceName(service);
  if (invalid) {
    throw new DevgemError('config', `Invalid Cloud Run service name: ${invalid}`, {
      fix: 'Set "devgem.serviceName" to lowercase letters, digits and hyphens, starting with a letter (at most 49 characters).',
    });
  }
  return {
    target: { project: found.project, region: found.region, service },
    projectFrom: found.projectFrom,
    regionFrom: found.regionFrom,
    serviceNamed: Boolean(named),
  };
}

/** In a monorepo the service is named after the app, not the repository, unless the user named it. */
export function targetForApp(resolved: Pick<ResolvedTarget, 'target' | 'serviceNamed'>, app: { name: string; path: string }): ServiceRef {
  if (resolved.serviceNamed || !app.path) return resolved.target;
  return { ...resolved.target, service: serviceNameFromFolder(app.name) };
}
