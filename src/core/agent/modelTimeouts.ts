import { CancelledError, DevgemError } from '../base/errors';
import type { ModelChunk, ModelPort, ModelRequest } from './model';

// A model stream that stops sending keeps the chat busy until the user
// presses Stop: the HTTP connection is open, so nothing below fails. Two
// deadlines bound every call: the first chunk must come within
// `firstByteMs` (a thinking model may be silent a while first) and each next
// one within `idleMs`. A timed-out call ends as an error the user can act on;
// it is not retried, since a second silent call would double the wait.

export interface StreamTimeouts {
  firstByteMs: number;
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: StreamTimeouts = { firstByteMs: 90_000, idleMs: 60_000 };

/** One-shot timers; tests fire them by hand. `start` returns the cancel. */
export interface Timers {
  start(ms: number, fire: () => void): () => void;
}

export const realTimers: Timers = {
  start: (ms, fire) => {
    const t = setTimeout(fire, ms);
    return () => clearTimeout(t);
  },
};

/** `model` with both deadlines on every call; Stop (`signal`) still ends a call at once. */
export function withTimeouts(model: ModelPort, timeouts: StreamTimeouts, timers: Timers = realTimers): ModelPort {
  async function* stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelChunk> {
    if (signal.aborted) throw new CancelledError();
    // Our own controller, so a deadline can end the call without looking like the user's Stop.
    const inner = new AbortController();
    const forward = () => inner.abort();
    signal.addEventListener('abort', forward, { once: true });
    const chunks = model.stream(request, inner.signal)[Symbol.asyncIterator]();
    let first = true;
    let settled = false;
    try {
      while (true) {
        let expired: DevgemError | undefined;
        let cancel = () => undefined as void;
        const deadline = new Promise<never>((_, reject) => {
          cancel = timers.start(first ? timeouts.firstByteMs : timeouts.idleMs, () => {
            expired = timeoutError(model.label, first, first ? timeouts.firstByteMs : timeouts.idleMs);
            inner.abort();
            reject(expired);
          });
        });
        let next: IteratorResult<ModelChunk>;
        try {
          next = await Promise.race([chunks.next(), deadline]);
        } catch (err) {
          settled = true;
          if (signal.aborted) throw new CancelledError();
          throw expired ?? err;
        } finally {
          cancel();
        }
        if (next.done) {
          settled = true;
          return;
        }
        first = false;
        yield next.value;
      }
    } finally {
      signal.removeEventListener('abort', forward);
      // The caller stopped reading early: end the call and let the stream release its connection.
      if (!settled) {
        inner.abort();
        void Promise.resolve(chunks.return?.(undefined)).catch(() => undefined);
      }
    }
  }
  return { label: model.label, inputTokenLimit: model.inputTokenLimit, stream };
}

function timeoutError(label: string, first: boolean, ms: number): DevgemError {
  const seconds = Number((ms / 1000).toFixed(1));
  const setting = first ? 'devgem.ai.firstByteTimeoutSeconds' : 'devgem.ai.idleTimeoutSeconds';
  const what = first
    ? `${label} sent nothing for ${seconds} s after the request`
    : `${label} stopped sending in the middle of its reply (nothing for ${seconds} s)`;
  return new DevgemError('timeout', `${what}, so Devgem gave up on this reply.`, {
    fix: `Send your message again. If it keeps happening, check your network connection, or raise \`${setting}\` in Settings (a model that thinks long may need more time).`,
  });
}
