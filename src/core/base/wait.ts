import { CancelledError, DevgemError } from './errors';

/** Time as the pipeline sees it; tests pass a fast fake. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms >= 10_000 || ms % 1000 === 0 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * Loops over every file of a workspace await this every few hundred files, so
 * the host's event loop runs (timers, I/O, the webview's messages) between
 * them. Awaiting an already settled promise only queues a microtask, which
 * runs before any of those: a loop of such awaits holds the thread throughout.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Races `work` against a deadline and the signal, so no await in the pipeline
 * can hang forever even when an SDK call ignores its abort signal.
 */
export async function bounded<T>(
  what: string,
  ms: number,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
  fix?: string,
): Promise<T> {
  throwIfCancelled(signal);
  const inner = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      inner.abort();
      reject(
        new DevgemError('timeout', `${what} timed out: no answer within ${formatSeconds(ms)}.`, {
          fix: fix ?? 'Check your network connection and retry; the Google Cloud status page may show an outage.',
        }),
      );
    }, ms);
    onAbort = () => {
      inner.abort();
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(inner.signal), guard]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
