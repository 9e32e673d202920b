// The Cloud Run v2 service a deploy sends to update a live one, and both as
// core's LiveServiceSpec: one function builds what is sent, so the revision-diff
// guard (core/specDiff.ts) compares exactly that with the live service.
import type { protos } from '@google-cloud/run';
import type { LiveServiceSpec, ServiceSpec } from '../../core/ports';
import { applyRuntime, envInfo } from './runSpec';
import { TRAFFIC_LATEST, TRAFFIC_REVISION, trafficType } from './runViews';

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
  const template = { ...applied.template, containers: [applied.container, ...sidecars] };
  // A revision name is unique; reusing the live one would be refused.
  delete template.revision;
  template.labels = { ...(template.labels ?? {}), ...spec.labels };
  // A deploy is meant to serve the new code: traffic pinned by an earlier
  // rollback would otherwise keep the old revision answering, silently.
  // Tags stay: they are URLs people may use.
  const tagged = (live.traffic ?? [])
    .filter((t) => t.tag && t.revision && trafficType(t.type) === TRAFFIC_REVISION)
    .map((t) => ({ type: TRAFFIC_REVISION, revision: t.revision, tag: t.tag, percent: 0 }));
  const traffic = [{ type: TRAFFIC_LATEST, percent: 100 }, ...tagged];
  return { ...live, template, traffic, labels: { ...(live.labels ?? {}), ...spec.labels } };
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
