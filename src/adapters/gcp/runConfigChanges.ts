// Changes to a live Cloud Run service that need no build: a traffic split,
// scaling/resources/concurrency/timeout (a new revision from the live image),
// and who may call it. Each reads the service, changes only its own fields and
// waits for the rollout.
import type { protos } from '@google-cloud/run';
import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import { DevgemError } from '../../core/base/errors';
import type { ConfigChange, RunServiceInfo, TrafficSplit } from '../../core/cloud/ports';
import { untilDone } from './lroPolling';
import { servingRevision } from './serviceUpdate';
import { TRAFFIC_REVISION, info } from './runViews';

type Service = protos.google.cloud.run.v2.IService;

/** The live service with its traffic replaced by `split` (the template unchanged: no new revision). */
export async function applyTraffic(client: ServicesClient, live: Service, split: TrafficSplit[], signal?: AbortSignal): Promise<RunServiceInfo> {
  const total = split.reduce((n, t) => n + t.percent, 0);
  if (total !== 100) throw new DevgemError('invalid-argument', `The traffic percentages add up to ${total}, not 100.`);
  const traffic = split.map((t) => ({ type: TRAFFIC_REVISION, revision: t.revision, percent: t.percent, ...(t.tag ? { tag: t.tag } : {}) }));
  const [op] = await client.updateService({ service: { ...live, traffic } }, { signal });
  const [s] = await untilDone(op, signal);
  return info(s as Service);
}

/** The live service with a new template: the same image and env, the changed limits. */
export async function applyConfig(
  client: ServicesClient,
  live: Service,
  change: ConfigChange,
  signal?: AbortSignal,
): Promise<RunServiceInfo & { servingRevision?: string }> {
  const t = { ...(live.template ?? {}) };
  // A revision name is unique; reusing the live one would be refused.
  delete t.revision;
  if (change.minInstances !== undefined || change.maxInstances !== undefined) {
    t.scaling = {
      ...(t.scaling ?? {}),
      ...(change.minInstances !== undefined ? { minInstanceCount: change.minInstances } : {}),
      ...(change.maxInstances !== undefined ? { maxInstanceCount: change.maxInstances } : {}),
    };
  }
  if (change.concurrency !== undefined) t.maxInstanceRequestConcurrency = change.concurrency;
  if (change.timeoutSeconds !== undefined) t.timeout = { seconds: change.timeoutSeconds };
  if (change.cpu !== undefined || change.memory !== undefined) {
    const [first, ...sidecars] = t.containers?.length ? t.containers : [{}];
    const limits = { ...(first.resources?.limits ?? {}), ...(change.cpu ? { cpu: change.cpu } : {}), ...(change.memory ? { memory: change.memory } : {}) };
    t.containers = [{ ...first, resources: { ...(first.resources ?? {}), limits } }, ...sidecars];
  }
  const [op] = await client.updateService({ service: { ...live, template: t } }, { signal });
  const [s] = await untilDone(op, signal);
  return { ...info(s as Service), servingRevision: servingRevision(s as Service) };
}

/** Public: the invoker IAM check off and allUsers granted; private: the check on and allUsers/allAuthenticatedUsers removed. */
export async function applyAccess(client: ServicesClient, name: string, open: boolean, signal?: AbortSignal): Promise<void> {
  const [op] = await client.updateService({ service: { name, invokerIamDisabled: open }, updateMask: { paths: ['invoker_iam_disabled'] } }, { signal });
  await untilDone(op, signal);
  const [policy] = await client.getIamPolicy({ resource: name }, { signal });
  const everyone = ['allUsers', 'allAuthenticatedUsers'];
  let bindings = [...(policy.bindings ?? [])];
  if (open) {
    const invoker = bindings.find((b) => b.role === 'roles/run.invoker' && !b.condition);
    if (invoker?.members?.includes('allUsers')) return;
    if (invoker) invoker.members = [...(invoker.members ?? []), 'allUsers'];
    else bindings.push({ role: 'roles/run.invoker', members: ['allUsers'] });
  } else {
    if (!bindings.some((b) => b.members?.some((m) => everyone.includes(m)))) return;
    bindings = bindings.map((b) => ({ ...b, members: (b.members ?? []).filter((m) => !everyone.includes(m)) })).filter((b) => b.members.length);
  }
  await client.setIamPolicy({ resource: name, policy: { bindings, etag: policy.etag } }, { signal });
}
