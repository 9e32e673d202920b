import { ModelCallError } from '../../core/agent/model';
import { CancelledError } from '../../core/base/errors';

// @google/genai throws ApiError with the HTTP status and, as its message, the
// JSON error body. Google puts the server's suggested wait in that body
// (google.rpc.RetryInfo) and the reason ("API_KEY_INVALID") in ErrorInfo, so
// both are read from there; the SDK does not keep the Retry-After header.

interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { '@type'?: string; reason?: string; retryDelay?: string }[];
  };
}

/** google-auth-library's words when there are no usable Application Default Credentials. */
const ADC_PROBLEM = /default credentials|credential file|GOOGLE_APPLICATION_CREDENTIALS|invalid_grant|invalid_rapt|reauth|unable to impersonate/i;

export function toModelCallError(err: unknown, what: string, signal: AbortSignal, secret?: string): Error {
  if (signal.aborted || (err as { name?: string })?.name === 'AbortError') return new CancelledError();
  const scrub = (s: string): string => (secret ? s.split(secret).join('***') : s);
  const status = (err as { status?: unknown })?.status;
  const raw = err instanceof Error ? err.message : String(err);
  if (typeof status === 'number') {
    const body = parseBody(raw);
    const e = body?.error;
    const reason = e?.details?.find((d) => d.reason)?.reason;
    const text = e?.message ? `${e.status ?? status}: ${e.message}${reason ? ` [${reason}]` : ''}` : firstLine(raw);
    return new ModelCallError(scrub(`${what} failed with ${status} ${text}`), status, retryDelayMs(e?.details));
  }
  // Vertex AI without Application Default Credentials fails before any request is sent.
  if (ADC_PROBLEM.test(raw)) return new ModelCallError(scrub(`${what}: no usable Google Cloud credentials (${firstLine(raw)})`), 401);
  // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND …) is in its cause.
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? firstLine(cause.message) : undefined;
  const why = detail ? `${firstLine(raw)}: ${detail}` : firstLine(raw);
  return new ModelCallError(scrub(`${what}: could not reach the model (${why})`), undefined);
}

function parseBody(message: string): GoogleErrorBody | undefined {
  // Stream errors arrive as "got status: X. {json}"; plain ones as just the JSON.
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const v: unknown = JSON.parse(message.slice(start));
    return v && typeof v === 'object' ? (v as GoogleErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** RetryInfo's retryDelay is a protobuf Duration in JSON: "30s", "1.5s". */
function retryDelayMs(details: NonNullable<GoogleErrorBody['error']>['details']): number | undefined {
  const delay = details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
  const m = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

const firstLine = (s: string): string => s.split('\n')[0].slice(0, 300);
