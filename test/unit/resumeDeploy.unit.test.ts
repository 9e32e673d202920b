// A deploy picked up again after a window reload: the old extension host died
// mid-deploy (cancelling nothing), and a new one finishes what it can.
import * as assert from 'node:assert/strict';
import { DeploySession, type SnapshotStore } from '../../src/core/deploy/deploySession';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { resumeDeploy, resumePoint } from '../../src/core/deploy/resume';
import { reduceDeploy } from '../../src/shared/deployState';
import type { DeployEvent, DeployResult, DeployState, ViewSnapshot } from '../../src/shared/protocol';
import { FakeClock, FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const REF = { project: 'demo-project', region: 'europe-west1', service: 'svc' };
const LOG = ['Step 1/4 : FROM node:22-slim', 'Step 2/4 : WORKDIR /app', 'Step 3/4 : COPY . .', 'Step 4/4 : CMD ["npm","start"]', 'Successfully built abc'];

/**
 * Runs the real pipeline against `cloud` until `dieWhen` says the window goes
 * away; returns the deploy state as the old window last saved it. A dying host
 * cancels nothing, so the build's cancel never reaches Cloud Build.
 */
async function interrupted(cloud: FakeCloud, dieWhen: (e: DeployEvent, s: DeployState) => boolean): Promise<{ state: DeployState; clock: FakeClock }> {
  const ws = await makeWorkspace(NODE_APP);
  await cloud.ownedBy(ws.root);
  const clock = new FakeClock();
  const controller = new AbortController();
  const ports = cloud.ports();
  const dyingHost: CloudPorts = { ...ports, build: { ...ports.build, cancel: async () => undefined } };
  let state: DeployState | undefined;
  let dead = false;
  try {
    await runDeploy(
      testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd' }),
      {
        ports: dyingHost,
        clock,
        buildPollMs: 10,
        emit: (e) => {
          if (dead) return;
          state = reduceDeploy(state, e);
          if (dieWhen(e, state!)) {
            dead = true;
            controller.abort();
          }
        },
      },
      controller.signal,
    );
  } finally {
    await ws.cleanup();
  }
  assert.ok(dead, 'the window went away mid-deploy');
  return { state: state!, clock };
}

const firstLog = (e: DeployEvent) => e.type === 'log';
const running = (stage: string) => (e: DeployEvent) => e.type === 'stage' && e.stage === stage && e.status === 'running';

async function resume(cloud: FakeCloud, state: DeployState, clock: FakeClock, onEvent?: (e: DeployEvent, abort: () => void) => void) {
  const events: DeployEvent[] = [];
  const controller = new AbortController();
  const callsBefore = cloud.calls.length;
  const result = await resumeDeploy(
    state,
    {
      ports: cloud.ports(),
      clock,
      buildPollMs: 10,
      emit: (e) => {
        events.push(e);
        onEvent?.(e, () => controller.abort());
      },
    },
    controller.signal,
  );
  const final = events.reduce<DeployState | undefined>(reduceDeploy, state)!;
  return { result, events, final, calls: cloud.calls.slice(callsBefore) };
}

describe('resuming a deploy after a window reload', () => {
  it('re-attaches to a build still running, shows only the log lines not seen yet, then deploys, exposes and verifies', async () => {
    const cloud = new FakeCloud({ buildPolls: 5, buildLog: LOG });
    const { state, clock } = await interrupted(cloud, firstLog);
    assert.deepEqual(state.log, [LOG[0]]);
    assert.equal(state.build?.id, 'b1');
    assert.equal(state.resume?.image, 'europe-west1-docker.pkg.dev/demo-project/devgem/svc:20261125-120000-abcd');
    assert.equal(resumePoint(state, clock.now()).kind, 'build');

    const { result, events, final, calls } = await resume(cloud, state, clock);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    assert.equal(result.outcome === 'success' && result.url, 'https://svc.example');
    assert.equal(result.outcome === 'success' && result.image, state.resume?.image);
    assert.ok(!events.some((e) => e.type === 'started'), 'the same deploy goes on, no new one starts');
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'log' ? e.lines : [])),
      LOG.slice(1),
      'only unseen lines',
    );
    assert.deepEqual(final.log, LOG, 'the whole log, once, in order');
    assert.equal(final.deployId, state.deployId);
    for (const stage of ['build', 'deploy', 'expose', 'verify'] as const) assert.equal(final.stages[stage].status, 'done', stage);
    assert.ok(events.some((e) => e.type === 'stage' && e.stage === 'build' && /re-attached/.test(e.detail ?? '')));
    assert.equal(events.at(-1)?.type, 'finished');
    assert.ok(!calls.some((c) => c.startsWith('build.start') || c.startsWith('build.cancel')), calls.join('\n'));
    assert.ok(calls.includes(`run.createService ${state.resume?.image}`), calls.join('\n'));
    assert.ok(calls.includes('http.get https://svc.example'));
  });

  it('a build that failed meanwhile ends the deploy at the build, with its failing log lines', async () => {
    const cloud = new FakeCloud({
      buildPolls: 3,
      buildOutcome: 'failure',
      buildLog: ['Step 1/3 : FROM node:22-slim', 'Step 2/3 : RUN npm ci', 'ERROR: npm ci exited with 1'],
    });
    const { state, clock } = await interrupted(cloud, firstLog);
    const { result, final, calls } = await resume(cloud, state, clock);
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'build');
    assert.match(result.problem.message, /Cloud Build failed/);
    assert.ok(result.problem.logTail?.includes('ERROR: npm ci exited with 1'), result.problem.logTail?.join('\n'));
    assert.equal(final.stages.build.status, 'failed');
    assert.ok(!calls.some((c) => c.startsWith('run.')), 'nothing deployed');
  });

  it('a build cancelled in Google Cloud meanwhile says so', async () => {
    const cloud = new FakeCloud({ buildPolls: 5, buildLog: LOG });
    const { state, clock } = await interrupted(cloud, firstLog);
    await cloud.ports().build.cancel({ ...REF, id: state.build!.id }, new AbortController().signal);
    const { result, calls } = await resume(cloud, state, clock);
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'build');
    assert.match(result.problem.message, /cancelled in Google Cloud/);
    assert.ok(!calls.some((c) => c.startsWith('run.')));
  });

  it('interrupted in the deploy stage with the service already on the new image: verifies it and succeeds without deploying twice', async () => {
    const cloud = new FakeCloud();
    const { state, clock } = await interrupted(cloud, running('deploy'));
    // The old window's request reached Cloud Run and finished after the window went away.
    await cloud.ports().run.createService(REF, { image: state.resume!.image, port: 8080, labels: {} }, new AbortController().signal);
    const point = resumePoint(state, clock.now());
    assert.equal(point.kind, 'release');
    assert.equal(point.stage, 'deploy');

    const { result, final, calls } = await resume(cloud, state, clock);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    assert.equal(result.outcome === 'success' && result.revision, 'svc-00001-abc');
    assert.ok(!calls.some((c) => /run\.(create|update)Service/.test(c)), calls.join('\n'));
    assert.ok(calls.includes('runAdmin.listRevisions svc'));
    assert.ok(calls.includes('run.disableInvokerIam'), 'still made public, as the deploy meant to');
    assert.ok(calls.includes('http.get https://svc.example'));
    assert.match(final.stages.deploy.detail ?? '', /already runs the new image/);
    assert.equal(final.stages.verify.status, 'done');
  });

  it('interrupted after the build with the service not on the new image: a clear failure, nothing changed', async () => {
    const cloud = new FakeCloud({ existingService: true });
    const { state, clock } = await interrupted(cloud, running('deploy'));
    const { result, final, calls } = await resume(cloud, state, clock);
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'deploy');
    assert.match(result.problem.message, /interrupted during "Deploy to Cloud Run".*does not run the new image.*svc-00001-aaa runs old/);
    assert.equal(result.problem.fix, 'Deploy again.');
    assert.equal(final.stages.deploy.status, 'failed');
    assert.deepEqual(
      calls.filter((c) => !/getService|listRevisions/.test(c)),
      [],
      'only looked',
    );
  });

  it('interrupted after the build with no service at all says the service does not exist', async () => {
    const cloud = new FakeCloud();
    const { state, clock } = await interrupted(cloud, running('expose'));
    cloud.services.clear();
    const { result } = await resume(cloud, state, clock);
    assert.equal(result.outcome === 'failed' && result.stage, 'expose');
    assert.match(result.outcome === 'failed' ? result.problem.message : '', /service svc does not exist in europe-west1/);
  });

  it('Cancel while re-attached stops the deploy and cancels the Cloud Build build', async () => {
    const cloud = new FakeCloud({ buildPolls: 1000, buildLog: LOG });
    const { state, clock } = await interrupted(cloud, firstLog);
    const { result, final, calls } = await resume(cloud, state, clock, (e, abort) => {
      if (e.type === 'log') abort();
    });
    assert.deepEqual(result, { outcome: 'cancelled', stage: 'build' });
    assert.equal(final.stages.build.status, 'cancelled');
    assert.ok(calls.includes(`build.cancel ${state.build!.id}`), calls.join('\n'));
    assert.ok(clock.now() - state.startedAt < 60_000, 'stopped at once, not at the build deadline');
  });

  it('stages before the build, a build without an id and a deploy left too long cannot be resumed, and say what to do', async () => {
    const packaging = await interrupted(new FakeCloud(), running('package'));
    const p = resumePoint(packaging.state, packaging.clock.now());
    assert.equal(p.kind, 'lost');
    if (p.kind !== 'lost') return;
    assert.equal(p.stage, 'package');
    assert.match(p.problem.message, /interrupted during "Package source"/);
    assert.equal(p.problem.fix, 'Deploy again.');

    const starting = await interrupted(new FakeCloud(), running('build'));
    assert.ok(starting.state.resume && !starting.state.build);
    const b = resumePoint(starting.state, starting.clock.now());
    assert.equal(b.kind === 'lost' && b.stage, 'build');
    assert.match(b.kind === 'lost' ? (b.problem.fix ?? '') : '', /Cloud Build > History/);

    const building = await interrupted(new FakeCloud({ buildPolls: 5 }), firstLog);
    const tooLate = building.clock.now() + (building.state.resume!.buildTimeoutSeconds + 120) * 1000 + 16 * 60_000;
    const old = resumePoint(building.state, tooLate);
    assert.equal(old.kind, 'lost');
    assert.match(old.kind === 'lost' ? old.problem.message : '', /too long ago/);
    assert.equal(resumePoint(building.state, building.clock.now() + 60_000).kind, 'build');
  });
});

class MemoryStore implements SnapshotStore {
  readonly saved: ViewSnapshot[] = [];
  constructor(private readonly initial?: ViewSnapshot) {}
  load(): ViewSnapshot | undefined {
    return this.initial;
  }
  save(snapshot: ViewSnapshot): void {
    this.saved.push(snapshot);
  }
}

describe('DeploySession after a window reload', () => {
  const saved = (deploy: DeployState): ViewSnapshot => ({ version: 9, busy: true, chat: [], deploy });

  it('keeps a deploy whose build runs on for resume() instead of failing it, and finishes the same deploy', async () => {
    const cloud = new FakeCloud({ buildPolls: 4, buildLog: LOG });
    const { state, clock } = await interrupted(cloud, firstLog);
    const session = new DeploySession(new MemoryStore(saved(state)), () => clock.now());
    assert.equal(session.current.deploy?.result, undefined, 'not marked failed');
    assert.equal(session.current.busy, false);
    assert.equal(session.pendingResume()?.deployId, state.deployId);

    const busy: boolean[] = [];
    session.onDidChange((s) => busy.push(s.busy));
    const result = await session.resume((d, emit, signal) => resumeDeploy(d, { ports: cloud.ports(), clock, buildPollMs: 10, emit }, signal));
    assert.equal(result.outcome, 'success');
    assert.equal(busy[0], true);
    assert.equal(busy.at(-1), false);
    const d = session.current.deploy!;
    assert.equal(d.deployId, state.deployId);
    assert.deepEqual(d.log, LOG);
    assert.deepEqual(d.result, result);
    assert.equal(session.current.history?.[0]?.deployId, state.deployId);
    assert.equal(session.pendingResume(), undefined, 'resumed once');
    await assert.rejects(
      session.resume(async () => result),
      /no interrupted deploy/,
    );
  });

  it("tells the chat's deploy card that the deploy goes on in the tracker", async () => {
    const cloud = new FakeCloud({ buildPolls: 4, buildLog: LOG });
    const { state, clock } = await interrupted(cloud, firstLog);
    const card = {
      id: 'tool-c1',
      role: 'tool' as const,
      text: '',
      at: 1,
      tool: { callId: 'c1', name: 'deploy', risk: 'write' as const, status: 'running' as const, args: '{}' },
    };
    const other = { ...card, id: 'tool-c2', tool: { ...card.tool, callId: 'c2', name: 'list_services', risk: 'read' as const } };
    const session = new DeploySession(new MemoryStore({ ...saved(state), chat: [card, other] }), () => clock.now());
    const [deployCard, listCard] = session.current.chat;
    assert.equal(deployCard.tool?.status, 'cancelled');
    assert.match(deployCard.tool?.summary ?? '', /continues in the tracker/);
    assert.equal(listCard.tool?.summary, 'Interrupted when VS Code closed or reloaded');
  });

  it('cancel() stops a resumed deploy', async () => {
    const cloud = new FakeCloud({ buildPolls: 1000, buildLog: LOG });
    const { state, clock } = await interrupted(cloud, firstLog);
    const session = new DeploySession(new MemoryStore(saved(state)), () => clock.now());
    session.onDidChange((s) => {
      if (s.deploy?.log.length === 2) session.cancel();
    });
    const result = await session.resume((d, emit, signal) => resumeDeploy(d, { ports: cloud.ports(), clock, buildPollMs: 10, emit }, signal));
    assert.deepEqual(result, { outcome: 'cancelled', stage: 'build' });
    assert.ok(cloud.calls.includes('build.cancel b1'));
  });

  it('marks a deploy interrupted before the build as failed at that stage, with what to do', async () => {
    const { state, clock } = await interrupted(new FakeCloud(), running('upload'));
    const store = new MemoryStore(saved(state));
    const session = new DeploySession(store, () => clock.now());
    const d = session.current.deploy!;
    const r = d.result as Extract<DeployResult, { outcome: 'failed' }>;
    assert.equal(r.outcome, 'failed');
    assert.equal(r.stage, 'upload');
    assert.match(r.problem.message, /interrupted during "Upload to Cloud Storage"/);
    assert.equal(d.stages.upload.status, 'failed', 'no stage left spinning');
    assert.equal(session.pendingResume(), undefined);
    assert.equal(store.saved.at(-1), session.current);
  });
});
