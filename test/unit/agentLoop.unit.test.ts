import * as assert from 'node:assert/strict';
import { runAgentTurn, type AgentEvents } from '../../src/core/agent/agent';
import { Conversation } from '../../src/core/agent/conversation';
import { ToolRegistry, type AgentTool } from '../../src/core/agent/registry';
import { SessionConfirm } from '../../src/core/chat/sessionConfirm';
import { CancelledError } from '../../src/core/base/errors';
import { FakeClock } from '../support/fakes';
import { ScriptedModel, TestConfirm, call, newSession, text } from '../support/agentHarness';

function tools(log: string[], opts: { slow?: (signal: AbortSignal) => Promise<void> } = {}) {
  const t = (name: string, risk: 'read' | 'write' | 'destructive'): AgentTool<{ n?: number }, unknown> => ({
    name,
    description: name,
    risk,
    parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 0 } } },
    confirmation: risk === 'read' ? undefined : async () => ({ title: name, details: [], approveLabel: 'OK' }),
    run: async (args, _ctx, signal) => {
      log.push(`${name}(${args.n ?? ''})`);
      if (name === 'slow') await opts.slow?.(signal);
      return { data: { result: `${name} done`, n: args.n }, summary: `${name} ok` };
    },
  });
  return new ToolRegistry<unknown>()
    .register(t('list_services', 'read'))
    .register(t('get_deploy_status', 'read'))
    .register(t('delete_service', 'destructive'))
    .register(t('slow', 'write'));
}

function recorder() {
  const seen: string[] = [];
  const events: AgentEvents = {
    text: (d) => seen.push(`text:${d}`),
    textEnd: () => seen.push('end'),
    tool: (c) => seen.push(`tool:${c.name}:${c.status}`),
  };
  return { seen, events };
}

describe('agent loop', () => {
  const base = (model: ScriptedModel, log: string[], extra: Partial<Parameters<typeof runAgentTurn>[1]> = {}) => ({
    model,
    registry: tools(log),
    ctx: {},
    confirm: new TestConfirm(),
    conversation: new Conversation(),
    system: () => 'system prompt',
    events: recorder().events,
    ...extra,
  });

  it('streams text word by word and ends when the model answers without a tool', async () => {
    // A word is let out once complete, so a token is never shown half-way before it is recognised and redacted.
    const model = new ScriptedModel([[text('Hel'), text('lo '), text('th'), text('ere')]]);
    const { seen, events } = recorder();
    const conversation = new Conversation();
    const end = await runAgentTurn('hi', { ...base(model, []), events, conversation }, new AbortController().signal);
    assert.deepEqual(end, { kind: 'answered' });
    assert.deepEqual(seen, ['text:Hello ', 'text:there', 'end']);
    assert.deepEqual(conversation.all(), [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'Hello there' }] },
    ]);
    assert.equal(model.requests[0].system, 'system prompt');
    assert.deepEqual(
      model.requests[0].tools.map((t) => t.name),
      ['list_services', 'get_deploy_status', 'delete_service', 'slow'],
    );
  });

  it('runs two calls from one turn in order and sends both responses back in one turn', async () => {
    const log: string[] = [];
    const model = new ScriptedModel([
      [
        {
          functionCalls: [
            { name: 'list_services', args: { n: 1 }, id: 'a' },
            { name: 'get_deploy_status', args: {}, id: 'b' },
          ],
        },
      ],
      [text('Two services.')],
    ]);
    const conversation = new Conversation();
    await runAgentTurn('what runs?', { ...base(model, log), registry: tools(log), conversation }, new AbortController().signal);
    assert.deepEqual(log, ['list_services(1)', 'get_deploy_status()']);
    const second = model.requests[1].turns;
    const responses = second[second.length - 1];
    assert.equal(responses.role, 'user');
    assert.deepEqual(
      responses.parts.map((p) => [p.functionResponse?.id, p.functionResponse?.name]),
      [
        ['a', 'list_services'],
        ['b', 'get_deploy_status'],
      ],
    );
    assert.equal(responses.parts[0].functionResponse?.response.result, 'list_services done');
  });

  it('gives invalid arguments back as an error the model can correct', async () => {
    const log: string[] = [];
    const model = new ScriptedModel([[call('list_services', { n: 'three' })], [call('list_services', { n: 3 })], [text('ok')]]);
    await runAgentTurn('list', { ...base(model, log), registry: tools(log) }, new AbortController().signal);
    assert.deepEqual(log, ['list_services(3)']);
    const firstResponse = model.requests[1].turns.at(-1)!.parts[0].functionResponse!;
    assert.match(String(firstResponse.response.error), /args\.n must be a number, got string/);
  });

  it('answers a tool that does not exist without running anything', async () => {
    const log: string[] = [];
    const model = new ScriptedModel([[call('rm_rf', {})], [text('Sorry.')]]);
    await runAgentTurn('x', { ...base(model, log), registry: tools(log) }, new AbortController().signal);
    assert.deepEqual(log, []);
    assert.match(String(model.requests[1].turns.at(-1)!.parts[0].functionResponse!.response.error), /no tool named "rm_rf"/);
  });

  it('does not delete when the user declines, and tells the model so', async () => {
    const log: string[] = [];
    const confirm = new TestConfirm([false]);
    const { seen, events } = recorder();
    const model = new ScriptedModel([[call('delete_service', {})], [text('Kept it.')]]);
    await runAgentTurn('delete it', { ...base(model, log), registry: tools(log), confirm, events }, new AbortController().signal);
    assert.deepEqual(log, []);
    assert.equal(confirm.asked.length, 1);
    assert.ok(seen.includes('tool:delete_service:awaiting-confirmation'));
    assert.ok(seen.includes('tool:delete_service:declined'));
    assert.equal(model.requests[1].turns.at(-1)!.parts[0].functionResponse!.response.declined, true);
  });

  it('stops after the step budget', async () => {
    const log: string[] = [];
    const model = new ScriptedModel(Array.from({ length: 5 }, () => [call('list_services', {})]));
    const end = await runAgentTurn('loop', { ...base(model, log), registry: tools(log), maxSteps: 3 }, new AbortController().signal);
    assert.deepEqual(end, { kind: 'max-steps', steps: 3 });
    assert.equal(model.requests.length, 3);
  });

  it('Stop during the stream ends with CancelledError and leaves the history usable', async () => {
    const model = new ScriptedModel(['hang', [text('after')]]);
    const conversation = new Conversation();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(runAgentTurn('hi', { ...base(model, []), conversation }, controller.signal), CancelledError);
    assert.deepEqual(
      conversation.all().map((t) => t.role),
      ['user', 'model'],
    );
    await runAgentTurn('again', { ...base(model, []), conversation }, new AbortController().signal);
    assert.deepEqual(
      model.requests[1].turns.map((t) => t.role),
      ['user', 'model', 'user'],
    );
  });

  it('Stop during a tool aborts it, answers every call of the turn, and runs none after it', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    let sawAbort = false;
    const registry = tools(log, {
      slow: (signal) =>
        new Promise<void>((_, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new CancelledError());
          });
          setTimeout(() => controller.abort(), 10);
        }),
    });
    const model = new ScriptedModel([
      [
        {
          functionCalls: [
            { name: 'slow', args: {} },
            { name: 'list_services', args: {} },
          ],
        },
      ],
    ]);
    const conversation = new Conversation();
    await assert.rejects(runAgentTurn('go', { ...base(model, log), registry, conversation }, controller.signal), CancelledError);
    assert.ok(sawAbort, 'the running tool saw the abort');
    assert.deepEqual(log, ['slow()']);
    const last = conversation.all().at(-1)!;
    assert.deepEqual(
      last.parts.map((p) => [p.functionResponse?.name, p.functionResponse?.response.cancelled]),
      [
        ['slow', true],
        ['list_services', true],
      ],
    );
  });

  it('never shows the model a confirmation token, so no model output can approve', async () => {
    const session = newSession();
    const confirm = new SessionConfirm(session, { now: () => 0, sleep: () => new Promise(() => undefined) });
    const log: string[] = [];
    const model = new ScriptedModel([[call('delete_service', {})], [text('ok')]]);
    let token = '';
    const sub = session.onDidChange((s) => {
      if (s.confirmation && !token) {
        token = s.confirmation.token;
        // The model "says" it approves: nothing happens; then a forged token; then the user declines.
        assert.equal(confirm.answer(s.confirmation.id, 'approve', true), false);
        assert.equal(confirm.answer(s.confirmation.id, token.slice(1) + 'x', true), false);
        setTimeout(() => assert.equal(confirm.answer(s.confirmation!.id, token, false), true), 5);
      }
    });
    await runAgentTurn('delete', { ...base(model, log), registry: tools(log), confirm }, new AbortController().signal);
    sub.dispose();
    assert.ok(token.length >= 20);
    assert.deepEqual(log, []);
    assert.ok(!JSON.stringify(model.requests).includes(token));
    assert.equal(session.current.confirmation, undefined);
  });
});

describe('confirmation through the sidebar card', () => {
  const draft = { tool: 'deploy', risk: 'write' as const, title: 'Deploy?', details: [{ label: 'Service', value: 'api' }], approveLabel: 'Deploy' };

  it('approves only with the right id and token, once', async () => {
    const session = newSession();
    const confirm = new SessionConfirm(session, new FakeClock());
    const answer = confirm.ask(draft, new AbortController().signal);
    const c = session.current.confirmation!;
    assert.equal(c.title, 'Deploy?');
    assert.equal(confirm.answer('other-id', c.token, true), false);
    assert.equal(confirm.answer(c.id, c.token, true), true);
    assert.equal(await answer, true);
    assert.equal(confirm.answer(c.id, c.token, true), false, 'a replayed answer does nothing');
    assert.equal(session.current.confirmation, undefined);
  });

  it('counts no answer within the bound as a decline', async () => {
    const session = newSession();
    const clock = new FakeClock();
    const confirm = new SessionConfirm(session, clock, 1000);
    assert.equal(await confirm.ask(draft, new AbortController().signal), false);
    assert.equal(session.current.confirmation, undefined);
  });

  it('Stop withdraws the question', async () => {
    const session = newSession();
    const confirm = new SessionConfirm(session, { now: () => 0, sleep: () => new Promise(() => undefined) });
    const controller = new AbortController();
    const answer = confirm.ask(draft, controller.signal);
    assert.ok(session.current.confirmation);
    controller.abort();
    await assert.rejects(answer, CancelledError);
    assert.equal(session.current.confirmation, undefined);
  });

  it('a new question declines the open one', async () => {
    const session = newSession();
    const confirm = new SessionConfirm(session, { now: () => 0, sleep: () => new Promise(() => undefined) });
    const first = confirm.ask(draft, new AbortController().signal);
    const second = confirm.ask({ ...draft, title: 'Second?' }, new AbortController().signal);
    assert.equal(await first, false);
    assert.equal(session.current.confirmation?.title, 'Second?');
    const c = session.current.confirmation!;
    confirm.answer(c.id, c.token, true);
    assert.equal(await second, true);
  });
});
