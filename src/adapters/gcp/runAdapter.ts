import { clientFields } from './clientIdentity';
import type { protos } from '@google-cloud/run';
import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import { randomBytes } from 'node:crypto';
import type {
  DomainMappingInfo,
  ExistingService,
  RunPort,
  RunServiceInfo,
  ServiceRef,
  ServiceSpec,
  UpdateOptions,
  UpdatePreview,
} from '../../core/cloud/ports';
import { DevgemError } from '../../core/base/errors';
import type { DomainMappingLister } from './domainMappings';
import { call, isNotFound, retried, settled, type PendingOperation } from './gcpErrors';
import { pollBriskly, untilDone } from './lroPolling';
import { withSource } from './revisionSource';
import { INGRESS_ENUM, applyRuntime } from './runSpec';
import { info, serviceName, timestampIso } from './runViews';
import { liveSpec, noTrafficService, servingRevision, updatedService } from './serviceUpdate';

const API = 'run.googleapis.com';
type Service = protos.google.cloud.run.v2.IService;
const name = serviceName;

function container(spec: ServiceSpec) {
  return { image: spec.image, ports: [{ containerPort: spec.port }] };
}

/** `SERVICE-p-abcde`: Cloud Run wants the service name as the prefix and at most 63 characters. */
function previewRevisionName(service: string): string {
  const suffix = randomBytes(8).readBigUInt64BE().toString(36).slice(0, 5).padStart(5, '0');
  return `${service}-p-${suffix}`.slice(0, 63);
}

export class RunAdapter implements RunPort {
  constructor(
    private readonly client: () => Promise<ServicesClient>,
    private readonly domainMappings?: DomainMappingLister,
  ) {}

  private ctx(what: string, ref: ServiceRef, role = 'roles/run.developer') {
    return { what, project: ref.project, role, api: API };
  }

  async getService(ref: ServiceRef, signal?: AbortSignal): Promise<RunServiceInfo | undefined> {
    const client = await this.client();
    try {
      const [s] = await retried(
        this.ctx(`Looking up service ${ref.service}`, ref, 'roles/run.viewer'),
        () => client.getService({ name: name(ref) }, { signal }),
        signal,
      );
      return { ...info(s), servingRevision: servingRevision(s) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async inspectService(ref: ServiceRef, signal?: AbortSignal): Promise<ExistingService | undefined> {
    const client = await this.client();
    let s: Service;
    try {
      [s] = await retried(
        this.ctx(`Looking up service ${ref.service}`, ref, 'roles/run.viewer'),
        () => client.getService({ name: name(ref) }, { signal }),
        signal,
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const invokers = await this.invokers(ref, signal);
    const open = Boolean(s.invokerIamDisabled) || (invokers ?? []).some((m) => m === 'allUsers' || m === 'allAuthenticatedUsers');
    return {
      ref,
      uri: s.uri || undefined,
      image: s.template?.containers?.[0]?.image || undefined,
      labels: { ...(s.labels ?? {}) },
      public: open,
      invokers,
      updateTime: timestampIso(s.updateTime),
      creator: s.creator || undefined,
      lastModifier: s.lastModifier || undefined,
      servingRevision: servingRevision(s),
    };
  }

  async createService(ref: ServiceRef, spec: ServiceSpec, signal?: AbortSignal): Promise<RunServiceInfo> {
    const client = await this.client();
    const ctx = this.ctx(`Creating Cloud Run service ${ref.service}`, ref);
    return call(ctx, async () => {
      const { template, container: first } = applyRuntime({ labels: spec.labels }, container(spec), spec);
      // Not retried: a create that reached Google and lost its answer would come back 409.
      const [op] = await client.createService(
        {
          parent: `projects/${ref.project}/locations/${ref.region}`,
          serviceId: ref.service,
          service: {
            labels: spec.labels,
            ...clientFields(),
            template: withSource({ ...template, containers: [first] }, spec.source),
            ...(spec.ingress ? { ingress: INGRESS_ENUM[spec.ingress] } : {}),
          },
        },
        { signal },
      );
      const s = await settled(ctx, op, (n) => client.checkCreateServiceProgress(n) as Promise<PendingOperation>, signal);
      return info(s as Service);
    });
  }

  async previewUpdate(ref: ServiceRef, spec: ServiceSpec, signal?: AbortSignal): Promise<UpdatePreview | undefined> {
    const client = await this.client();
    let live: Service;
    try {
      [live] = await retried(
        this.ctx(`Reading service ${ref.service}`, ref, 'roles/run.viewer'),
        () => client.getService({ name: name(ref) }, { signal }),
        signal,
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const allUsers = live.invokerIamDisabled ? false : await this.allUsersInvoker(ref, signal);
    const next = updatedService(live, spec);
    return { live: liveSpec(live, allUsers), next: liveSpec(next, allUsers) };
  }

  /** Whether allUsers holds roles/run.invoker; a policy Devgem may not read counts as no. */
  private async allUsersInvoker(ref: ServiceRef, signal?: AbortSignal): Promise<boolean> {
    return ((await this.invokers(ref, signal)) ?? []).includes('allUsers');
  }

  /** The members holding roles/run.invoker without a condition; undefined when the policy cannot be read. */
  private async invokers(ref: ServiceRef, signal?: AbortSignal): Promise<string[] | undefined> {
    const client = await this.client();
    try {
      const [policy] = await client.getIamPolicy({ resource: name(ref) }, { signal });
      return (policy.bindings ?? []).filter((b) => b.role === 'roles/run.invoker' && !b.condition).flatMap((b) => b.members ?? []);
    } catch {
      return undefined;
    }
  }

  async listDomainMappings(ref: ServiceRef, signal: AbortSignal): Promise<DomainMappingInfo[]> {
    if (!this.domainMappings) return [];
    return this.domainMappings(ref, signal);
  }

  async updateService(ref: ServiceRef, spec: ServiceSpec, signal?: AbortSignal, opts: UpdateOptions = {}): Promise<RunServiceInfo> {
    const client = await this.client();
    const ctx = this.ctx(`Updating Cloud Run service ${ref.service}`, ref);
    return call(ctx, async () => {
      const [live] = await retried(ctx, () => client.getService({ name: name(ref) }, { signal }), signal);
      const tag = opts.noTraffic?.tag;
      // The same object previewUpdate compared with the live service. A preview names
      // its revision: the request's own traffic must target it before it exists.
      const service = tag ? noTrafficService(live, spec, tag, previewRevisionName(ref.service)) : updatedService(live, spec);
      // Not retried: each accepted update makes a revision.
      const [op] = await client.updateService({ service }, { signal });
      const s = (await settled(ctx, op, (n) => client.checkUpdateServiceProgress(n) as Promise<PendingOperation>, signal)) as Service;
      const tagUri = tag ? (s.trafficStatuses ?? []).find((t) => t.tag === tag)?.uri || undefined : undefined;
      return { ...info(s), servingRevision: servingRevision(s), ...(tagUri ? { tagUri } : {}) };
    });
  }

  async disableInvokerIam(ref: ServiceRef, signal?: AbortSignal): Promise<void> {
    const client = await this.client();
    // Setting one field to the same value: safe to send again.
    await retried(
      this.ctx('Turning off the invoker IAM check', ref, 'roles/run.admin'),
      async () => {
        const [op] = await client.updateService(
          { service: { name: name(ref), invokerIamDisabled: true }, updateMask: { paths: ['invoker_iam_disabled'] } },
          { signal },
        );
        const [s] = await untilDone(pollBriskly(op), signal);
        if (!(s as Service).invokerIamDisabled) throw new DevgemError('failed-precondition', 'Cloud Run kept the invoker IAM check on.');
      },
      signal,
    );
  }

  async grantPublicInvoker(ref: ServiceRef, signal?: AbortSignal): Promise<void> {
    const client = await this.client();
    // Read, add, write with the etag: a retry reads again and finds the grant if it landed.
    await retried(
      this.ctx('Granting allUsers roles/run.invoker', ref, 'roles/run.admin'),
      async () => {
        const [policy] = await client.getIamPolicy({ resource: name(ref) }, { signal });
        const bindings = [...(policy.bindings ?? [])];
        const invoker = bindings.find((b) => b.role === 'roles/run.invoker' && !b.condition);
        if (invoker?.members?.includes('allUsers')) return;
        if (invoker) invoker.members = [...(invoker.members ?? []), 'allUsers'];
        else bindings.push({ role: 'roles/run.invoker', members: ['allUsers'] });
        await client.setIamPolicy({ resource: name(ref), policy: { bindings, etag: policy.etag } }, { signal });
      },
      signal,
    );
  }
}
