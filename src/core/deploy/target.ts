import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployTarget } from '../../shared/protocol';
import { DevgemError } from '../base/errors';
import { isPlausibleRegion } from '../cloud/regions';

export interface TargetSettings {
  project?: string;
  region?: string;
  serviceName?: string;
}

export interface TargetSources {
  settings: TargetSettings;
  env: Record<string, string | undefined>;
  /** The folder being deployed; its name is the default service name. */
  workspaceRoot: string;
  /** Where gcloud keeps its configuration; defaults to gcloud's own rule. */
  gcloudConfigDir?: string;
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

/** Settings, then environment, then gcloud's active configuration. */
export async function resolveTarget(sources: TargetSources): Promise<DeployTarget & { regionFrom: string; projectFrom: string }> {
  const { settings, env } = sources;
  const gcloud = await readGcloudConfig(sources.gcloudConfigDir ?? gcloudConfigDir(env), env);
  const projectCandidates: [string | undefined, string][] = [
    [settings.project, 'setting devgem.project'],
    [env.GOOGLE_CLOUD_PROJECT, 'GOOGLE_CLOUD_PROJECT'],
    [env.CLOUDSDK_CORE_PROJECT, 'CLOUDSDK_CORE_PROJECT'],
    [gcloud.project, `gcloud configuration "${gcloud.configName}"`],
  ];
  const projectHit = projectCandidates.find(([v]) => v?.trim());
  if (!projectHit) {
    throw new DevgemError('config', 'No Google Cloud project is set.', {
      fix: 'Set "devgem.project" in Settings (Devgem: Open Settings), or run `gcloud config set project YOUR_PROJECT_ID`.',
    });
  }
  const project = projectHit[0]!.trim();
  validateProject(project, projectHit[1]);

  const regionCandidates: [string | undefined, string][] = [
    [settings.region, 'setting devgem.region'],
    [env.CLOUDSDK_RUN_REGION, 'CLOUDSDK_RUN_REGION'],
    [env.GOOGLE_CLOUD_REGION, 'GOOGLE_CLOUD_REGION'],
    [gcloud.region, `gcloud configuration "${gcloud.configName}"`],
    [DEFAULT_REGION, 'default'],
  ];
  const regionHit = regionCandidates.find(([v]) => v?.trim())!;
  const region = regionHit[0]!.trim();
  validateRegion(region, regionHit[1]);

  const explicit = settings.serviceName?.trim();
  const service = explicit || serviceNameFromFolder(path.basename(sources.workspaceRoot));
  const invalid = validateServiceName(service);
  if (invalid) {
    throw new DevgemError('config', `Invalid Cloud Run service name: ${invalid}`, {
      fix: 'Set "devgem.serviceName" to lowercase letters, digits and hyphens, starting with a letter (at most 49 characters).',
    });
  }
  return { project, region, service, projectFrom: projectHit[1], regionFrom: regionHit[1] };
}
