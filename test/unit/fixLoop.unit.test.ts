// Issue 16 item 1: the fix loop works for every failed deploy. The request is
// kept with the deploy (also across a reload), "Fix with AI" starts from the
// right evidence, the redeploy repeats that request, and the outcome the model
// hears is the true one, for at most MAX_FIX_ROUNDS rounds.
import * as assert from 'node:assert/strict';
import { Conversation } from '../../src/core/agent/conversation';
import { evidenceCallsFor, MAX_FIX_ROUNDS, redeployOptions } from '../../src/core/agent/fixLoop';
import { errorRegion } from '../../src/core/agent/tools/fixTools';
import { createToolRegistry } from '../../src/core/agent/tools/index';
import { runChatTurn, type ChatTurnEvents } from '../../src/core/chat/chatTurn';
import { DevgemError } from '../../src/core/base/errors';
import { EVIDENCE_NAME, FIX_PROMPTS, fixButtonLabel } from '../../src/shared/fixEvidence';
import type { ViewSnapshot } from '../../src/shared/protocol';
import { MemoryStore, newSession, ScriptedModel, TestConfirm, testAgentContext, text, type TestContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP } from '../support/workspace';

const never = new AbortController().signal;
const registry = createToolRegistry();
const BROKEN_LOG = [
  'Step 1/4 : FROM node:22-slim',
  'Step 2/4 : COPY . .',
  'Step 3/4 : RUN npm ci',
  'npm ERR! missing script: build',
  'ERROR: build step 0 failed',
];

function run(name: string, args: Record<string, unknown>, ctx: TestContext, confirm = new TestConfirm()) {
  return registry.execute({ name, args }, ctx, { confirm }, never).then((o) => ({ ...o, asked: confirm.asked }));
}

describe('fix loop (FakeCloud)', () => {
  let cleanup: () => Promise<void>;
  let root: string;
  let cloud: FakeCloud;
  let store: MemoryStore<ViewSnapshot>;
  let ctx: TestContext;

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace(NODE_APP));
    cloud = new FakeCloud({ buildOutcome: 'failure', buildLog: BROKEN_LOG });
    store = new MemoryStore<ViewSnapshot>();
    ctx = testAgentContext(root, cloud.ports(), { session: newSession(store) });
  });
  afterEach(() => cleanup());

  /** A deploy the Deploy button started: through the session, never through the agent's deploy tool. */
  async function buttonDeploy(overrides: Record<string, unknown> = {}) {
    const result = await ctx.runDeploy({ ...ctx.deployOptions(), service: 'shop', runtime: { env: { MODE: 'fast' } }, ...overrides }, never);
    ctx.deploys.length = 0;
    return result;
  }

  it('keeps the request with the deploy and its history record', async () => {
    await buttonDeploy();
    assert.equal(ctx.lastDeployRequest, undefined, 'the button does not go through the agent');
    assert.equal(store.value?.deploy?.request?.service, 'shop');
    assert.deepEqual(store.value?.history?.[0].request?.runtime, { env: { MODE: 'fast' } });
    assert.equal(store.value?.history?.[0].request?.fixRound, undefined);
  });

  it('redeploys a button deploy with its own request after the approved fix, and reports the real outcome', async () => {
    await buttonDeploy();
    cloud.script.buildOutcome = 'success';
    const r = await run(
      'propose_fix',
      {
        path: 'package.json',
        content: '{"name":"my-app","scripts":{"start":"node server.js","build":"true"}}',
        explanation: 'adds the build script',
        redeploy: true,
      },
      ctx,
    );
    assert.equal(r.status, 'done', JSON.stringify(r.response));
    assert.equal(r.asked[0].approveLabel, 'Apply Fix and Redeploy');
    assert.match(r.asked[0].title, /fix round 1 of 3/);
    assert.equal(ctx.deploys.length, 1);
    assert.equal(ctx.deploys[0].service, 'shop');
    assert.deepEqual(ctx.deploys[0].runtime, { env: { MODE: 'fast' } });
    assert.equal(r.response.redeployed, true);
    assert.equal(r.response.outcome, 'success');
    assert.match(String(r.response.report), /succeeded/);
  });

  it('after a window reload: a new session and context redeploy the persisted request', async () => {
    await buttonDeploy();
    // The reload: nothing in memory survives, only the workspace state (the store).
    const reloaded = testAgentContext(root, cloud.ports(), { session: newSession(store) });
    assert.equal(reloaded.lastDeployRequest, undefined);
    cloud.script.buildOutcome = 'success';
    const r = await run('propose_fix', { path: 'README.md', content: 'fixed\n', explanation: 'x', redeploy: true }, reloaded);
    assert.equal(r.status, 'done', JSON.stringify(r.response));
    assert.equal(reloaded.deploys.length, 1);
    assert.equal(reloaded.deploys[0].service, 'shop', 'the persisted request, not the settings (my-app)');
    assert.deepEqual(reloaded.deploys[0].runtime, { env: { MODE: 'fast' } });
    assert.equal(reloaded.deploys[0].fixRound, 1);
  });

  it('never lets the model say "fixed" when the redeploy failed', async () => {
    await buttonDeploy();
    const r = await run('propose_fix', { path: 'README.md', content: 'still broken\n', explanation: 'x', redeploy: true }, ctx);
    assert.equal(r.status, 'done');
    assert.equal(r.response.redeployed, true);
    assert.equal(r.response.outcome, 'failed');
    assert.match(String(r.response.report), /did NOT succeed/);
    assert.match(r.summary, /Failed at/);
  });

  it('says nothing was deployed when the fix was only an edit', async () => {
    await buttonDeploy();
    const r = await run('propose_fix', { path: 'README.md', content: 'edit\n', explanation: 'x' }, ctx);
    assert.equal(r.response.redeployed, false);
    assert.match(String(r.response.report), /nothing was deployed/);
    assert.equal(ctx.deploys.length, 0);
  });

  it(`stops after ${MAX_FIX_ROUNDS} failed rounds, each approved`, async () => {
    await buttonDeploy();
    const confirm = new TestConfirm();
    for (let round = 1; round <= MAX_FIX_ROUNDS; round++) {
      const r = await run('propose_fix', { path: 'README.md', content: `try ${round}\n`, explanation: 'x', redeploy: true }, ctx, confirm);
      assert.equal(r.response.round, round);
    }
    assert.equal(confirm.asked.length, MAX_FIX_ROUNDS, 'one approval per round');
    const last = await run('propose_fix', { path: 'README.md', content: 'try 4\n', explanation: 'x', redeploy: true }, ctx, confirm);
    assert.equal(last.status, 'failed');
    assert.match(String(last.response.error), /3 fix rounds/);
    assert.equal(confirm.asked.length, MAX_FIX_ROUNDS, 'not even asked');
    // A deploy the user starts begins the count again.
    await buttonDeploy();
    const again = await run('propose_fix', { path: 'README.md', content: 'try 5\n', explanation: 'x', redeploy: true }, ctx);
    assert.equal(again.response.round, 1);
  });

  it('refuses to "redeploy" a GitHub repository deploy by editing the open folder', async () => {
    await buttonDeploy({ gitHub: { repository: 'octo/shop', ref: 'main', commit: 'a'.repeat(40) } });
    const r = await run('propose_fix', { path: 'README.md', content: 'x\n', explanation: 'x', redeploy: true }, ctx);
    assert.equal(r.status, 'failed');
    assert.match(String(r.response.error), /GitHub repository octo\/shop/);
    assert.equal(r.asked.length, 0);
  });

  it('gives the build log error region for a build failure', async () => {
    await buttonDeploy();
    const r = await run('get_failure_evidence', {}, ctx);
    assert.equal(r.response.kind, 'build');
    assert.equal(r.response.evidence, 'build log');
    assert.ok((r.response.build_log_error_region_untrusted as string[]).some((l) => /missing script: build/.test(l)));
    assert.deepEqual(r.response.redeploy, { possible: true, round: 1, of: MAX_FIX_ROUNDS });
  });

  it("gives the new revision's startup logs for a runtime failure", async () => {
    cloud.script.buildOutcome = 'success';
    cloud.script.existingService = true;
    await ctx.runDeploy({ ...ctx.deployOptions(), service: 'shop' }, never);
    cloud.script.updateRevisionFails = 'The user-provided container failed to start and listen on the port';
    await buttonDeploy();
    const failed = ctx.lastDeploy()?.result;
    assert.equal(failed?.outcome, 'failed');
    const revision = (await cloud.ports().runAdmin.listRevisions({ project: 'demo-project', region: 'europe-west1', service: 'shop' }, never))[0].revision;
    cloud.seedLogs('shop', [
      { timestamp: new Date(Date.now() + 1000).toISOString(), severity: 'ERROR', text: 'Error: Cannot find module express', revision },
      { timestamp: new Date(Date.now() + 1000).toISOString(), severity: 'INFO', text: 'old revision line', revision: 'shop-00001-old' },
    ]);
    const r = await run('get_failure_evidence', {}, ctx);
    assert.equal(r.response.kind, 'runtime');
    assert.equal(r.response.evidence, 'startup logs');
    assert.equal(r.response.revision, revision);
    const lines = (r.response.startup_logs_untrusted as { text: string }[]).map((e) => e.text);
    assert.deepEqual(lines, ['Error: Cannot find module express']);
  });

  it('"Fix with AI" starts the turn with the evidence already read, before the first model request', async () => {
    await buttonDeploy();
    const model = new ScriptedModel([[text('The build script is missing.')]]);
    const events: ChatTurnEvents = { text: () => {}, textEnd: () => {}, tool: () => {}, answer: () => {}, notice: () => {} };
    await runChatTurn(
      FIX_PROMPTS.build,
      { registry, ctx, confirm: new TestConfirm(), model, conversation: new Conversation(), facts: () => ({}) as never, cancelDeploy: () => false },
      events,
      never,
    );
    const contents = JSON.stringify(model.requests[0].turns);
    assert.match(contents, /get_failure_evidence/);
    assert.match(contents, /missing script: build/);
    assert.deepEqual(evidenceCallsFor('deploy it'), [], 'other messages start plain');
  });
});

describe('fix loop wording', () => {
  it('names the build log for build failures and the startup logs for runtime failures', () => {
    assert.equal(fixButtonLabel('build'), 'Fix with AI (build log)');
    assert.equal(fixButtonLabel('dockerfile'), 'Fix with AI (build log)');
    assert.equal(fixButtonLabel('deploy'), 'Fix with AI (startup logs)');
    assert.equal(fixButtonLabel('verify'), 'Fix with AI (startup logs)');
    assert.match(FIX_PROMPTS.build, /build log/);
    assert.match(FIX_PROMPTS.runtime, /startup logs/);
    assert.doesNotMatch(FIX_PROMPTS.runtime, /build log/);
    assert.equal(EVIDENCE_NAME.runtime, 'startup logs');
  });

  it('the error region keeps the lines around the errors, and the tail when there are none', () => {
    const lines = Array.from({ length: 200 }, (_, i) => (i === 150 ? 'ERROR: step failed' : `line ${i}`));
    const region = errorRegion(lines);
    assert.ok(region.lines.includes('ERROR: step failed'));
    assert.ok(region.lines.length < 20);
    assert.equal(errorRegion(['a', 'b']).lines.length, 2);
  });

  it('a DevgemError is what a missing request gives', async () => {
    const ctx = { lastDeploy: () => undefined, deployHistory: () => [] } as never;
    assert.throws(
      () => redeployOptions(ctx),
      (e: unknown) => e instanceof DevgemError && /no earlier deploy/.test(e.message),
    );
  });
});
