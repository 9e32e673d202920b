// What a finished deploy leaves in the history: enough to reopen it (stages,
// commit, the failing log lines) without the whole log.
import * as assert from 'node:assert/strict';
import { DeploySession } from '../../src/core/deploy/deploySession';
import type { DeployEvent, DeployResult, ViewSnapshot } from '../../src/shared/protocol';

const memory = () => ({ load: (): ViewSnapshot | undefined => undefined, save: () => undefined });
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

async function finish(events: DeployEvent[], result: DeployResult) {
  const s = new DeploySession(memory(), () => 1000);
  await s.run(async (emit) => {
    for (const e of events) emit(e);
    emit({ type: 'finished', result, at: 90 });
    return result;
  });
  return s.current.history![0];
}

describe('deploy history records', () => {
  it('keep the commit, branch, dirty flag, build console URL and every stage', async () => {
    const r = await finish(
      [
        { type: 'started', deployId: 'd1', workspace: '/ws', at: 10 },
        { type: 'source', commit: COMMIT, branch: 'main', dirty: true },
        { type: 'stage', stage: 'preflight', status: 'running', at: 11 },
        { type: 'stage', stage: 'preflight', status: 'done', detail: 'p · r', at: 15 },
        { type: 'build', id: 'b-1', consoleUrl: 'https://console.cloud.google.com/cloud-build/builds;region=r/b-1?project=p', logObject: 'log-b-1.txt' },
      ],
      { outcome: 'success', url: 'https://svc.example', image: 'img', revision: 'svc-1' },
    );
    assert.equal(r.commit, COMMIT);
    assert.equal(r.branch, 'main');
    assert.equal(r.dirty, true);
    assert.equal(r.buildConsoleUrl, 'https://console.cloud.google.com/cloud-build/builds;region=r/b-1?project=p');
    assert.deepEqual(r.stages?.preflight, { status: 'done', detail: 'p · r', startedAt: 11, endedAt: 15 });
    assert.equal(r.stages?.verify.status, 'pending');
    assert.equal(r.logTail, undefined);
    assert.equal(r.url, 'https://svc.example');
  });

  it('keep at most the last 50 log lines of a failure, and no git keys outside a repository', async () => {
    const logTail = Array.from({ length: 80 }, (_, i) => `line ${i + 1}`);
    const r = await finish(
      [
        { type: 'started', deployId: 'd2', workspace: '/ws', at: 10 },
        { type: 'stage', stage: 'build', status: 'failed', detail: 'Step 3 failed', at: 20 },
      ],
      { outcome: 'failed', stage: 'build', problem: { message: 'npm ci failed', fix: 'Commit package-lock.json', logTail } },
    );
    assert.equal(r.logTail?.length, 50);
    assert.equal(r.logTail?.[0], 'line 31');
    assert.equal(r.logTail?.at(-1), 'line 80');
    assert.equal(r.message, 'npm ci failed');
    assert.equal(r.fix, 'Commit package-lock.json');
    assert.equal(r.stage, 'build');
    assert.equal(r.stages?.build.status, 'failed');
    for (const key of ['commit', 'branch', 'dirty', 'buildConsoleUrl']) assert.ok(!(key in r), `${key} is left out when unknown`);
  });
});
