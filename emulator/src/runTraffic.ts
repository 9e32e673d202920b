// A service's traffic: the `traffic` a request asks for, the `trafficStatuses`
// Cloud Run reports, and which revisions' apps the front sends requests to.
import type { ArtifactRegistryState } from './artifactRegistry';
import type { Context } from './context';
import { FrontServer, type FrontTarget } from './frontServer';
import { enumName, failedPrecondition, invalidArgument } from './http';
import { startRevision } from './revisionApp';
import { isPublic, type RevisionRec, type ServiceRec } from './runModel';

export const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
export const BY_REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
const TYPES = ['TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED', LATEST, BY_REVISION];

interface Target {
  type: string;
  revision?: string;
  percent: number;
  tag?: string;
}

export function revisionReady(rev: RevisionRec): boolean {
  return ((rev.json.conditions as { type: string; state: string }[] | undefined) ?? []).some((c) => c.type === 'Ready' && c.state === 'CONDITION_SUCCEEDED');
}

/**
 * Validates a request's `traffic`; none means 100 % to the latest ready revision.
 * `creating` is the revision name the same request asks for (it may be targeted before it exists).
 */
export function parseTraffic(raw: unknown, s: ServiceRec, creating?: string): Target[] {
  if (!Array.isArray(raw) || raw.length === 0) return [{ type: LATEST, percent: 100 }];
  const tags = new Set<string>();
  const targets = raw.map((t: Record<string, unknown>, i): Target => {
    const type = enumName(t.type, TYPES, TYPES[0]);
    const percent = t.percent === undefined ? 0 : Number(t.percent);
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      throw invalidArgument(`service.traffic[${i}].percent: must be an integer between 0 and 100.`);
    const tag = typeof t.tag === 'string' && t.tag ? t.tag : undefined;
    if (tag) {
      if (tags.has(tag)) throw invalidArgument(`service.traffic[${i}].tag: tag '${tag}' is used more than once.`);
      tags.add(tag);
    }
    if (type === LATEST) return { type, percent, ...(tag ? { tag } : {}) };
    if (type !== BY_REVISION) throw invalidArgument(`service.traffic[${i}].type: must be ${LATEST} or ${BY_REVISION}.`);
    const revision =
      String(t.revision ?? '')
        .split('/')
        .pop() ?? '';
    if (!revision) throw invalidArgument(`service.traffic[${i}].revision: Required when type is ${BY_REVISION}.`);
    const rec = s.revisions.get(revision);
    if (!rec && revision !== creating) throw invalidArgument(`Revision named '${revision}' with traffic percent ${percent} not found.`);
    if (rec && percent > 0 && !revisionReady(rec)) throw failedPrecondition(`Revision '${revision}' is not ready and cannot serve traffic.`);
    return { type, revision, percent, ...(tag ? { tag } : {}) };
  });
  const sum = targets.reduce((n, t) => n + t.percent, 0);
  if (sum !== 100) throw invalidArgument(`service.traffic: the percentages must add up to 100, not ${sum}.`);
  return targets;
}

/** `trafficStatuses` (each naming the revision it resolves to) and the front's routing table. */
function resolve(s: ServiceRec): { statuses: Record<string, unknown>[]; routes: { rev: RevisionRec; percent: number }[] } {
  const latest =
    String(s.json.latestReadyRevision ?? '')
      .split('/')
      .pop() ?? '';
  const targets = (s.json.traffic as Target[] | undefined) ?? [{ type: LATEST, percent: 100 }];
  const statuses = targets.map((t) => {
    const revision = t.type === LATEST ? latest : (t.revision ?? '');
    const tagUri = t.tag ? (s.tagFronts.get(t.tag)?.uri ?? s.front.uri) : undefined;
    return { type: t.type, ...(revision ? { revision } : {}), percent: t.percent, ...(t.tag ? { tag: t.tag, uri: tagUri } : {}) };
  });
  const shares = new Map<RevisionRec, number>();
  for (const st of statuses) {
    const rev = st.revision ? s.revisions.get(st.revision) : undefined;
    if (rev && st.percent > 0) shares.set(rev, (shares.get(rev) ?? 0) + st.percent);
  }
  return { statuses, routes: [...shares].map(([rev, percent]) => ({ rev, percent })) };
}

/**
 * Makes the front follow the service's traffic: starts what serves each revision that gets
 * a share (an old revision's app may have been stopped), then stops apps that get none.
 * Throws RevisionStartError when a targeted revision cannot start; routing is then unchanged.
 */
export async function applyTraffic(ctx: Context, ar: ArtifactRegistryState, s: ServiceRec): Promise<void> {
  await openTagFronts(ctx, s);
  const { statuses, routes } = resolve(s);
  // A tagged revision serves its tag's URL even with 0 % of the traffic.
  const tagged = statuses
    .flatMap((st) => (st.tag && st.revision ? [s.revisions.get(String(st.revision))] : []))
    .filter((r): r is RevisionRec => r !== undefined);
  const serving = new Set([...routes.map((r) => r.rev), ...tagged]);
  for (const rev of serving) if (!rev.app && !rev.notStarted) await startRevision(ctx, ar, s, rev);
  if (s.deleted) return;
  s.routes = routes;
  s.active = [...routes].sort((a, b) => b.percent - a.percent)[0]?.rev;
  s.json.trafficStatuses = statuses;
  await closeUnusedTagFronts(s);
  const idle = [...s.revisions.values()].filter((r) => r.app && !serving.has(r));
  await Promise.all(
    idle.map((r) => {
      const app = r.app!;
      r.app = undefined;
      return app.stop();
    }),
  );
}

function tagRoute(s: ServiceRec, tag: string): FrontTarget {
  if (!isPublic(s)) return { kind: 'forbidden' };
  const status = ((s.json.trafficStatuses as { tag?: string; revision?: string }[] | undefined) ?? []).find((t) => t.tag === tag);
  const rev = status?.revision ? s.revisions.get(status.revision) : undefined;
  if (rev?.app) return { kind: 'proxy', port: rev.app.port };
  if (rev?.notStarted) return { kind: 'not-started', revision: rev.id, why: rev.notStarted };
  return { kind: 'unavailable' };
}

/** Each tag in the traffic gets its own front (port) before its URL is reported. */
async function openTagFronts(ctx: Context, s: ServiceRec): Promise<void> {
  for (const t of (s.json.traffic as Target[] | undefined) ?? []) {
    if (!t.tag || s.tagFronts.has(t.tag)) continue;
    const tag = t.tag;
    const front = new FrontServer(() => tagRoute(s, tag), ctx.log, ctx.faults);
    s.tagFronts.set(tag, front);
    await front.listen();
  }
}

async function closeUnusedTagFronts(s: ServiceRec): Promise<void> {
  const tags = new Set(((s.json.traffic as Target[] | undefined) ?? []).flatMap((t) => (t.tag ? [t.tag] : [])));
  const unused = [...s.tagFronts].filter(([tag]) => !tags.has(tag));
  for (const [tag] of unused) s.tagFronts.delete(tag);
  await Promise.all(unused.map(([, f]) => f.close()));
}

/** The revision a request goes to: weighted by share, like Cloud Run's traffic split. */
export function pickRoute(s: ServiceRec, random: () => number = Math.random): RevisionRec | undefined {
  const total = s.routes.reduce((n, r) => n + r.percent, 0);
  let x = random() * total;
  for (const r of s.routes) {
    x -= r.percent;
    if (x < 0) return r.rev;
  }
  return s.routes[s.routes.length - 1]?.rev;
}
