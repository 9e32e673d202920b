// The deploy as a list of stages: the tracker's order is the list's, and a
// deploy saved by an earlier version of Devgem still goes on after a reload.
import * as assert from 'node:assert/strict';
import { STAGE_LIST } from '../../src/core/deploy/deployStages';
import { fromResumeData, toResumeData } from '../../src/core/deploy/releasePlan';
import { resumeDeploy } from '../../src/core/deploy/resume';
import { reduceDeploy } from '../../src/shared/deployState';
import { DEPLOY_STAGES, type DeployEvent, type DeployResumeData, type DeployState } from '../../src/shared/protocol';
import { FakeClock, FakeCloud } from '../support/fakes';

/** DeployResumeData exactly as the version before the stage list wrote it (all optional fields set). */
const SAVED: DeployResumeData = {
  project: 'demo-project',
  region: 'europe-west1',
  service: 'svc',
  bucket: 'devgem-demo-project-europe-west1',
  image: 'europe-west1-docker.pkg.dev/demo-project/devgem/svc:20261125-120000-abcd',
  port: 8080,
  allowUnauthenticated: true,
  buildTimeoutSeconds: 1200,
  deployTimeoutSeconds: 300,
  verifyTimeoutSeconds: 90,
  contentHash: '9e47b2dd0ed8a57af4989e98d6f5f322e056295ac6d6cea393f7aa2146ed9862',
  runtime: { env: { MODE: 'prod' }, minInstances: 1 },
  autoRollback: false,
  source: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: true },
};

describe('the deploy stage list', () => {
  it('runs its stages in the order the tracker shows them', () => {
    assert.deepEqual(
      STAGE_LIST.map((s) => s.name),
      [...DEPLOY_STAGES],
    );
  });

  it('reads saved resume data into the in-memory plan and writes it back unchanged', () => {
    const plan = fromResumeData(SAVED);
    assert.deepEqual(plan.target, { project: 'demo-project', region: 'europe-west1', service: 'svc' });
    assert.equal(plan.autoRollback, false);
    assert.deepEqual(toResumeData(plan), SAVED);
    const { autoRollback: _, runtime: __, source: ___, ...minimal } = SAVED;
    assert.equal(fromResumeData(minimal).autoRollback, true, 'absent means on, as before');
    assert.deepEqual(toResumeData(fromResumeData(minimal)), { ...minimal, runtime: undefined });
  });

  it('finishes a deploy saved by the previous version, interrupted in the deploy stage after the update reached Cloud Run', async () => {
    const cloud = new FakeCloud();
    const clock = new FakeClock();
    const signal = new AbortController().signal;
    await cloud
      .ports()
      .run.createService({ project: SAVED.project, region: SAVED.region, service: SAVED.service }, { image: SAVED.image, port: 8080, labels: {} }, signal);
    const at = clock.now();
    const events: DeployEvent[] = [
      { type: 'started', deployId: '20261125-120000-abcd', workspace: '/w/my-app', at },
      { type: 'target', target: { project: SAVED.project, region: SAVED.region, service: SAVED.service } },
      ...DEPLOY_STAGES.slice(0, 6).flatMap((stage): DeployEvent[] => [
        { type: 'stage', stage, status: 'running', at },
        { type: 'stage', stage, status: 'done', detail: 'ok', at },
      ]),
      { type: 'resume', data: SAVED },
      { type: 'stage', stage: 'deploy', status: 'running', at },
    ];
    // Through JSON, as workspace storage keeps it.
    const saved = JSON.parse(JSON.stringify(events.reduce<DeployState | undefined>(reduceDeploy, undefined))) as DeployState;
    const emitted: DeployEvent[] = [];
    const callsBefore = cloud.calls.length;
    const result = await resumeDeploy(saved, { ports: cloud.ports(), clock, buildPollMs: 10, emit: (e) => emitted.push(e) }, signal);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    assert.equal(result.outcome === 'success' && result.image, SAVED.image);
    const final = emitted.reduce(reduceDeploy, saved)!;
    assert.match(final.stages.deploy.detail ?? '', /already runs the new image/);
    assert.deepEqual(
      DEPLOY_STAGES.map((s) => final.stages[s].status),
      ['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done'],
    );
    assert.ok(!cloud.calls.slice(callsBefore).some((c) => /run\.(create|update)Service/.test(c)), 'not deployed twice');
  });
});
