import * as assert from 'node:assert/strict';
import type { protos } from '@google-cloud/run';
import { noTrafficService, servingRevision } from '../../src/adapters/gcp/serviceUpdate';
import { parseArgs, UsageError } from '../../src/cli/args';
import { deployRequestFrom } from '../../src/cli/deployArgs';
import type { AgentContext } from '../../src/core/agent/context';
import { deployTool, describeResult } from '../../src/core/agent/tools/deployTools';
import type { DeployArgs } from '../../src/core/deploy/deployRequest';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent } from '../../src/shared/protocol';
import { FakeClock, FakeCloud, type FakeCloudScript } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

async function deploy(script: FakeCloudScript, overrides: Partial<DeployOptions> = {}) {
  const ws = await makeWorkspace(NODE_APP);
  const cloud = await new FakeCloud(script).ownedBy(ws.root);
  const events: DeployEvent[] = [];
  try {
    const opts = testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd', ...overrides });
    const result = await runDeploy(
      opts,
      { ports: cloud.ports(), clock: new FakeClock(), buildPollMs: 10, emit: (e) => events.push(e) },
      new AbortController().signal,
    );
    return { result, events, cloud, svc: cloud.services.get('svc') };
  } finally {
    await ws.cleanup();
  }
}

function verifyEnd(events: DeployEvent[]) {
  return events.filter((e) => e.type === 'stage' && e.stage === 'verify').at(-1);
}

describe('automatic rollback and preview deploys', () => {
  it('sends the traffic back to the old revision when the new one fails its health check, and fails clearly', async () => {
    const { result, events, cloud, svc } = await deploy({ existingService: true, httpStatuses: [500] });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'verify');
    const newRev = svc!.latestCreatedRevision!;
    assert.notEqual(newRev, 'svc-00001-aaa');
    assert.match(
      result.problem.message,
      new RegExp(`^The new revision ${newRev} failed its health check \\(HTTP 500 after \\d+ tries\\); traffic is back on svc-00001-aaa\\.$`),
    );
    assert.match(result.problem.fix ?? '', /fix the app and deploy again; svc-00001-aaa keeps serving/);
    assert.ok(cloud.calls.includes('runAdmin.routeAllTraffic svc svc-00001-aaa'), cloud.calls.join('\n'));
    assert.equal(svc!.pinned, 'svc-00001-aaa');
    const end = verifyEnd(events);
    assert.ok(end?.type === 'stage' && end.status === 'failed' && /traffic is back on svc-00001-aaa/.test(end.detail ?? ''));
  });

  it('rolls back to the revision that served, not the newest ready one, when traffic was pinned', async () => {
    const { result, cloud, newest } = await deployWithPinned();
    assert.equal(newest, 'svc-00003-def');
    assert.equal(result.outcome, 'failed');
    assert.ok(cloud.calls.includes('runAdmin.routeAllTraffic svc svc-00001-abc'), cloud.calls.join('\n'));
  });

  it('rolls back when the new revision never becomes ready', async () => {
    const { result, cloud, svc } = await deploy({
      existingService: true,
      updateRevisionFails: 'Revision svc-00002-bad is not ready: the container did not listen on PORT=8080',
    });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'deploy');
    assert.match(
      result.problem.message,
      /^The new revision svc-00002-bad did not become ready \(Revision svc-00002-bad is not ready: the container did not listen on PORT=8080\); traffic is back on svc-00001-aaa\.$/,
    );
    assert.equal(svc!.pinned, 'svc-00001-aaa');
    assert.ok(cloud.calls.includes('runAdmin.routeAllTraffic svc svc-00001-aaa'));
  });

  it('gives the exact gcloud command when the rollback itself fails', async () => {
    const { result, svc } = await deploy({
      existingService: true,
      httpStatuses: [500],
      routeTrafficError: new DevgemError('permission-denied', 'run.services.update denied'),
    });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.match(
      result.problem.message,
      /failed its health check \(HTTP 500.*\), and moving the traffic back to svc-00001-aaa failed too \(run\.services\.update denied\)/,
    );
    assert.ok(
      result.problem.fix?.includes('gcloud run services update-traffic svc --to-revisions=svc-00001-aaa=100 --region europe-west1 --project demo-project'),
      result.problem.fix,
    );
    assert.equal(svc!.pinned, undefined, 'the traffic did not move');
  });

  it('keeps the bad revision serving when devgem.autoRollback is off, and says how to go back', async () => {
    const { result, cloud, svc } = await deploy({ existingService: true, httpStatuses: [500] }, { autoRollback: false });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.match(result.problem.message, /did not answer like a running app/);
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.routeAllTraffic')));
    assert.equal(svc!.pinned, undefined);
    assert.match(result.problem.fix ?? '', /Automatic rollback is off .* --to-revisions=svc-00001-aaa=100/);
  });

  it('has nothing to roll back to for a brand-new service', async () => {
    const { result, cloud } = await deploy({ httpStatuses: [500] });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'verify');
    assert.match(result.problem.message, /did not answer like a running app/);
    assert.doesNotMatch(result.problem.message, /traffic is back/);
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.routeAllTraffic')));
  });

  it('a preview deploy leaves the traffic on the old revision and returns the tagged URL, checked by verify', async () => {
    const { result, cloud, svc, events } = await deploy({ existingService: true }, { noTraffic: { tag: 'pr-42' } });
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') return;
    assert.equal(result.url, 'https://pr-42---svc.example');
    assert.deepEqual(result.preview, { tag: 'pr-42', serviceUrl: svc!.uri, servingRevision: 'svc-00001-aaa' });
    assert.equal(result.revision, svc!.latestCreatedRevision);
    assert.equal(svc!.pinned, 'svc-00001-aaa', 'the old revision keeps all the traffic');
    assert.equal(svc!.tags?.get('pr-42'), result.revision);
    assert.ok(cloud.calls.includes('http.get https://pr-42---svc.example'));
    assert.ok(cloud.calls.some((c) => /^run\.updateService .* tag=pr-42$/.test(c)));
    const end = verifyEnd(events);
    assert.ok(end?.type === 'stage' && /preview: no traffic, svc still serves svc-00001-aaa/.test(end.detail ?? ''), JSON.stringify(end));
  });

  it('a failing preview does not touch the traffic', async () => {
    const { result, cloud, svc } = await deploy({ existingService: true, httpStatuses: [500] }, { noTraffic: { tag: 'pr-42' } });
    assert.equal(result.outcome, 'failed');
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.routeAllTraffic')));
    assert.equal(svc!.pinned, 'svc-00001-aaa');
  });

  it('refuses a preview of a service that does not exist yet, before creating anything', async () => {
    const { result, cloud } = await deploy({}, { noTraffic: { tag: 'pr-42' } });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.match(result.problem.message, /A preview \(no traffic\) needs a live service/);
    assert.ok(!cloud.calls.some((c) => c.startsWith('run.createService')));
  });
});

/** An existing service with three revisions whose traffic an earlier rollback pinned to the first. */
async function deployWithPinned() {
  const ws = await makeWorkspace(NODE_APP);
  const cloud = await new FakeCloud({ httpStatuses: [500] }).ownedBy(ws.root);
  const seeded = cloud.seedService('svc', { revisions: 3 });
  seeded.pinned = seeded.revisionList[0].revision;
  try {
    const opts = testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd' });
    const result = await runDeploy(
      opts,
      { ports: cloud.ports(), clock: new FakeClock(), buildPollMs: 10, emit: () => undefined },
      new AbortController().signal,
    );
    return { result, cloud, newest: seeded.revisionList[2].revision };
  } finally {
    await ws.cleanup();
  }
}

describe('preview deploys: the agent, the CLI and the Cloud Run request', () => {
  const signal = new AbortController().signal;

  async function withAgent(cloud: FakeCloud, body: (ctx: AgentContext, ran: () => DeployOptions | undefined) => Promise<void>) {
    const ws = await makeWorkspace(NODE_APP);
    await cloud.ownedBy(ws.root);
    const ports = cloud.ports();
    let ran: DeployOptions | undefined;
    const ctx = {
      deployOptions: () => testDeployOptions(ws.root, { service: 'svc' }),
      cloud: () => ports,
      runDeploy: async (opts: DeployOptions) => (
        (ran = opts),
        {
          outcome: 'success' as const,
          url: 'https://pr-42---svc.example',
          image: 'i',
          preview: { tag: 'pr-42', serviceUrl: 'https://svc.example', servingRevision: 'svc-00001-aaa' },
        }
      ),
      lastDeploy: () => undefined,
      deployHistory: () => [],
      writeWorkspaceFile: async () => undefined,
      readWorkspaceFile: async () => undefined,
    } satisfies AgentContext;
    try {
      await body(ctx, () => ran);
    } finally {
      await ws.cleanup();
    }
  }

  it('the deploy tool takes preview_tag, shows it in the plan and reports a preview', async () => {
    await withAgent(new FakeCloud({ existingService: true }), async (ctx, ran) => {
      const tool = deployTool();
      const args: DeployArgs = { preview_tag: 'pr-42' };
      const draft = await tool.confirmation!(args, ctx, signal);
      assert.match(draft.title, /Preview a new revision of Cloud Run service "svc" \(no traffic\)/);
      assert.match(draft.details.find((d) => d.label === 'Traffic')?.value ?? '', /tag "pr-42", the service URL keeps serving the current revision/);
      const out = await tool.run(args, ctx, signal, draft.pin);
      assert.deepEqual(ran()?.noTraffic, { tag: 'pr-42' });
      assert.equal(out.data.outcome, 'preview');
      assert.equal(out.data.url, 'https://pr-42---svc.example');
      assert.match(out.summary, /^Preview \(no traffic\)/);

      const plain = await tool.confirmation!({}, ctx, signal);
      assert.match(plain.details.find((d) => d.label === 'Traffic')?.value ?? '', /back to the current one if the new one fails its health check/);
    });
  });

  it('the deploy tool refuses a tag Cloud Run would refuse, and warns when there is no service to preview', async () => {
    await withAgent(new FakeCloud(), async (ctx) => {
      const tool = deployTool();
      await assert.rejects(
        tool.confirmation!({ preview_tag: 'PR_42' }, ctx, signal),
        (e: DevgemError) => e.kind === 'invalid-argument' && /traffic tag/.test(e.message),
      );
      const draft = await tool.confirmation!({ preview_tag: 'pr-42' }, ctx, signal);
      assert.match(draft.details.find((d) => d.label === 'Warning')?.value ?? '', /A preview needs a live service/);
    });
    assert.equal(describeResult({ outcome: 'success', url: 'https://svc.example', image: 'i' }, {} as AgentContext).data.outcome, 'success');
  });

  it('devgem deploy --no-traffic --tag TAG asks for a preview; either flag alone or a bad tag is a usage error', () => {
    const req = (argv: string[]) => deployRequestFrom(parseArgs(['deploy', ...argv]), '/tmp/x', {});
    assert.deepEqual(req(['--no-traffic', '--tag', 'pr-42']).opts.noTraffic, { tag: 'pr-42' });
    assert.equal(req([]).opts.noTraffic, undefined);
    assert.throws(
      () => req(['--no-traffic']),
      (e: Error) => e instanceof UsageError && /--no-traffic needs --tag/.test(e.message),
    );
    assert.throws(
      () => req(['--tag', 'pr-42']),
      (e: Error) => e instanceof UsageError && /--tag only goes with --no-traffic/.test(e.message),
    );
    assert.throws(
      () => req(['--no-traffic', '--tag', 'Bad_Tag']),
      (e: Error) => e instanceof UsageError && /cannot be a Cloud Run traffic tag/.test(e.message),
    );
  });

  it('the Cloud Run request keeps the current split (latest pinned), adds the named revision at 0 % with the tag', () => {
    type Service = protos.google.cloud.run.v2.IService;
    const live: Service = {
      name: 'projects/p/locations/r/services/svc',
      latestReadyRevision: 'projects/p/locations/r/services/svc/revisions/svc-00003-ccc',
      template: { revision: 'svc-00003-ccc', containers: [{ image: 'old', ports: [{ containerPort: 8080 }] }] },
      traffic: [
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 90 },
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'svc-00001-aaa', percent: 10, tag: 'pr-42' },
      ],
      trafficStatuses: [
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', revision: 'svc-00003-ccc', percent: 90 },
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'svc-00001-aaa', percent: 10, tag: 'pr-42' },
      ],
    };
    const next = noTrafficService(live, { image: 'new', port: 8080, labels: {} }, 'pr-42', 'svc-p-abcde');
    assert.equal(next.template?.revision, 'svc-p-abcde');
    assert.equal(next.template?.containers?.[0].image, 'new');
    assert.deepEqual(next.traffic, [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'svc-00003-ccc', percent: 90, tag: undefined },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'svc-00001-aaa', percent: 10, tag: undefined },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'svc-p-abcde', percent: 0, tag: 'pr-42' },
    ]);
    assert.equal(servingRevision(live), 'svc-00003-ccc');
    assert.equal(servingRevision({ ...live, trafficStatuses: [], traffic: [{ type: 1, percent: 100 }] }), 'svc-00003-ccc');
  });
});
