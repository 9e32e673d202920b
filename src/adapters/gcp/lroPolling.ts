import { CancelledError } from '../../core/base/errors';

/**
 * How often Devgem polls a long-running operation it waits for (a Cloud Run
 * rollout, an Artifact Registry repository). gax's default starts at 100 ms
 * and grows ×1.3 up to 60 s: 8 s into a rollout it already waits 1.5 s between
 * polls, 20 s in about 4.6 s, and the deploy learns the revision is ready up to
 * that long after it was. Growing ×1.5 to at most 500 ms keeps that wait under
 * half a second, at two light reads a second (docs/benchmarks.md,
 * "Orchestration overhead").
 */
export const LRO_BACKOFF = {
  initialRetryDelayMillis: 100,
  retryDelayMultiplier: 1.5,
  maxRetryDelayMillis: 500,
  initialRpcTimeoutMillis: null,
  rpcTimeoutMultiplier: null,
  maxRpcTimeoutMillis: null,
  totalTimeoutMillis: null,
} as const;

/**
 * Makes a gax Operation poll on LRO_BACKOFF. gax reads `backoffSettings` when
 * polling starts (at `promise()`), so this must come before it; the
 * check…Progress clients' operations get gax's default otherwise.
 */
export function pollBriskly<T>(op: T): T {
  if (op && typeof op === 'object' && 'backoffSettings' in op) (op as { backoffSettings: unknown }).backoffSettings = { ...LRO_BACKOFF };
  return op;
}

/** A gax Operation as far as waiting for it goes: fakes need only `promise()`. */
interface Awaitable {
  promise(): Promise<unknown[]>;
}

type Listener = (...args: unknown[]) => void;

/**
 * `op.promise()`, ended by `signal`: the wait rejects at once with a
 * CancelledError and gax stops polling. gax polls for as long as the operation
 * has a 'complete' listener (`promise()` adds one), so that listener goes; the
 * 'error' one stays, for a poll that fails after the abort. A poll in flight
 * ends with the signal the starting call got in its options (gax polls with
 * them); an operation looked up again by name (check…Progress) has none, so it
 * gets the signal here. The operation itself goes on at Google.
 */
export function untilDone(op: Awaitable, signal?: AbortSignal): Promise<unknown[]> {
  if (!signal) return op.promise();
  if (signal.aborted) return Promise.reject(new CancelledError());
  const events = op as Partial<{ listeners(e: string): Listener[]; removeListener(e: string, l: Listener): unknown; _callOptions: unknown }>;
  if ('_callOptions' in events && !events._callOptions) events._callOptions = { signal };
  const before = new Set(events.listeners?.('complete') ?? []);
  const result = op.promise();
  const added = (events.listeners?.('complete') ?? []).filter((l) => !before.has(l));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      for (const l of added) events.removeListener?.('complete', l);
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
