import { isCancelled } from '../base/errors';
import type { LogEntryInfo, LoggingPort, LogSeverity, ServiceRef } from '../cloud/ports';
import { redactText } from '../base/redact';
import { bounded, type Clock } from '../base/wait';

/**
 * Follows a Cloud Run service's logs: the newest entries first, then a poll
 * with `sinceIso` = the last entry's timestamp. Cloud Logging's `>=` filter
 * returns the boundary entries again, so those are de-duplicated by
 * timestamp+text. Errors back off (doubling, capped) instead of ending the
 * tail: a tail is often left open while the network comes and goes.
 */

export interface LogTailOptions {
  ref: ServiceRef;
  minSeverity?: LogSeverity;
  /** Entries shown at the start. */
  initialLimit?: number;
  /** Entries asked for per poll. */
  pollLimit?: number;
  pollMs?: number;
  maxBackoffMs?: number;
  /** Bound on each read. */
  callTimeoutMs?: number;
}

export interface LogTailSink {
  entries(entries: LogEntryInfo[]): void;
  /** A read failed; the tail tries again in `retryInMs`. */
  error(err: unknown, retryInMs: number): void;
}

export const TAIL_DEFAULTS = { initialLimit: 200, pollLimit: 200, pollMs: 3000, maxBackoffMs: 60_000, callTimeoutMs: 30_000 } as const;

/** Keys of entries already shown; bounded, forgetting those older than the cursor (the filter never returns them again). */
export class SeenEntries {
  private readonly keys = new Map<string, string>();

  constructor(private readonly max = 5000) {}

  static key(e: LogEntryInfo): string {
    return `${e.timestamp}\u0000${e.text}`;
  }

  /** The entries not seen before, marking them seen. */
  fresh(entries: LogEntryInfo[]): LogEntryInfo[] {
    const out: LogEntryInfo[] = [];
    for (const e of entries) {
      const k = SeenEntries.key(e);
      if (this.keys.has(k)) continue;
      this.keys.set(k, e.timestamp);
      out.push(e);
    }
    return out;
  }

  /** Forgets entries strictly older than `cursor`, then the oldest ones past `max`. */
  prune(cursor: string): void {
    const at = Date.parse(cursor);
    for (const [k, ts] of this.keys) if (Date.parse(ts) < at) this.keys.delete(k);
    for (const k of this.keys.keys()) {
      if (this.keys.size <= this.max) break;
      this.keys.delete(k);
    }
  }

  get size(): number {
    return this.keys.size;
  }
}

/** The latest timestamp among `entries` and `cursor` (RFC 3339 strings compared as instants). */
function latest(cursor: string | undefined, entries: LogEntryInfo[]): string | undefined {
  let best = cursor;
  for (const e of entries) if (!best || Date.parse(e.timestamp) > Date.parse(best)) best = e.timestamp;
  return best;
}

/** Runs until `signal` aborts; resolves then (never rejects on cancel). */
export async function tailServiceLogs(logging: LoggingPort, options: LogTailOptions, sink: LogTailSink, clock: Clock, signal: AbortSignal): Promise<void> {
  const o = { ...TAIL_DEFAULTS, ...options };
  const seen = new SeenEntries();
  let cursor: string | undefined;
  let started = false;
  let delay = 0;
  while (!signal.aborted) {
    try {
      if (delay > 0) await clock.sleep(delay, signal);
      const limit = started ? o.pollLimit : o.initialLimit;
      const read = await bounded(`Reading the logs of ${o.ref.service}`, o.callTimeoutMs, signal, (s) =>
        logging.readServiceLogs({ ...o.ref, limit, minSeverity: o.minSeverity, sinceIso: cursor }, s),
      );
      if (signal.aborted) return;
      started = true;
      const fresh = seen.fresh(read);
      if (fresh.length) sink.entries(fresh);
      cursor = latest(cursor, read);
      if (cursor) seen.prune(cursor);
      delay = o.pollMs;
    } catch (err) {
      if (isCancelled(err, signal)) return;
      delay = Math.min(o.maxBackoffMs, delay > 0 ? delay * 2 : o.pollMs);
      sink.error(err, delay);
    }
  }
}

/** One line of the log channel, redacted (an app may log its own tokens): `2026-11-25T12:00:00.000Z WARNING [rev] text`. */
export function formatLogEntry(e: LogEntryInfo): string {
  return `${e.timestamp} ${e.severity.padEnd(8)} ${e.revision ? `[${e.revision}] ` : ''}${redactText(e.text)}`;
}
