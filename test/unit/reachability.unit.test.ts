// The health check against the local emulator's "not started" answer: it must
// say so, never count it as a healthy app, and never mistake an app's own 501.
import * as assert from 'node:assert/strict';
import { verifyService } from '../../src/core/deploy/reachability';
import type { HttpProbePort } from '../../src/core/cloud/ports';
import { FakeClock } from '../support/fakes';

function probe(answers: { status: number; emulator?: string }[]): HttpProbePort & { calls: number } {
  const p = {
    calls: 0,
    get: async () => {
      p.calls++;
      return answers[Math.min(p.calls - 1, answers.length - 1)];
    },
  };
  return p;
}

describe('verifyService and the emulator', () => {
  it('says "not started by the emulator" at the first such answer instead of passing', async () => {
    const http = probe([{ status: 501, emulator: 'not-started' }]);
    const got = await verifyService(http, 'http://127.0.0.1:9/', 30, new FakeClock(), new AbortController().signal);
    assert.equal(http.calls, 1);
    assert.match(got.notStarted ?? '', /^Not started by the emulator: http:\/\/127\.0\.0\.1:9\/ runs no app .*no health check ran\.$/);
  });

  it("an app's own 501 (no emulator header) is not healthy and is not excused", async () => {
    const http = probe([{ status: 501 }]);
    await assert.rejects(verifyService(http, 'http://127.0.0.1:9/', 2, new FakeClock(), new AbortController().signal), /did not answer like a running app/);
  });

  it('a running app passes without a note', async () => {
    const got = await verifyService(probe([{ status: 200, emulator: 'not-started' }]), 'http://x/', 5, new FakeClock(), new AbortController().signal);
    assert.deepEqual(got, { status: 200, attempts: 1 });
  });
});
