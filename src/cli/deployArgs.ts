import * as path from 'node:path';
import { applyDeployConfig, readDeployConfigSync } from '../core/deploy/deployConfig';
import { deployOptionsFor } from '../core/deploy/deployRequest';
import { DEFAULT_OPTIONS, TRAFFIC_TAG_PATTERN, type DeployOptions } from '../core/deploy/deployOptions';
import { DevgemError } from '../core/base/errors';
import { validateServiceName } from '../core/deploy/target';
import type { ParsedArgs } from './args';
import { UsageError } from './args';
import { cliWording } from './cliWording';

// `devgem deploy` flags -> the same DeployOptions the extension and the agent
// build, checked before anything touches the cloud: a wrong flag is a usage
// error (exit 2), never a half-done deploy.

export interface DeployRequest {
  opts: DeployOptions;
  json: boolean;
  /** Write a generated Dockerfile and upload flagged files without asking. */
  yes: boolean;
  /** Update a service Devgem did not create from this folder (--yes alone never does). */
  takeOver: boolean;
  /** Whole-deploy deadline; undefined = only the pipeline's own per-stage bounds. */
  timeoutSeconds?: number;
  /** `DEVGEM_EMULATOR_HOST`: the local Cloud emulator instead of Google. */
  emulatorHost?: string;
}

const SECRET_VALUE = /^[A-Za-z0-9_-]{1,255}(:(latest|[0-9]+))?$/;
const MAX_TIMEOUT_SECONDS = 24 * 3600;

/** `K=V` words into a map; the value may contain '=' and may be empty, the name may not. */
function keyValues(words: string[], flag: string, example: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} takes NAME=VALUE (e.g. ${flag} ${example}), not "${eq < 0 ? word.split(/\s/)[0] : word.slice(0, eq + 1)}".`);
    const name = word.slice(0, eq);
    if (name in out) throw new UsageError(`${flag} ${name} is given twice.`);
    out[name] = word.slice(eq + 1);
  }
  return out;
}

function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout takes whole seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not "${value}".`);
  }
  return Number(value);
}

/** `--no-traffic --tag TAG`: both or neither, so a tag never silently moves traffic. */
function previewTag(args: ParsedArgs): string | undefined {
  const tag = stringFlag(args, '--tag');
  const noTraffic = args.flags.has('--no-traffic');
  if (noTraffic && tag === undefined)
    throw new UsageError("--no-traffic needs --tag TAG: the preview is reached through the tag's own URL (e.g. --no-traffic --tag pr-42).");
  if (!noTraffic && tag !== undefined)
    throw new UsageError('--tag only goes with --no-traffic (a preview deploy); without it the new revision takes all the traffic.');
  if (tag !== undefined && !new RegExp(TRAFFIC_TAG_PATTERN).test(tag)) {
    throw new UsageError(
      `--tag "${tag}" cannot be a Cloud Run traffic tag: use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 48 characters.`,
    );
  }
  return tag;
}

export function deployRequestFrom(args: ParsedArgs, cwd: string, env: Record<string, string | undefined>): DeployRequest {
  if (args.positionals.length > 1) throw new UsageError(`Expected at most one folder, got ${args.positionals.join(' ')}.`);
  const workspaceRoot = path.resolve(cwd, args.positionals[0] ?? '.');
  const service = stringFlag(args, '--service');
  const invalidService = service !== undefined ? validateServiceName(service) : undefined;
  if (invalidService) throw new UsageError(`--service: ${invalidService} Use lowercase letters, digits and hyphens, starting with a letter.`);

  const envVars = keyValues(args.lists.get('--env') ?? [], '--env', 'GREETING=hello');
  const secrets = keyValues(args.lists.get('--secret') ?? [], '--secret', 'DB_URL=db-url:latest');
  for (const [name, ref] of Object.entries(secrets)) {
    if (!SECRET_VALUE.test(ref)) {
      throw new UsageError(
        `--secret ${name}= needs a Secret Manager secret ID, optionally with :VERSION (a number or latest), e.g. ${name}=${name.toLowerCase().replace(/_/g, '-')}:latest. The value is the secret's name, never the secret itself.`,
      );
    }
  }
  const base: DeployOptions = {
    ...DEFAULT_OPTIONS,
    workspaceRoot,
    project: stringFlag(args, '--project'),
    region: stringFlag(args, '--region'),
    service,
    env,
  };
  let opts: DeployOptions;
  try {
    // The checks the agent's deploy tool makes too: names Cloud Run refuses, and secret-looking names as plain env vars.
    // The folder's saved configuration (.devgem/deploy.json) under the flags, over the defaults.
    opts = deployOptionsFor(applyDeployConfig(base, readDeployConfigSync(workspaceRoot)), {
      service,
      region: stringFlag(args, '--region'),
      env: envVars,
      secrets,
      subfolder: stringFlag(args, '--app'),
      public: args.flags.has('--private') ? false : undefined,
      preview_tag: previewTag(args),
      deploy_anyway: args.flags.has('--force') || undefined,
    });
  } catch (err) {
    if (err instanceof DevgemError && err.kind === 'invalid-argument') throw new UsageError(cliWording(`${err.message}${err.fix ? ` ${err.fix}` : ''}`));
    throw err;
  }
  // deployOptionsFor speaks to the model ("subfolder", `secrets: {...}`); '.' means the root app here.
  if (opts.appPath === '.' || opts.appPath === '') opts = { ...opts, appPath: '' };
  return {
    opts,
    json: args.flags.has('--json'),
    yes: args.flags.has('--yes'),
    takeOver: args.flags.has('--take-over'),
    timeoutSeconds: parseTimeout(stringFlag(args, '--timeout')),
    emulatorHost: env.DEVGEM_EMULATOR_HOST?.trim() || undefined,
  };
}
