import * as assert from 'node:assert/strict';
import { currentStage, reduceDeploy } from '../../src/shared/deployState';
import { DEPLOY_STAGES, MAX_LOG_LINES, type DeployEvent, type DeployResult, type DeployState } from '../../src/shared/protocol';

const started = (deployId = 'd1', at = 100): DeployEvent => ({ type: 'started', deployId, workspace: '/ws/my-app', at });

function fold(events: DeployEvent[], state?: DeployState): DeployState | undefined {
  return events.reduce<DeployState | undefined>((s, e) => reduceDeploy(s, e), state);
}

function must(state: DeployState | undefined): DeployState {
  assert.ok(state, 'a deploy state');
  return state;
}

describe('deploy state', () => {
  it("ignores every event before 'started'", () => {
    const result: DeployResult = { outcome: 'success', url: 'u', image: 'i' };
    const before: DeployEvent[] = [
      { type: 'stage', stage: 'build', status: 'running', at: 1 },
      { type: 'log', stage: 'build', lines: ['x'] },
      { type: 'target', target: { project: 'p', region: 'r', service: 's' } },
      { type: 'dockerfile', path: 'Dockerfile', generated: true, content: '' },
      { type: 'finished', result, at: 2 },
    ];
    assert.equal(fold(before), undefined);
  });

  it("'started' begins with every stage pending and an empty log", () => {
    const s = must(reduceDeploy(undefined, started('d1', 100)));
    assert.equal(s.deployId, 'd1');
    assert.equal(s.workspace, '/ws/my-app');
    assert.equal(s.startedAt, 100);
    assert.deepEqual(Object.keys(s.stages), [...DEPLOY_STAGES]);
    for (const stage of DEPLOY_STAGES) assert.deepEqual(s.stages[stage], { status: 'pending' });
    assert.deepEqual(s.log, []);
    assert.equal(s.droppedLogLines, 0);
    assert.equal(s.result, undefined);
  });

  it("'started' resets everything the previous deploy left", () => {
    const old = must(
      fold([
        started('d1', 100),
        { type: 'target', target: { project: 'p', region: 'r', service: 's' } },
        { type: 'stage', stage: 'build', status: 'failed', at: 110 },
        { type: 'log', stage: 'build', lines: ['boom'] },
        { type: 'finished', result: { outcome: 'failed', stage: 'build', problem: { message: 'x' } }, at: 120 },
      ]),
    );
    const s = must(reduceDeploy(old, started('d2', 200)));
    assert.equal(s.deployId, 'd2');
    assert.equal(s.startedAt, 200);
    assert.equal(s.target, undefined);
    assert.equal(s.result, undefined);
    assert.equal(s.endedAt, undefined);
    assert.deepEqual(s.log, []);
    assert.equal(s.stages.build.status, 'pending');
  });

  it('does not change the state it is given', () => {
    const s = must(reduceDeploy(undefined, started()));
    const snapshot = structuredClone(s);
    reduceDeploy(s, { type: 'stage', stage: 'build', status: 'running', at: 5 });
    reduceDeploy(s, { type: 'log', stage: 'build', lines: ['a'] });
    assert.deepEqual(s, snapshot);
  });

  it('records stage timing: startedAt when it starts running, endedAt when it ends', () => {
    const s = must(
      fold([
        started(),
        { type: 'stage', stage: 'build', status: 'running', at: 10 },
        { type: 'stage', stage: 'build', status: 'running', detail: 'build b1', at: 15 },
      ]),
    );
    assert.deepEqual(s.stages.build, { status: 'running', detail: 'build b1', startedAt: 10, endedAt: undefined });
    const done = must(reduceDeploy(s, { type: 'stage', stage: 'build', status: 'done', at: 30 }));
    assert.deepEqual(done.stages.build, { status: 'done', detail: 'build b1', startedAt: 10, endedAt: 30 }, 'the detail is kept');
  });

  it('a stage that never ran starts and ends at the same moment', () => {
    const s = must(fold([started(), { type: 'stage', stage: 'dockerfile', status: 'skipped', detail: 'existing', at: 42 }]));
    assert.deepEqual(s.stages.dockerfile, { status: 'skipped', detail: 'existing', startedAt: 42, endedAt: 42 });
  });

  it('keeps at most MAX_LOG_LINES log lines, the newest, and counts the dropped ones', () => {
    const batch = (from: number, n: number): DeployEvent => ({ type: 'log', stage: 'build', lines: Array.from({ length: n }, (_, i) => `line ${from + i}`) });
    let s = must(fold([started(), batch(0, MAX_LOG_LINES - 10)]));
    assert.equal(s.log.length, MAX_LOG_LINES - 10);
    assert.equal(s.droppedLogLines, 0);
    s = must(reduceDeploy(s, batch(MAX_LOG_LINES - 10, 25)));
    assert.equal(s.log.length, MAX_LOG_LINES);
    assert.equal(s.droppedLogLines, 15);
    assert.equal(s.log[0], 'line 15');
    assert.equal(s.log.at(-1), `line ${MAX_LOG_LINES + 14}`);
    s = must(reduceDeploy(s, batch(MAX_LOG_LINES + 15, 3 * MAX_LOG_LINES)));
    assert.equal(s.log.length, MAX_LOG_LINES);
    assert.equal(s.droppedLogLines, 15 + 3 * MAX_LOG_LINES);
    assert.equal(s.log.at(-1), `line ${4 * MAX_LOG_LINES + 14}`);
  });

  it('stores the target, the Dockerfile and the result', () => {
    const result: DeployResult = { outcome: 'success', url: 'https://svc.example', image: 'img' };
    const s = must(
      fold([
        started(),
        { type: 'target', target: { project: 'p', region: 'europe-west1', service: 'svc' } },
        { type: 'dockerfile', path: '/ws/my-app/Dockerfile', generated: true, content: 'FROM x' },
        { type: 'finished', result, at: 500 },
      ]),
    );
    assert.deepEqual(s.target, { project: 'p', region: 'europe-west1', service: 'svc' });
    assert.deepEqual(s.dockerfile, { path: '/ws/my-app/Dockerfile', generated: true });
    assert.deepEqual(s.result, result);
    assert.equal(s.endedAt, 500);
  });

  describe('currentStage', () => {
    const at = (events: DeployEvent[]) => currentStage(must(fold([started(), ...events])));

    it('is undefined before any stage ran', () => assert.equal(at([]), undefined));

    it('is the running stage', () => {
      assert.equal(
        at([
          { type: 'stage', stage: 'preflight', status: 'done', at: 1 },
          { type: 'stage', stage: 'analyze', status: 'done', at: 2 },
          { type: 'stage', stage: 'dockerfile', status: 'skipped', at: 3 },
          { type: 'stage', stage: 'package', status: 'running', at: 4 },
        ]),
        'package',
      );
    });

    it('is the failed stage, even when later stages were marked', () => {
      assert.equal(
        at([
          { type: 'stage', stage: 'preflight', status: 'done', at: 1 },
          { type: 'stage', stage: 'build', status: 'failed', at: 2 },
          { type: 'stage', stage: 'verify', status: 'skipped', at: 3 },
        ]),
        'build',
      );
    });

    it('is the cancelled stage', () => {
      assert.equal(
        at([
          { type: 'stage', stage: 'preflight', status: 'done', at: 1 },
          { type: 'stage', stage: 'upload', status: 'cancelled', at: 2 },
        ]),
        'upload',
      );
    });

    it('is the last stage that ended when nothing is running or failed', () => {
      const all: DeployEvent[] = DEPLOY_STAGES.map((stage, i) => ({ type: 'stage', stage, status: stage === 'expose' ? 'warning' : 'done', at: i }));
      assert.equal(at(all), 'verify');
      assert.equal(at(all.slice(0, 3)), 'dockerfile');
    });
  });
});
