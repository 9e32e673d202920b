import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ArtifactRegistryState } from './artifactRegistry';
import type { Context } from './context';
import { randomLetters } from './ids';
import { FrontServer, type FrontTarget } from './frontServer';
import { alreadyExists, enumName, invalidArgument, jsonBody, notFound, nowIso, permissionDenied, sendJson, type Req } from './http';
import { getPolicy, setPolicy } from './runIam';
import { scheduleRollout } from './runDeploy';
import { RUN, canonicalTemplate, condition, isPublic, newRevision, normalizeTemplate, validateLabels, validateTemplate, type ServiceRec } from './runModel';
import { any } from './operations';
import { applyTraffic, parseTraffic, pickRoute } from './runTraffic';

const INGRESS = [
  'INGRESS_TRAFFIC_UNSPECIFIED',
  'INGRESS_TRAFFIC_ALL',
  'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
  'INGRESS_TRAFFIC_NONE',
];

export class CloudRunState {
  readonly services = new Map<string, ServiceRec>();

  /** Stops every front server, pending rollout and app process. */
  async closeAll(): Promise<void> {
    const all = [...this.services.values()];
    this.services.clear();
    await Promise.all(all.map((s) => shutdownService(s)));
  }
}

async function shutdownService(s: ServiceRec): Promise<void> {
  s.deleted = true;
  for (const t of s.pending) clearTimeout(t);
  s.pending = [];
  const apps = [...s.revisions.values()].flatMap((r) => (r.app ? [r.app] : []));
  for (const r of s.revisions.values()) r.app = undefined;
  const tagFronts = [...s.tagFronts.values()];
  s.tagFronts.clear();
  await Promise.all([s.front.close(), ...tagFronts.map((f) => f.close()), ...apps.map((a) => a.stop())]);
}

function frontRoute(s: ServiceRec): FrontTarget {
  if (!isPublic(s)) return { kind: 'forbidden' };
  const rev = pickRoute(s);
  if (!rev) return { kind: 'unavailable' };
  if (rev.app) return { kind: 'proxy', port: rev.app.port };
  if (rev.notStarted) return { kind: 'not-started', revision: rev.id, why: rev.notStarted };
  return { kind: 'unavailable' };
}

function checkInvokerIam(ctx: Context, body: Record<string, unknown>): void {
  if (body.invokerIamDisabled === true && ctx.knobs.refuseInvokerIamDisabled) {
    throw permissionDenied(
      "Setting 'invokerIamDisabled' to true is not allowed: the organization policy constraint 'constraints/run.managed.requireInvokerIam' is enforced for this project.",
    );
  }
}

/** Copies the user-settable fields of a Service request into the stored resource. */
export function applySpec(s: ServiceRec, body: Record<string, unknown>): void {
  const image = ((body.template as { containers?: { image?: string }[] } | undefined)?.containers ?? [])[0]?.image;
  if (!image) throw invalidArgument('service.template.containers[0].image: Required field is missing or empty.');
  // Validate everything before changing anything: a refused request leaves the service as it was.
  const requested = body.template as Record<string, unknown>;
  validateTemplate(requested);
  validateLabels('service.labels', body.labels);
  const traffic = parseTraffic(body.traffic, s, typeof requested.revision === 'string' ? requested.revision : undefined);
  const j = s.json;
  j.template = normalizeTemplate(requested);
  j.labels = body.labels ?? {};
  j.annotations = body.annotations ?? {};
  j.ingress = enumName(body.ingress, INGRESS, 'INGRESS_TRAFFIC_ALL');
  j.invokerIamDisabled = body.invokerIamDisabled === true;
  if (typeof body.description === 'string') j.description = body.description;
  j.traffic = traffic;
  j.reconciling = true;
  j.terminalCondition = condition('Ready', 'CONDITION_RECONCILING');
  j.updateTime = nowIso();
  j.etag = `"${randomLetters(10)}"`;
}

/** `updateMask=invokerIamDisabled,labels` (gax sends camelCase; accept snake_case too). */
function updateMaskPaths(raw: string | null): string[] | undefined {
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((p) => p.trim().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()))
    .filter(Boolean);
}

const MASKABLE = new Set(['invokerIamDisabled', 'labels', 'annotations', 'description', 'ingress']);

/** A field-mask update of service-level fields: no new revision, the operation is done at once. */
function patchFields(ctx: Context, s: ServiceRec, body: Record<string, unknown>, paths: string[], res: ServerResponse): void {
  for (const p of paths) if (!MASKABLE.has(p)) throw invalidArgument(`update_mask path '${p}' is not supported by the emulator.`);
  if (paths.includes('labels')) validateLabels('service.labels', body.labels);
  for (const p of paths) {
    s.json[p] = p === 'invokerIamDisabled' ? body.invokerIamDisabled === true : body[p];
  }
  s.json.generation = String(Number(s.json.generation) + 1);
  finishWithoutRevision(ctx, s, res);
}

function finishWithoutRevision(ctx: Context, s: ServiceRec, res: ServerResponse): void {
  s.json.updateTime = nowIso();
  s.json.observedGeneration = s.json.generation;
  s.json.reconciling = false;
  s.json.terminalCondition = condition('Ready', 'CONDITION_SUCCEEDED');
  const op = ctx.ops.create(`projects/${s.project}/locations/${s.location}/operations/${randomUUID()}`, any(`${RUN}.Service`, s.json));
  op.succeed(any(`${RUN}.Service`, s.json));
  sendJson(res, 200, op.toJson());
}

/** Only the traffic changed: no new revision, but the revisions that now get a share must be serving first. */
function startTrafficChange(ctx: Context, ar: ArtifactRegistryState, s: ServiceRec, previous: unknown, res: ServerResponse): void {
  const op = ctx.ops.create(`projects/${s.project}/locations/${s.location}/operations/${randomUUID()}`, any(`${RUN}.Service`, s.json));
  s.ops.push(op);
  const t = setTimeout(() => {
    s.pending = s.pending.filter((x) => x !== t);
    applyTraffic(ctx, ar, s).then(
      () => {
        s.json.updateTime = nowIso();
        s.json.observedGeneration = s.json.generation;
        s.json.reconciling = false;
        s.json.terminalCondition = condition('Ready', 'CONDITION_SUCCEEDED');
        op.succeed(any(`${RUN}.Service`, s.json), any(`${RUN}.Service`, s.json));
        ctx.log(`[run] ${s.id}: traffic now ${s.routes.map((r) => `${r.rev.id}=${r.percent}%`).join(', ')}`);
      },
      (e: unknown) => {
        s.json.traffic = previous;
        s.json.reconciling = false;
        const message = e instanceof Error ? e.message : String(e);
        s.json.terminalCondition = condition('Ready', 'CONDITION_FAILED', { message });
        op.fail(9, message, any(`${RUN}.Service`, s.json));
      },
    );
  }, ctx.knobs.deploySeconds * 1000);
  s.pending.push(t);
  sendJson(res, 200, op.toJson());
}

function startRollout(ctx: Context, ar: ArtifactRegistryState, s: ServiceRec, res: ServerResponse): void {
  const rev = newRevision(s, String(s.json.generation));
  const op = ctx.ops.create(`projects/${s.project}/locations/${s.location}/operations/${randomUUID()}`, any(`${RUN}.Service`, s.json));
  s.ops.push(op);
  scheduleRollout(ctx, ar, s, rev, op);
  ctx.log(`[run] ${s.id}: rolling out ${rev.id} (${String((s.json.template as { containers: { image: string }[] }).containers[0].image)})`);
  sendJson(res, 200, op.toJson());
}

async function createService(
  ctx: Context,
  st: CloudRunState,
  ar: ArtifactRegistryState,
  body: Record<string, unknown>,
  project: string,
  location: string,
  id: string,
  res: ServerResponse,
): Promise<void> {
  if (!/^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/.test(id)) {
    throw invalidArgument(
      `service_id '${id}' is invalid: must use only lowercase alphanumeric characters and dashes, start with a letter, not end with a dash, and be at most 49 characters.`,
    );
  }
  const name = `projects/${project}/locations/${location}/services/${id}`;
  if (st.services.has(name)) throw alreadyExists(`Resource '${id}' already exists.`);
  checkInvokerIam(ctx, body);
  const s = newServiceRec(ctx, project, location, id, 'user@example.com');
  applySpec(s, body);
  await s.front.listen();
  s.json.uri = s.front.uri;
  s.json.urls = [s.front.uri];
  st.services.set(name, s);
  startRollout(ctx, ar, s, res);
}

/** A service record before its first spec: no revision, a front that is not listening yet. */
export function newServiceRec(ctx: Context, project: string, location: string, id: string, creator: string): ServiceRec {
  const name = `projects/${project}/locations/${location}/services/${id}`;
  const s: ServiceRec = {
    project,
    location,
    id,
    name,
    json: { name, uid: randomUUID(), generation: '1', createTime: nowIso(), creator, lastModifier: creator, launchStage: 'GA' },
    revisions: new Map(),
    revisionCounter: 0,
    front: new FrontServer(() => frontRoute(s), ctx.log, ctx.faults),
    tagFronts: new Map(),
    policy: { version: 1, bindings: [], etag: 'AAAAAAAAAAE=', serial: 1 },
    pending: [],
    routes: [],
    ops: [],
    deleted: false,
  };
  return s;
}

function getService(st: CloudRunState, name: string): ServiceRec {
  const s = st.services.get(name);
  if (!s)
    throw notFound(
      `Resource '${name.split('/').pop() ?? name}' of kind 'SERVICE' in region '${name.split('/')[3]}' in project '${name.split('/')[1]}' does not exist.`,
    );
  return s;
}

/** Handles /v2/projects/P/locations/L/(services|operations)…. `seg` starts at 'projects'. */
export async function handleCloudRun(ctx: Context, st: CloudRunState, ar: ArtifactRegistryState, req: Req, res: ServerResponse, seg: string[]): Promise<void> {
  const [, project, , location, collection] = seg;
  const m = req.method;
  if (collection === 'operations' && seg.length === 6 && m === 'GET') return sendJson(res, 200, ctx.ops.get(seg.slice(0, 6).join('/')));
  if (collection !== 'services') throw notFound(`Not found: ${m} ${req.rawPath}`);
  const parent = `projects/${project}/locations/${location}`;
  if (seg.length === 5 && m === 'GET') {
    // `locations/-` lists the services of every region (Cloud Run v2's wildcard location).
    const within = location === '-' ? `projects/${project}/locations/` : `${parent}/`;
    const services = [...st.services.values()].filter((s) => s.name.startsWith(within)).map((s) => s.json);
    return sendJson(res, 200, { services });
  }
  if (seg.length === 5 && m === 'POST') return createService(ctx, st, ar, jsonBody(req), project, location, req.query.get('serviceId') ?? '', res);
  const [sid, verb] = seg[5].split(':');
  const name = `${parent}/services/${sid}`;
  if (seg.length === 6 && verb) {
    const s = getService(st, name);
    if (verb === 'getIamPolicy') return sendJson(res, 200, getPolicy(s));
    if (verb === 'setIamPolicy' && m === 'POST') return sendJson(res, 200, setPolicy(ctx, s, jsonBody(req)));
    if (verb === 'testIamPermissions' && m === 'POST') return sendJson(res, 200, { permissions: (jsonBody(req).permissions as string[] | undefined) ?? [] });
  }
  if (seg.length === 6 && !verb) {
    if (m === 'GET') return sendJson(res, 200, getService(st, name).json);
    if (m === 'PATCH') {
      const body = jsonBody(req);
      if (!st.services.has(name) && req.query.get('allowMissing') === 'true') return createService(ctx, st, ar, body, project, location, sid, res);
      const s = getService(st, name);
      checkInvokerIam(ctx, body);
      const mask = updateMaskPaths(req.query.get('updateMask'));
      if (mask) return patchFields(ctx, s, body, mask, res);
      const before = JSON.stringify(canonicalTemplate(s.json.template));
      const trafficBefore = s.json.traffic;
      applySpec(s, body);
      s.json.generation = String(Number(s.json.generation) + 1);
      s.json.lastModifier = 'user@example.com';
      // Like Cloud Run, only a changed template makes a new revision.
      if (JSON.stringify(canonicalTemplate(s.json.template)) === before) {
        if (JSON.stringify(s.json.traffic) === JSON.stringify(trafficBefore)) return finishWithoutRevision(ctx, s, res);
        return startTrafficChange(ctx, ar, s, trafficBefore, res);
      }
      return startRollout(ctx, ar, s, res);
    }
    if (m === 'DELETE') {
      const s = getService(st, name);
      st.services.delete(name);
      await shutdownService(s);
      const op = ctx.ops.create(`${parent}/operations/${randomUUID()}`, any(`${RUN}.Service`, s.json));
      op.succeed(any(`${RUN}.Service`, s.json));
      ctx.log(`[run] ${sid}: deleted`);
      return sendJson(res, 200, op.toJson());
    }
  }
  if (seg[6] === 'revisions') {
    const s = getService(st, name);
    if (seg.length === 7 && m === 'GET') return sendJson(res, 200, { revisions: [...s.revisions.values()].reverse().map((r) => r.json) });
    if (seg.length === 8 && m === 'GET') {
      const r = s.revisions.get(seg[7]);
      if (!r) throw notFound(`Resource '${seg[7]}' of kind 'REVISION' in region '${location}' in project '${project}' does not exist.`);
      return sendJson(res, 200, r.json);
    }
  }
  throw notFound(`Not found: ${m} ${req.rawPath}`);
}
