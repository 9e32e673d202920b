// The one chat-turn orchestration (src/core/chat/chatTurn.ts) the sidebar and
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// @devgem share: model or offline intent, tools, confirmations, redaction.
import * as assert from 'node:assert/strict';
import { Conversation } from '../../src/core/agent/conversation';
import type { ModelPort } from '../../src/core/agent/model';
import { createToolRegistry } from '../../src/core/agent/tools';
import { REDACTED } from '../../src/core/base/redact';
import { UsageGuard, type UsageCounts } from '../../src/core/base/usage';
import { runChatTurn, type ChatTurnEvents } from '../../src/core/chat/chatTurn';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { MemoryStore, ScriptedModel, TestConfirm, call, offlineChatTurn, testAgentContext, text } from '../support/agentHarness';

const noCloud = {} as CloudPorts;
/** A GitHub token's shape; only redaction should ever see one. */
const TOKEN = `ghp_${'a1B2c3D4e5'.repeat(4)}`;

function turn(model: ModelPort | undefined, message: string, opts: { maxSteps?: number; cancelDeploy?: () => boolean; usage?: UsageGuard } = {}) {
  const seen: { replies: string[]; streamed: string; ended: string[]; answers: string[]; notices: string[]; tools: string[] } = {
    replies: [],
    streamed: '',
    ended: [],
    answers: [],
    notices: [],
    tools: [],
  };
  const events: ChatTurnEvents = {
    text: (reply, added) => {
      seen.replies.push(reply);
      seen.streamed += added;
    },
    textEnd: (reply) => seen.ended.push(reply),
    tool: (card) => seen.tools.push(`${card.name}:${card.status}`),
    answer: (a) => seen.answers.push(a),
    notice: (n) => seen.notices.push(n),
  };
  // Every write is declined: the turn must ask, and nothing may land on disk.
  const confirm = new TestConfirm([], false);
  const conversation = new Conversation();
  // A real (empty) folder: the agent's file tools resolve paths inside it before they ask.
  // Its deploy options are the chosen folder's settings, as the prompt facts are (the pinned target is resolved from them).
  const ctx = testAgentContext(mkdtempSync(path.join(os.tmpdir(), 'devgem-turn-')), noCloud, {
    overrides: { service: 'svc-b', allowUnauthenticated: true },
    usage: opts.usage,
  });
  const done = runChatTurn(
    message,
    {
      registry: createToolRegistry(),
      ctx,
      confirm,
      model,
      conversation,
      facts: () => ({ workspaceName: 'shop-b', options: { service: 'svc-b', allowUnauthenticated: true } }),
      maxSteps: opts.maxSteps,
      cancelDeploy: opts.cancelDeploy ?? (() => false),
    },
    events,
    new AbortController().signal,
  );
  return { done, seen, confirm, conversation, ctx };
}

describe('one chat turn, for the sidebar and @devgem', () => {
  it('without a model, answers through the offline intents and the same tools', async () => {
    const t = turn(undefined, 'status');
    await t.done;
    assert.equal(t.seen.answers.length, 1);
    assert.match(t.seen.answers[0], /no deploy|not deployed|nothing/i);
    const cancel = turn(undefined, 'cancel', { cancelDeploy: () => true });
    await cancel.done;
    assert.deepEqual(cancel.seen.answers, ['Cancelling the deploy…']);
  });

  it('without a model, a negated or unclear stop/cancel never cancels, and a delete asks on a destructive card', async () => {
    for (const message of ['do not deploy this', 'stop the api service', 'cancel my subscription to api logs', 'never roll back api']) {
      let cancelled = false;
      const t = turn(undefined, message, { cancelDeploy: () => (cancelled = true) });
      await t.done;
      assert.equal(cancelled, false, message);
      assert.deepEqual(t.seen.tools, [], message);
      assert.equal(t.confirm.asked.length, 0, message);
      assert.match(t.seen.answers[0], /nothing was|not cancel|will not/i, message);
    }
    const cloud = {
      runAdmin: { describeService: async () => ({ service: 'api', region: 'us-central1', uri: 'https://api.example', env: [], traffic: [], ready: true }) },
    } as unknown as CloudPorts;
    const { confirm, answers } = await declinedOfflineTurn('delete the api service', cloud);
    assert.deepEqual(
      confirm.asked.map((a) => [a.tool, a.risk]),
      [['delete_service', 'destructive']],
      answers.join('\n'),
    );
    assert.match(answers[0], /Nothing was deleted/);
  });

  it('without a model, a scaling request shows the config card with before → after, and a decline changes nothing', async () => {
    let updated = 0;
    const cloud = {
      runAdmin: {
        describeService: async () => ({
          service: 'api',
          region: 'us-central1',
          uri: 'https://api.example',
          env: [],
          traffic: [],
          ready: true,
          minInstances: 0,
        }),
        updateConfig: async () => (updated++, {}),
      },
    } as unknown as CloudPorts;
    const { confirm, answers } = await declinedOfflineTurn('set min instances to 1 on api', cloud);
    assert.deepEqual(
      confirm.asked.map((a) => [a.tool, a.risk]),
      [['update_service_config', 'write']],
      answers.join('\n'),
    );
    assert.match(JSON.stringify(confirm.asked[0].details), /0 → 1/);
    assert.equal(updated, 0);
    assert.match(answers[0], /Nothing was changed/);
  });

  it('with a model, streams the reply and runs its tool calls, with the chosen folder’s facts in the prompt', async () => {
    const model = new ScriptedModel([[call('get_deploy_status', {}, 'c1')], [text('Nothing '), text('deployed yet.')]]);
    const t = turn(model, 'status?');
    await t.done;
    assert.deepEqual([t.seen.tools[0], t.seen.tools.at(-1)], ['get_deploy_status:running', 'get_deploy_status:done']);
    assert.equal(t.seen.streamed, 'Nothing deployed yet.');
    assert.deepEqual(t.seen.ended, ['', 'Nothing deployed yet.']);
    assert.match(model.requests[0].system ?? '', /shop-b/);
    assert.match(model.requests[0].system ?? '', /svc-b/);
  });

  it('redacts the reply as a whole: a token split across two pieces is hidden once complete, and never in the final text', async () => {
    const model = new ScriptedModel([[text(`Your token is ${TOKEN.slice(0, 20)}`), text(`${TOKEN.slice(20)} — keep it safe.`)]]);
    const t = turn(model, 'what is my token');
    await t.done;
    assert.equal(t.seen.ended[0], `Your token is ${REDACTED} — keep it safe.`);
    assert.equal(t.seen.replies.at(-1), t.seen.ended[0], 'the last view of the reply is redacted');
    assert.ok(!t.seen.streamed.includes(TOKEN.slice(20)), 'the token’s second half never streams');
  });

  it('redacts an offline answer', async () => {
    const t = turn(undefined, `deploy ${TOKEN}`);
    await t.done;
    assert.ok(t.seen.answers.every((a) => !a.includes(TOKEN)));
  });

  it('says so when the step budget runs out', async () => {
    const model = new ScriptedModel([[call('get_deploy_status', {}, 'c1')], [call('get_deploy_status', {}, 'c2')]]);
    const t = turn(model, 'loop', { maxSteps: 2 });
    await t.done;
    assert.match(t.seen.notices[0], /stopped after 2 steps/);
  });

  it('pins the folder’s analysis and resolved target in the prompt, fenced as data', async () => {
    const model = new ScriptedModel([[text('Nothing to deploy here.')]]);
    const t = turn(model, 'what is here?');
    await t.done;
    const facts = /<devgem-facts>\n(.*)\n<\/devgem-facts>/.exec(model.requests[0].system ?? '')?.[1];
    assert.ok(facts, 'a fenced facts block');
    const pinned = JSON.parse(facts) as { target: { service: string; projectFrom: string }; analysis: { apps: unknown[]; unrecognised?: string } };
    assert.equal(pinned.target.service, 'svc-b');
    assert.ok(pinned.target.projectFrom, 'the target is resolved, not the raw settings');
    assert.deepEqual(pinned.analysis.apps, []);
    assert.match(pinned.analysis.unrecognised ?? '', /empty/);
  });

  it('records the tokens each model call reports', async () => {
    const usage = new UsageGuard(new MemoryStore<UsageCounts>(), () => ({ deploysPerDay: 0, modelCallsPerDay: 0 }));
    const model = new ScriptedModel([
      [call('get_deploy_status', {}, 'c1'), { usage: { promptTokens: 900, outputTokens: 10, totalTokens: 910 } }],
      [text('Nothing yet.'), { usage: { promptTokens: 1000, outputTokens: 20, totalTokens: 1020 } }],
    ]);
    const t = turn(model, 'status?', { usage });
    await t.done;
    assert.deepEqual(usage.current().tokens, { prompt: 1900, output: 30, total: 1930 });
  });

  it('says why, redacted, when the model stops short or refuses: never an empty answer', async () => {
    const cut = turn(new ScriptedModel([[text('The build'), { finishReason: 'MAX_TOKENS' }]]), 'why did it fail?');
    await cut.done;
    assert.equal(cut.seen.notices.length, 1);
    assert.match(cut.seen.notices[0], /MAX_TOKENS/);
    const blocked = turn(new ScriptedModel([[{ blockReason: 'SAFETY', blockMessage: `blocked near ${TOKEN}` }]]), 'hello');
    await blocked.done;
    assert.equal(blocked.seen.notices.length, 1);
    assert.match(blocked.seen.notices[0], /SAFETY/);
    assert.ok(!blocked.seen.notices[0].includes(TOKEN.slice(0, 12)), blocked.seen.notices[0]);
  });

  it('asks before a write, through the confirmation it was given', async () => {
    const model = new ScriptedModel([
      [call('propose_fix', { path: 'Procfile', content: 'web: node server.js', explanation: 'the start command' }, 'w1')],
      [text('Done.')],
    ]);
    const t = turn(model, 'fix it');
    await t.done;
    assert.equal(t.confirm.asked.length, 1);
    assert.equal(t.confirm.asked[0].tool, 'propose_fix');
    assert.deepEqual([...t.ctx.written.keys()], [], 'declined: not written');
  });
});

/** One offline chat turn against `cloud` whose card the user declines: what was asked, and the answers. */
async function declinedOfflineTurn(message: string, cloud: CloudPorts) {
  const ctx = testAgentContext(mkdtempSync(path.join(os.tmpdir(), 'devgem-turn-')), cloud, { overrides: { project: 'proj-123', region: 'us-central1' } });
  const confirm = new TestConfirm([], false);
  const { answers } = await offlineChatTurn(message, ctx, confirm);
  return { confirm, answers };
}
