// Every way a model reply can end: a normal STOP, a malformed call retried
// once with a correction, a reply the model cut short or refused, and a
// refused prompt. None may leave the chat with only the user's message, run a
// tool from a reply that did not finish, or leave a history Gemini rejects.
import * as assert from 'node:assert/strict';
import { ChatController } from '../../src/core/chat/chatController';
import type { SavedConversation } from '../../src/core/agent/conversation';
import { CALL_CORRECTION } from '../../src/core/agent/finishReasons';
import type { ModelChunk, ModelTurn } from '../../src/core/agent/model';
import { createToolRegistry } from '../../src/core/agent/tools';
import { UsageGuard, type UsageCounts } from '../../src/core/base/usage';
import type { CloudPorts } from '../../src/core/cloud/ports';
import type { ViewSnapshot } from '../../src/shared/protocol';
import { MemoryStore, ScriptedModel, TestConfirm, call, newSession, testAgentContext, text } from '../support/agentHarness';

const noCloud = new Proxy(
  {},
  {
    get: () => {
      throw new Error('no cloud in this test');
    },
  },
) as CloudPorts;

function rig(script: ConstructorParameters<typeof ScriptedModel>[0], usage?: UsageGuard) {
  const model = new ScriptedModel(script);
  const session = newSession(new MemoryStore<ViewSnapshot>());
  const ctx = testAgentContext('/nonexistent-devgem-ws', noCloud, { session, usage });
  const chat = new ChatController({
    session,
    registry: createToolRegistry(),
    ctx,
    confirm: new TestConfirm(),
    model: async () => model,
    store: new MemoryStore<SavedConversation>(),
    facts: () => ({ workspaceName: 'ws' }),
    streamFlushMs: 0,
  });
  const said = (role: string) => session.current.chat.filter((m) => m.role === role).map((m) => m.text);
  const cards = () => session.current.chat.filter((m) => m.tool).map((m) => `${m.tool!.name}:${m.tool!.status}`);
  return { model, session, chat, said, cards };
}

const end = (finishReason: string, extra: Partial<ModelChunk> = {}): ModelChunk => ({ finishReason, ...extra });

/** The rules Gemini holds a history to: roles alternate, and every function call is answered by the next turn. */
function assertValidHistory(turns: readonly ModelTurn[]): void {
  for (let i = 0; i < turns.length; i++) {
    if (i > 0) assert.notEqual(turns[i].role, turns[i - 1].role, `turns ${i - 1} and ${i} have the same role: ${JSON.stringify(turns)}`);
    const calls = turns[i].parts.flatMap((p) => (p.functionCall ? [p.functionCall.name] : []));
    if (!calls.length) continue;
    const answered = (turns[i + 1]?.parts ?? []).flatMap((p) => (p.functionResponse ? [p.functionResponse.name] : []));
    assert.deepEqual(answered, calls, `the calls of turn ${i} are answered in turn ${i + 1}`);
  }
}

describe('agent: every finish reason', () => {
  const stops: [string, RegExp][] = [
    ['SAFETY', /safety filter.*Rephrase/],
    ['RECITATION', /published text.*in its own words/],
    ['BLOCKLIST', /blocked term.*Rephrase/],
    ['PROHIBITED_CONTENT', /prohibited content.*Rephrase/],
    ['SPII', /sensitive personal information.*Rephrase/],
    ['MAX_TOKENS', /length limit.*cut off.*shorter answer/],
    ['OTHER', /stopped without finishing.*Send your message again/],
    ['LANGUAGE', /language.*Ask again/],
  ];
  for (const [reason, words] of stops) {
    it(`${reason}: keeps what was said, runs no call of the reply, and says what happened and what to do`, async () => {
      const r = rig([[text('Let me check the '), { functionCalls: [{ name: 'get_deploy_status', args: {} }] }, end(reason)]]);
      await r.chat.handle('what is deployed?');
      assert.deepEqual(r.said('assistant'), ['Let me check the ']);
      const [notice] = r.said('notice');
      assert.ok(notice?.includes(`(${reason})`), `notice names ${reason}: ${notice}`);
      assert.match(notice, words);
      assert.deepEqual(r.cards(), [], 'no tool ran');
      assert.equal(r.model.requests.length, 1, 'not retried');
      const turns = r.chat.history.all();
      assertValidHistory(turns);
      assert.deepEqual(turns.at(-1), { role: 'model', parts: [{ text: 'Let me check the ' }, { text: ` [cut off: ${reason}]` }] });
    });
  }

  it('a reply stopped before any text is never an empty turn', async () => {
    const r = rig([[end('SAFETY', { finishMessage: 'Response blocked.' })]]);
    await r.chat.handle('hello');
    assert.deepEqual(r.said('assistant'), []);
    assert.match(r.said('notice')[0], /\(SAFETY\).*\(Gemini said: "Response blocked\."\)/);
    assert.deepEqual(r.chat.history.all().at(-1), { role: 'model', parts: [{ text: '[no reply: SAFETY]' }] });
  });

  it('an empty reply with STOP says so', async () => {
    const r = rig([[end('STOP')]]);
    await r.chat.handle('hello');
    assert.match(r.said('notice')[0], /empty reply.*Send your message again/);
    assertValidHistory(r.chat.history.all());
  });

  for (const reason of ['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL']) {
    it(`${reason} is retried once with a correction, and the corrected call runs`, async () => {
      const r = rig([
        [end(reason, { finishMessage: 'Malformed function call: deploy(' })],
        [call('get_deploy_status', {}, 'c1')],
        [text('Nothing is deployed yet.')],
      ]);
      await r.chat.handle('status?');
      assert.equal(r.model.requests.length, 3);
      const retry = r.model.requests[1];
      const last = retry.turns.at(-1)!;
      assert.equal(last.role, 'user');
      assert.deepEqual(last.parts, [{ text: 'status?' }, { text: CALL_CORRECTION }], 'the correction joins the user turn, so roles still alternate');
      assert.deepEqual(r.cards(), ['get_deploy_status:done']);
      assert.deepEqual(r.said('assistant'), ['Nothing is deployed yet.']);
      assert.deepEqual(r.said('notice'), []);
      const turns = r.chat.history.all();
      assertValidHistory(turns);
      assert.ok(!JSON.stringify(turns).includes(CALL_CORRECTION), 'the correction is not kept in the history');
    });
  }

  it('text said before a malformed call is kept, sent back as said, and not repeated in the history', async () => {
    const r = rig([[text('Checking.'), end('MALFORMED_FUNCTION_CALL')], [text(' Nothing is deployed.')]]);
    await r.chat.handle('status?');
    assert.deepEqual(r.model.requests[1].turns.slice(-2), [
      { role: 'model', parts: [{ text: 'Checking.' }] },
      { role: 'user', parts: [{ text: CALL_CORRECTION }] },
    ]);
    assert.deepEqual(r.chat.history.all().at(-1), { role: 'model', parts: [{ text: 'Checking. Nothing is deployed.' }] });
  });

  it('a second malformed call ends the turn with a message, without a third request', async () => {
    const r = rig([[end('MALFORMED_FUNCTION_CALL')], [end('MALFORMED_FUNCTION_CALL')], [text('never asked')]]);
    await r.chat.handle('deploy it');
    assert.equal(r.model.requests.length, 2);
    assert.match(r.said('notice')[0], /twice wrote a tool call Devgem could not read \(MALFORMED_FUNCTION_CALL\)/);
    assert.deepEqual(r.cards(), []);
    assertValidHistory(r.chat.history.all());
  });

  it('a refused prompt is said, and left out so the next message is not refused too', async () => {
    const r = rig([[{ blockReason: 'PROHIBITED_CONTENT', blockMessage: 'The prompt was blocked.' }], [text('Hello again.')]]);
    await r.chat.handle('forbidden words');
    const [notice] = r.said('notice');
    assert.match(notice, /refused the request \(prompt blocked: PROHIBITED_CONTENT\).*left out of the conversation.*Rephrase/);
    assert.match(notice, /Gemini said: "The prompt was blocked\."/);
    await r.chat.handle('hello');
    const next = r.model.requests[1];
    assert.ok(!JSON.stringify(next.turns).includes('forbidden words'), 'the refused message is not sent again');
    assertValidHistory(next.turns);
    assert.deepEqual(r.said('assistant'), ['Hello again.']);
  });

  it('a refused prompt after a tool ran drops the tool results of that exchange too', async () => {
    const r = rig([[call('get_deploy_status', {}, 'c1')], [{ blockReason: 'SAFETY' }], [text('ok')]]);
    await r.chat.handle('status');
    assert.deepEqual(r.cards(), ['get_deploy_status:done']);
    const turns = r.chat.history.all();
    assertValidHistory(turns);
    assert.ok(!JSON.stringify(turns).includes('functionResponse'), JSON.stringify(turns));
  });

  it('records the tokens of every call, the malformed one included', async () => {
    const usage = new UsageGuard(new MemoryStore<UsageCounts>(), () => ({ deploysPerDay: 0, modelCallsPerDay: 0 }));
    const r = rig(
      [
        [end('MALFORMED_FUNCTION_CALL', { usage: { promptTokens: 10, outputTokens: 0, totalTokens: 10 } })],
        [text('ok'), end('STOP', { usage: { promptTokens: 12, outputTokens: 3, totalTokens: 15 } })],
      ],
      usage,
    );
    await r.chat.handle('hi');
    assert.deepEqual(usage.current().tokens, { prompt: 22, output: 3, total: 25 });
    assert.equal(usage.current().modelCalls, 2);
  });
});
