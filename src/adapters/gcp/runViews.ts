// Cloud Run v2 resources as core's ports describe them. The SDK decodes plain
// calls with enum names and string longs, but LRO results with enum numbers
// and Long objects; these readers accept both.
import type { protos } from '@google-cloud/run';
import type { RevisionInfo, RunServiceInfo, ServiceDetails, ServiceRef, ServiceSummary, TrafficInfo } from '../../core/cloud/ports';
import { revisionSource } from './revisionSource';
import { envInfo } from './runSpec';

type Service = protos.google.cloud.run.v2.IService;
type Revision = protos.google.cloud.run.v2.IRevision;
type Condition = protos.google.cloud.run.v2.ICondition;
type Traffic = protos.google.cloud.run.v2.ITrafficTargetStatus;

export const TRAFFIC_LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' as const;
export const TRAFFIC_REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION' as const;
const TRAFFIC_NAMES = ['TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED', TRAFFIC_LATEST, TRAFFIC_REVISION];
const STATE_NAMES = ['STATE_UNSPECIFIED', 'CONDITION_PENDING', 'CONDITION_RECONCILING', 'CONDITION_FAILED', 'CONDITION_SUCCEEDED'];

export function serviceName(ref: ServiceRef): string {
  return `projects/${ref.project}/locations/${ref.region}/services/${ref.service}`;
}

/** The last path segment: `svc-00002-abc` of `projects/…/revisions/svc-00002-abc`. */
export function shortName(full: string | null | undefined): string | undefined {
  return full ? full.split('/').pop() || undefined : undefined;
}

function enumName(value: unknown, names: readonly string[]): string {
  return typeof value === 'number' ? (names[value] ?? String(value)) : String(value ?? '');
}

export function trafficType(value: unknown): string {
  return enumName(value, TRAFFIC_NAMES);
}

/** A google.protobuf.Timestamp (`{seconds, nanos}`, seconds a string, number or Long) or an RFC 3339 string. */
export function timestampIso(t: unknown): string | undefined {
  if (!t) return undefined;
  if (typeof t === 'string') return t;
  const { seconds, nanos } = t as { seconds?: unknown; nanos?: unknown };
  const s = Number(typeof seconds === 'object' && seconds !== null ? String(seconds) : (seconds ?? 0));
  if (!Number.isFinite(s) || (s === 0 && !nanos)) return undefined;
  return new Date(s * 1000 + Math.floor(Number(nanos ?? 0) / 1e6)).toISOString();
}

export function conditionSucceeded(c: Condition | null | undefined): boolean {
  return enumName(c?.state, STATE_NAMES) === 'CONDITION_SUCCEEDED';
}

export function revisionReady(r: Revision): boolean {
  return conditionSucceeded((r.conditions ?? []).find((c) => c.type === 'Ready'));
}

export function info(s: Service): RunServiceInfo {
  return {
    uri: s.uri || undefined,
    latestReadyRevision: shortName(s.latestReadyRevision),
    latestCreatedRevision: shortName(s.latestCreatedRevision),
    invokerIamDisabled: Boolean(s.invokerIamDisabled),
    labels: { ...(s.labels ?? {}) },
  };
}

/** Where traffic goes now: the statuses Cloud Run reports, else what was asked for. */
function trafficOf(s: Service): TrafficInfo[] {
  const rows: Traffic[] = s.trafficStatuses?.length ? s.trafficStatuses : (s.traffic ?? []);
  return rows.map((t) => {
    const latest = trafficType(t.type) === TRAFFIC_LATEST;
    // Statuses name the revision "latest" resolves to; the spec does not.
    const revision = shortName(t.revision) ?? (latest ? shortName(s.latestReadyRevision) : undefined);
    return { revision, percent: Number(t.percent ?? 0), tag: t.tag || undefined, latest };
  });
}

export function summary(s: Service): ServiceSummary {
  const parts = (s.name ?? '').split('/');
  return {
    service: parts[5] ?? '',
    region: parts[3] ?? '',
    uri: s.uri || undefined,
    latestReadyRevision: shortName(s.latestReadyRevision),
    updateTime: timestampIso(s.updateTime),
    lastModifier: s.lastModifier || undefined,
    managedByDevgem: s.labels?.['managed-by'] === 'devgem',
  };
}

export function details(s: Service): ServiceDetails {
  const c = s.template?.containers?.[0];
  const port = c?.ports?.[0]?.containerPort;
  const scaling = s.template?.scaling;
  const limits = c?.resources?.limits ?? {};
  const parts = (s.name ?? '').split('/');
  return {
    ...info(s),
    service: parts[5] ?? '',
    region: parts[3] ?? '',
    image: c?.image || undefined,
    port: port ? Number(port) : undefined,
    env: envInfo(c?.env),
    minInstances: scaling?.minInstanceCount ?? undefined,
    maxInstances: scaling?.maxInstanceCount || undefined,
    cpu: limits.cpu || undefined,
    memory: limits.memory || undefined,
    serviceAccount: s.template?.serviceAccount || undefined,
    concurrency: s.template?.maxInstanceRequestConcurrency || undefined,
    timeoutSeconds: s.template?.timeout?.seconds ? Number(s.template.timeout.seconds) : undefined,
    traffic: trafficOf(s),
    updateTime: timestampIso(s.updateTime),
    ready: conditionSucceeded(s.terminalCondition),
    statusMessage: s.terminalCondition?.message || undefined,
  };
}

/** Revisions newest first, each with the share of traffic and the tags the service gives it. */
export function revisionInfos(service: Service, revisions: Revision[]): RevisionInfo[] {
  const traffic = trafficOf(service);
  const rows = revisions.map((r): RevisionInfo => {
    const id = shortName(r.name) ?? '';
    const mine = traffic.filter((t) => t.revision === id);
    return {
      revision: id,
      createTime: timestampIso(r.createTime),
      image: r.containers?.[0]?.image || undefined,
      ready: revisionReady(r),
      percent: mine.reduce((sum, t) => sum + t.percent, 0),
      tags: mine.flatMap((t) => (t.tag ? [t.tag] : [])),
      ...revisionSource(r),
    };
  });
  // Names carry a zero-padded sequence number, a tie-breaker for equal create times.
  return rows.sort((a, b) => (b.createTime ?? '').localeCompare(a.createTime ?? '') || b.revision.localeCompare(a.revision));
}
