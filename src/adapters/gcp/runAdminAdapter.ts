import type { protos } from '@google-cloud/run';
import type { RevisionsClient } from '@google-cloud/run/build/src/v2/revisions_client.js';
import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import { DevgemError } from '../../core/base/errors';
import type {
  CloudRunLocation,
  ConfigChange,
  RevisionInfo,
  RunAdminPort,
  RunServiceInfo,
  SecretRef,
  ServiceDetails,
  ServiceRef,
  ServiceSummary,
  TrafficSplit,
} from '../../core/cloud/ports';
import type { DomainMappingCreator } from './domainMappings';
import { applyAccess, applyConfig, applyTraffic } from './runConfigChanges';
import { call, isNotFound } from './gcpErrors';
import { clientFields } from './clientIdentity';
import { MAX_REGIONS } from '../../core/cloud/regionCatalog';
import { untilDone } from './lroPolling';
import { checkEnv, mergeEnv } from './runSpec';
import { servingRevision } from './serviceUpdate';
import { TRAFFIC_LATEST, TRAFFIC_REVISION, details, info, revisionInfos, revisionReady, serviceName, shortName, summary, trafficType } from './runViews';

const API = 'run.googleapis.com';
type Service = protos.google.cloud.run.v2.IService;

/**
 * Every page of a list, one request at a time. gax's own paging (autoPaginate)
 * sends its requests outside the call an abort cancels: the promise would end,
 * the request in flight would not.
 */
async function allPages<Req, T>(first: Req, page: (req: Req) => Promise<[T[], Req | null, unknown]>): Promise<T[]> {
  const out: T[] = [];
  for (let req: Req | null = first; req;) {
    const [items, next] = await page(req);
    out.push(...items);
    req = next;
  }
  return out;
}

/** Cloud Run operations beyond a deploy, through the v2 Services and Revisions clients. */
export class RunAdminAdapter implements RunAdminPort {
  constructor(
    private readonly services: () => Promise<ServicesClient>,
    private readonly revisions: () => Promise<RevisionsClient>,
    private readonly domainCreator?: DomainMappingCreator,
  ) {}

  private ctx(what: string, project: string, role = 'roles/run.developer') {
    return { what, project, role, api: API };
  }

  private missing(ref: ServiceRef, cause?: unknown): DevgemError {
    return new DevgemError('not-found', `There is no Cloud Run service "${ref.service}" in ${ref.region} (project ${ref.project}).`, {
      cause,
      fix: 'List the services to see which ones exist there, or check "devgem.project" and "devgem.region".',
    });
  }

  /** The live service; a missing one is a clear not-found, not the SDK's message. */
  private async live(ref: ServiceRef, what: string, signal?: AbortSignal, role = 'roles/run.viewer'): Promise<Service> {
    const client = await this.services();
    try {
      const [s] = await call(this.ctx(what, ref.project, role), () => client.getService({ name: serviceName(ref) }, { signal }));
      return s;
    } catch (err) {
      if (isNotFound(err)) throw this.missing(ref, err);
      throw err;
    }
  }

  async listServices(opts: { project: string; region: string }, signal?: AbortSignal): Promise<ServiceSummary[]> {
    const client = await this.services();
    const list = await call(this.ctx(`Listing Cloud Run services in ${opts.region}`, opts.project, 'roles/run.viewer'), () =>
      allPages<protos.google.cloud.run.v2.IListServicesRequest, Service>({ parent: `projects/${opts.project}/locations/${opts.region}` }, (req) =>
        client.listServices(req, { autoPaginate: false, signal }),
      ),
    );
    return list.map(summary).sort((a, b) => a.service.localeCompare(b.service));
  }

  /** Cloud Run's locations API (GET /v1/projects/P/locations, a mixin of the v2 clients). */
  async listRegions(project: string, signal?: AbortSignal): Promise<CloudRunLocation[]> {
    const client = await this.services();
    const out: CloudRunLocation[] = [];
    await call(this.ctx('Listing the Cloud Run regions', project, 'roles/run.viewer'), async () => {
      for await (const l of client.listLocationsAsync({ name: `projects/${project}` }, { autoPaginate: false, signal })) {
        if (signal?.aborted) break;
        const id = l.locationId || l.name?.split('/').pop();
        if (id) out.push({ id, displayName: l.displayName || undefined });
        if (out.length >= MAX_REGIONS) break;
      }
    });
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  async describeService(ref: ServiceRef, signal?: AbortSignal): Promise<ServiceDetails | undefined> {
    try {
      return details(await this.live(ref, `Describing service ${ref.service}`, signal));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listRevisions(ref: ServiceRef, signal?: AbortSignal): Promise<RevisionInfo[]> {
    const service = await this.live(ref, `Listing revisions of ${ref.service}`, signal);
    const client = await this.revisions();
    const list = await call(this.ctx(`Listing revisions of ${ref.service}`, ref.project, 'roles/run.viewer'), () =>
      allPages<protos.google.cloud.run.v2.IListRevisionsRequest, protos.google.cloud.run.v2.IRevision>({ parent: serviceName(ref) }, (req) =>
        client.listRevisions(req, { autoPaginate: false, signal }),
      ),
    );
    return revisionInfos(service, list);
  }

  async routeAllTraffic(ref: ServiceRef, revision: string, signal?: AbortSignal, opts: { followLatest?: boolean } = {}): Promise<RunServiceInfo> {
    const live = await this.live(ref, `Reading service ${ref.service}`, signal);
    const client = await this.revisions();
    const id = revision.split('/').pop() ?? revision;
    let rev: protos.google.cloud.run.v2.IRevision;
    try {
      [rev] = await call(this.ctx(`Looking up revision ${id}`, ref.project, 'roles/run.viewer'), () =>
        client.getRevision({ name: `${serviceName(ref)}/revisions/${id}` }, { signal }),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
      throw new DevgemError('not-found', `Service ${ref.service} has no revision "${id}", so no traffic was moved.`, {
        cause: err,
        fix: 'List the revisions of the service and pick one of those names.',
      });
    }
    if (!revisionReady(rev)) {
      const why = (rev.conditions ?? []).find((c) => c.type === 'Ready')?.message;
      throw new DevgemError('failed-precondition', `Revision ${id} is not ready${why ? `: ${why.split('\n')[0]}` : ''}; traffic stays where it is.`, {
        fix: 'Route traffic to a revision that is ready (see the revision list), or deploy again.',
      });
    }
    const services = await this.services();
    return call(this.ctx(`Routing all traffic of ${ref.service} to ${id}`, ref.project), async () => {
      // Tags on other revisions stay (0 %): they are URLs people may use.
      const tagged = (live.traffic ?? [])
        .filter((t) => t.tag && trafficType(t.type) === TRAFFIC_REVISION && t.revision && t.revision !== id)
        .map((t) => ({ type: TRAFFIC_REVISION, revision: t.revision, tag: t.tag, percent: 0 }));
      const ownTag = (live.traffic ?? []).find((t) => t.tag && t.revision === id)?.tag || undefined;
      // Back to following "latest" (as after a deploy) only for the revision that is the latest ready one now.
      const latest = opts.followLatest && shortName(live.latestReadyRevision) === id;
      const traffic = latest
        ? [{ type: TRAFFIC_LATEST, percent: 100 }, ...tagged, ...(ownTag ? [{ type: TRAFFIC_REVISION, revision: id, percent: 0, tag: ownTag }] : [])]
        : [{ type: TRAFFIC_REVISION, revision: id, percent: 100, tag: ownTag }, ...tagged];
      // The template is sent back unchanged, so Cloud Run makes no new revision.
      const [op] = await services.updateService({ service: { ...live, traffic, ...clientFields() } }, { signal });
      const [s] = await untilDone(op, signal);
      return info(s as Service);
    });
  }

  async updateEnv(
    ref: ServiceRef,
    change: { set: Record<string, string>; unset: string[]; secrets?: Record<string, SecretRef> },
    signal?: AbortSignal,
  ): Promise<RunServiceInfo> {
    checkEnv(change.set, Object.keys(change.secrets ?? {}));
    const live = await this.live(ref, `Reading service ${ref.service}`, signal);
    const services = await this.services();
    return call(this.ctx(`Updating the env vars of ${ref.service}`, ref.project), async () => {
      const [first, ...sidecars] = live.template?.containers?.length ? live.template.containers : [{}];
      const template = { ...(live.template ?? {}), containers: [{ ...first, env: mergeEnv(first.env, change) }, ...sidecars] };
      // A revision name is unique; reusing the live one would be refused.
      delete template.revision;
      const [op] = await services.updateService({ service: { ...live, template, ...clientFields() } }, { signal });
      const [s] = await untilDone(op, signal);
      // The traffic may stay on a revision a rollback pinned: say which one serves, reading it again if the answer does not.
      const serving = servingRevision(s as Service) ?? servingRevision(await this.live(ref, `Reading service ${ref.service}`, signal));
      return { ...info(s as Service), servingRevision: serving };
    });
  }

  async deleteService(ref: ServiceRef, signal?: AbortSignal): Promise<void> {
    const client = await this.services();
    try {
      await call(this.ctx(`Deleting service ${ref.service}`, ref.project), async () => {
        const [op] = await client.deleteService({ name: serviceName(ref) }, { signal });
        await untilDone(op, signal);
      });
    } catch (err) {
      if (isNotFound(err)) throw this.missing(ref, err);
      throw err;
    }
  }

  async setTraffic(ref: ServiceRef, split: TrafficSplit[], signal?: AbortSignal): Promise<RunServiceInfo> {
    const live = await this.live(ref, `Reading service ${ref.service}`, signal);
    const client = await this.services();
    return call(this.ctx(`Splitting the traffic of ${ref.service}`, ref.project), () => applyTraffic(client, live, split, signal));
  }

  async updateConfig(ref: ServiceRef, change: ConfigChange, signal?: AbortSignal): Promise<RunServiceInfo & { servingRevision?: string }> {
    const live = await this.live(ref, `Reading service ${ref.service}`, signal);
    const client = await this.services();
    return call(this.ctx(`Changing the configuration of ${ref.service}`, ref.project), () => applyConfig(client, live, change, signal));
  }

  async setPublic(ref: ServiceRef, open: boolean, signal?: AbortSignal): Promise<void> {
    await this.live(ref, `Reading service ${ref.service}`, signal);
    const client = await this.services();
    await call(this.ctx(`Making ${ref.service} ${open ? 'public' : 'private'}`, ref.project, 'roles/run.admin'), () =>
      applyAccess(client, serviceName(ref), open, signal),
    );
  }

  async createDomainMapping(ref: ServiceRef, domain: string, signal: AbortSignal) {
    if (!this.domainCreator) throw new DevgemError('failed-precondition', 'Custom domain mappings are not available here.');
    await this.live(ref, `Reading service ${ref.service}`, signal);
    return this.domainCreator(ref, domain, signal);
  }
}
