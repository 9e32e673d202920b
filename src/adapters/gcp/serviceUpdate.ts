// The Cloud Run v2 service a deploy sends to update a live one, and both as
// core's LiveServiceSpec: one function builds what is sent, so the revision-diff
// guard (core/specDiff.ts) compares exactly that with the live service.
import { clientFields } from './clientIdentity';
import type { protos } from '@google-cloud/run';
import type { LiveServiceSpec, ServiceSpec } from '../../core/cloud/ports';
import { withSource } from './revisionSource';
import { INGRESS_ENUM, applyRuntime, envInfo } from './runSpec';
import { DevgemError } from '../../core/base/errors';
import { TRAFFIC_LATEST, TRAFFIC_REVISION, shortName, trafficType } from './runViews';

type Service = protos.google.cloud.run.v2.IService;

const INGRESS: Record<string, string> = {
  INGRESS_TRAFFIC_UNSPECIFIED: 'all',
  INGRESS_TRAFFIC_ALL: 'all',
  INGRESS_TRAFFIC_INTERNAL_ONLY: 'internal',
  INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 'internal-and-cloud-load-balancing',
  INGRESS_TRAFFIC_NONE: 'none',
};
const INGRESS_NAMES = Object.keys(INGRESS);

function ingressOf(value: unknown): string {
  const name = typeof value === 'number' ? INGRESS_NAMES[value] : String(value ?? 'INGRESS_TRAFFIC_UNSPECIFIED');
  return INGRESS[name ?? ''] ?? String(value);
}

/** The live service with `spec`'s image, port and runtime applied: what `updateService` sends. */
export function updatedService(live: Service, spec: ServiceSpec): Service {
  const [first, ...sidecars] = live.template?.containers?.length ? live.template.containers : [{}];
  const applied = applyRuntime(live.template ?? {}, { ...first, image: spec.image, ports: [{ containerPort: spec.port }] }, spec);
  // The new revision records its own source (or none): the live one's commit must not carry over.
  const template = withSource(
    { ...applied.template, containers: [applied.container, ...sidecars], labels: { ...(applied.template.labels ?? {}), ...spec.labels } },
    spec.source,
  );
  // A revision name is unique; reusing the live one would be refused.
  delete template.revision;
  // A deploy is meant to serve the new code: traffic pinned by an earlier
  // rollback would otherwise keep the old revision answering, silently.
  // Tags stay: they are URLs people may use.
  const tagged = (live.traffic ?? [])
    .filter((t) => t.tag && t.revision && trafficType(t.type) === TRAFFIC_REVISION)
    .map((t) => ({ type: TRAFFIC_REVISION, revision: t.revision, tag: t.tag, percent: 0 }));
  const traffic = [{ type: TRAFFIC_LATEST, percent: 100 }, ...tagged];
  const ingress = spec.ingress ? { ingress: INGRESS_ENUM[spec.ingress] } : {};
  return { ...live, template, traffic, labels: { ...(live.labels ?? {}), ...spec.labels }, ...ingress, ...clientFields() };
}

/**
 * A preview: the update as `updatedService` builds it, but the new revision
 * (named here, so the same request can target it) gets 0 % and `tag`, and every
 * other target keeps its share, "latest" pinned to the revision it serves now.
 */
export function noTrafficService(live: Service, spec: ServiceSpec, tag: string, revision: string): Service {
  const next = updatedService(live, spec);
  const rows = live.trafficStatuses?.length ? live.trafficStatuses : (live.traffic ?? []);
  const kept = rows
    .map((t) => ({
      type: TRAFFIC_REVISION,
      // "latest" would move to the new revision: pin it to the one it resolves to now.
      revision: shortName(t.revision) ?? (trafficType(t.type) === TRAFFIC_LATEST ? shortName(live.latestReadyRevision) : undefined),
      percent: Number(t.percent ?? 0),
      // The tag moves to the new revision.
      tag: t.tag && t.tag !== tag ? t.tag : undefined,
    }))
    .filter((t) => t.revision && (t.percent > 0 || t.tag));
  if (!kept.some((t) => t.percent > 0)) {
    throw new DevgemError(
      'failed-precondition',
      `Service ${shortName(live.name) ?? ''} has no revision serving traffic, so a preview has nothing to leave the traffic on.`,
      {
        fix: 'Deploy once without a preview tag.',
      },
    );
  }
  return { ...next, template: { ...next.template, revision }, traffic: [...kept, { type: TRAFFIC_REVISION, revision, percent: 0, tag }] };
}

/** The revision with the largest share of the traffic now ("latest" resolved), if Cloud Run says. */
export function servingRevision(s: Service): string | undefined {
  const rows = s.trafficStatuses?.length ? s.trafficStatuses : (s.traffic ?? []);
  const top = [...rows].sort((a, b) => Number(b.percent ?? 0) - Number(a.percent ?? 0))[0];
  if (!top || !Number(top.percent ?? 0)) return undefined;
  return shortName(top.revision) ?? (trafficType(top.type) === TRAFFIC_LATEST ? shortName(s.latestReadyRevision) : undefined);
}

/**
 * A service as the guard compares it. `public` also counts an allUsers
 * invoker grant, which lives in the IAM policy, not in the service.
 */
export function liveSpec(s: Service, allUsersInvoker = false): LiveServiceSpec {
  const c = s.template?.containers?.[0];
  const limits = c?.resources?.limits ?? {};
  return {
    env: envInfo(c?.env),
    minInstances: Number(s.template?.scaling?.minInstanceCount ?? 0),
    maxInstances: s.template?.scaling?.maxInstanceCount ? Number(s.template.scaling.maxInstanceCount) : undefined,
    cpu: limits.cpu || undefined,
    memory: limits.memory || undefined,
    // Cloud Run: CPU is only allocated during requests unless `resources` is set without `cpuIdle: true`.
    cpuAlwaysAllocated: c?.resources ? c.resources.cpuIdle !== true : false,
    ingress: ingressOf(s.ingress),
    public: Boolean(s.invokerIamDisabled) || allUsersInvoker,
  };
}
