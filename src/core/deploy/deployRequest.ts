import { DevgemError } from '../base/errors';
import type { RuntimeSpec, SecretRef } from '../cloud/ports';
import { isEnvName, isReservedEnvName, looksSecret } from '../env/envNames';
import type { DeployRequestData } from '../../shared/protocol';
import { TRAFFIC_TAG_PATTERN, type DeployOptions } from './deployOptions';

// What a deploy request asks for on top of the settings, checked the same way
// whether the chat agent (agent/tools/deployTools) or `devgem deploy` (cli/deployArgs)
// asked: here so the CLI needs nothing from the agent.

/** The request's own choices; the names are the agent tool's parameters (see DEPLOY_PARAMETERS). */
export interface DeployArgs {
  service?: string;
  region?: string;
  subfolder?: string;
  env?: Record<string, string>;
  secrets?: Record<string, string>;
  public?: boolean;
  minInstances?: number;
  maxInstances?: number;
  cpu?: string;
  memory?: string;
  /** A preview: the new revision gets no traffic, only this tag's own URL. */
  preview_tag?: string;
  /** Deploy although the analysis found no server that listens (the user insisted). */
  deploy_anyway?: boolean;
}

/** Checks what a JSON schema cannot: env names Cloud Run refuses and secret-looking plain values. */
export function checkEnvNames(env: Record<string, string> | undefined, secrets: Record<string, string> | undefined): void {
  for (const name of [...Object.keys(env ?? {}), ...Object.keys(secrets ?? {})]) {
    if (!isEnvName(name))
      throw new DevgemError('invalid-argument', `"${name}" is not a valid env var name.`, {
        fix: 'Use letters, digits and underscores, not starting with a digit.',
      });
    if (isReservedEnvName(name))
      throw new DevgemError('invalid-argument', `Cloud Run sets "${name}" itself; it cannot be set.`, {
        fix: 'Remove it (the app reads $PORT as given by Cloud Run).',
      });
  }
  for (const [name, value] of Object.entries(env ?? {})) {
    if (looksSecret(name, value)) {
      throw new DevgemError('invalid-argument', `"${name}" looks like a secret, so Devgem will not set it as a plain env var.`, {
        fix: `Store it in Secret Manager and pass it under "secrets" (e.g. secrets: {"${name}": "${name.toLowerCase().replace(/_/g, '-')}"}).`,
      });
    }
  }
}

function secretRef(value: string): SecretRef {
  const [secret, version] = value.split(':');
  return { secret, version: version ?? 'latest' };
}

/** The deploy options a chat request asks for, on top of the settings. */
export function deployOptionsFor(base: DeployOptions, args: DeployArgs): DeployOptions {
  checkEnvNames(args.env, args.secrets);
  if (args.minInstances !== undefined && args.maxInstances !== undefined && args.minInstances > args.maxInstances) {
    throw new DevgemError('invalid-argument', `minInstances (${args.minInstances}) is more than maxInstances (${args.maxInstances}).`);
  }
  const runtime: RuntimeSpec = {
    env: args.env && Object.keys(args.env).length ? args.env : undefined,
    secrets: args.secrets && Object.keys(args.secrets).length ? Object.fromEntries(Object.entries(args.secrets).map(([k, v]) => [k, secretRef(v)])) : undefined,
    minInstances: args.minInstances,
    maxInstances: args.maxInstances,
    cpu: args.cpu,
    memory: args.memory,
  };
  if (args.preview_tag !== undefined && !new RegExp(TRAFFIC_TAG_PATTERN).test(args.preview_tag)) {
    throw new DevgemError('invalid-argument', `"${args.preview_tag}" cannot be a Cloud Run traffic tag.`, {
      fix: 'Use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 48 characters (e.g. "pr-42").',
    });
  }
  const subfolder = args.subfolder?.replace(/^\.?\/+|\/+$/g, '');
  if (subfolder !== undefined && (subfolder.split('/').includes('..') || subfolder.startsWith('/') || /^[A-Za-z]:/.test(subfolder))) {
    throw new DevgemError('invalid-argument', `"${args.subfolder}" is not a folder inside the workspace.`);
  }
  return {
    ...base,
    service: args.service ?? base.service,
    region: args.region ?? base.region,
    appPath: subfolder ?? base.appPath,
    allowUnauthenticated: args.public ?? base.allowUnauthenticated,
    // The request's own choices go over the saved configuration's (deployConfig.ts), field by field.
    runtime: mergeRuntime(base.runtime, runtime),
    ...(args.preview_tag !== undefined ? { noTraffic: { tag: args.preview_tag } } : {}),
    ...(args.deploy_anyway ? { deployAnyway: true } : {}),
  };
}

/** What a deploy asked for, to keep with it (DeployRequestData): no approvals, no deploy id, no environment. */
export function requestOf(opts: DeployOptions): DeployRequestData {
  const r: DeployRequestData = { allowUnauthenticated: opts.allowUnauthenticated };
  if (opts.project) r.project = opts.project;
  if (opts.region) r.region = opts.region;
  if (opts.service) r.service = opts.service;
  if (opts.appPath !== undefined) r.appPath = opts.appPath;
  if (opts.runtime && Object.values(opts.runtime).some((v) => v !== undefined))
    r.runtime = JSON.parse(JSON.stringify(opts.runtime)) as DeployRequestData['runtime'];
  if (opts.noTraffic) r.noTraffic = { tag: opts.noTraffic.tag };
  if (opts.gitHub) r.gitHub = { ...opts.gitHub };
  if (opts.fixRound) r.fixRound = opts.fixRound;
  return r;
}

/** The options to deploy `request` again: today's settings for the folder (`base`), the request's own choices over them; nothing approved yet. */
export function optionsFromRequest(base: DeployOptions, request: DeployRequestData): DeployOptions {
  const { approvedSpecChanges: _a, approvedTakeOver: _t, deployId: _d, ...rest } = base;
  return {
    ...rest,
    ...(request.project ? { project: request.project } : {}),
    ...(request.region ? { region: request.region } : {}),
    ...(request.service ? { service: request.service } : {}),
    ...(request.appPath !== undefined ? { appPath: request.appPath } : {}),
    allowUnauthenticated: request.allowUnauthenticated,
    ...(request.runtime ? { runtime: JSON.parse(JSON.stringify(request.runtime)) as RuntimeSpec } : {}),
    ...(request.noTraffic ? { noTraffic: { ...request.noTraffic } } : {}),
    ...(request.fixRound ? { fixRound: request.fixRound } : {}),
  };
}

function mergeRuntime(base: RuntimeSpec | undefined, asked: RuntimeSpec): RuntimeSpec | undefined {
  const merged: RuntimeSpec = { ...base };
  for (const [k, v] of Object.entries(asked)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  if (base?.env && asked.env) merged.env = { ...base.env, ...asked.env };
  if (base?.secrets && asked.secrets) merged.secrets = { ...base.secrets, ...asked.secrets };
  return Object.values(merged).some((v) => v !== undefined) ? merged : undefined;
}
