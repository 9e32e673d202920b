import type { protos } from '@google-cloud/run';
import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import type { RunPort, RunServiceInfo, ServiceRef, ServiceSpec } from '../../core/ports';
import { DevgemError } from '../../core/errors';
import { call, isNotFound } from './gcpErrors';
import { applyRuntime } from './runSpec';
import { TRAFFIC_LATEST, TRAFFIC_REVISION, info, serviceName, trafficType } from './runViews';

const API = 'run.googleapis.com';
type Service = protos.google.cloud.run.v2.IService;
const name = serviceName;

function container(spec: ServiceSpec) {
  return { image: spec.image, ports: [{ containerPort: spec.port }] };
}

export class RunAdapter implements RunPort {
  constructor(private readonly client: () => Promise<ServicesClient>) {}

  private ctx(what: string, ref: ServiceRef, role = 'roles/run.developer') {
    return { what, project: ref.project, role, api: API };
  }

  async getService(ref: ServiceRef): Promise<RunServiceInfo | undefined> {
    const client = await this.client();
    try {
      const [s] = await call(this.ctx(`Looking up service ${ref.service}`, ref, 'roles/run.viewer'), () => client.getService({ name: name(ref) }));
      return info(s);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async createService(ref: ServiceRef, spec: ServiceSpec): Promise<RunServiceInfo> {
    const client = await this.client();
    return call(this.ctx(`Creating Cloud Run service ${ref.service}`, ref), async () => {
      const { template, container: first } = applyRuntime({ labels: spec.labels }, container(spec), spec);
      const [op] = await client.createService({
        parent: `projects/${ref.project}/locations/${ref.region}`,
        serviceId: ref.service,
        service: { labels: spec.labels, template: { ...template, containers: [first] } },
      });
      const [s] = await op.promise();
      return info(s as Service);
    });
  }

  async updateService(ref: ServiceRef, spec: ServiceSpec): Promise<RunServiceInfo> {
    const client = await this.client();
    return call(this.ctx(`Updating Cloud Run service ${ref.service}`, ref), async () => {
      const [live] = await client.getService({ name: name(ref) });
      const [first, ...sidecars] = live.template?.containers?.length ? live.template.containers : [{}];
      const applied = applyRuntime(live.template ?? {}, { ...first, ...container(spec) }, spec);
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
      const [op] = await client.updateService({ service: { ...live, template, traffic, labels: { ...(live.labels ?? {}), ...spec.labels } } });
      const [s] = await op.promise();
      return info(s as Service);
    });
  }

  async disableInvokerIam(ref: ServiceRef): Promise<void> {
    const client = await this.client();
    await call(this.ctx('Turning off the invoker IAM check', ref, 'roles/run.admin'), async () => {
      const [op] = await client.updateService({ service: { name: name(ref), invokerIamDisabled: true }, updateMask: { paths: ['invoker_iam_disabled'] } });
      const [s] = await op.promise();
      if (!(s as Service).invokerIamDisabled) throw new DevgemError('failed-precondition', 'Cloud Run kept the invoker IAM check on.');
    });
  }

  async grantPublicInvoker(ref: ServiceRef): Promise<void> {
    const client = await this.client();
    await call(this.ctx('Granting allUsers roles/run.invoker', ref, 'roles/run.admin'), async () => {
      const [policy] = await client.getIamPolicy({ resource: name(ref) });
      const bindings = [...(policy.bindings ?? [])];
      const invoker = bindings.find((b) => b.role === 'roles/run.invoker' && !b.condition);
      if (invoker?.members?.includes('allUsers')) return;
      if (invoker) invoker.members = [...(invoker.members ?? []), 'allUsers'];
      else bindings.push({ role: 'roles/run.invoker', members: ['allUsers'] });
      await client.setIamPolicy({ resource: name(ref), policy: { bindings, etag: policy.etag } });
    });
  }
}
