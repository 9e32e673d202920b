// After a rollback pinned the traffic: env changes say what really serves, and
// "send traffic to …" is a write tool of its own (fakes).
import * as assert from 'node:assert/strict';
import { createToolRegistry } from '../../src/core/agent/tools';
import { answerOffline } from '../../src/core/chat/offline';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';
import { pinnedRevision, rolloutEffect, rolloutOf, rolloutSentence } from '../../src/core/env/envRollout';
import { TestConfirm, testAgentContext, type TestContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace } from '../support/workspace';

const never = new AbortController().signal;

describe('rollout after an env change', () => {
  it('tells a new revision that serves from one that a pinned rollback keeps out of the traffic', () => {
    const served = rolloutOf({ invokerIamDisabled: true, latestReadyRevision: 'api-00004-new', servingRevision: 'api-00004-new' });
    assert.deepEqual(served, { revision: 'api-00004-new', servingRevision: 'api-00004-new', pinned: false });
    assert.equal(rolloutSentence('api', served), 'Revision api-00004-new now serves api.');
    const pinned = rolloutOf({ invokerIamDisabled: true, latestReadyRevision: 'api-00004-new', servingRevision: 'api-00001-old' });
    assert.equal(pinned.pinned, true);
    assert.equal(
      rolloutSentence('api', pinned, { revision: 'img:v2', serving: 'img:v1' }),
      'New revision api-00004-new is ready but gets no traffic: api-00001-old still serves all of api (an earlier rollback pinned the traffic there). Note that api-00004-new runs img:v2, not img:v1 that serves now. To serve the change, send the traffic to api-00004-new (say "send traffic to api-00004-new").',
    );
    assert.match(rolloutSentence('api', rolloutOf({ invokerIamDisabled: true, latestCreatedRevision: 'api-00004-new' })), /did not say which revision serves/);
  });

  it('reads a pinned split from the traffic, and says so in the plan', () => {
    assert.equal(pinnedRevision([{ revision: 'api-00002-b', percent: 100, latest: true }]), undefined);
    assert.equal(pinnedRevision([{ revision: 'api-00001-a', percent: 100, latest: false }]), 'api-00001-a');
    assert.equal(rolloutEffect([{ revision: 'api-00002-b', percent: 100, latest: true }]), 'A new revision gets all traffic once it is ready.');
    assert.match(rolloutEffect([{ revision: 'api-00001-a', percent: 100, latest: false }], 'img:v2'), /\(image img:v2\), but the traffic stays on api-00001-a/);
  });

  it('"send traffic to …" is its own intent, with an optional service', () => {
    assert.deepEqual(parseChatIntent('send traffic to api-00004-xyz'), { kind: 'traffic', revision: 'api-00004-xyz' });
    assert.deepEqual(parseChatIntent('please route all traffic to revision api-00004-xyz on api'), {
      kind: 'traffic',
      revision: 'api-00004-xyz',
      service: 'api',
    });
    assert.equal(parseChatIntent('send traffic to API_4').kind, 'invalid');
    assert.equal(parseChatIntent('roll back to api-00002-xyz').kind, 'rollback');
  });
});

describe('set_env_vars and send_traffic with the traffic pinned (fakes)', () => {
  let cloud: FakeCloud;
  let ctx: TestContext;
  let confirm: TestConfirm;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const ws = await makeWorkspace({ 'a.txt': '' });
    cleanup = ws.cleanup;
    cloud = new FakeCloud();
    const svc = cloud.seedService('api', { revisions: 2 });
    svc.pinned = svc.revisionList[0].revision;
    ctx = testAgentContext(ws.root, cloud.ports());
    confirm = new TestConfirm();
  });
  afterEach(() => cleanup());

  const chat = (message: string) =>
    answerOffline(
      parseChatIntent(message),
      { registry: createToolRegistry(), ctx, confirm, events: { tool: () => undefined }, cancelDeploy: () => false },
      never,
    );

  it('"set GREETING=hi" reports the traffic as it is, then "send traffic to" moves it after its own confirmation', async () => {
    const reply = await chat('set GREETING=hi on api');
    assert.match(confirm.asked[0].details.find((d) => d.label === 'Effect')?.value ?? '', /the traffic stays on api-00001-abc/);
    assert.match(reply, /^Updated GREETING on api\. New revision api-00003-def is ready but gets no traffic: api-00001-abc still serves all of api/);
    assert.doesNotMatch(reply, /api-00003-def now serves/);

    const o = await createToolRegistry().execute({ name: 'set_env_vars', args: { service: 'api', set: { A: 'b' } } }, ctx, { confirm }, never);
    assert.equal(o.response.trafficPinned, true);
    assert.equal(o.response.servingRevision, 'api-00001-abc');
    assert.match(String(o.response.next), /^send_traffic with revision api-00004-def/);

    confirm.answers = [false];
    assert.equal(await chat('send traffic to api-00004-def on api'), 'OK — Traffic was not changed.');
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.routeAllTraffic')));
    assert.equal(await chat('send traffic to api-00004-def on api'), 'api-00004-def now gets 100% of the traffic of api.');
    assert.equal(confirm.asked.at(-1)?.title, 'Send all traffic of "api" to api-00004-def');
    assert.match(await chat('set GREETING=again on api'), /^Updated GREETING on api\. Revision api-00005-def now serves api\.$/);
  });
});
