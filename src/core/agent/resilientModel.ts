import { CancelledError, DevgemError, type ErrorKind } from '../base/errors';
import type { Clock } from '../base/wait';
import { ModelCallError, type ModelChunk, type ModelPort, type ModelRequest } from './model';
import { DEFAULT_TIMEOUTS, realTimers, withTimeouts, type StreamTimeouts, type Timers } from './modelTimeouts';

// Gemini answers 429 and 503 often enough that one failed call must not end a
// chat turn. A call is retried only while nothing has reached the user (after
// the first chunk, a retry would repeat text they already read), then the next
// backend is tried: the original tool fell back from Vertex AI to the API key.

export interface RetryInfo {
  /** Label of the model about to be called. */
  model: string;
  /** 1-based attempt on that model. */
  attempt: number;
  /** Wait before the call; 0 when falling back. */
  delayMs: number;
  /** HTTP status of the failure that caused this retry, if any. */
  status?: number;
  /** Set when this is a fallback: the label of the model that gave up. */
  fallbackFrom?: string;
}

export interface ResilienceOptions {
  clock: Clock;
  /** Calls per model, the first included. Default 4. */
  attempts?: number;
  /** Default 1000. */
  baseDelayMs?: number;
  /** Cap on any single wait, Retry-After included. Default 20000. */
  maxDelayMs?: number;
  onRetry?: (info: RetryInfo) => void;
  /** For tests: [0, 1). Default Math.random. */
  random?: () => number;
  /** Deadlines on each call (DEFAULT_TIMEOUTS where left out): the first chunk, and each next one. */
  timeouts?: Partial<StreamTimeouts>;
  /** For tests: timers fired by hand. */
  timers?: Timers;
}

interface Failure {
  model: string;
  error: ModelCallError;
}

export function resilientModel(backends: ModelPort[], opts: ResilienceOptions): ModelPort {
  if (backends.length === 0) throw new DevgemError('config', 'No Gemini model is configured.', { fix: CREDENTIALS_FIX_BOTH });
  const timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(opts.timeouts) };
  // Each attempt gets its own deadlines, so waiting out a 429 never counts as the model being silent.
  const models = backends.map((m) => withTimeouts(m, timeouts, opts.timers ?? realTimers));
  const attempts = Math.max(1, opts.attempts ?? 4);
  const base = Math.max(0, opts.baseDelayMs ?? 1000);
  const max = Math.max(base, opts.maxDelayMs ?? 20_000);
  const random = opts.random ?? Math.random;

  /** Exponential with "equal jitter": at least half the step, so retries never bunch at zero. */
  const delayFor = (attempt: number, err: ModelCallError): number => {
    const step = Math.min(max, base * 2 ** (attempt - 1));
    const backoff = step / 2 + (random() * step) / 2;
    return Math.round(Math.min(max, Math.max(backoff, err.retryAfterMs ?? 0)));
  };

  async function* stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelChunk> {
    const failures: Failure[] = [];
    for (let m = 0; m < models.length; m++) {
      const model = models[m];
      for (let attempt = 1; ; attempt++) {
        if (signal.aborted) throw new CancelledError();
        let yielded = false;
        try {
          for await (const chunk of model.stream(request, signal)) {
            yielded = true;
            yield chunk;
          }
          return;
        } catch (err) {
          if (signal.aborted) throw new CancelledError();
          const failure = asModelCallError(err);
          if (!failure) throw err;
          if (yielded) throw midReply(model.label, failure);
          failures.push({ model: model.label, error: failure });
          if (!failure.retryable || attempt >= attempts) {
            // Used-up retries, bad credentials or a model this backend lacks: another backend may work.
            // Any other refusal (400) is about the request itself, which the next backend would refuse too.
            if (failure.retryable || isAuthFailure(failure) || failure.status === 404) break;
            throw finalError(failures);
          }
          const delayMs = delayFor(attempt, failure);
          opts.onRetry?.({ model: model.label, attempt: attempt + 1, delayMs, status: failure.status });
          await opts.clock.sleep(delayMs, signal);
        }
      }
      const next = models[m + 1];
      if (next) {
        const last = failures[failures.length - 1].error;
        opts.onRetry?.({ model: next.label, attempt: 1, delayMs: 0, status: last.status, fallbackFrom: model.label });
      }
    }
    throw finalError(failures);
  }

  const limits = backends.flatMap((m) => (m.inputTokenLimit ? [m.inputTokenLimit] : []));
  // A fallback may serve any request, so the smallest window is the one to plan for.
  return { label: models[0].label, inputTokenLimit: limits.length ? Math.min(...limits) : undefined, stream };
}

function definedOnly(t: Partial<StreamTimeouts> | undefined): Partial<StreamTimeouts> {
  return Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v > 0));
}

/**
 * The Gemini adapter ships in its own bundle (dist/model.js) with its own copy
 * of ModelCallError, so `instanceof` alone would miss its errors.
 */
function asModelCallError(err: unknown): ModelCallError | undefined {
  if (err instanceof ModelCallError) return err;
  const looksLikeOne = err instanceof Error && err.name === 'ModelCallError' && typeof (err as Partial<ModelCallError>).retryable === 'boolean';
  return looksLikeOne ? (err as ModelCallError) : undefined;
}

/** 401/403, or Google's 400 for a bad API key: the credentials, not the request, are wrong. */
function isAuthFailure(err: ModelCallError): boolean {
  return err.status === 401 || err.status === 403 || (err.status === 400 && /API_KEY_INVALID|API key not valid/i.test(err.message));
}

function kindOf(err: ModelCallError): ErrorKind {
  if (isAuthFailure(err)) return 'credentials';
  if (err.status === 429) return 'resource-exhausted';
  if (err.status === 400) return 'invalid-argument';
  if (err.status === 404) return 'not-found';
  return 'unavailable';
}

const SET_KEY = 'set a Gemini API key with the command "Devgem: Set Gemini API Key"';
const ADC_LOGIN = 'run `gcloud auth application-default login` in a terminal (and check that the Vertex AI API is enabled in the project)';
const CREDENTIALS_FIX_BOTH = `Sign in for Vertex AI: ${ADC_LOGIN}; or ${SET_KEY}.`;

/** How Gemini and Vertex AI word a request over the model's input window. */
const TOO_LONG =
  /input token count|exceeds the maximum number of tokens|maximum context length|too many (input )?tokens|prompt is too long|request payload size exceeds/i;
const TOO_LONG_FIX =
  'The conversation is longer than the model can read at once. Start a new chat (Devgem: New Chat), or ask for less at a time (fewer log lines, only errors, one file); a model with a larger context window in `devgem.ai.model` also helps.';

function fixFor(kind: ErrorKind, failures: Failure[]): string {
  switch (kind) {
    case 'resource-exhausted':
      return "Gemini's rate limit or quota was reached. Wait a minute, then send your message again; if it keeps happening, check the quota of your project or API key.";
    case 'credentials': {
      const vertex = failures.some((f) => kindOf(f.error) === 'credentials' && /Vertex/i.test(f.model));
      const key = failures.some((f) => kindOf(f.error) === 'credentials' && !/Vertex/i.test(f.model));
      if (vertex && key) return `Fix both sign-ins, or either one: ${ADC_LOGIN}; and ${SET_KEY} (the current one is not valid).`;
      if (key) return `The Gemini API key is not valid: ${SET_KEY}.`;
      return CREDENTIALS_FIX_BOTH;
    }
    case 'invalid-argument':
      if (failures.some((f) => TOO_LONG.test(f.error.message))) return TOO_LONG_FIX;
      return 'Check the model name in the setting `devgem.ai.model` (for example gemini-2.5-flash). If the name is right, open the Devgem output channel and report the request that failed.';
    case 'not-found':
      return 'Check the model name in the setting `devgem.ai.model` (for example gemini-2.5-flash). If the name is right, open the Devgem output channel and report the request that failed.';
    default:
      return 'Gemini is unavailable or overloaded right now. Wait a moment, then send your message again; check your network connection if it keeps failing.';
  }
}

function finalError(failures: Failure[]): DevgemError {
  const last = failures[failures.length - 1];
  // The model the fallback ended on decides the kind, so its fix is the one that helps now.
  const kind = kindOf(last.error);
  const tried = [...new Set(failures.map((f) => f.model))];
  const lastPerModel = tried.map((label) => [...failures].reverse().find((f) => f.model === label)?.error.message);
  const message = `Gemini did not answer (${tried.length > 1 ? `tried ${tried.join(', then ')}` : `${failures.length} ${failures.length === 1 ? 'try' : 'tries'}`}): ${lastPerModel.join('; ')}`;
  return new DevgemError(kind, message, { fix: fixFor(kind, failures), cause: last.error });
}

function midReply(label: string, err: ModelCallError): DevgemError {
  const kind = kindOf(err);
  return new DevgemError(kind, `${label} stopped in the middle of its reply: ${err.message}`, {
    fix: `Send your message again. ${fixFor(kind, [{ model: label, error: err }])}`,
    cause: err,
  });
}
