import type { protos } from '@google-cloud/run';
import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import type { RunPort, RunServiceInfo, ServiceRef, ServiceSpec } from '../../core/ports';
import { DevgemError } from '../../core/errors';
import { call, isNotFound } from './gcpErrors';

const API = 'run.googleapis.com';
type Service = protos.google.cloud.run.v2.IService;

function name(ref: ServiceRef): string {
  return `projects/${ref.project}/locations/${ref.region}/services/${ref.service}`;
}

function info(s: Service): RunServiceInfo {
  return {
    uri: s.uri || undefined,
    latestReadyRevision: s.latestReadyRevision?.split('/').pop() || undefined,
    latestCreatedRevision: s.latestCreatedRevision?.split('/').pop() || undefined,
    invokerIamDisabled: Boolean(s.invokerIamDisabled),
  };
}

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
      const [op] = await client.createService({
        parent: `projects/${ref.project}/locations/${ref.region}`,
        serviceId: ref.service,
        service: { labels: spec.labels, template: { labels: spec.labels, containers: [container(spec)] } },
      });
      const [s] = await op.promise();
      return info(s as Service);
    });
  }

  async updateService(ref: ServiceRef, spec: ServiceSpec): Promise<RunServiceInfo> {
    const client = await this.client();
    return call(this.ctx(`Updating Cloud Run service ${ref.service}`, ref), async () => {
      const [live] = await client.getService({ name: name(ref) });
      const template = { ...(live.template ?? {}) };
      // A revision name is unique; reusing the live one would be refused.
      delete template.revision;
      const [first, ...sidecars] = template.containers?.length ? template.containers : [{}];
      template.containers = [{ ...first, ...container(spec) }, ...sidecars];
      template.labels = { ...(template.labels ?? {}), ...spec.labels };
      const [op] = await client.updateService({ service: { ...live, template, labels: { ...(live.labels ?? {}), ...spec.labels } } });
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
