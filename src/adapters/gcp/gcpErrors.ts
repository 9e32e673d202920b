import { DevgemError, type ErrorKind } from '../../core/errors';

// gax errors carry gRPC codes; Storage errors carry HTTP codes. Both become a
// DevgemError that says which call failed and what to do about it.
const GRPC: Record<number, ErrorKind> = {
  1: 'cancelled',
  3: 'invalid-argument',
  4: 'unavailable',
  5: 'not-found',
  6: 'already-exists',
  7: 'permission-denied',
  8: 'unavailable',
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
  429: 'unavailable',
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

function kindOf(err: unknown): ErrorKind {
  const e = err as { code?: unknown; status?: unknown; name?: string };
  if (e?.name === 'AbortError') return 'cancelled';
  // gaxios puts the HTTP status in `status`; gax and Storage use `code`.
  const code = typeof e?.code === 'number' ? e.code : typeof e?.status === 'number' ? e.status : Number(e?.code);
  if (typeof e?.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE)$/.test(e.code)) return 'unavailable';
  // gax REST errors carry the gRPC code; HTTP codes are all >= 100.
  if (Number.isFinite(code) && code < 100) return GRPC[code] ?? 'unknown';
  if (Number.isFinite(code)) return HTTP[code] ?? (code >= 500 ? 'unavailable' : 'unknown');
  if (/credential|authenticat/i.test(String((err as Error)?.message))) return 'credentials';
  return 'unknown';
}

function messageOf(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  // gax prefixes "<code> <STATUS>: "; the rest is Google's own explanation.
  return raw.replace(/^\d+ [A-Z_]+: /, '').split('\n')[0].slice(0, 500);
}

export function toDevgemError(err: unknown, ctx: CallContext): DevgemError {
  if (err instanceof DevgemError) return err;
  const kind = kindOf(err);
  const detail = messageOf(err);
  const message = `${ctx.what} failed: ${detail}`;
  if (/SERVICE_DISABLED|has not been used in project|is disabled/i.test(detail) && ctx.api) {
    return new DevgemError('failed-precondition', message, {
      cause: err,
      fix: `Enable the API: gcloud services enable ${ctx.api} --project=${ctx.project} (or https://console.cloud.google.com/apis/library/${ctx.api}?project=${ctx.project}), then deploy again.`,
    });
  }
  if (/failed to start and listen on the port/i.test(detail)) {
    return new DevgemError('failed-precondition', message, {
      cause: err,
      fix: 'The container did not start. Make the app listen on the port in the PORT environment variable (Cloud Run sets it, 8080 by default) and check the revision\'s logs for a crash at start-up. The previous revision keeps serving meanwhile.',
    });
  }
  const fixes: Partial<Record<ErrorKind, string>> = {
    credentials: 'Sign in again: run `gcloud auth application-default login`, then deploy again.',
    'permission-denied': ctx.role
      ? `Your account needs ${ctx.role} on project ${ctx.project}: gcloud projects add-iam-policy-binding ${ctx.project} --member=user:YOU@example.com --role=${ctx.role}`
      : `Ask a project owner of ${ctx.project} for the permission named above.`,
    unavailable: 'Google Cloud did not answer in time or is overloaded; retry in a minute.',
    'not-found': `Check that project ${ctx.project} exists and that "devgem.project" names it.`,
  };
  return new DevgemError(kind, message, { cause: err, fix: fixes[kind] });
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
