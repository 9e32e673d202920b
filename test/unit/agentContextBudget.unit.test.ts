// The context a request carries: old tool results compacted (the history
// stays valid for Gemini), a budget from the model's input window, and an
// honest end to the turn when even the compacted request would not fit.
import * as assert from 'node:assert/strict';
import { runAgentTurn } from '../../src/core/agent/agent';
import { compactOldResults, COMPACT_AFTER_TURNS } from '../../src/core/agent/compaction';
import { contextBudget, inputTokenLimitOf, MAX_CONTEXT_TOKENS } from '../../src/core/agent/contextBudget';
import { Conversation } from '../../src/core/agent/conversation';
import type { ModelTurn } from '../../src/core/agent/model';
import { ToolRegistry, type AgentTool } from '../../src/core/agent/registry';
import { estimateTokens } from '../../src/core/agent/tokens';
import { ScriptedModel, TestConfirm, call, text } from '../support/agentHarness';

const never = new AbortController().signal;

/** Gemini's rules for a history: roles alternate, and each function call is answered, by id and name, in the next turn. */
function assertValidHistory(turns: readonly ModelTurn[]): void {
  for (let i = 0; i < turns.length; i++) {
    if (i > 0) assert.notEqual(turns[i].role, turns[i - 1].role, `turns ${i - 1} and ${i}`);
    const calls = turns[i].parts.flatMap((p) => (p.functionCall ? [`${p.functionCall.id}:${p.functionCall.name}`] : []));
    if (!calls.length) continue;
    const answers = (turns[i + 1]?.parts ?? []).flatMap((p) => (p.functionResponse ? [`${p.functionResponse.id}:${p.functionResponse.name}`] : []));
    assert.deepEqual(answers, calls, `turn ${i}'s calls are answered`);
  }
}

function logsExchange(i: number): ModelTurn[] {
  return [
    { role: 'user', parts: [{ text: `show the logs ${i}` }] },
    { role: 'model', parts: [{ functionCall: { id: `c${i}`, name: 'get_service_logs', args: {} } }] },
    {
      role: 'user',
      parts: [{ functionResponse: { id: `c${i}`, name: 'get_service_logs', response: { service: 'api', entries_untrusted: ['x'.repeat(20_000)] } } }],
    },
    { role: 'model', parts: [{ text: `The logs ${i} show a crash.` }] },
  ];
}

/** A tool whose result is `chars` characters of text. */
function bigTool(chars: number): AgentTool<Record<string, never>, unknown> {
  return {
    name: 'read_big',
    description: 'returns a lot',
    risk: 'read',
    resultTokens: 1_000_000,
    parameters: { type: 'object', properties: {} },
    run: async () => ({ data: { content_untrusted: 'y'.repeat(chars) }, summary: 'big' }),
  };
}

describe('context budget', () => {
  it('compacts tool results a few turns old, keeping every call answered by id and name', () => {
    const c = new Conversation();
    for (let i = 0; i < 4; i++) for (const t of logsExchange(i)) c.push(t);
    const { turns, trimmed } = c.forModel(10_000_000);
    assert.deepEqual(trimmed, []);
    assert.equal(turns.length, 16);
    assertValidHistory(turns);
    const responses = turns.flatMap((t, i) => t.parts.flatMap((p) => (p.functionResponse ? [{ i, r: p.functionResponse.response }] : [])));
    for (const { i, r } of responses) {
      const old: boolean = turns.length - i > COMPACT_AFTER_TURNS;
      assert.equal(r.compacted === true, old, `turn ${i}`);
      if (old) {
        assert.equal(r.service, 'api', 'small fields stay');
        assert.equal(r.entries_untrusted, undefined, 'the untrusted bulk goes');
        assert.match(String(r.note), /Call get_service_logs again/);
        assert.ok(JSON.stringify(r).length < 400);
      }
    }
    assert.equal(c.all()[2].parts[0].functionResponse?.response.compacted, undefined, 'the stored history is not changed by a request');
  });

  it('compacts what it stores too, and a compacted history reloads valid', () => {
    const c = new Conversation();
    for (let i = 0; i < 3; i++) for (const t of logsExchange(i)) c.push(t);
    const before = JSON.stringify(c.all()).length;
    c.compact();
    const reloaded = new Conversation(JSON.parse(JSON.stringify(c.toJSON())));
    assertValidHistory(reloaded.all());
    assert.equal(reloaded.length, 12);
    assert.equal(reloaded.all()[2].parts[0].functionResponse?.response.compacted, true);
    assert.ok(JSON.stringify(reloaded.all()).length < before - 19_000);
    assert.deepEqual(compactOldResults(reloaded.all()), reloaded.all(), 'compacting twice changes nothing');
  });

  it('knows the windows of Gemini models and guesses small for others', () => {
    assert.equal(inputTokenLimitOf('gemini-2.5-flash'), 1_048_576);
    assert.equal(inputTokenLimitOf('gemini-3.8-flash'), 1_048_576);
    assert.equal(inputTokenLimitOf('models/gemini-1.5-pro-002'), 2_097_152);
    assert.equal(inputTokenLimitOf('gemini-1.0-pro'), 30_720);
    assert.equal(inputTokenLimitOf('gemma-2-9b-it'), 8_192);
    assert.equal(inputTokenLimitOf('some-other-model'), 32_768);
    assert.deepEqual(contextBudget(1_048_576), { limit: 1_040_384, target: MAX_CONTEXT_TOKENS });
    assert.deepEqual(contextBudget(30_720), { limit: 22_528, target: 22_528 });
    assert.deepEqual(contextBudget(undefined), contextBudget(32_768));
  });

  it("trims old exchanges to the model's budget, so a small window gets fewer turns than a big one", async () => {
    const sizes: number[] = [];
    for (const window of [16_000, 1_048_576]) {
      const conversation = new Conversation();
      for (let i = 0; i < 10; i++) {
        conversation.push({ role: 'user', parts: [{ text: `question ${i} ${'q'.repeat(6000)}` }] });
        conversation.push({ role: 'model', parts: [{ text: `answer ${i}` }] });
      }
      const model = new ScriptedModel([[text('ok')]]);
      const opts = {
        model,
        registry: new ToolRegistry<unknown>(),
        ctx: {},
        confirm: new TestConfirm(),
        conversation,
        system: () => 's',
        inputTokenLimit: window,
      };
      await runAgentTurn('hi', { ...opts, events: { text: () => undefined, textEnd: () => undefined, tool: () => undefined } }, never);
      const sent = model.requests[0];
      assert.ok(estimateTokens(sent.system) + estimateTokens(sent.turns) + estimateTokens(sent.tools) <= contextBudget(window).target);
      sizes.push(sent.turns.length);
    }
    assert.ok(sizes[0] < sizes[1], `turns sent: ${sizes.join(' vs ')}`);
    assert.equal(sizes[1], 21);
  });

  it('compacts the older results of the current exchange when they would not fit, instead of failing', async () => {
    const model = new ScriptedModel([[call('read_big', {}, 'a')], [call('read_big', {}, 'b')], [call('read_big', {}, 'c')], [text('done')]]);
    const registry = new ToolRegistry<unknown>().register(bigTool(9_000));
    const conversation = new Conversation();
    const events = { text: () => undefined, textEnd: () => undefined, tool: () => undefined };
    // 8,000-token window: a limit of 4,000 tokens, about 12,000 characters; each result is 9,000.
    const end = await runAgentTurn(
      'read it',
      { model, registry, ctx: {}, confirm: new TestConfirm(), conversation, system: () => 's', inputTokenLimit: 8_000, events },
      never,
    );
    assert.deepEqual(end, { kind: 'answered' });
    const last = model.requests[3];
    assertValidHistory(last.turns);
    const full = last.turns.flatMap((t) => t.parts.filter((p) => p.functionResponse && !p.functionResponse.response.compacted));
    assert.equal(full.length, 1, 'only the newest result is whole');
  });

  it('ends the turn with a message, not a request, when even the newest result does not fit', async () => {
    const model = new ScriptedModel([[call('read_big', {}, 'a')], [text('never sent')]]);
    const registry = new ToolRegistry<unknown>().register(bigTool(30_000));
    const conversation = new Conversation();
    const events = { text: () => undefined, textEnd: () => undefined, tool: () => undefined };
    const end = await runAgentTurn(
      'read it',
      { model, registry, ctx: {}, confirm: new TestConfirm(), conversation, system: () => 's', inputTokenLimit: 8_000, events },
      never,
    );
    assert.equal(end.kind, 'over-budget');
    assert.match(end.kind === 'over-budget' ? end.message : '', /no longer fits in what scripted can read at once.*New Chat/);
    assert.equal(model.requests.length, 1, 'the oversized request is not sent');
    assertValidHistory(conversation.all());
  });
});
