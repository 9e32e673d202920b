// The saved per-app deploy configuration: `.devgem/deploy.json` in a workspace folder,
// checked in with the code. Which app of the folder to deploy and its Cloud Run
// service settings, applied on every deploy (over the devgem.* settings, under what
// the chat or the command line asks for one deploy). It never holds a secret value:
// secrets are Secret Manager references only.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DevgemError } from '../base/errors';
import { redactText } from '../base/redact';
import type { RuntimeSpec, SecretRef } from '../cloud/ports';
import { envNameProblem, looksSecret } from '../env/envNames';
import type { DeployOptions } from './deployOptions';
import { INGRESS_VALUES, type DeployConfigData, type Ingress } from '../../shared/protocol';

/** Relative to the workspace folder. */
export const DEPLOY_CONFIG_FILE = '.devgem/deploy.json';

export { INGRESS_VALUES, type Ingress } from '../../shared/protocol';

/** The file's shape is the protocol's (the settings form edits the same type): one definition, in src/shared. */
export type DeployConfig = DeployConfigData;

/**
 * Every field, each once; the key order is the order the file, the form and the plan show them.
 * A `Record` over the type's keys, so a field added to DeployConfigData and not here fails to compile.
 */
const FIELD_ORDER: Record<keyof DeployConfig, true> = {
  app: true,
  service: true,
  region: true,
  cpu: true,
  memory: true,
  minInstances: true,
  maxInstances: true,
  concurrency: true,
  timeoutSeconds: true,
  ingress: true,
  serviceAccount: true,
  env: true,
  secrets: true,
  vpcConnector: true,
  cloudSqlInstances: true,
};

/** The fields in the order the file, the form and the plan show them. */
export const DEPLOY_CONFIG_FIELDS = Object.keys(FIELD_ORDER) as readonly (keyof DeployConfig)[];

const SERVICE = /^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const CPU = /^([0-9]+(\.[0-9]+)?|[0-9]+m)$/;
const MEMORY = /^[0-9]+(Mi|Gi)$/;
const SERVICE_ACCOUNT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$|^[0-9]+-compute@developer\.gserviceaccount\.com$/;
const CONNECTOR = /^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z]+-[a-z]+[0-9]+\/connectors\/)?[a-z][a-z0-9-]{0,23}$/;
const SQL_INSTANCE = /^[a-z][a-z0-9-:.]*[a-z0-9]:[a-z]+-[a-z]+[0-9]+:[a-z][a-z0-9-]{0,97}$/;
const SECRET_REF = /^[A-Za-z0-9_-]{1,255}(:([1-9][0-9]*|latest))?$/;

function bad(field: string, problem: string, fix?: string): DevgemError {
  return new DevgemError('invalid-argument', `${DEPLOY_CONFIG_FILE}: "${field}" ${problem}`, {
    fix: fix ?? `Fix or remove "${field}" in ${DEPLOY_CONFIG_FILE}; nothing else in the file was changed.`,
  });
}

function text(v: unknown, field: string, re: RegExp, shape: string): string {
  if (typeof v !== 'string' || !re.test(v)) throw bad(field, `must be ${shape}${typeof v === 'string' ? `, not "${redactText(v).slice(0, 80)}"` : ''}.`);
  return v;
}

function whole(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(field, `must be a whole number from ${min} to ${max}.`);
  return v;
}

function envName(name: string, field: string): void {
  const problem = envNameProblem(name);
  if (problem) throw bad(`${field}.${name}`, `is not an env var name Cloud Run takes: ${problem}.`);
}

/** A value that would be a secret in plain sight: a secret-like name, URL credentials, or a token the redactor knows. */
export function looksLikeSecretValue(name: string, value: string): boolean {
  return looksSecret(name, value) || (value.length > 0 && redactText(value) !== value);
}

/** Checks a parsed object field by field; the first problem is thrown, naming the field. */
export function validateDeployConfig(raw: unknown): DeployConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw bad('(file)', 'must be a JSON object.', `Start ${DEPLOY_CONFIG_FILE} with { and end it with }.`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== '$schema' && !(DEPLOY_CONFIG_FIELDS as readonly string[]).includes(k))
      throw bad(k, `is not a Devgem deploy setting.`, `Use only ${DEPLOY_CONFIG_FIELDS.join(', ')}.`);
  }
  const c: DeployConfig = {};
  if (o.app !== undefined) {
    const app = text(o.app, 'app', /^[^\0]{0,300}$/, 'a folder path').replace(/^\.?\/+|\/+$/g, '');
    if (app.split('/').includes('..') || /^[A-Za-z]:/.test(app) || app.startsWith('/')) throw bad('app', 'must be a folder inside the workspace folder.');
    c.app = app;
  }
  if (o.service !== undefined) c.service = text(o.service, 'service', SERVICE, 'a Cloud Run service name (lowercase letters, digits, hyphens; at most 49)');
  if (o.region !== undefined) c.region = text(o.region, 'region', REGION, 'a Cloud Run region such as "europe-west1"');
  if (o.cpu !== undefined) c.cpu = text(o.cpu, 'cpu', CPU, 'a CPU limit such as "1", "2" or "500m"');
  if (o.memory !== undefined) c.memory = text(o.memory, 'memory', MEMORY, 'a memory limit such as "512Mi" or "2Gi"');
  if (o.minInstances !== undefined) c.minInstances = whole(o.minInstances, 'minInstances', 0, 1000);
  if (o.maxInstances !== undefined) c.maxInstances = whole(o.maxInstances, 'maxInstances', 1, 1000);
  if (c.minInstances !== undefined && c.maxInstances !== undefined && c.minInstances > c.maxInstances)
    throw bad('minInstances', `(${c.minInstances}) is more than "maxInstances" (${c.maxInstances}).`);
  if (o.concurrency !== undefined) c.concurrency = whole(o.concurrency, 'concurrency', 1, 1000);
  if (o.timeoutSeconds !== undefined) c.timeoutSeconds = whole(o.timeoutSeconds, 'timeoutSeconds', 1, 3600);
  if (o.ingress !== undefined) {
    if (!(INGRESS_VALUES as readonly unknown[]).includes(o.ingress)) throw bad('ingress', `must be one of ${INGRESS_VALUES.map((v) => `"${v}"`).join(', ')}.`);
    c.ingress = o.ingress as Ingress;
  }
  if (o.serviceAccount !== undefined)
    c.serviceAccount = text(o.serviceAccount, 'serviceAccount', SERVICE_ACCOUNT, 'a service account email (NAME@PROJECT.iam.gserviceaccount.com)');
  if (o.env !== undefined) {
    if (!o.env || typeof o.env !== 'object' || Array.isArray(o.env)) throw bad('env', 'must be an object of env var names to plain values.');
    c.env = {};
    for (const [name, value] of Object.entries(o.env as Record<string, unknown>)) {
      envName(name, 'env');
      if (typeof value !== 'string') throw bad(`env.${name}`, 'must be a string.');
      if (looksLikeSecretValue(name, value))
        throw bad(
          `env.${name}`,
          'looks like a secret, and this file is checked in with the code.',
          `Store the value in Secret Manager and reference it under "secrets" (e.g. "${name}": "${name.toLowerCase().replace(/_/g, '-')}").`,
        );
      c.env[name] = value;
    }
  }
  if (o.secrets !== undefined) {
    if (!o.secrets || typeof o.secrets !== 'object' || Array.isArray(o.secrets))
      throw bad('secrets', 'must be an object of env var names to Secret Manager secret names.');
    c.secrets = {};
    for (const [name, ref] of Object.entries(o.secrets as Record<string, unknown>)) {
      envName(name, 'secrets');
      if (typeof ref !== 'string' || !SECRET_REF.test(ref))
        throw bad(
          `secrets.${name}`,
          'must name a Secret Manager secret ("name" or "name:version"), never hold its value.',
          'Put the value in Secret Manager (Devgem: Import .env File…) and write its secret name here.',
        );
      c.secrets[name] = ref;
    }
  }
  if (o.vpcConnector !== undefined)
    c.vpcConnector = text(o.vpcConnector, 'vpcConnector', CONNECTOR, 'a Serverless VPC Access connector name or projects/P/locations/R/connectors/NAME');
  if (o.cloudSqlInstances !== undefined) {
    if (!Array.isArray(o.cloudSqlInstances) || o.cloudSqlInstances.length > 10)
      throw bad('cloudSqlInstances', 'must be a list of at most 10 connection names.');
    c.cloudSqlInstances = o.cloudSqlInstances.map((v, i) =>
      text(v, `cloudSqlInstances[${i}]`, SQL_INSTANCE, 'a Cloud SQL connection name (project:region:instance)'),
    );
  }
  return c;
}

/** Parses the file's text; a syntax error names the line. */
export function parseDeployConfig(source: string): DeployConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (err) {
    throw new DevgemError('invalid-argument', `${DEPLOY_CONFIG_FILE} is not valid JSON: ${(err as Error).message}`, {
      fix: `Fix the JSON in ${DEPLOY_CONFIG_FILE}; Devgem did not change it.`,
    });
  }
  return validateDeployConfig(raw);
}

/** The file's text: fields in a fixed order, empty ones left out, two-space JSON with a final newline. */
export function serializeDeployConfig(c: DeployConfig): string {
  const out: Record<string, unknown> = {};
  for (const k of DEPLOY_CONFIG_FIELDS) {
    const v = c[k];
    if (v === undefined || v === '' || (Array.isArray(v) && !v.length) || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length)) continue;
    out[k] = v;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

const fileOf = (root: string) => path.join(root, ...DEPLOY_CONFIG_FILE.split('/'));

/** The folder's saved configuration, undefined when there is none; a bad file throws (naming the field) and is left as it is. */
export function readDeployConfigSync(root: string): DeployConfig | undefined {
  let source: string;
  try {
    source = readFileSync(fileOf(root), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseDeployConfig(source);
}

export async function readDeployConfig(root: string): Promise<DeployConfig | undefined> {
  let source: string;
  try {
    source = await fs.readFile(fileOf(root), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseDeployConfig(source);
}

/** New values by field; undefined, null or '' removes the field. */
export type DeployConfigChange = Partial<Record<keyof DeployConfig, unknown>>;

/** `current` with `change` applied, validated (throws naming the field). */
export function mergeDeployConfig(current: DeployConfig, change: DeployConfigChange): DeployConfig {
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined || v === '' || v === null) delete merged[k];
    else merged[k] = v;
  }
  return validateDeployConfig(merged);
}

/** One "field: before → after" line per field that differs (never a secret value: the file holds none). */
export function deployConfigChanges(before: DeployConfig, after: DeployConfig): { label: string; value: string }[] {
  const show = (v: unknown) => (v === undefined ? '(not set)' : typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));
  return DEPLOY_CONFIG_FIELDS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => ({
    label: k,
    value: `${show(before[k])} → ${show(after[k])}`,
  }));
}

/**
 * Sets the given fields (undefined or '' removes one) and writes the file. The result
 * is validated before anything is written, and an unreadable file is never overwritten.
 */
export async function updateDeployConfig(root: string, change: DeployConfigChange): Promise<DeployConfig> {
  return writeDeployConfig(root, mergeDeployConfig((await readDeployConfig(root)) ?? {}, change));
}

/** Writes a validated configuration (creating .devgem/), replacing the file in one step. */
export async function writeDeployConfig(root: string, next: DeployConfig): Promise<DeployConfig> {
  const file = fileOf(root);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, serializeDeployConfig(next));
  await fs.rename(tmp, file);
  return next;
}

function secretRef(value: string): SecretRef {
  const [secret, version] = value.split(':');
  return { secret, version: version ?? 'latest' };
}

/** The service settings as the deploy request's RuntimeSpec. */
export function runtimeOf(c: DeployConfig): RuntimeSpec | undefined {
  const r: RuntimeSpec = {
    env: c.env && Object.keys(c.env).length ? { ...c.env } : undefined,
    secrets: c.secrets && Object.keys(c.secrets).length ? Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, secretRef(v)])) : undefined,
    minInstances: c.minInstances,
    maxInstances: c.maxInstances,
    cpu: c.cpu,
    memory: c.memory,
    concurrency: c.concurrency,
    timeoutSeconds: c.timeoutSeconds,
    ingress: c.ingress,
    serviceAccount: c.serviceAccount,
    vpcConnector: c.vpcConnector,
    cloudSqlInstances: c.cloudSqlInstances?.length ? [...c.cloudSqlInstances] : undefined,
  };
  return Object.values(r).some((v) => v !== undefined) ? r : undefined;
}

/** The deploy options with the saved configuration over the settings (a deploy's own request goes over both). */
export function applyDeployConfig(opts: DeployOptions, c: DeployConfig | undefined): DeployOptions {
  if (!c) return opts;
  const runtime = runtimeOf(c);
  return {
    ...opts,
    appPath: c.app !== undefined && c.app !== '' ? c.app : opts.appPath,
    service: c.service ?? opts.service,
    region: c.region ?? opts.region,
    runtime: runtime ? { ...runtime, ...definedOnly(opts.runtime) } : opts.runtime,
    savedConfig: DEPLOY_CONFIG_FILE,
  };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
