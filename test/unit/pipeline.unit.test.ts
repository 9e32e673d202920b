import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { DEPLOY_STAGES, type DeployEvent, type DeployStage } from '../../src/shared/protocol';
import { FakeClock, FakeCloud, type FakeCloudScript } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

async function deploy(
  script: FakeCloudScript = {},
  files = NODE_APP,
  overrides: Partial<DeployOptions> = {},
  onEvent?: (e: DeployEvent, abort: () => void) => void,
) {
  const ws = await makeWorkspace(files);
  const cloud = await new FakeCloud(script).ownedBy(ws.root);
  const events: DeployEvent[] = [];
  const controller = new AbortController();
  const opts = testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd', ...overrides });
  try {
    const result = await runDeploy(
      opts,
      {
        ports: cloud.ports(),
        clock: new FakeClock(),
        buildPollMs: 10,
        emit: (e) => {
          events.push(e);
          onEvent?.(e, () => controller.abort());
        },
      },
      controller.signal,
    );
    const dockerfile = await fs.readFile(path.join(ws.root, 'Dockerfile'), 'utf8').catch(() => undefined);
    return { result, events, cloud, dockerfile };
  } finally {
    await ws.cleanup();
  }
}

function stageStatuses(events: DeployEvent[]): Map<DeployStage, string> {
  const m = new Map<DeployStage, string>();
  for (const e of events) if (e.type === 'stage') m.set(e.stage, e.status);
  return m;
}

describe('deploy pipeline (fakes)', () => {
  it('runs the stages in order and ends with the URL', async () => {
    const { result, events, cloud, dockerfile } = await deploy();
    assert.equal(result.outcome, 'success');
    assert.equal(result.outcome === 'success' && result.url, 'https://svc.example');
    const firstRunning = events.filter((e) => e.type === 'stage' && e.status === 'running').map((e) => (e as { stage: DeployStage }).stage);
    assert.deepEqual([...new Set(firstRunning)], [...DEPLOY_STAGES]);
    for (const [stage, status] of stageStatuses(events)) assert.equal(status, 'done', stage);
    assert.equal(events[0].type, 'started');
    assert.equal(events.at(-1)!.type, 'finished');
    assert.match(dockerfile ?? '', /^FROM node:\d+-slim$/m, 'a Dockerfile was written');
    assert.ok(events.some((e) => e.type === 'dockerfile' && e.generated));
    const order = cloud.calls.map((c) => c.split(' ')[0]);
    assert.deepEqual(
      order.filter((c, i) => order.indexOf(c) === i),
      [
        'credentials.check',
        // Before the build: is the service new, or Devgem's from this workspace?
        'run.inspectService',
        'storage.ensureBucket',
        'storage.upload',
        'registry.ensure',
        'build.start',
        'run.getService',
        'run.createService',
        'run.disableInvokerIam',
        'http.get',
      ],
    );
    assert.ok(cloud.calls.includes('run.createService europe-west1-docker.pkg.dev/demo-project/devgem/svc:20261125-120000-abcd'));
  });

  it('says which commit and branch it deploys right after it starts, and nothing outside a repository', async () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const { events } = await deploy({}, { ...NODE_APP, '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${sha}\n` });
    assert.deepEqual(
      events.slice(0, 2).map((e) => e.type),
      ['started', 'source'],
    );
    assert.deepEqual(events[1], { type: 'source', commit: sha, branch: 'main', dirty: undefined });
    const plain = await deploy();
    assert.ok(!plain.events.some((e) => e.type === 'source'));
  });

  it('streams build log lines while the build runs, before it finishes', async () => {
    const { events } = await deploy({ buildPolls: 4, buildLog: ['one', 'two', 'three', 'four'] });
    const logIdx = events.findIndex((e) => e.type === 'log');
    const buildDoneIdx = events.findIndex((e) => e.type === 'stage' && e.stage === 'build' && e.status === 'done');
    assert.ok(logIdx > 0 && logIdx < buildDoneIdx);
    const lines = events.flatMap((e) => (e.type === 'log' ? e.lines : []));
    assert.deepEqual(lines, ['one', 'two', 'three', 'four']);
    assert.ok(events.filter((e) => e.type === 'log').length >= 2, 'log arrives in several pieces');
  });

  it('goes on with the build when its log cannot be read, and says so', async () => {
    const { result, events, cloud } = await deploy({ buildPolls: 3, logReadError: new DevgemError('permission-denied', 'storage.objects.get denied') });
    assert.equal(result.outcome, 'success');
    assert.ok(!cloud.calls.some((c) => c.startsWith('build.cancel')));
    const lines = events.flatMap((e) => (e.type === 'log' ? e.lines : []));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /cannot read the build log: storage\.objects\.get denied/);
  });

  it('updates an existing service instead of creating it', async () => {
    const { result, cloud } = await deploy({ existingService: true });
    assert.equal(result.outcome, 'success');
    assert.ok(cloud.calls.some((c) => c.startsWith('run.updateService')));
    assert.ok(!cloud.calls.some((c) => c.startsWith('run.createService')));
    assert.ok(!cloud.calls.includes('run.disableInvokerIam'), 'already public: no IAM change');
    assert.equal(result.outcome === 'success' && result.revision, 'svc-00002-def');
  });

  it('uses an existing Dockerfile as it is and takes its EXPOSE port', async () => {
    const { events, cloud } = await deploy({}, { Dockerfile: 'FROM nginx\nEXPOSE 3000\n', 'index.html': 'x' });
    assert.equal(stageStatuses(events).get('dockerfile'), 'done');
    assert.ok(events.some((e) => e.type === 'dockerfile' && !e.generated && e.content.includes('EXPOSE 3000')));
    assert.ok(cloud.calls.some((c) => c.startsWith('run.createService')));
  });

  it('surfaces the failing lines of a failed build', async () => {
    const log = [
      'Step 1/4 : FROM node:22-slim',
      'Step 3/4 : RUN npm ci',
      'npm ERR! code ERESOLVE',
      'npm ERR! could not resolve dependency',
      'ERROR: build step 0 failed',
    ];
    const { result, cloud } = await deploy({ buildOutcome: 'failure', buildLog: log, buildPolls: 2 });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'build');
    assert.match(result.problem.message, /Cloud Build failed/);
    assert.ok(result.problem.logTail?.includes('npm ERR! code ERESOLVE'));
    assert.ok(result.problem.fix);
    assert.ok(!cloud.calls.some((c) => c.startsWith('run.') && c !== 'run.inspectService'), 'nothing deployed after a failed build');
  });

  for (const stage of DEPLOY_STAGES) {
    it(`cancel during ${stage} stops there and deploys nothing after it`, async () => {
      const { result, events, cloud } = await deploy({ buildPolls: 3 }, NODE_APP, {}, (e, abort) => {
        if (e.type !== 'stage' || e.stage !== stage || e.status !== 'running') return;
        // The build is cancellable once Cloud Build has an id (the second 'running' event).
        if (stage !== 'build' || e.detail) abort();
      });
      assert.equal(result.outcome, 'cancelled');
      assert.equal(result.outcome === 'cancelled' && result.stage, stage);
      assert.equal(stageStatuses(events).get(stage), 'cancelled');
      const after = DEPLOY_STAGES.slice(DEPLOY_STAGES.indexOf(stage) + 1);
      for (const later of after) assert.equal(stageStatuses(events).get(later), undefined, `${later} never ran`);
      if (stage === 'build')
        assert.ok(
          cloud.calls.some((c) => c.startsWith('build.cancel')),
          'Cloud Build was asked to cancel',
        );
      if (DEPLOY_STAGES.indexOf(stage) < DEPLOY_STAGES.indexOf('deploy')) assert.ok(!cloud.calls.some((c) => c.startsWith('run.create')));
    });
  }

  // A cancel while the update itself runs is covered against the emulator (cancel.integration.test.ts).
  for (const stage of ['expose', 'verify'] as const) {
    it(`cancel during ${stage} of an update puts the live service's traffic back on the revision it served, and says so`, async () => {
      const { result, events, cloud } = await deploy({ existingService: true }, NODE_APP, {}, (e, abort) => {
        if (e.type === 'stage' && e.stage === stage && e.status === 'running') abort();
      });
      assert.equal(result.outcome, 'cancelled');
      assert.equal(result.outcome === 'cancelled' && result.stage, stage);
      assert.ok(
        cloud.calls.some((c) => c.startsWith('run.updateService')),
        'the update was sent',
      );
      assert.ok(cloud.calls.includes('runAdmin.routeAllTraffic svc svc-00001-aaa'), cloud.calls.join('\n'));
      const cancelled = events.find((e) => e.type === 'stage' && e.status === 'cancelled');
      assert.match(cancelled?.type === 'stage' ? (cancelled.detail ?? '') : '', /svc serves svc-00001-aaa again/);
    });
  }

  it("cancel before an update is sent, or during a new service's creation, moves no traffic", async () => {
    for (const [script, stage] of [
      [{ existingService: true, buildPolls: 3 }, 'build'],
      [{ existingService: true }, 'deploy'],
      [{}, 'deploy'],
      [{}, 'verify'],
    ] as const) {
      const { result, events, cloud } = await deploy(script, NODE_APP, {}, (e, abort) => {
        if (e.type === 'stage' && e.stage === stage && e.status === 'running' && (stage !== 'build' || e.detail)) abort();
      });
      assert.equal(result.outcome, 'cancelled', `${stage}: ${JSON.stringify(result)}`);
      assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.routeAllTraffic')), `${stage}: ${cloud.calls.join(', ')}`);
      const cancelled = events.find((e) => e.type === 'stage' && e.status === 'cancelled');
      assert.equal(cancelled?.type === 'stage' && cancelled.detail, undefined);
    }
  });

  it('a Cloud call that never answers fails the deploy within the per-call limit, naming the setting that raises it', async () => {
    const ws = await makeWorkspace(NODE_APP);
    const ports = new FakeCloud().ports();
    const hanging = { ...ports, run: { ...ports.run, getService: () => new Promise<never>(() => undefined) } };
    const result = await runDeploy(
      // Short, but long enough that the earlier stages (the upload is bound by 10 calls' time) finish on a busy machine.
      testDeployOptions(ws.root, { service: 'svc', callTimeoutSeconds: 0.5 }),
      { ports: hanging, clock: new FakeClock(), buildPollMs: 10, emit: () => undefined },
      new AbortController().signal,
    ).finally(() => ws.cleanup());
    assert.equal(result.outcome, 'failed', JSON.stringify(result));
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'deploy');
    assert.match(result.problem.message, /Looking up the service timed out: no answer within 500 ms/);
    assert.match(result.problem.fix ?? '', /devgem\.callTimeoutSeconds/);
  });

  it('ends as "deployed but private", not success, when both ways to open it are refused', async () => {
    const { result, events } = await deploy({ refuseInvokerIamDisabled: true, refusePublicInvoker: true });
    assert.equal(result.outcome, 'private');
    if (result.outcome !== 'private') return;
    assert.match(result.problem.message, /not public/);
    assert.match(result.problem.fix ?? '', /add-iam-policy-binding svc --region=europe-west1/);
    assert.equal(stageStatuses(events).get('expose'), 'warning');
    assert.equal(stageStatuses(events).get('verify'), 'skipped');
  });

  it('falls back to an allUsers binding when invokerIamDisabled is refused', async () => {
    const { result, cloud } = await deploy({ refuseInvokerIamDisabled: true });
    assert.equal(result.outcome, 'success');
    assert.ok(cloud.calls.includes('run.grantPublicInvoker'));
  });

  it('keeps the service private when asked, without touching IAM', async () => {
    const { result, cloud, events } = await deploy({}, NODE_APP, { allowUnauthenticated: false });
    assert.equal(result.outcome, 'success');
    assert.ok(!cloud.calls.some((c) => c.includes('Invoker')));
    assert.equal(stageStatuses(events).get('expose'), 'skipped');
  });

  it('does not call a 403 healthy: verify fails after bounded retries', async () => {
    const { result, cloud } = await deploy({ httpStatuses: [403] }, NODE_APP, { verifyTimeoutSeconds: 10 });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.outcome === 'failed' && result.stage, 'verify');
    const probes = cloud.calls.filter((c) => c.startsWith('http.get')).length;
    assert.ok(probes > 1 && probes < 20, `bounded retries (${probes})`);
  });

  it('retries verify until the app answers', async () => {
    const { result } = await deploy({ httpStatuses: [503, 503, 200] });
    assert.equal(result.outcome, 'success');
  });

  it('explains missing credentials instead of throwing', async () => {
    const err = new DevgemError('credentials', 'No Google Cloud credentials found.', { fix: 'Run `gcloud auth application-default login`.' });
    const { result, cloud } = await deploy({ credentialsError: err });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'preflight');
    assert.match(result.problem.fix ?? '', /application-default login/);
    assert.ok(!cloud.calls.some((c) => c.startsWith('storage')));
  });

  it('fails at preflight with the fix when no project is configured', async () => {
    const { result } = await deploy({}, NODE_APP, { project: undefined });
    assert.equal(result.outcome === 'failed' && result.stage, 'preflight');
    assert.match(result.outcome === 'failed' ? (result.problem.fix ?? '') : '', /devgem\.project/);
  });

  it('fails at analyze with the fix for an unrecognised folder (when buildpacks may not try: buildStrategy.unit.test.ts)', async () => {
    const { result } = await deploy({}, { 'README.md': '# hi' }, { buildStrategy: 'dockerfile' });
    assert.equal(result.outcome === 'failed' && result.stage, 'analyze');
    assert.match(result.outcome === 'failed' ? (result.problem.fix ?? '') : '', /Dockerfile/);
  });
});
