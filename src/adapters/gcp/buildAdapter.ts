import type { CloudBuildClient } from '@google-cloud/cloudbuild/build/src/v1/cloud_build_client.js';
import { DevgemError } from '../../core/base/errors';
import { buildConfig } from '../../core/cloud/buildConfig';
import type { BuildInfo, BuildLogTail, BuildPort, BuildRequest, BuildState } from '../../core/cloud/ports';
import { call, isNotFound, isTransient, retried } from './gcpErrors';

const API = 'cloudbuild.googleapis.com';
const ROLE = 'roles/cloudbuild.builds.editor';
/** A failed create may still have started a build when only the answer was lost. */
const STARTED_ANYWAY = (project: string) =>
  `If the request reached Google before it failed, a build may be running anyway: check https://console.cloud.google.com/cloud-build/builds?project=${encodeURIComponent(project)} before deploying again.`;

// Builds decoded from a long-running operation carry enum numbers, `getBuild`
// carries names: accept both rather than loading the SDK's 1.8 MB protos.
const STATES: Record<string, BuildState> = {
  STATUS_UNKNOWN: 'unknown',
  '0': 'unknown',
  PENDING: 'queued',
  '10': 'queued',
  QUEUED: 'queued',
  '1': 'queued',
  WORKING: 'working',
  '2': 'working',
  SUCCESS: 'success',
  '3': 'success',
  FAILURE: 'failure',
  '4': 'failure',
  INTERNAL_ERROR: 'internal-error',
  '5': 'internal-error',
  TIMEOUT: 'timeout',
  '6': 'timeout',
  CANCELLED: 'cancelled',
  '7': 'cancelled',
  EXPIRED: 'expired',
  '9': 'expired',
};

interface BuildLike {
  id?: string | null;
  status?: unknown;
  statusDetail?: string | null;
  logUrl?: string | null;
  logsBucket?: string | null;
}

/** Reads a whole Cloud Storage object; undefined when it does not exist (StoragePort.readFrom at 0). */
export type ObjectReader = (opts: { project: string; bucket: string; object: string }, signal: AbortSignal) => Promise<Buffer | undefined>;

/** `gs://bucket[/folder]` and a build id → where Cloud Build writes that build's log. */
export function logLocation(logsBucket: string, id: string): { bucket: string; object: string } | undefined {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]*)(?:\/(.*?))?\/?$/.exec(logsBucket.trim());
  if (!m) return undefined;
  return { bucket: m[1], object: m[2] ? `${m[2]}/log-${id}.txt` : `log-${id}.txt` };
}

/** The last `maxLines` lines of a log's text; a final newline ends a line, it does not start one. */
export function logTail(text: string, maxLines: number): { lines: string[]; totalLines: number } {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return { lines: lines.slice(-maxLines), totalLines: lines.length };
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
  constructor(
    private readonly client: () => Promise<CloudBuildClient>,
    private readonly readObject?: ObjectReader,
  ) {}

  async start(req: BuildRequest, signal?: AbortSignal): Promise<BuildInfo> {
    const client = await this.client();
    const ctx = { what: 'Starting Cloud Build', project: req.project, role: ROLE, api: API };
    // One image, several tags: the deploy id, plus e.g. the source hash incremental deploys look up (buildConfig.ts).
    const { steps, images, options } = buildConfig(req);
    // Never retried: each request that reaches Google starts (and bills) one more build.
    return call(ctx, async () => {
      // Only `parent`: with projectId too, gax picks the global path and the build runs outside the region.
      const [op] = await client.createBuild(
        {
          parent: `projects/${req.project}/locations/${req.region}`,
          build: {
            source: { storageSource: { bucket: req.bucket, object: req.object } },
            steps,
            images,
            logsBucket: req.logsBucket,
            options,
            timeout: { seconds: req.timeoutSeconds },
            tags: ['devgem'],
          },
        },
        { signal },
      );
      const meta = op.metadata as { build?: BuildLike } | null;
      return toInfo(meta?.build);
    }).catch((err: unknown) => {
      if (!isTransient(err)) throw err;
      const e = err as DevgemError;
      throw new DevgemError(e.kind, e.message, { cause: err, fix: `${e.fix ?? 'Retry in a minute.'} ${STARTED_ANYWAY(req.project)}` });
    });
  }

  async get(opts: { project: string; region: string; id: string }, signal?: AbortSignal): Promise<BuildInfo> {
    const client = await this.client();
    const ctx = { what: `Checking Cloud Build ${opts.id}`, project: opts.project, role: ROLE, api: API };
    const [build] = await retried(
      ctx,
      () => client.getBuild({ name: `projects/${opts.project}/locations/${opts.region}/builds/${opts.id}` }, { signal }),
      signal,
    );
    return toInfo(build, opts.id);
  }

  async readLog(opts: { project: string; region: string; id: string; maxLines: number }, signal: AbortSignal): Promise<BuildLogTail> {
    const client = await this.client();
    const ctx = { what: `Reading Cloud Build ${opts.id}`, project: opts.project, role: 'roles/cloudbuild.builds.viewer', api: API };
    let build: BuildLike;
    try {
      [build] = await call(ctx, () => client.getBuild({ name: `projects/${opts.project}/locations/${opts.region}/builds/${opts.id}` }, { signal }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      throw new DevgemError('not-found', `Cloud Build has no build ${opts.id} in ${opts.region} (project ${opts.project}).`, {
        cause: err,
        fix: 'Cloud Build keeps builds for a while only; a deploy that reused an earlier image ran no build.',
      });
    }
    // Devgem's builds write their log to the source bucket (BuildRequest.logsBucket), others to Google's default one.
    const where = build.logsBucket ? logLocation(build.logsBucket, opts.id) : undefined;
    if (!where || !this.readObject) {
      throw new DevgemError('failed-precondition', `Build ${opts.id} keeps no log in Cloud Storage that Devgem can read.`, {
        fix: 'Open the build in Cloud Console.',
      });
    }
    const logUri = `gs://${where.bucket}/${where.object}`;
    const data = await this.readObject({ project: opts.project, ...where }, signal);
    if (!data) {
      throw new DevgemError('not-found', `The log of build ${opts.id} is gone from ${logUri}.`, {
        fix: "Devgem's source bucket deletes objects after 30 days; the build's page in Cloud Console may still show it.",
      });
    }
    return { ...logTail(data.toString('utf8'), opts.maxLines), state: toInfo(build, opts.id).state, logUri };
  }

  async cancel(opts: { project: string; region: string; id: string }, signal?: AbortSignal): Promise<void> {
    const client = await this.client();
    const ctx = { what: `Cancelling Cloud Build ${opts.id}`, project: opts.project, role: ROLE, api: API };
    await call(ctx, () => client.cancelBuild({ name: `projects/${opts.project}/locations/${opts.region}/builds/${opts.id}` }, { signal }));
  }
}
