// In-memory stand-ins for core's ports, for unit tests of the pipeline and the agent's tools.
import type { Readable } from 'node:stream';
import { checkEnv } from '../../src/adapters/gcp/runSpec';
import { DevgemError } from '../../src/core/base/errors';
import type {
  BuildInfo,
  BuildRequest,
  CloudPorts,
  DomainMappingInfo,
  EnvVarInfo,
  LiveServiceSpec,
  LogEntryInfo,
  LoggingPort,
  LogSeverity,
  RevisionSource,
  RunAdminPort,
  RunServiceInfo,
  ServiceDetails,
  ServiceRef,
  ServiceSpec,
  TrafficSplit,
} from '../../src/core/cloud/ports';
import { CancelledError } from '../../src/core/base/errors';
import { devgemLabels } from '../../src/core/deploy/ownership';
import { originOf } from '../../src/core/deploy/origin';
import { FakeSecretManager } from './fakeSecrets';
import type { Clock } from '../../src/core/base/wait';

/** Time that passes only when someone sleeps: tests run instantly and deterministically. */
export class FakeClock implements Clock {
  t = Date.UTC(2026, 10, 25, 12, 0, 0);
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError();
    this.t += ms;
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw new CancelledError();
  }
}

export interface FakeCloudScript {
  /** Preflight: APIs reported disabled until enabled through the port. */
  disabledServices?: string[];
  /** Preflight: permissions testIamPermissions leaves out. */
  deniedPermissions?: string[];
  /** Preflight: the project roles of the build service account (default: roles/run.builder). */
  buildAccountRoles?: string[];
  /** Preflight: what `listProjects` returns (default: demo-project), or the error it throws. */
  projects?: { projectId: string; name?: string }[] | DevgemError;
  credentialsError?: DevgemError;
  /** Number of polls a build stays WORKING. */
  buildPolls?: number;
  buildOutcome?: 'success' | 'failure';
  buildLog?: string[];
  existingService?: boolean;
  refuseInvokerIamDisabled?: boolean;
  refusePublicInvoker?: boolean;
  httpStatuses?: number[];
  /** Reading the build log fails with this. */
  logReadError?: DevgemError;
  /** Listing custom domain mappings fails with this. */
  domainMappingError?: DevgemError;
  /** Looking up an image by tag (incremental deploys) fails with this. */
  registryLookupError?: DevgemError;
  /** `run.updateService` makes a revision that never becomes ready and fails with this message. */
  updateRevisionFails?: string;
  /** `runAdmin.routeAllTraffic` (a rollback) fails with this. */
  routeTrafficError?: DevgemError;
}

export interface FakeRevision {
  revision: string;
  image: string;
  ready: boolean;
  /** RFC 3339, from the fake clock of the cloud (one minute per revision). */
  createTime: string;
  env: EnvVarInfo[];
  /** What the deploy recorded on the revision (ServiceSpec.source); an env change keeps the one before. */
  source?: RevisionSource;
}

/** A service as the fake keeps it: what RunPort returns plus what the admin port reads. */
export type FakeService = RunServiceInfo & {
  spec: ServiceSpec;
  /** How many revisions were made (kept for the pipeline tests). */
  revisions: number;
  region: string;
  revisionList: FakeRevision[];
  /** All traffic pinned to this revision; undefined = latest ready. */
  pinned?: string;
  /** Traffic tags (0 % each) → revision, as a preview deploy sets them. */
  tags?: Map<string, string>;
  /** A traffic split set by `runAdmin.setTraffic`. */
  split?: TrafficSplit[];
  env: EnvVarInfo[];
  updateTime: string;
  /**
   * Deployed by Devgem from the workspace the test deploys: its labels read as Devgem's
   * with the fake's `ownerOrigin` (see `ownedBy`). Services a test makes someone else's have their own `spec.labels`.
   */
  ours?: boolean;
  /** Who may call it, besides `invokerIamDisabled`: allUsers holds roles/run.invoker. */
  allUsers?: boolean;
};

/** The regions the fake's locations API offers (besides those of its services). */
export const FAKE_REGIONS = ['asia-northeast1', 'europe-west1', 'us-central1', 'us-east1'];

const SEVERITY_ORDER: LogSeverity[] = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];

function mergeEnvInfo(env: EnvVarInfo[], spec: { env?: Record<string, string>; secrets?: ServiceSpec['secrets']; unset?: string[] }): EnvVarInfo[] {
  const next = new Map(env.map((e) => [e.name, e]));
  for (const name of spec.unset ?? []) next.delete(name);
  for (const [name, value] of Object.entries(spec.env ?? {})) next.set(name, { name, value });
  for (const [name, secret] of Object.entries(spec.secrets ?? {})) next.set(name, { name, secret });
  return [...next.values()];
}

/** Absent runtime fields keep the live value, as on Cloud Run. */
function updatedSpec(live: ServiceSpec, spec: ServiceSpec): ServiceSpec {
  return {
    ...spec,
    // Like Cloud Run's update: the live service's other labels stay.
    labels: { ...live.labels, ...spec.labels },
    minInstances: spec.minInstances ?? live.minInstances,
    maxInstances: spec.maxInstances ?? live.maxInstances,
    cpu: spec.cpu ?? live.cpu,
    memory: spec.memory ?? live.memory,
  };
}

/** The fake keeps no CPU allocation or ingress settings: CPU during requests only, ingress all. */
function liveSpecOf(spec: ServiceSpec, env: EnvVarInfo[], open: boolean): LiveServiceSpec {
  return {
    env,
    minInstances: spec.minInstances ?? 0,
    maxInstances: spec.maxInstances,
    cpu: spec.cpu,
    memory: spec.memory,
    cpuAlwaysAllocated: false,
    ingress: 'all',
    public: open,
  };
}

export class FakeCloud {
  readonly calls: string[] = [];
  readonly uploads = new Map<string, Buffer>();
  readonly objects = new Map<string, Buffer>();
  /** Image `repo/name:tag` → digest, for every tag a successful build pushed. */
  readonly images = new Map<string, string>();
  /** Tags asked for by `registry.findImageByTag` (kept apart from `calls`, whose order tests check). */
  readonly tagLookups: string[] = [];
  services = new Map<string, FakeService>();
  /** Custom domain mappings (`run.listDomainMappings` returns those of the asked service). */
  readonly domainMappings: DomainMappingInfo[] = [];
  /** Log entries per service name (see `seedLogs`). */
  readonly logs = new Map<string, LogEntryInfo[]>();
  /** Minutes since the fake epoch: revision create times and update times. */
  private minute = 0;
  /** Secret Manager (`.env` imports); its calls are kept apart from `calls`. */
  readonly secretManager = new FakeSecretManager();
  private builds = new Map<string, { req: BuildRequest; polls: number; state: BuildInfo['state'] }>();
  private buildSeq = 0;

  /** Every build request started, in order. */
  buildRequests(): BuildRequest[] {
    return [...this.builds.values()].map((b) => b.req);
  }

  /** The `devgem-origin` of the workspace the test deploys (`ownedBy`): what services marked `ours` carry. */
  ownerOrigin?: string;

  constructor(readonly script: FakeCloudScript = {}) {
    if (script.existingService) {
      const svc = this.newService('svc', 'europe-west1', { image: 'old', port: 8080, labels: {} }, 'svc-00001-aaa', true);
      this.services.set('svc', { ...svc, ours: true });
    }
  }

  /** Makes the services marked `ours` Devgem's from the workspace at `root`, as a deploy from there computes it. */
  async ownedBy(root: string): Promise<this> {
    this.ownerOrigin = (await originOf({ workspaceRoot: root })).label;
    return this;
  }

  /** The service's labels as Cloud Run would return them. */
  labelsOf(svc: FakeService): Record<string, string> {
    return svc.ours ? { ...svc.spec.labels, ...devgemLabels(this.ownerOrigin) } : { ...svc.spec.labels };
  }

  private tick(): string {
    this.minute++;
    return new Date(Date.UTC(2026, 10, 25, 12, this.minute, 0)).toISOString();
  }

  private newService(service: string, region: string, spec: ServiceSpec, revision: string, invokerIamDisabled: boolean): FakeService {
    const env = mergeEnvInfo([], spec);
    const createTime = this.tick();
    return {
      uri: `https://${service}.example`,
      latestReadyRevision: revision,
      invokerIamDisabled,
      spec,
      revisions: 1,
      region,
      revisionList: [{ revision, image: spec.image, ready: true, createTime, env, ...(spec.source ? { source: spec.source } : {}) }],
      env,
      updateTime: createTime,
    };
  }

  /** Adds a revision (ready or not) to a service, as a deploy or an env change would. */
  addRevision(service: string, opts: { image?: string; ready?: boolean; source?: RevisionSource } = {}): FakeRevision {
    const svc = this.services.get(service);
    if (!svc) throw new Error(`FakeCloud: no service ${service}`);
    svc.revisions++;
    const suffix = opts.ready === false ? 'bad' : 'def';
    const rev: FakeRevision = {
      revision: `${service}-${String(svc.revisions).padStart(5, '0')}-${suffix}`,
      image: opts.image ?? svc.spec.image,
      ready: opts.ready !== false,
      createTime: this.tick(),
      env: svc.env,
      ...(opts.source ? { source: opts.source } : {}),
    };
    svc.revisionList.push(rev);
    svc.latestCreatedRevision = rev.revision;
    if (rev.ready) svc.latestReadyRevision = rev.revision;
    svc.updateTime = rev.createTime;
    return rev;
  }

  /**
   * A service that exists before the test starts, with `revisions` ready revisions: Devgem's from the
   * workspace the test deploys (`ownedBy`), unless `labels` says whose it is (then private unless `public`).
   */
  seedService(
    service: string,
    opts: { region?: string; image?: string; revisions?: number; env?: Record<string, string>; labels?: Record<string, string>; public?: boolean } = {},
  ): FakeService {
    const spec: ServiceSpec = { image: opts.image ?? `img-${service}`, port: 8080, labels: opts.labels ?? { 'managed-by': 'devgem' }, env: opts.env };
    const svc = this.newService(service, opts.region ?? 'europe-west1', spec, `${service}-00001-abc`, opts.labels ? opts.public === true : true);
    if (!opts.labels) svc.ours = true;
    this.services.set(service, svc);
    for (let i = 1; i < (opts.revisions ?? 1); i++) this.addRevision(service);
    return svc;
  }

  /** Log entries the service "wrote"; readServiceLogs returns the newest that match. */
  seedLogs(service: string, entries: LogEntryInfo[]): void {
    this.logs.set(service, [...(this.logs.get(service) ?? []), ...entries]);
  }

  private servingRevision(svc: FakeService): string | undefined {
    return svc.pinned ?? svc.latestReadyRevision;
  }

  private details(name: string, svc: FakeService): ServiceDetails {
    const serving = this.servingRevision(svc);
    return {
      uri: svc.uri,
      latestReadyRevision: svc.latestReadyRevision,
      latestCreatedRevision: svc.latestCreatedRevision,
      invokerIamDisabled: svc.invokerIamDisabled,
      service: name,
      region: svc.region,
      image: svc.spec.image,
      port: svc.spec.port,
      env: svc.env.map((e) => ({ ...e })),
      minInstances: svc.spec.minInstances,
      maxInstances: svc.spec.maxInstances,
      cpu: svc.spec.cpu,
      memory: svc.spec.memory,
      traffic: [{ revision: serving, percent: 100, latest: svc.pinned === undefined }],
      updateTime: svc.updateTime,
      ready: true,
    };
  }

  private missing(ref: ServiceRef): DevgemError {
    return new DevgemError('not-found', `There is no Cloud Run service "${ref.service}" in ${ref.region} (project ${ref.project}).`, {
      fix: 'List the services to see which ones exist there.',
    });
  }

  private runAdmin(): RunAdminPort {
    const get = (ref: ServiceRef): FakeService => {
      const svc = this.services.get(ref.service);
      if (!svc) throw this.missing(ref);
      return svc;
    };
    return {
      listRegions: async () => {
        this.calls.push('runAdmin.listRegions');
        const ids = new Set([...FAKE_REGIONS, ...[...this.services.values()].map((svc) => svc.region)]);
        return [...ids].sort().map((id) => ({ id }));
      },
      listServices: async ({ region }) => {
        this.calls.push(`runAdmin.listServices ${region}`);
        return (
          [...this.services]
            // `-`: every region (Cloud Run v2 `locations/-`).
            .filter(([, svc]) => region === '-' || svc.region === region)
            .map(([service, svc]) => ({
              service,
              region: svc.region,
              uri: svc.uri,
              latestReadyRevision: svc.latestReadyRevision,
              updateTime: svc.updateTime,
              lastModifier: 'dev@example.com',
              managedByDevgem: svc.spec.labels['managed-by'] === 'devgem',
            }))
            .sort((a, b) => a.service.localeCompare(b.service))
        );
      },
      describeService: async (ref) => {
        this.calls.push(`runAdmin.describeService ${ref.service}`);
        const svc = this.services.get(ref.service);
        return svc ? this.details(ref.service, svc) : undefined;
      },
      listRevisions: async (ref) => {
        this.calls.push(`runAdmin.listRevisions ${ref.service}`);
        const svc = get(ref);
        const serving = this.servingRevision(svc);
        return [...svc.revisionList].reverse().map((r) => ({
          revision: r.revision,
          createTime: r.createTime,
          image: r.image,
          ready: r.ready,
          percent: svc.split ? (svc.split.find((t) => t.revision === r.revision)?.percent ?? 0) : r.revision === serving ? 100 : 0,
          tags: [...(svc.tags ?? [])].filter(([, rev]) => rev === r.revision).map(([tag]) => tag),
          ...r.source,
        }));
      },
      routeAllTraffic: async (ref, revision, _signal, opts) => {
        this.calls.push(`runAdmin.routeAllTraffic ${ref.service} ${revision}`);
        const svc = get(ref);
        const rev = svc.revisionList.find((r) => r.revision === revision);
        if (!rev)
          throw new DevgemError('not-found', `Service ${ref.service} has no revision "${revision}", so no traffic was moved.`, {
            fix: 'List the revisions of the service and pick one of those names.',
          });
        if (!rev.ready)
          throw new DevgemError('failed-precondition', `Revision ${revision} is not ready; traffic stays where it is.`, {
            fix: 'Route traffic to a revision that is ready, or deploy again.',
          });
        if (this.script.routeTrafficError) throw this.script.routeTrafficError;
        svc.pinned = opts?.followLatest && revision === svc.latestReadyRevision ? undefined : revision;
        svc.updateTime = this.tick();
        return {
          uri: svc.uri,
          latestReadyRevision: svc.latestReadyRevision,
          latestCreatedRevision: svc.latestCreatedRevision,
          invokerIamDisabled: svc.invokerIamDisabled,
        };
      },
      updateEnv: async (ref, change) => {
        // Names only: values may be secrets and `calls` ends up in assertion messages.
        const secretNames = Object.keys(change.secrets ?? {});
        this.calls.push(
          `runAdmin.updateEnv ${ref.service} set=${Object.keys(change.set).join(',')} unset=${change.unset.join(',')}${secretNames.length ? ` secrets=${secretNames.join(',')}` : ''}`,
        );
        checkEnv(change.set, secretNames);
        const svc = get(ref);
        svc.env = mergeEnvInfo(svc.env, { env: change.set, unset: change.unset, secrets: change.secrets });
        this.addRevision(ref.service, { source: svc.revisionList[svc.revisionList.length - 1]?.source });
        // Like Cloud Run: traffic a rollback pinned stays where it is.
        return {
          uri: svc.uri,
          latestReadyRevision: svc.latestReadyRevision,
          latestCreatedRevision: svc.latestCreatedRevision,
          invokerIamDisabled: svc.invokerIamDisabled,
          servingRevision: this.servingRevision(svc),
        };
      },
      deleteService: async (ref) => {
        this.calls.push(`runAdmin.deleteService ${ref.service}`);
        get(ref);
        this.services.delete(ref.service);
      },
      setTraffic: async (ref, split) => {
        this.calls.push(`runAdmin.setTraffic ${ref.service} ${split.map((t) => `${t.revision}=${t.percent}${t.tag ? `#${t.tag}` : ''}`).join(',')}`);
        const svc = get(ref);
        for (const t of split) {
          const rev = svc.revisionList.find((r) => r.revision === t.revision);
          if (!rev?.ready) throw new DevgemError('failed-precondition', `Revision ${t.revision} is not ready; traffic stays where it is.`);
        }
        if (split.reduce((n, t) => n + t.percent, 0) !== 100) throw new DevgemError('invalid-argument', 'The traffic percentages do not add up to 100.');
        svc.split = split.map((t) => ({ ...t }));
        svc.pinned = split.find((t) => t.percent === 100)?.revision ?? split.reduce((a, b) => (b.percent > a.percent ? b : a)).revision;
        svc.tags = new Map(split.filter((t) => t.tag).map((t) => [t.tag!, t.revision]));
        return {
          uri: svc.uri,
          latestReadyRevision: svc.latestReadyRevision,
          latestCreatedRevision: svc.latestCreatedRevision,
          invokerIamDisabled: svc.invokerIamDisabled,
        };
      },
      updateConfig: async (ref, change) => {
        this.calls.push(`runAdmin.updateConfig ${ref.service} ${JSON.stringify(change)}`);
        const svc = get(ref);
        svc.spec = { ...svc.spec, ...change };
        this.addRevision(ref.service, { source: svc.revisionList[svc.revisionList.length - 1]?.source });
        return {
          uri: svc.uri,
          latestReadyRevision: svc.latestReadyRevision,
          latestCreatedRevision: svc.latestCreatedRevision,
          invokerIamDisabled: svc.invokerIamDisabled,
          servingRevision: this.servingRevision(svc),
        };
      },
      setPublic: async (ref, open) => {
        this.calls.push(`runAdmin.setPublic ${ref.service} ${open}`);
        const svc = get(ref);
        svc.invokerIamDisabled = open;
        svc.allUsers = open;
      },
      createDomainMapping: async (ref, domain) => {
        this.calls.push(`runAdmin.createDomainMapping ${ref.service} ${domain}`);
        get(ref);
        if (this.domainMappings.some((m) => m.domain === domain)) throw new DevgemError('already-exists', `The domain mapping ${domain} already exists.`);
        this.domainMappings.push({ domain, service: ref.service });
        return { domain, service: ref.service, records: [{ type: 'CNAME', name: domain.split('.')[0], rrdata: 'ghs.googlehosted.com.' }] };
      },
    };
  }

  private logging(): LoggingPort {
    return {
      readServiceLogs: async (opts) => {
        this.calls.push(`logging.readServiceLogs ${opts.service}`);
        const min = SEVERITY_ORDER.indexOf(opts.minSeverity ?? 'DEFAULT');
        const since = opts.sinceIso ? Date.parse(opts.sinceIso) : -Infinity;
        const until = opts.untilIso ? Date.parse(opts.untilIso) : Infinity;
        const text = opts.text?.toLowerCase();
        const hits = (this.logs.get(opts.service) ?? [])
          .filter((e) => SEVERITY_ORDER.indexOf(e.severity) >= min && Date.parse(e.timestamp) >= since && Date.parse(e.timestamp) < until)
          .filter((e) => (!opts.revision || e.revision === opts.revision) && (!text || e.text.toLowerCase().includes(text)))
          .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
        return hits.slice(Math.max(0, hits.length - opts.limit));
      },
    };
  }

  private info(id: string): BuildInfo {
    const b = this.builds.get(id)!;
    return {
      id,
      state: b.state,
      logObject: `log-${id}.txt`,
      statusDetail: b.state === 'failure' ? 'Build step 0 failed' : undefined,
      logUrl: `https://console.example/builds/${id}`,
    };
  }

  /** Preflight calls, apart from `calls` so the pipeline's call order stays about the deploy. */
  readonly preflightCalls: string[] = [];

  /** Everything enabled and granted unless the script says otherwise. */
  private preflight(): CloudPorts['preflight'] {
    const s = this.script;
    const disabled = new Set(s.disabledServices ?? []);
    const number = '123456789012';
    return {
      enabledServices: async (_project, names) => {
        this.preflightCalls.push(`enabledServices ${names.join(',')}`);
        return Object.fromEntries(names.map((n) => [n, !disabled.has(n)]));
      },
      enableService: async (_project, name) => {
        this.preflightCalls.push(`enableService ${name}`);
        disabled.delete(name);
      },
      testPermissions: async (_project, permissions) => {
        this.preflightCalls.push('testPermissions');
        return permissions.filter((p) => !(s.deniedPermissions ?? []).includes(p));
      },
      projectNumber: async () => number,
      listProjects: async () => {
        this.preflightCalls.push('listProjects');
        if (s.projects instanceof DevgemError) throw s.projects;
        return s.projects ?? [{ projectId: 'demo-project', name: 'Demo Project' }];
      },
      projectPolicyBindings: async () =>
        (s.buildAccountRoles ?? ['roles/run.builder']).map((role) => ({ role, members: [`serviceAccount:${number}-compute@developer.gserviceaccount.com`] })),
    };
  }

  ports(): CloudPorts {
    const s = this.script;
    const key = (r: ServiceRef) => r.service;
    return {
      credentials: {
        check: async () => {
          this.calls.push('credentials.check');
          if (s.credentialsError) throw s.credentialsError;
          return { principal: 'dev@example.com' };
        },
      },
      storage: {
        ensureBucket: async ({ bucket }) => {
          this.calls.push(`storage.ensureBucket ${bucket}`);
          return { created: true };
        },
        upload: async ({ bucket, object, source }: { bucket: string; object: string; source: Readable }) => {
          this.calls.push(`storage.upload ${bucket}/${object}`);
          const chunks: Buffer[] = [];
          for await (const c of source) chunks.push(c as Buffer);
          this.uploads.set(`${bucket}/${object}`, Buffer.concat(chunks));
        },
        readFrom: async ({ bucket, object, offset }) => {
          if (s.logReadError) throw s.logReadError;
          const data = this.objects.get(`${bucket}/${object}`);
          return data ? data.subarray(offset) : undefined;
        },
      },
      registry: {
        ensureDockerRepository: async ({ repository }) => {
          this.calls.push(`registry.ensure ${repository}`);
          return { created: false };
        },
        findImageByTag: async ({ project, location, repository, image, tag }) => {
          this.tagLookups.push(`${image}:${tag}`);
          if (s.registryLookupError) throw s.registryLookupError;
          const digest = this.images.get(`${location}-docker.pkg.dev/${project}/${repository}/${image}:${tag}`);
          return digest ? { digest } : undefined;
        },
      },
      build: {
        start: async (req) => {
          const id = `b${++this.buildSeq}`;
          this.calls.push(`build.start ${req.image}`);
          this.builds.set(id, { req, polls: 0, state: 'queued' });
          return this.info(id);
        },
        get: async ({ id }) => {
          const b = this.builds.get(id)!;
          if (b.state === 'cancelled') return this.info(id);
          b.polls++;
          const logKey = `${b.req.logsBucket.replace('gs://', '')}/log-${id}.txt`;
          const lines = s.buildLog ?? ['Step 1/3 : FROM node:22-slim', 'Step 2/3 : COPY . .', 'Successfully built abc'];
          const shown = lines.slice(0, Math.min(lines.length, b.polls));
          this.objects.set(logKey, Buffer.from(shown.map((l) => `${l}\n`).join('')));
          const polls = s.buildPolls ?? 2;
          if (b.polls >= polls) {
            this.objects.set(logKey, Buffer.from(lines.map((l) => `${l}\n`).join('')));
            b.state = s.buildOutcome === 'failure' ? 'failure' : 'success';
            if (b.state === 'success') {
              // Pushed like Cloud Build: the image's own tag and its extra tags, one digest.
              const base = b.req.image.slice(0, b.req.image.lastIndexOf(':'));
              for (const ref of [b.req.image, ...(b.req.extraTags ?? []).map((t) => `${base}:${t}`)]) this.images.set(ref, `sha256:${id.padStart(64, '0')}`);
            }
          } else b.state = 'working';
          return this.info(id);
        },
        cancel: async ({ id }) => {
          this.calls.push(`build.cancel ${id}`);
          this.builds.get(id)!.state = 'cancelled';
        },
        readLog: async ({ id, maxLines }) => {
          this.calls.push(`build.readLog ${id}`);
          const b = this.builds.get(id);
          if (!b) throw new DevgemError('not-found', `Cloud Build has no build ${id}.`);
          const logUri = `${b.req.logsBucket}/log-${id}.txt`;
          const data = this.objects.get(logUri.replace('gs://', ''));
          if (!data) throw new DevgemError('not-found', `The log of build ${id} is gone from ${logUri}.`);
          const lines = data.toString('utf8').split('\n');
          if (lines[lines.length - 1] === '') lines.pop();
          return { lines: lines.slice(-maxLines), totalLines: lines.length, state: b.state, logUri };
        },
      },
      run: {
        getService: async (ref) => {
          this.calls.push('run.getService');
          const svc = this.services.get(key(ref));
          return svc ? { ...svc, labels: this.labelsOf(svc), servingRevision: this.servingRevision(svc) } : undefined;
        },
        inspectService: async (ref) => {
          this.calls.push('run.inspectService');
          const svc = this.services.get(key(ref));
          if (!svc) return undefined;
          return {
            ref,
            uri: svc.uri,
            image: svc.spec.image,
            labels: this.labelsOf(svc),
            public: svc.invokerIamDisabled || svc.allUsers === true,
            invokers: svc.allUsers ? ['allUsers'] : [],
            updateTime: svc.updateTime,
            lastModifier: 'someone@example.com',
            servingRevision: this.servingRevision(svc),
          };
        },
        previewUpdate: async (ref, spec) => {
          this.calls.push('run.previewUpdate');
          const svc = this.services.get(key(ref));
          if (!svc) return undefined;
          return {
            live: liveSpecOf(svc.spec, svc.env, svc.invokerIamDisabled),
            next: liveSpecOf(updatedSpec(svc.spec, spec), mergeEnvInfo(svc.env, spec), svc.invokerIamDisabled),
          };
        },
        listDomainMappings: async (ref) => {
          this.calls.push('run.listDomainMappings');
          if (s.domainMappingError) throw s.domainMappingError;
          return this.domainMappings.filter((m) => m.service === ref.service);
        },
        createService: async (ref, spec) => {
          this.calls.push(`run.createService ${spec.image}`);
          checkEnv(spec.env ?? {}, Object.keys(spec.secrets ?? {}));
          const svc = this.newService(ref.service, ref.region, spec, `${ref.service}-00001-abc`, false);
          this.services.set(key(ref), svc);
          return { ...svc, labels: this.labelsOf(svc) };
        },
        updateService: async (ref, spec, _signal, opts) => {
          this.calls.push(`run.updateService ${spec.image}${opts?.noTraffic ? ` tag=${opts.noTraffic.tag}` : ''}`);
          checkEnv(spec.env ?? {}, Object.keys(spec.secrets ?? {}));
          const svc = this.services.get(key(ref))!;
          const serving = this.servingRevision(svc);
          // Absent runtime fields keep the live value, as on Cloud Run.
          svc.spec = updatedSpec(svc.spec, spec);
          svc.env = mergeEnvInfo(svc.env, spec);
          // A deploy serves the new code, like the real adapter; a preview leaves the traffic where it is.
          svc.pinned = opts?.noTraffic ? serving : undefined;
          const rev = this.addRevision(ref.service, { image: spec.image, ready: s.updateRevisionFails === undefined, source: spec.source });
          if (s.updateRevisionFails !== undefined) throw new DevgemError('failed-precondition', s.updateRevisionFails);
          if (!opts?.noTraffic) return { ...svc, servingRevision: rev.revision };
          svc.tags = new Map([...(svc.tags ?? []), [opts.noTraffic.tag, rev.revision]]);
          return { ...svc, servingRevision: serving, tagUri: `https://${opts.noTraffic.tag}---${ref.service}.example` };
        },
        disableInvokerIam: async (ref) => {
          this.calls.push('run.disableInvokerIam');
          if (s.refuseInvokerIamDisabled) throw new DevgemError('permission-denied', 'Permission denied on invokerIamDisabled');
          this.services.get(key(ref))!.invokerIamDisabled = true;
        },
        grantPublicInvoker: async () => {
          this.calls.push('run.grantPublicInvoker');
          if (s.refusePublicInvoker)
            throw new DevgemError('failed-precondition', 'One or more users named in the policy do not belong to a permitted customer');
        },
      },
      preflight: this.preflight(),
      runAdmin: this.runAdmin(),
      logging: this.logging(),
      http: {
        get: async (url) => {
          this.calls.push(`http.get ${url}`);
          const statuses = s.httpStatuses ?? [200];
          return { status: statuses.length > 1 ? statuses.shift()! : statuses[0] };
        },
      },
      secrets: this.secretManager.port(),
    };
  }
}
