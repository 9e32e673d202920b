import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context } from './context';
import { projectNumber } from './ids';
import { failedPrecondition, invalidArgument, jsonBody, notFound, nowIso, sendJson, type Req } from './http';
import { any, type OperationJson } from './operations';

const CB = 'google.devtools.cloudbuild.v1';
export const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'INTERNAL_ERROR', 'TIMEOUT', 'CANCELLED', 'EXPIRED']);

export interface BuildRecord {
  id: string;
  project: string;
  location: string;
  /** The Build resource as returned by the API (mutated as the build runs). */
  build: Record<string, unknown>;
  timers: NodeJS.Timeout[];
  logLines: string[];
  /** Stops a real docker build (cancel, reset, close). */
  stop?: () => void;
  /** Dropped by a reset or close: late output of its build must not land in the new state. */
  discarded?: boolean;
}

/** What cloudBuild needs from the simulation. */
export interface BuildExecutor {
  start(rec: BuildRecord): void;
  cancel(rec: BuildRecord): void;
}

export class CloudBuildState {
  readonly builds = new Map<string, BuildRecord>();

  stopAll(): void {
    for (const b of this.builds.values()) {
      b.discarded = true;
      for (const t of b.timers) clearTimeout(t);
      if (!TERMINAL.has(statusOf(b))) b.stop?.();
    }
  }

  clear(): void {
    this.stopAll();
    this.builds.clear();
  }

  get(id: string): BuildRecord {
    const b = this.builds.get(id);
    if (!b) throw notFound(`Requested entity was not found.`);
    return b;
  }
}

export function statusOf(rec: BuildRecord): string {
  return String(rec.build.status);
}

/** The google.longrunning.Operation of a build, rendered from its current state. */
function operationView(name: string, rec: BuildRecord): OperationJson {
  const status = statusOf(rec);
  const op: OperationJson = { name, done: TERMINAL.has(status), metadata: any(`${CB}.BuildOperationMetadata`, { build: rec.build }) };
  if (status === 'SUCCESS') op.response = any(`${CB}.Build`, rec.build);
  else if (status === 'CANCELLED') op.error = { code: 1, message: 'Build was cancelled' };
  else if (status === 'TIMEOUT') op.error = { code: 4, message: 'Build timed out' };
  else if (op.done) op.error = { code: 2, message: 'Build failed; check build logs for details' };
  return op;
}

function createBuild(ctx: Context, st: CloudBuildState, exec: BuildExecutor, req: Req, res: ServerResponse, project: string, location: string): void {
  const body = jsonBody(req);
  const steps = Array.isArray(body.steps) ? (body.steps as Record<string, unknown>[]) : [];
  if (steps.length === 0) throw invalidArgument('invalid build: build must have at least one step');
  const storageSource = (body.source as { storageSource?: { bucket?: string; object?: string } } | undefined)?.storageSource;
  if (body.source && (!storageSource?.bucket || !storageSource.object)) throw invalidArgument('invalid build: source.storageSource requires bucket and object');
  const id = randomUUID();
  const num = projectNumber(project);
  const logsBucket = typeof body.logsBucket === 'string' && body.logsBucket ? body.logsBucket : `gs://${num}.cloudbuild-logs.googleusercontent.com`;
  const region = location === 'global' ? 'global' : location;
  const build: Record<string, unknown> = {
    ...body,
    name: `projects/${num}/locations/${region}/builds/${id}`,
    id,
    projectId: project,
    status: 'QUEUED',
    steps: steps.map((s) => ({ ...s })),
    createTime: nowIso(),
    timeout: typeof body.timeout === 'string' ? body.timeout : '600s',
    queueTtl: '3600s',
    logsBucket,
    logUrl: `https://console.cloud.google.com/cloud-build/builds;region=${region}/${id}?project=${num}`,
    serviceAccount: `projects/${project}/serviceAccounts/${num}-compute@developer.gserviceaccount.com`,
  };
  const rec: BuildRecord = { id, project, location: region, build, timers: [], logLines: [] };
  st.builds.set(id, rec);
  const b64 = Buffer.from(id).toString('base64');
  const opName = location === 'global' ? `operations/build/${project}/${b64}` : `projects/${project}/locations/${location}/operations/${b64}`;
  ctx.ops.register(opName, () => operationView(opName, rec));
  ctx.log(`[cloudbuild] build ${id} queued (${(body.images as string[] | undefined)?.join(', ') ?? 'no images'})`);
  exec.start(rec);
  sendJson(res, 200, operationView(opName, rec));
}

/**
 * Handles /v1/projects/P/builds…, /v1/projects/P/locations/L/builds…. `seg` starts at 'projects'.
 * Returns false when the path is not a Cloud Build one.
 */
export function handleCloudBuild(ctx: Context, st: CloudBuildState, exec: BuildExecutor, req: Req, res: ServerResponse, seg: string[]): boolean {
  const project = seg[1];
  let location = 'global';
  let rest = seg.slice(2);
  if (rest[0] === 'locations') {
    location = rest[1];
    rest = rest.slice(2);
  }
  if (rest[0] !== 'builds') return false;
  if (rest.length === 1 && req.method === 'POST') {
    createBuild(ctx, st, exec, req, res, project, location);
    return true;
  }
  if (rest.length === 1 && req.method === 'GET') {
    const builds = [...st.builds.values()]
      .filter((b) => b.project === project && (location === 'global' || b.location === location))
      .reverse()
      .map((b) => b.build);
    sendJson(res, 200, { builds });
    return true;
  }
  if (rest.length === 2) {
    const [id, verb] = rest[1].split(':');
    const rec = st.get(id);
    if (rec.project !== project) throw notFound('Requested entity was not found.');
    if (req.method === 'GET' && !verb) {
      sendJson(res, 200, rec.build);
      return true;
    }
    if (req.method === 'POST' && verb === 'cancel') {
      if (TERMINAL.has(statusOf(rec))) throw failedPrecondition(`build is not running (status ${statusOf(rec)})`);
      exec.cancel(rec);
      sendJson(res, 200, rec.build);
      return true;
    }
  }
  throw notFound(`Not found: ${req.method} ${req.rawPath}`);
}
