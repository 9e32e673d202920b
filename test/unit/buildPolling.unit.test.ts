import * as assert from 'node:assert/strict';
import { LRO_BACKOFF, pollBriskly } from '../../src/adapters/gcp/lroPolling';
import { settled } from '../../src/adapters/gcp/gcpErrors';
import { BUILD_POLL_MS, CLOSING_POLL_MS, followBuild } from '../../src/core/deploy/stages/cloudBuild';
import type { BuildInfo, BuildPort, StoragePort } from '../../src/core/cloud/ports';
import { FakeClock } from '../support/fakes';

/** A clock that keeps every sleep it was asked for. */
class RecordingClock extends FakeClock {
  readonly sleeps: number[] = [];
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return super.sleep(ms, signal);
  }
}

/** A build whose log grows by `rounds[i]` at round i and that ends after `doneAfter` status checks. */
function scriptedBuild(rounds: string[][], doneAfter: number) {
  let log = '';
  let round = 0;
  let checks = 0;
  const storage = {
    readFrom: async ({ offset }: { offset: number }) => {
      log += (rounds[round++] ?? []).map((l) => `${l}\n`).join('');
      const bytes = Buffer.from(log);
      return offset >= bytes.length ? undefined : bytes.subarray(offset);
    },
  } as unknown as StoragePort;
  const info = (state: BuildInfo['state']): BuildInfo => ({ id: 'b1', state, logObject: 'log-b1.txt' });
  const build = {
    get: async () => info(++checks >= doneAfter ? 'success' : 'working'),
    cancel: async () => undefined,
  } as unknown as BuildPort;
  return { storage, build, started: info('queued') };
}

const REQ = { project: 'p', region: 'r', bucket: 'b', timeoutSeconds: 600 };

describe('Build polling (overhead after the build ends)', () => {
  it('checks the build once a second by default', async () => {
    const clock = new RecordingClock();
    const { storage, build, started } = scriptedBuild([['Step 1'], ['Step 2'], ['Step 3']], 4);
    await followBuild(REQ, started, { build, storage, clock, onLog: () => undefined }, new AbortController().signal);
    assert.equal(BUILD_POLL_MS, 1000);
    assert.deepEqual(clock.sleeps, [1000, 1000, 1000, 1000]);
  });

  it("checks every 250 ms once the log shows Cloud Build's closing DONE, until the status says so", async () => {
    const clock = new RecordingClock();
    const { storage, build, started } = scriptedBuild([['Step 1'], ['PUSH', 'DONE']], 5);
    const lines: string[] = [];
    await followBuild(REQ, started, { build, storage, clock, onLog: (l) => lines.push(...l) }, new AbortController().signal);
    assert.deepEqual(clock.sleeps, [BUILD_POLL_MS, BUILD_POLL_MS, CLOSING_POLL_MS, CLOSING_POLL_MS, CLOSING_POLL_MS]);
    assert.deepEqual(lines, ['Step 1', 'PUSH', 'DONE']);
  });

  it('does not poll faster for a line that only contains DONE among others, and never slower than pollMs', async () => {
    const clock = new RecordingClock();
    const { storage, build, started } = scriptedBuild([['DONE with step 3 of 9'], ['ERROR']], 3);
    await followBuild(REQ, started, { build, storage, clock, pollMs: 100, onLog: () => undefined }, new AbortController().signal);
    assert.deepEqual(clock.sleeps, [100, 100, 100]);
  });

  it('goes back to the normal interval when the status lags the closing line for 20 rounds', async () => {
    const clock = new RecordingClock();
    const { storage, build, started } = scriptedBuild([['DONE']], 24);
    await followBuild(REQ, started, { build, storage, clock, onLog: () => undefined }, new AbortController().signal);
    assert.deepEqual(clock.sleeps, [1000, ...Array<number>(20).fill(250), 1000, 1000, 1000]);
  });
});

describe('Long-running operation polling (Cloud Run rollouts)', () => {
  it('settled() makes the operation poll at most every 500 ms before it starts waiting', async () => {
    let atPromise: unknown;
    const op = {
      name: 'operations/1',
      backoffSettings: { initialRetryDelayMillis: 100, retryDelayMultiplier: 1.3, maxRetryDelayMillis: 60_000 },
      promise(): Promise<unknown[]> {
        atPromise = { ...this.backoffSettings };
        return Promise.resolve([{ done: true }]);
      },
    };
    const result = await settled({ what: 'Updating', project: 'p' }, op, async () => op);
    assert.deepEqual(result, { done: true });
    assert.deepEqual(atPromise, { ...LRO_BACKOFF });
    assert.equal(LRO_BACKOFF.maxRetryDelayMillis, 500);
  });

  it('pollBriskly leaves objects without backoff settings alone', () => {
    const op = { promise: async () => [] };
    assert.equal(pollBriskly(op), op);
    assert.deepEqual(Object.keys(op), ['promise']);
  });
});
