// Importing a `.env` file into a Cloud Run service: which keys become plain env
// vars and which go to Secret Manager (referenced by `secretKeyRef`), then doing
// it. Values stay in the parsed file's memory: plans, results, progress lines
// and errors carry key names and secret ids only.
import type { DotenvResult } from './dotenv';
import { envNameProblem, looksSecret } from './envNames';
import { DevgemError } from '../base/errors';
import type { CloudPorts, EnvVarInfo, LiveServiceSpec, SecretRef, ServiceRef, SpecChange } from '../cloud/ports';
import { devgemLabels, MANAGED_BY_DEVGEM, MANAGED_BY_LABEL } from '../deploy/ownership';
import { riskyChanges } from '../deploy/specDiff';
import { bounded, throwIfCancelled } from '../base/wait';
import { rolloutOf, type Rollout } from './envRollout';

export const SECRET_ACCESSOR_ROLE = 'roles/secretmanager.secretAccessor';
const CALL_MS = 60_000;
const UPDATE_MS = 10 * 60_000;

export type EnvImportTarget = 'secret' | 'plain' | 'rejected';

export interface EnvImportItem {
  key: string;
  target: EnvImportTarget;
  /** The Secret Manager secret id, for `secret`. */
  secretId?: string;
  /** Why a key is rejected (Cloud Run would refuse the name). */
  reason?: string;
}

/** `my-api` + `STRIPE_KEY` → `my-api-stripe-key` (letters, digits, `-`, `_`; at most 255). */
export function secretIdFor(service: string, key: string): string {
  return `${service}-${key
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/_/g, '-')}`.slice(0, 255);
}

/** Keys the user sends to a destination whatever they look like. */
export interface EnvImportChoice {
  plain?: string[];
  secret?: string[];
}

function liveSpec(env: EnvVarInfo[]): LiveServiceSpec {
  return { env, minInstances: 0, cpuAlwaysAllocated: false, ingress: 'all', public: false };
}

const EMPTY_SECRET = 'it has no value, and Secret Manager stores no empty secret: fill it in, or import it as plain';

/**
 * One item per parsed key: secret-looking keys (name or a URL with a password) go to
 * Secret Manager unless `choice` says otherwise. Rejected: names Cloud Run refuses, an
 * empty secret, and a second key whose secret id would be the first one's (`Api_Key`, `API_KEY`).
 */
export function planEnvImport(parsed: DotenvResult, service: string, choice: EnvImportChoice = {}): EnvImportItem[] {
  const ids = new Map<string, string>();
  return parsed.entries.map(({ key, value }): EnvImportItem => {
    const problem = envNameProblem(key);
    if (problem) return { key, target: 'rejected', reason: problem };
    const secret = choice.secret?.includes(key) || (!choice.plain?.includes(key) && looksSecret(key, value));
    if (!secret) return { key, target: 'plain' };
    if (value === '') return { key, target: 'rejected', reason: EMPTY_SECRET };
    const secretId = secretIdFor(service, key);
    const taken = ids.get(secretId);
    if (taken) return { key, target: 'rejected', reason: `its secret id ${secretId} is already ${taken}'s: rename one of them` };
    ids.set(secretId, key);
    return { key, target: 'secret', secretId };
  });
}

/** The item with its destination switched (the QuickPick's toggle); a secret gets its id. */
export function retarget(item: EnvImportItem, target: 'secret' | 'plain', service: string): EnvImportItem {
  if (item.target === 'rejected' && item.reason !== EMPTY_SECRET) return item;
  if (target === 'plain') return { key: item.key, target: 'plain' };
  return { key: item.key, target: 'secret', secretId: item.secretId ?? secretIdFor(service, item.key) };
}

/** `projects/p/secrets/db-url` and `db-url` name the same secret. */
function bareId(secret: string): string {
  return secret.split('/secrets/').pop() ?? secret;
}

/**
 * What applying `items` to a service whose env is `live` would break: a live secret
 * reference that becomes plain, or points at another secret (names and ids only).
 * A new version of the same secret is what an import is for, so no alarm.
 */
export function importChanges(live: EnvVarInfo[], items: EnvImportItem[], service: string): SpecChange[] {
  const after = new Map(live.map((e) => [e.name, e]));
  for (const i of items) {
    if (i.target === 'plain') after.set(i.key, { name: i.key, value: '' });
    else if (i.target === 'secret') {
      const id = i.secretId ?? secretIdFor(service, i.key);
      const was = after.get(i.key)?.secret;
      after.set(i.key, { name: i.key, secret: was && bareId(was.secret) === id ? was : { secret: id, version: 'latest' } });
    }
  }
  return riskyChanges(liveSpec(live), liveSpec([...after.values()]));
}

/** The plan as lines a person (or the model) reads: names and destinations, never values. */
export function describePlan(items: EnvImportItem[]): string[] {
  return items.map((i) =>
    i.target === 'secret'
      ? `${i.key} → Secret Manager (${i.secretId})`
      : i.target === 'plain'
        ? `${i.key} → plain env`
        : `${i.key} → skipped: ${i.reason ?? 'refused'}`,
  );
}

/** A secret the import would add a version to and grant access on, though Devgem did not create it. */
export interface ForeignSecret {
  key: string;
  secretId: string;
  labels: Record<string, string>;
}

/**
 * The chosen secrets that exist and carry no `managed-by: devgem` label: someone
 * else's secret, which others may read as `latest`. The import touches none of
 * them unless the user agreed, secret by secret (`takeOverSecrets`).
 */
export async function foreignSecrets(ports: CloudPorts, ref: ServiceRef, items: EnvImportItem[], signal: AbortSignal): Promise<ForeignSecret[]> {
  const out: ForeignSecret[] = [];
  for (const i of items) {
    if (i.target !== 'secret') continue;
    const id = i.secretId ?? secretIdFor(ref.service, i.key);
    const labels = await bounded(`Reading secret ${id}`, CALL_MS, signal, (s) => ports.secrets.secretLabels(ref.project, id, s));
    if (labels && labels[MANAGED_BY_LABEL] !== MANAGED_BY_DEVGEM) out.push({ key: i.key, secretId: id, labels });
  }
  return out;
}

/** What using someone else's secret means, in one sentence (the plan, a modal, an error). */
export function describeForeignSecret(f: ForeignSecret): string {
  const labels = Object.entries(f.labels).map(([k, v]) => `${k}: ${v}`);
  return `${f.secretId} (for ${f.key}) already exists and Devgem did not create it (labels: ${labels.join(', ') || 'none'}): importing adds a version, which changes "latest" for everyone who reads it, and grants the service's account access to it`;
}

export interface EnvImportResult {
  created: string[];
  /** Secrets that got a new version. */
  updated: string[];
  /** Secrets whose latest version already held the value. */
  unchanged: string[];
  plain: string[];
  serviceAccount: string;
  revision?: string;
  /** Where the traffic is after the import (an earlier rollback may keep it off the new revision). */
  rollout?: Rollout;
}

/**
 * Applies `items` (as chosen by the user) with the values of `parsed`: each secret is
 * created or gets a new version (none when the value is unchanged), the service's
 * runtime account gets the accessor role on it, then one service update sets the
 * plain vars and the `secretKeyRef`s, pinned to the version: Cloud Run reads a secret
 * when a revision starts, so a new version needs a new revision (a `latest` ref would
 * leave the template unchanged and the old value running), and a roll back then
 * brings the old value back with the old revision. A change that would drop a live secret reference
 * (a key that is a secret ref now imported as plain) needs `approveRisky`.
 */
export async function applyEnvImport(
  ports: CloudPorts,
  ref: ServiceRef,
  parsed: DotenvResult,
  items: EnvImportItem[],
  opts: {
    signal: AbortSignal;
    progress?: (line: string) => void;
    approveRisky?: boolean;
    /** Secret ids Devgem did not create that the user agreed to use (foreignSecrets). */
    takeOverSecrets?: readonly string[];
    /** Labels for the secrets it creates: Devgem's, with the workspace's origin (ownership.ts). */
    labels?: Record<string, string>;
  },
): Promise<EnvImportResult> {
  const { signal } = opts;
  const say = opts.progress ?? ((): void => undefined);
  const values = new Map(parsed.entries.map((e) => [e.key, e.value]));
  const chosen = items.filter((i) => i.target !== 'rejected' && values.has(i.key));
  if (!chosen.length)
    throw new DevgemError('invalid-argument', 'Nothing to import: the file has no key Cloud Run accepts (or none was chosen).', {
      fix: 'Check the .env file holds KEY=value lines.',
    });
  // Refused before anything is created: a bad name would fail the service update after the secrets exist.
  const bad = chosen.flatMap((i) => {
    const problem = envNameProblem(i.key) ?? (i.target === 'secret' && values.get(i.key) === '' ? `${i.key}: ${EMPTY_SECRET}` : undefined);
    return problem ? [problem] : [];
  });
  if (bad.length)
    throw new DevgemError('invalid-argument', `Nothing was imported: ${bad.join(' ')}`, { fix: 'Rename or leave out those keys, then import again.' });
  const d = await bounded(`Reading service ${ref.service}`, CALL_MS, signal, (s) => ports.runAdmin.describeService(ref, s));
  if (!d)
    throw new DevgemError('not-found', `There is no Cloud Run service "${ref.service}" in ${ref.region} (project ${ref.project}).`, {
      fix: 'Deploy the service first, then import its .env file.',
    });

  const plain: Record<string, string> = {};
  const secrets: Record<string, SecretRef> = {};
  for (const i of chosen) {
    if (i.target === 'plain') plain[i.key] = values.get(i.key) ?? '';
    // The version is pinned below, once it is known.
    else secrets[i.key] = { secret: i.secretId ?? secretIdFor(ref.service, i.key), version: 'latest' };
  }
  // The revision-diff guard: what this update would drop (values are never compared or shown).
  const risky = importChanges(d.env, chosen, ref.service);
  if (risky.length && !opts.approveRisky) {
    throw new DevgemError('failed-precondition', `The import would change what the service relies on: ${risky.map((r) => r.message).join('; ')}.`, {
      fix: 'Send those keys to Secret Manager instead, or confirm the change explicitly.',
    });
  }

  // Someone else's secret gets no version and no grant unless the user said so for that secret.
  const foreign = (await foreignSecrets(ports, ref, chosen, signal)).filter((f) => !opts.takeOverSecrets?.includes(f.secretId));
  if (foreign.length) {
    throw new DevgemError('failed-precondition', `Nothing was imported: ${foreign.map(describeForeignSecret).join('; ')}.`, {
      fix: `Import ${foreign.map((f) => f.key).join(', ')} as plain or leave ${foreign.length === 1 ? 'it' : 'them'} out, rename the key, or confirm using the existing secret when the import asks.`,
    });
  }

  let serviceAccount = d.serviceAccount;
  if (!serviceAccount) {
    const num = await bounded('Reading the project number', CALL_MS, signal, (s) => ports.preflight.projectNumber(ref.project, s));
    serviceAccount = `${num}-compute@developer.gserviceaccount.com`;
  }
  const member = `serviceAccount:${serviceAccount}`;
  const result: EnvImportResult = { created: [], updated: [], unchanged: [], plain: Object.keys(plain), serviceAccount };
  for (const [key, s] of Object.entries(secrets)) {
    throwIfCancelled(signal);
    const value = values.get(key) ?? '';
    const id = s.secret;
    const created = await bounded(`Creating secret ${id}`, CALL_MS, signal, (sg) =>
      ports.secrets.ensureSecret(ref.project, id, opts.labels ?? devgemLabels(), sg),
    );
    const same = created ? undefined : await bounded(`Reading secret ${id}`, CALL_MS, signal, (sg) => ports.secrets.latestMatching(ref.project, id, value, sg));
    if (same) {
      s.version = same;
      result.unchanged.push(id);
      say(`Secret ${id} already holds the value of ${key} (version ${same})`);
    } else {
      s.version = await bounded(`Adding a version to ${id}`, CALL_MS, signal, (sg) => ports.secrets.addVersion(ref.project, id, value, sg));
      (created ? result.created : result.updated).push(id);
      say(created ? `Created secret ${id} for ${key}` : `Added version ${s.version} to secret ${id} for ${key}`);
    }
    const granted = await bounded(`Granting access to ${id}`, CALL_MS, signal, (sg) =>
      ports.secrets.grantRole(ref.project, id, SECRET_ACCESSOR_ROLE, member, sg),
    );
    if (granted) say(`Granted ${SECRET_ACCESSOR_ROLE} on ${id} to ${serviceAccount}`);
  }
  throwIfCancelled(signal);
  say(`Updating ${ref.service}: ${Object.keys(plain).length} plain, ${Object.keys(secrets).length} from Secret Manager`);
  const info = await bounded(`Updating the env vars of ${ref.service}`, UPDATE_MS, signal, (s) =>
    ports.runAdmin.updateEnv(ref, { set: plain, unset: [], secrets }, s),
  );
  result.rollout = rolloutOf(info);
  result.revision = result.rollout.revision;
  return result;
}

/** One line naming what the import did (ids and key names only). */
export function importSummary(r: EnvImportResult, file = '.env'): string {
  const parts = [
    r.created.length ? `created ${r.created.join(', ')}` : '',
    r.updated.length ? `new version of ${r.updated.join(', ')}` : '',
    r.unchanged.length ? `unchanged ${r.unchanged.join(', ')}` : '',
    r.plain.length ? `plain ${r.plain.join(', ')}` : '',
  ].filter(Boolean);
  const pinned = r.rollout?.pinned ? ` The new revision gets no traffic: ${r.rollout.servingRevision} still serves (pinned by an earlier rollback).` : '';
  return `Imported ${file}${r.revision ? ` (revision ${r.revision})` : ''}: ${parts.join('; ')}.${pinned}`;
}
