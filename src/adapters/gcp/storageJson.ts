// Cloud Storage's JSON API for the calls that are not uploads: listing and
// creating a bucket, reading an object (a build log). The Storage SDK sends
// these through teeny-request, which hands node-fetch 3 a `timeout` that
// node-fetch 3 ignores (googleapis/google-cloud-node#7998) and takes no
// AbortSignal, so a request Google never answered stayed open for good, long
// after Devgem stopped waiting. Sent through the auth client's gaxios, each
// request has its own time limit and ends with the caller's signal. Uploads
// stay with the SDK: its resumable uploads use gaxios, which honours the limit.
import type { AuthClient } from 'google-auth-library';
import { CancelledError } from '../../core/base/errors';

export interface StorageJson {
  /** Names of the project's buckets that start with `prefix`, at most `max` of them. */
  bucketNames(project: string, prefix: string, max: number, signal?: AbortSignal): Promise<string[]>;
  /** Creates a bucket; `bucket` is its resource (`name`, `location`, …). */
  createBucket(project: string, bucket: Record<string, unknown>, signal?: AbortSignal): Promise<void>;
  /** An object's bytes from `offset` on; a missing object or an offset at its end fails as the API answers (404, 416). */
  read(bucket: string, object: string, offset: number, signal?: AbortSignal): Promise<Buffer>;
}

interface Request {
  path: string;
  method?: 'GET' | 'POST';
  params?: Record<string, string | number>;
  data?: unknown;
  headers?: Record<string, string>;
  responseType?: 'json' | 'arraybuffer';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The caller's abort as a CancelledError, the request's own time limit as
 * ETIMEDOUT (transient, so retried); anything else as gaxios reported it, which
 * gcpErrors translates (its HTTP status, and Google's message from the body, which
 * gaxios parses from an arraybuffer answer too).
 */
function failure(err: unknown, signal: AbortSignal | undefined, timedOut: boolean, timeoutMs: number): unknown {
  if (signal?.aborted) return new CancelledError();
  if (timedOut) return Object.assign(new Error(`Cloud Storage sent no answer within ${seconds(timeoutMs)}.`), { code: 'ETIMEDOUT', cause: err });
  return err;
}

/** `base`: `https://storage.googleapis.com`, or the emulator's address. */
export function storageJson(auth: () => Promise<AuthClient>, base: string, timeoutMs: number): StorageJson {
  async function send<T>(req: Request, signal: AbortSignal | undefined): Promise<T> {
    const client = await auth();
    // The limit is a timer of our own, not gaxios' `timeout`: gaxios joins that to
    // the caller's signal with AbortSignal.any, and Node may garbage-collect the
    // AbortSignal.timeout inside before it fires (nodejs/node#57736), so the
    // request would wait for ever again.
    const limit = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      limit.abort();
    }, timeoutMs);
    const onAbort = () => limit.abort();
    if (signal?.aborted) limit.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await client.request<T>({
        url: `${base}${req.path}`,
        method: req.method ?? 'GET',
        params: req.params,
        data: req.data,
        headers: req.headers,
        responseType: req.responseType ?? 'json',
        signal: limit.signal,
        // One try per request: the adapter retries the idempotent ones (gcpErrors' retried).
        retry: false,
      });
      return res.data;
    } catch (err) {
      throw failure(err, signal, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
  return {
    async bucketNames(project, prefix, max, signal) {
      const page = await send<{ items?: { name?: string }[] }>({ path: '/storage/v1/b', params: { project, prefix, maxResults: max } }, signal);
      return (page.items ?? []).flatMap((b) => (b.name ? [b.name] : []));
    },
    async createBucket(project, bucket, signal) {
      await send({ path: '/storage/v1/b', method: 'POST', params: { project }, data: bucket }, signal);
    },
    async read(bucket, object, offset, signal) {
      const path = `/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(object)}`;
      const headers = offset > 0 ? { Range: `bytes=${offset}-` } : undefined;
      const data = await send<ArrayBuffer>({ path, params: { alt: 'media' }, headers, responseType: 'arraybuffer' }, signal);
      return Buffer.from(data);
    },
  };
}
