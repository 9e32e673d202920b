import type { Storage } from '@google-cloud/storage';
import { pipeline } from 'node:stream/promises';
import { DevgemError } from '../../core/base/errors';
import { bounded } from '../../core/base/wait';
import type { StoragePort } from '../../core/cloud/ports';
import { call, isNotFound, retried } from './gcpErrors';
import { Crc32cPassThrough } from './crc32cOffThread';
import type { StorageJson } from './storageJson';

const API = 'storage.googleapis.com';

/** Resumable uploads send chunks of this size: a dropped connection costs at most one chunk. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** How long removing a damaged upload may take before the deploy reports the damage anyway. */
const DELETE_MS = 15_000;

export class StorageAdapter implements StoragePort {
  constructor(
    private readonly storageFor: (project: string) => Promise<Storage>,
    /** Bucket lookup and creation and object reads (storageJson.ts says why not through the SDK). */
    private readonly json: StorageJson,
    private readonly opts: { chunkBytes?: number } = {},
  ) {}

  async ensureBucket(
    opts: { project: string; bucket: string; location: string; labels?: Record<string, string> },
    signal?: AbortSignal,
  ): Promise<{ created: boolean }> {
    const ctx = { what: `Checking bucket ${opts.bucket}`, project: opts.project, role: 'roles/storage.admin', api: API };
    // Listing is scoped to the project, so finding the name there proves ownership.
    const mine = () => retried(ctx, () => this.json.bucketNames(opts.project, opts.bucket, 50, signal), signal);
    if ((await mine()).includes(opts.bucket)) return { created: false };
    try {
      // Safe to send again: a create that landed before its answer was lost is refused (409) and found below.
      await retried(
        { ...ctx, what: `Creating bucket ${opts.bucket}` },
        () =>
          this.json.createBucket(
            opts.project,
            {
              name: opts.bucket,
              location: opts.location,
              iamConfiguration: { uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: 'enforced' },
              // Uploaded sources and build logs are only needed for a while.
              lifecycle: { rule: [{ action: { type: 'Delete' }, condition: { age: 30 } }] },
              ...(opts.labels ? { labels: opts.labels } : {}),
            },
            signal,
          ),
        signal,
      );
      return { created: true };
    } catch (err) {
      if (err instanceof DevgemError && (err.kind === 'already-exists' || err.kind === 'permission-denied')) {
        if ((await mine()).includes(opts.bucket)) return { created: false };
        if (err.kind === 'already-exists') {
          throw new DevgemError('already-exists', `The bucket name ${opts.bucket} is taken by another project (bucket names are global).`, {
            fix: 'Set "devgem.sourceBucket" in Settings to a bucket name of your own, e.g. my-project-devgem-sources.',
          });
        }
      }
      throw err;
    }
  }

  async upload(
    opts: { project: string; bucket: string; object: string; source: NodeJS.ReadableStream; contentType: string },
    signal: AbortSignal,
  ): Promise<void> {
    const storage = await this.storageFor(opts.project);
    const file = storage.bucket(opts.bucket).file(opts.object);
    const ctx = { what: `Uploading gs://${opts.bucket}/${opts.object}`, project: opts.project, role: 'roles/storage.objectAdmin', api: API };
    const checksum = new Crc32cPassThrough();
    await call(ctx, () =>
      pipeline(
        opts.source,
        checksum,
        file.createWriteStream({
          resumable: true,
          // Several requests, each answered with the committed offset (308 + Range): a retry resumes there, not at byte 0.
          chunkSize: this.opts.chunkBytes ?? CHUNK_BYTES,
          // "Only if the object does not exist yet" makes the upload safe to retry: without a
          // precondition the SDK retries no upload request at all (IdempotencyStrategy.RetryConditional).
          // Object names carry the deploy id, so a new one never exists.
          preconditionOpts: { ifGenerationMatch: 0 },
          contentType: opts.contentType,
          // Checked below against a CRC32C computed off the host's main thread (crc32cOffThread.ts says why).
          validation: false,
          metadata: { cacheControl: 'no-store' },
        }),
        { signal },
      ).catch((err: unknown) => {
        // A request's own timeout surfaces as an abort; only the deploy's signal means "cancelled".
        const e = err as { name?: unknown; message?: unknown };
        if (!signal.aborted && (e?.name === 'AbortError' || e?.name === 'TimeoutError' || /operation was aborted/i.test(String(e?.message)))) {
          throw new DevgemError('timeout', `${ctx.what} timed out: Cloud Storage stopped answering and the retries ran out.`, {
            cause: err,
            fix: 'Check your network connection and deploy again; the Google Cloud status page may show a Cloud Storage outage.',
          });
        }
        throw err;
      }),
    );
    await this.checkIntegrity(file, checksum.crc32c(), ctx.what);
  }

  /** What Cloud Storage stored must be what was sent; a damaged object is deleted, so no build reads it. */
  private async checkIntegrity(file: ReturnType<ReturnType<Storage['bucket']>['file']>, sent: string, what: string): Promise<void> {
    const stored = (file.metadata as { crc32c?: unknown } | undefined)?.crc32c;
    if (stored === sent) return;
    // Best effort and bounded: the error below is what matters (the bucket's lifecycle rule removes it in 30 days anyway).
    await bounded(`Deleting the damaged gs://${file.bucket.name}/${file.name}`, DELETE_MS, undefined, () => file.delete({ ignoreNotFound: true })).catch(
      () => undefined,
    );
    throw new DevgemError(
      'unavailable',
      `${what} arrived damaged: Cloud Storage stored different bytes (CRC32C ${String(stored ?? 'missing')}, sent ${sent}). The object was deleted.`,
      {
        fix: 'Deploy again. If it keeps happening, something between you and Google (a proxy or antivirus that inspects HTTPS) is changing the upload.',
      },
    );
  }

  async readFrom(opts: { project: string; bucket: string; object: string; offset: number }, signal?: AbortSignal): Promise<Buffer | undefined> {
    const ctx = { what: `Reading gs://${opts.bucket}/${opts.object}`, project: opts.project, role: 'roles/storage.objectViewer', api: API };
    const read = () =>
      this.json.read(opts.bucket, opts.object, opts.offset, signal).catch((err: unknown) => {
        // 416: nothing past the offset yet.
        if ((err as { status?: unknown }).status === 416) return Buffer.alloc(0);
        throw err;
      });
    try {
      return await retried(ctx, read, signal);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
