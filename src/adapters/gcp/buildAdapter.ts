import type { CloudBuildClient } from '@google-cloud/cloudbuild/build/src/v1/cloud_build_client.js';
import type { BuildInfo, BuildPort, BuildRequest, BuildState } from '../../core/ports';
import { call } from './gcpErrors';

const API = 'cloudbuild.googleapis.com';
const ROLE = 'roles/cloudbuild.builds.editor';

// Builds decoded from a long-running operation carry enum numbers, `getBuild`
// carries names: accept both rather than loading the SDK's 1.8 MB protos.
const STATES: Record<string, BuildState> = {
  STATUS_UNKNOWN: 'unknown', '0': 'unknown',
  PENDING: 'queued', '10': 'queued',
  QUEUED: 'queued', '1': 'queued',
  WORKING: 'working', '2': 'working',
  SUCCESS: 'success', '3': 'success',
  FAILURE: 'failure', '4': 'failure',
  INTERNAL_ERROR: 'internal-error', '5': 'internal-error',
  TIMEOUT: 'timeout', '6': 'timeout',
  CANCELLED: 'cancelled', '7': 'cancelled',
  EXPIRED: 'expired', '9': 'expired',
};

interface BuildLike {
  id?: string | null;
  status?: unknown;
  statusDetail?: string | null;
  logUrl?: string | null;
}

function toInfo(b: BuildLike | null | undefined, fallbackId?: string): BuildInfo {
  const id = b?.id ?? fallbackId;
  if (!id) throw new Error('Cloud Build returned a build without an id.');
  return {
    id,
    state: STATES[String(b?.status ?? 'STATUS_UNKNOWN')] ?? 'unknown',
    statusDetail: b?.statusDetail || undefined,
    logUrl: b?.logUrl || undefined,
    logObject: `log-${id}.txt`,
  };
}

export class BuildAdapter implements BuildPort {
  constructor(private readonly client: () => Promise<CloudBuildClient>) {}

  async start(req: BuildRequest): Promise<BuildInfo> {
    const client = await this.client();
    const ctx = { what: 'Starting Cloud Build', project: req.project, role: ROLE, api: API };
    // One image, several tags: the deploy id, plus e.g. the source hash incremental deploys look up.
    const base = req.image.slice(0, req.image.lastIndexOf(':') > req.image.lastIndexOf('/') ? req.image.lastIndexOf(':') : undefined);
    const images = [req.image, ...(req.extraTags ?? []).map((t) => `${base}:${t}`)];
    return call(ctx, async () => {
      // Only `parent`: with projectId too, gax picks the global path and the build runs outside the region.
      const [op] = await client.createBuild({
        parent: `projects/${req.project}/locations/${req.region}`,
        build: {
          source: { storageSource: { bucket: req.bucket, object: req.object } },
          steps: [{ name: 'gcr.io/cloud-builders/docker', args: ['build', '--network=cloudbuild', '-f', req.dockerfile, ...images.flatMap((i) => ['-t', i]), '.'] }],
          images,
          logsBucket: req.logsBucket,
          options: { logging: 'GCS_ONLY' },
          timeout: { seconds: req.timeoutSeconds },
          tags: ['devgem'],
        },
      });
      const meta = op.metadata as { build?: BuildLike } | null;
      return toInfo(meta?.build);
    });
  }

  async get(opts: { project: string; region: string; id: string }): Promise<BuildInfo> {
    const client = await this.client();
    const ctx = { what: `Checking Cloud Build ${opts.id}`, project: opts.project, role: ROLE, api: API };
    const [build] = await call(ctx, () =>
      client.getBuild({ name: `projects/${opts.project}/locations/${opts.region}/builds/${opts.id}` }),
    );
    return toInfo(build, opts.id);
  }

  async cancel(opts: { project: string; region: string; id: string }): Promise<void> {
    const client = await this.client();
    const ctx = { what: `Cancelling Cloud Build ${opts.id}`, project: opts.project, role: ROLE, api: API };
    await call(ctx, () =>
      client.cancelBuild({ name: `projects/${opts.project}/locations/${opts.region}/builds/${opts.id}` }),
    );
  }
}
