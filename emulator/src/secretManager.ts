import type { ServerResponse } from 'node:http';
import type { Context } from './context';
import { projectNumber } from './ids';
import { crc32c } from './crc32c';
import { alreadyExists, ApiError, invalidArgument, jsonBody, notFound, sendJson, type Req } from './http';
import { labelProblem } from './labels';
import { assertServiceEnabled } from './serviceUsage';

// Secret Manager v1 REST, as the SDK's REST fallback calls it: secrets
// (create with `secretId`, get, list), versions (`:addVersion`, get,
// `:access`) and the secret's IAM policy. Names use the project number like
// Google's answers do; requests may use the id or the number. Values live in
// memory only and are never logged.

export const SECRET_ACCESSOR = 'roles/secretmanager.secretAccessor';
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;

interface VersionRec {
  id: number;
  data: Buffer;
  createTime: string;
}

interface SecretRec {
  project: string;
  id: string;
  createTime: string;
  labels: Record<string, string>;
  versions: VersionRec[];
  bindings: { role: string; members: string[] }[];
  etagSerial: number;
}

/** What a test seeds (`emulator.seedSecret`). */
export interface SeedSecret {
  project: string;
  id: string;
  /** Version values, oldest first (versions 1..n). */
  versions: string[];
  /** Accounts allowed to access it; default the project's compute service account. */
  accessors?: string[];
  /** Its labels (default none: a secret someone made by hand). */
  labels?: Record<string, string>;
}

export class SecretState {
  private readonly secrets = new Map<string, SecretRec>();

  clear(): void {
    this.secrets.clear();
  }

  /** Project numbers and ids name the same secret. */
  private key(project: string, id: string): string {
    return `${projectNumber(project)}/${id}`;
  }

  get(project: string, id: string): SecretRec | undefined {
    return this.secrets.get(this.key(project, id));
  }

  create(rec: SecretRec): void {
    this.secrets.set(this.key(rec.project, rec.id), rec);
  }

  /**
   * A secret as a test needs it before a deploy references it: `versions` become
   * versions 1..n, and the runtime account (the project's compute default unless
   * `accessors` says otherwise) may read it.
   */
  seed(seed: SeedSecret): void {
    const now = new Date().toISOString();
    const members = (seed.accessors ?? [`${projectNumber(seed.project)}-compute@developer.gserviceaccount.com`]).map((a) =>
      a.includes(':') ? a : `serviceAccount:${a}`,
    );
    this.create({
      project: seed.project,
      id: seed.id,
      createTime: now,
      labels: { ...(seed.labels ?? {}) },
      versions: seed.versions.map((v, i) => ({ id: i + 1, data: Buffer.from(v, 'utf8'), createTime: now })),
      bindings: members.length ? [{ role: SECRET_ACCESSOR, members }] : [],
      etagSerial: 1,
    });
  }

  /** Every secret, for the state summary: ids, labels, version count and bindings, never a value. */
  summary(): { name: string; labels: Record<string, string>; versions: number; bindings: { role: string; members: string[] }[] }[] {
    return [...this.secrets.values()].map((s) => ({ name: secretName(s), labels: { ...s.labels }, versions: s.versions.length, bindings: s.bindings }));
  }

  list(project: string): SecretRec[] {
    const num = projectNumber(project);
    return [...this.secrets.values()].filter((s) => projectNumber(s.project) === num).sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * What Cloud Run does when it starts a revision with `secretKeyRef` env: the
   * value of the version, or the error message Cloud Run shows for the revision.
   */
  resolve(project: string, ref: { secret?: string; version?: string }, serviceAccount: string): { value: string } | { error: string } {
    const raw = ref.secret ?? '';
    const id = raw.includes('/secrets/') ? (raw.split('/secrets/').pop() ?? raw) : raw;
    const s = this.get(project, id);
    const shown = `projects/${projectNumber(project)}/secrets/${id}/versions/${ref.version || 'latest'}`;
    if (!s) return { error: `spec.template.spec.containers[0].env.valueFrom.secretKeyRef.name: Secret ${shown} was not found` };
    const member = `serviceAccount:${serviceAccount}`;
    if (!s.bindings.some((b) => b.role === SECRET_ACCESSOR && b.members.includes(member))) {
      return {
        error: `Permission denied on secret: ${shown} for Revision service account ${serviceAccount}. The service account used must be granted the 'Secret Manager Secret Accessor' role (${SECRET_ACCESSOR}) at the secret, project or higher level.`,
      };
    }
    const v = versionOf(s, ref.version || 'latest');
    if (!v) return { error: `spec.template.spec.containers[0].env.valueFrom.secretKeyRef: Secret version ${shown} was not found` };
    return { value: v.data.toString('utf8') };
  }
}

function versionOf(s: SecretRec, version: string): VersionRec | undefined {
  if (version === 'latest') return s.versions[s.versions.length - 1];
  return s.versions.find((v) => String(v.id) === version);
}

const states = new WeakMap<Context, SecretState>();

/** The emulator's secrets (one store per emulator; Cloud Run reads it when it starts a revision). */
export function secretsOf(ctx: Context): SecretState {
  let s = states.get(ctx);
  if (!s) {
    s = new SecretState();
    states.set(ctx, s);
  }
  return s;
}

function secretName(s: SecretRec): string {
  return `projects/${projectNumber(s.project)}/secrets/${s.id}`;
}

function secretJson(s: SecretRec): Record<string, unknown> {
  return { name: secretName(s), replication: { automatic: {} }, createTime: s.createTime, labels: s.labels, etag: `"${s.etagSerial}"` };
}

function versionJson(s: SecretRec, v: VersionRec): Record<string, unknown> {
  return {
    name: `${secretName(s)}/versions/${v.id}`,
    createTime: v.createTime,
    state: 'ENABLED',
    replicationStatus: { automatic: {} },
    etag: `"${v.id}"`,
    clientSpecifiedPayloadChecksum: true,
  };
}

function policyJson(s: SecretRec): Record<string, unknown> {
  const etag = Buffer.alloc(8);
  etag.writeUInt32BE(s.etagSerial, 4);
  const p: Record<string, unknown> = { version: 1, etag: etag.toString('base64') };
  if (s.bindings.length) p.bindings = s.bindings.map((b) => ({ role: b.role, members: [...b.members] }));
  return p;
}

function must(state: SecretState, project: string, id: string): SecretRec {
  const s = state.get(project, id);
  if (!s) throw notFound(`Secret [projects/${projectNumber(project)}/secrets/${id}] not found.`);
  return s;
}

/** Reads `payload.data` (base64) and checks `payload.dataCrc32c` when given, as Google does. */
function payloadOf(body: Record<string, unknown>): Buffer {
  const payload = body.payload as { data?: unknown; dataCrc32c?: unknown } | undefined;
  if (!payload || typeof payload.data !== 'string') throw invalidArgument('payload: Required field is missing.');
  const data = Buffer.from(payload.data, 'base64');
  if (data.length > 64 * 1024) throw invalidArgument('Secret payload data cannot be larger than 64KiB.');
  if (payload.dataCrc32c !== undefined && String(payload.dataCrc32c) !== String(crc32c(data))) {
    throw invalidArgument('Checksum mismatch: the data_crc32c given does not match the payload data.');
  }
  return data;
}

/** `seg` is the path after `/v1`; false when it is not a Secret Manager path. */
export function handleSecretManager(ctx: Context, r: Req, res: ServerResponse, seg: string[]): boolean {
  if (seg[0] !== 'projects' || !seg[2]?.startsWith('secrets')) return false;
  const project = seg[1];
  assertServiceEnabled(ctx, project, 'secretmanager.googleapis.com');
  const state = secretsOf(ctx);
  const now = new Date().toISOString();
  if (seg.length === 3 && seg[2] === 'secrets') {
    if (r.method === 'GET') {
      sendJson(res, 200, { secrets: state.list(project).map(secretJson), totalSize: state.list(project).length });
      return true;
    }
    if (r.method === 'POST') {
      const id = r.query.get('secretId') ?? '';
      if (!SECRET_ID.test(id)) throw invalidArgument(`Secret id [${id}] is invalid: use 1 to 255 letters, digits, hyphens and underscores.`);
      if (state.get(project, id)) throw alreadyExists(`Secret [projects/${projectNumber(project)}/secrets/${id}] already exists.`);
      const body = jsonBody(r);
      const bad = labelProblem(body.labels);
      if (bad) throw invalidArgument(`Secret labels are invalid: ${bad.message}.`);
      const rec: SecretRec = { project, id, createTime: now, labels: (body.labels as Record<string, string>) ?? {}, versions: [], bindings: [], etagSerial: 1 };
      state.create(rec);
      ctx.log(`[secretmanager] created secret ${id} in ${project}`);
      sendJson(res, 200, secretJson(rec));
      return true;
    }
  }
  const [id, verb] = (seg[3] ?? '').split(':');
  if (seg.length === 4 && seg[2] === 'secrets') {
    const s = must(state, project, id);
    if (verb === undefined && r.method === 'GET') return (sendJson(res, 200, secretJson(s)), true);
    if (verb === 'addVersion' && r.method === 'POST') {
      const v: VersionRec = { id: s.versions.length + 1, data: payloadOf(jsonBody(r)), createTime: now };
      s.versions.push(v);
      ctx.log(`[secretmanager] ${id}: added version ${v.id}`);
      return (sendJson(res, 200, versionJson(s, v)), true);
    }
    if (verb === 'getIamPolicy' && r.method === 'GET') return (sendJson(res, 200, policyJson(s)), true);
    if (verb === 'setIamPolicy' && r.method === 'POST') {
      const policy = jsonBody(r).policy as { bindings?: { role?: string; members?: string[] }[]; etag?: string } | undefined;
      if (!policy) throw invalidArgument('policy: Required field is missing.');
      if (policy.etag && policy.etag !== policyJson(s).etag) {
        throw new ApiError(409, 'ABORTED', 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
      }
      s.bindings = (policy.bindings ?? [])
        .map((b) => {
          if (!b.role) throw invalidArgument('policy.bindings.role: Required field is missing.');
          return { role: b.role, members: [...(b.members ?? [])] };
        })
        .filter((b) => b.members.length > 0);
      s.etagSerial += 1;
      ctx.log(`[secretmanager] ${id}: IAM policy set (${s.bindings.map((b) => `${b.role}=${b.members.join('|')}`).join(', ') || 'empty'})`);
      return (sendJson(res, 200, policyJson(s)), true);
    }
  }
  if (seg.length === 5 && seg[2] === 'secrets' && seg[4] === 'versions' && r.method === 'GET') {
    const s = must(state, project, id);
    const versions = [...s.versions].reverse().map((v) => versionJson(s, v));
    return (sendJson(res, 200, { versions, totalSize: versions.length }), true);
  }
  if (seg.length === 6 && seg[2] === 'secrets' && seg[4] === 'versions' && r.method === 'GET') {
    const s = must(state, project, id);
    const [version, vverb] = seg[5].split(':');
    const v = versionOf(s, version);
    if (!v) throw notFound(`Secret Version [${secretName(s)}/versions/${version}] not found.`);
    if (vverb === undefined) return (sendJson(res, 200, versionJson(s, v)), true);
    if (vverb === 'access') {
      sendJson(res, 200, { name: `${secretName(s)}/versions/${v.id}`, payload: { data: v.data.toString('base64'), dataCrc32c: String(crc32c(v.data)) } });
      return true;
    }
  }
  throw notFound(`Not found: ${r.method} ${r.rawPath}`);
}
