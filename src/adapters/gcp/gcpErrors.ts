import { DevgemError, type ErrorKind } from '../../core/base/errors';
import { realClock } from '../../core/base/wait';
import { pollBriskly, untilDone } from './lroPolling';

// gax errors carry gRPC codes; Storage errors carry HTTP codes. Both become a
// DevgemError that says which call failed and what to do about it.
const GRPC: Record<number, ErrorKind> = {
  1: 'cancelled',
  3: 'invalid-argument',
  4: 'unavailable',
  5: 'not-found',
  6: 'already-exists',
  7: 'permission-denied',
  8: 'resource-exhausted',
  9: 'failed-precondition',
  10: 'unavailable',
  13: 'unavailable',
  14: 'unavailable',
  16: 'credentials',
};
const HTTP: Record<number, ErrorKind> = {
  400: 'invalid-argument',
  401: 'credentials',
  403: 'permission-denied',
  404: 'not-found',
  409: 'already-exists',
  412: 'failed-precondition',
  429: 'resource-exhausted',
  500: 'unavailable',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

export interface CallContext {
  /** What was being done, as a user reads it: "Creating the Cloud Run service". */
  what: string;
  project: string;
  /** The role that grants this call, for a permission error's fix. */
  role?: string;
  /** The API to enable when it is disabled. */
  api?: string;
}

const NETWORK = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE)$/;
const GRPC_NAMES: Record<number, string> = { 4: 'DEADLINE_EXCEEDED', 8: 'RESOURCE_EXHAUSTED', 13: 'INTERNAL', 14: 'UNAVAILABLE' };
// REST fallback turns Google's HTTP answer into a gRPC code; name the HTTP status people see in docs and status pages.
const GRPC_HTTP: Record<number, number> = { 8: 429, 13: 500, 14: 503 };

/** Storage's "Retry limit exceeded - status: 503 - {json}": the HTTP status and Google's own message. */
function storageRetryError(raw: string): { status: number; message: string } | undefined {
  const m = /^Retry (?:limit|total time limit) exceeded - status: (\d+) - ([\s\S]*)$/.exec(raw);
  if (!m) return undefined;
  let message = m[2];
  try {
    message = (JSON.parse(m[2]) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    /* not JSON: keep it */
  }
  return { status: Number(m[1]), message };
}

/** A dropped connection, however the HTTP stack words it. */
function isConnectionReset(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const text = String(e?.message ?? '');
  return e?.code === 'ECONNRESET' || e?.cause?.code === 'ECONNRESET' || e?.code === 'EPIPE' || /socket hang up|ECONNRESET|other side closed|EPIPE/i.test(text);
}

/** What went wrong on the wire, as a short label for the message: "HTTP 503", "connection reset", "timed out". */
function causeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; status?: unknown };
  if (isConnectionReset(err)) return 'connection reset';
  if (typeof e?.code === 'string' && NETWORK.test(e.code)) return e.code === 'ETIMEDOUT' ? 'timed out' : `network error ${e.code}`;
  const retry = storageRetryError(err instanceof Error ? err.message : String(err));
  if (retry) return `HTTP ${retry.status}`;
  const code = typeof e?.code === 'number' ? e.code : typeof e?.status === 'number' ? e.status : NaN;
  if (code === 4 || e?.code === 'TimeoutError') return 'timed out';
  if (GRPC_HTTP[code]) return `HTTP ${GRPC_HTTP[code]} ${GRPC_NAMES[code]}`;
  if (code >= 429) return `HTTP ${code}`;
  return undefined;
}

function kindOf(err: unknown): ErrorKind {
  const e = err as { code?: unknown; status?: unknown; name?: string };
  // gaxios (the auth client's REST calls) keeps the abort's name in `code`; its own time limit is a TimeoutError.
  if (e?.name === 'AbortError' || e?.code === 'AbortError') return 'cancelled';
  if (e?.name === 'TimeoutError' || e?.code === 'TimeoutError') return 'unavailable';
  if (isConnectionReset(err)) return 'unavailable';
  const retry = storageRetryError(err instanceof Error ? err.message : String(err));
  if (retry) return HTTP[retry.status] ?? (retry.status >= 500 ? 'unavailable' : 'unknown');
  // gaxios puts the HTTP status in `status`; gax and Storage use `code`.
  const code = typeof e?.code === 'number' ? e.code : typeof e?.status === 'number' ? e.status : Number(e?.code);
  if (typeof e?.code === 'string' && NETWORK.test(e.code)) return 'unavailable';
  // gax REST errors carry the gRPC code; HTTP codes are all >= 100.
  if (Number.isFinite(code) && code < 100) return GRPC[code] ?? 'unknown';
  if (Number.isFinite(code)) return HTTP[code] ?? (code >= 500 ? 'unavailable' : 'unknown');
  if (/credential|authenticat/i.test(String((err as Error)?.message))) return 'credentials';
  return 'unknown';
}

function messageOf(err: unknown): string {
  // gaxios (the auth client's REST calls) says only "Request failed with status code N";
  // Google's own explanation is in the response body it parsed.
  const google = (err as { response?: { data?: { error?: { message?: unknown } } } })?.response?.data?.error?.message;
  if (typeof google === 'string' && google) return google.split('\n')[0].slice(0, 500);
  const raw = err instanceof Error ? err.message : String(err);
  const retry = storageRetryError(raw);
  if (retry) return retry.message.split('\n')[0].slice(0, 500);
  // A request URL carries the query and says nothing the call's name does not.
  if (isConnectionReset(err)) return 'the connection was dropped before Google answered';
  // gax prefixes "<code> <STATUS>: "; the rest is Google's own explanation.
  return raw
    .replace(/^\d+ [A-Z_]+: /, '')
    .split('\n')[0]
    .slice(0, 500);
}

export function toDevgemError(err: unknown, ctx: CallContext): DevgemError {
  if (err instanceof DevgemError) return err;
  const kind = kindOf(err);
  const detail = messageOf(err);
  const cause = causeOf(err);
  const message = `${ctx.what} failed${cause && !detail.includes(cause) ? ` (${cause})` : ''}: ${detail}`;
  if (/SERVICE_DISABLED|has not been used in project|is disabled/i.test(detail) && ctx.api) {
    return new DevgemError('failed-precondition', message, {
      cause: err,
      fix: `Enable the API: gcloud services enable ${ctx.api} --project=${ctx.project} (or https://console.cloud.google.com/apis/library/${ctx.api}?project=${ctx.project}), then deploy again.`,
    });
  }
  if (/failed to start and listen on the port/i.test(detail)) {
    return new DevgemError('failed-precondition', message, {
      cause: err,
      fix: "The container did not start. Make the app listen on the port in the PORT environment variable (Cloud Run sets it, 8080 by default) and check the revision's logs for a crash at start-up. The previous revision keeps serving meanwhile.",
    });
  }
  const fixes: Partial<Record<ErrorKind, string>> = {
    credentials: 'Sign in again: run `gcloud auth application-default login`, then deploy again.',
    'permission-denied': ctx.role
      ? `Your account needs ${ctx.role} on project ${ctx.project}: gcloud projects add-iam-policy-binding ${ctx.project} --member=user:YOU@example.com --role=${ctx.role}`
      : `Ask a project owner of ${ctx.project} for the permission named above.`,
    unavailable: 'Google Cloud did not answer in time or is overloaded; retry in a minute.',
    'resource-exhausted': `Google Cloud is limiting requests to project ${ctx.project} (rate or quota); wait a minute and deploy again. If it keeps happening, check the API's quotas in Cloud Console (IAM & Admin > Quotas).`,
    'not-found': `Check that project ${ctx.project} exists and that "devgem.project" names it.`,
  };
  return new DevgemError(kind, message, { cause: err, fix: fixes[kind] });
}

/** Failures worth another try of an idempotent call: the request may not even have arrived. */
export function isTransient(err: unknown): boolean {
  return err instanceof DevgemError && (err.kind === 'unavailable' || err.kind === 'resource-exhausted');
}

/** Tries of an idempotent call, and the waits between them (Google's AIP-194 advice: back off, a few times). */
const RETRY_WAITS_MS = [500, 1500];

/**
 * Runs an idempotent call (a read, or a whole get-or-create that accepts "already
 * exists") again after a transient failure, then translates what is left. Never
 * for a call that creates something on each request, such as a build. Once
 * `signal` aborts nothing is tried again: whatever the aborted call failed with
 * (CANCELLED, or a reset, which looks transient) is the abort's doing, and the
 * caller has stopped waiting; an abort during a wait ends it with a CancelledError.
 */
export async function retried<T>(ctx: CallContext, work: () => Promise<T>, signal?: AbortSignal, waits: readonly number[] = RETRY_WAITS_MS): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(ctx, work);
    } catch (err) {
      if (attempt >= waits.length || !isTransient(err) || signal?.aborted) throw err;
      await realClock.sleep(waits[attempt], signal);
    }
  }
}

/** A gax long-running operation, as far as waiting for it goes. */
export interface PendingOperation {
  name?: string | null;
  promise(): Promise<unknown[]>;
}

/**
 * Waits for a long-running operation. A poll that fails transiently does not
 * end the wait: the operation goes on at Google, so it is looked up again by
 * name (`recheck`, the client's check…Progress) rather than started twice.
 * `signal` ends the wait and the polling (untilDone); the operation itself goes on.
 */
export async function settled(
  ctx: CallContext,
  op: PendingOperation,
  recheck: (name: string) => Promise<PendingOperation>,
  signal?: AbortSignal,
  waits: readonly number[] = RETRY_WAITS_MS,
): Promise<unknown> {
  let current = op;
  for (let attempt = 0; ; attempt++) {
    try {
      const [result] = await untilDone(pollBriskly(current), signal);
      return result;
    } catch (err) {
      const e = toDevgemError(err, ctx);
      const name = current.name;
      if (attempt >= waits.length || !isTransient(e) || !name || signal?.aborted) throw e;
      await realClock.sleep(waits[attempt], signal);
      current = await retried(ctx, () => recheck(name), signal);
    }
  }
}

/** Runs one SDK call and translates its failure. */
export async function call<T>(ctx: CallContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toDevgemError(err, ctx);
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof DevgemError ? err.kind === 'not-found' : kindOf(err) === 'not-found';
}
