import * as assert from 'node:assert/strict';
import { DevgemError } from '../../src/core/base/errors';
import { formatLogEntry, SeenEntries, tailServiceLogs } from '../../src/core/logs/logTailer';
import type { LogEntryInfo, LoggingPort, ServiceRef } from '../../src/core/cloud/ports';
import { FakeClock, FakeCloud } from '../support/fakes';

const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'api' };
const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s)).toISOString();
const entry = (s: number, text: string, severity: LogEntryInfo['severity'] = 'INFO'): LogEntryInfo => ({ timestamp: at(s), severity, text });

/** Records what the tail shows and stops it when it asks for more than `polls` reads. */
function harness(logging: LoggingPort, polls: number) {
  const shown: string[] = [];
  const errors: { message: string; retryInMs: number }[] = [];
  const asked: { limit: number; sinceIso?: string; minSeverity?: string }[] = [];
  const stop = new AbortController();
  const port: LoggingPort = {
    readServiceLogs: async (opts, signal) => {
      // The read after the last one stops the tail, so every answered read is shown.
      if (asked.length >= polls) {
        stop.abort();
        return [];
      }
      asked.push({ limit: opts.limit, sinceIso: opts.sinceIso, minSeverity: opts.minSeverity });
      return logging.readServiceLogs(opts, signal);
    },
  };
  const sink = {
    entries: (es: LogEntryInfo[]) => shown.push(...es.map((e) => e.text)),
    error: (err: unknown, retryInMs: number) => errors.push({ message: (err as Error).message, retryInMs }),
  };
  return { shown, errors, asked, stop, port, sink };
}

describe('Service log tail (core)', () => {
  it('shows the newest entries, then only new ones, polling with the last timestamp as cursor', async () => {
    const cloud = new FakeCloud();
    cloud.seedLogs('api', [entry(1, 'one'), entry(2, 'two')]);
    const clock = new FakeClock();
    const t0 = clock.now();
    let reads = 0;
    const logging: LoggingPort = {
      readServiceLogs: async (opts, signal) => {
        reads++;
        // New lines arrive between polls, one of them at the cursor's own second.
        if (reads === 2) cloud.seedLogs('api', [entry(2, 'two again'), entry(3, 'three')]);
        if (reads === 3) cloud.seedLogs('api', [entry(4, 'four')]);
        return cloud.ports().logging.readServiceLogs(opts, signal);
      },
    };
    const h = harness(logging, 4);
    await tailServiceLogs(h.port, { ref: REF, pollMs: 2000 }, h.sink, clock, h.stop.signal);
    assert.deepEqual(h.shown, ['one', 'two', 'two again', 'three', 'four']);
    assert.deepEqual(
      h.asked.map((a) => a.sinceIso),
      [undefined, at(2), at(3), at(4)],
    );
    assert.deepEqual(
      h.asked.map((a) => a.limit),
      [200, 200, 200, 200],
    );
    assert.equal(clock.now() - t0, 4 * 2000, 'a poll every 2 s, including the one that found the tail stopped');
    assert.deepEqual(h.errors, []);
  });

  it('passes the severity filter and starts with at most the initial limit', async () => {
    const cloud = new FakeCloud();
    cloud.seedLogs('api', [entry(1, 'info'), entry(2, 'warn', 'WARNING'), entry(3, 'err', 'ERROR'), entry(4, 'err2', 'ERROR')]);
    const h = harness(cloud.ports().logging, 1);
    await tailServiceLogs(h.port, { ref: REF, minSeverity: 'WARNING', initialLimit: 2 }, h.sink, new FakeClock(), h.stop.signal);
    assert.deepEqual(h.shown, ['err', 'err2']);
    assert.deepEqual(h.asked, [{ limit: 2, sinceIso: undefined, minSeverity: 'WARNING' }]);
  });

  it('backs off on errors (doubling, capped), reports each, and resumes at the same cursor', async () => {
    const cloud = new FakeCloud();
    cloud.seedLogs('api', [entry(1, 'one')]);
    const clock = new FakeClock();
    let reads = 0;
    const sleeps: number[] = [];
    const timed = { now: () => clock.now(), sleep: (ms: number, s?: AbortSignal) => (sleeps.push(ms), clock.sleep(ms, s)) };
    const logging: LoggingPort = {
      readServiceLogs: async (opts, signal) => {
        reads++;
        if (reads >= 2 && reads <= 5) throw new DevgemError('unavailable', 'Cloud Logging is unavailable.');
        if (reads === 6) cloud.seedLogs('api', [entry(5, 'after outage')]);
        return cloud.ports().logging.readServiceLogs(opts, signal);
      },
    };
    const h = harness(logging, 7);
    await tailServiceLogs(h.port, { ref: REF, pollMs: 1000, maxBackoffMs: 10_000 }, h.sink, timed, h.stop.signal);
    assert.deepEqual(
      h.errors.map((e) => e.retryInMs),
      [2000, 4000, 8000, 10_000],
    );
    assert.ok(h.errors.every((e) => e.message === 'Cloud Logging is unavailable.'));
    assert.deepEqual(sleeps, [1000, 2000, 4000, 8000, 10_000, 1000, 1000]);
    assert.deepEqual(h.shown, ['one', 'after outage']);
    assert.deepEqual(
      h.asked.map((a) => a.sinceIso),
      [undefined, at(1), at(1), at(1), at(1), at(1), at(5)],
    );
  });

  it('stops at once when aborted during a read or a sleep, without reporting an error', async () => {
    const stop = new AbortController();
    const errors: unknown[] = [];
    const hanging: LoggingPort = { readServiceLogs: () => new Promise(() => undefined) };
    const pending = tailServiceLogs(hanging, { ref: REF }, { entries: () => undefined, error: (e) => errors.push(e) }, new FakeClock(), stop.signal);
    setTimeout(() => stop.abort(), 20);
    await pending;
    assert.deepEqual(errors, []);
  });

  it('bounds each read: one that never answers is a timeout error, then the tail retries', async () => {
    let reads = 0;
    const stop = new AbortController();
    const errors: string[] = [];
    const logging: LoggingPort = {
      readServiceLogs: () => {
        reads++;
        if (reads >= 2) stop.abort();
        return new Promise(() => undefined);
      },
    };
    await tailServiceLogs(
      logging,
      { ref: REF, callTimeoutMs: 30 },
      { entries: () => undefined, error: (e) => errors.push((e as Error).message) },
      new FakeClock(),
      stop.signal,
    );
    assert.equal(reads, 2);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /timed out: no answer within \d+ ms/);
  });

  it('remembers only entries at or after the cursor, and at most its bound', () => {
    const seen = new SeenEntries(3);
    assert.equal(seen.fresh([entry(1, 'a'), entry(2, 'b'), entry(2, 'b')]).length, 2);
    seen.prune(at(2));
    assert.equal(seen.size, 1);
    assert.deepEqual(
      seen.fresh([entry(2, 'b'), entry(2, 'c')]).map((e) => e.text),
      ['c'],
    );
    seen.fresh([entry(3, 'd'), entry(3, 'e'), entry(3, 'f')]);
    seen.prune(at(2));
    assert.equal(seen.size, 3);
  });

  it('formats a line with time, severity and revision', () => {
    assert.equal(formatLogEntry({ ...entry(1, 'hello', 'WARNING'), revision: 'api-00002-def' }), `${at(1)} WARNING  [api-00002-def] hello`);
  });
});
