// In-memory stand-ins for core's ports, for unit tests of the pipeline.
import type { Readable } from 'node:stream';
import { DevgemError } from '../../src/core/errors';
import type { BuildInfo, BuildRequest, CloudPorts, RunServiceInfo, ServiceRef, ServiceSpec } from '../../src/core/ports';
import { CancelledError } from '../../src/core/errors';
import type { Clock } from '../../src/core/wait';

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
}

export class FakeCloud {
  readonly calls: string[] = [];
  readonly uploads = new Map<string, Buffer>();
  readonly objects = new Map<string, Buffer>();
  services = new Map<string, RunServiceInfo & { spec: ServiceSpec; revisions: number }>();
  private builds = new Map<string, { req: BuildRequest; polls: number; state: BuildInfo['state'] }>();
  private buildSeq = 0;

  constructor(readonly script: FakeCloudScript = {}) {
    if (script.existingService) {
      this.services.set('svc', { uri: 'https://svc.example', latestReadyRevision: 'svc-00001-aaa', invokerIamDisabled: true, spec: { image: 'old', port: 8080, labels: {} }, revisions: 1 });
    }
  }

  private info(id: string): BuildInfo {
    const b = this.builds.get(id)!;
    return { id, state: b.state, logObject: `log-${id}.txt`, statusDetail: b.state === 'failure' ? 'Build step 0 failed' : undefined, logUrl: `https://console.example/builds/${id}` };
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
          } else b.state = 'working';
          return this.info(id);
        },
        cancel: async ({ id }) => {
          this.calls.push(`build.cancel ${id}`);
          this.builds.get(id)!.state = 'cancelled';
        },
      },
      run: {
        getService: async (ref) => {
          this.calls.push('run.getService');
          const svc = this.services.get(key(ref));
          return svc ? { ...svc } : undefined;
        },
        createService: async (ref, spec) => {
          this.calls.push(`run.createService ${spec.image}`);
          const svc = { uri: `https://${ref.service}.example`, latestReadyRevision: `${ref.service}-00001-abc`, invokerIamDisabled: false, spec, revisions: 1 };
          this.services.set(key(ref), svc);
          return { ...svc };
        },
        updateService: async (ref, spec) => {
          this.calls.push(`run.updateService ${spec.image}`);
          const svc = this.services.get(key(ref))!;
          svc.revisions++;
          svc.spec = spec;
          svc.latestReadyRevision = `${ref.service}-0000${svc.revisions}-def`;
          return { ...svc };
        },
        disableInvokerIam: async (ref) => {
          this.calls.push('run.disableInvokerIam');
          if (s.refuseInvokerIamDisabled) throw new DevgemError('permission-denied', 'Permission denied on invokerIamDisabled');
          this.services.get(key(ref))!.invokerIamDisabled = true;
        },
        grantPublicInvoker: async () => {
          this.calls.push('run.grantPublicInvoker');
          if (s.refusePublicInvoker) throw new DevgemError('failed-precondition', 'One or more users named in the policy do not belong to a permitted customer');
        },
      },
      http: {
        get: async (url) => {
          this.calls.push(`http.get ${url}`);
          const statuses = s.httpStatuses ?? [200];
          return { status: statuses.length > 1 ? statuses.shift()! : statuses[0] };
        },
      },
    };
  }
}
