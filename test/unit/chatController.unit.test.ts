import * as assert from 'node:assert/strict';
import { ChatController } from '../../src/core/chat/chatController';
import type { SavedConversation } from '../../src/core/agent/conversation';
import type { ModelPort } from '../../src/core/agent/model';
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

function controller(
  model: ModelPort | undefined,
  opts: { limits?: { deploysPerDay: number; modelCallsPerDay: number }; conv?: MemoryStore<SavedConversation>; snap?: MemoryStore<ViewSnapshot> } = {},
) {
  const session = newSession(opts.snap ?? new MemoryStore<ViewSnapshot>());
  const usage = new UsageGuard(new MemoryStore<UsageCounts>(), () => opts.limits ?? { deploysPerDay: 0, modelCallsPerDay: 0 });
  const ctx = testAgentContext('/nonexistent-devgem-ws', noCloud, { session, usage });
  const snapshots: ViewSnapshot[] = [];
  session.onDidChange((s) => snapshots.push(s));
  const conv = opts.conv ?? new MemoryStore<SavedConversation>();
  const chat = new ChatController({
    session,
    registry: createToolRegistry(),
    ctx,
    confirm: new TestConfirm(),
    model: async () => model,
    store: conv,
    facts: () => ({ workspaceName: 'ws' }),
    streamFlushMs: 0,
  });
  return { chat, session, snapshots, conv, usage };
}

describe('chat controller', () => {
  it('streams a reply into one growing message, then marks it complete', async () => {
    const model = new ScriptedModel([[text('One '), text('two '), text('three.')]]);
    const { chat, session, snapshots } = controller(model);
    await chat.handle('count');
    const replies = session.current.chat.filter((m) => m.role === 'assistant');
    assert.equal(replies.length, 1);
    assert.equal(replies[0].text, 'One two three.');
    assert.equal(replies[0].streaming, false);
    const growing = snapshots.flatMap((s) => s.chat.filter((m) => m.id === replies[0].id && m.streaming).map((m) => m.text));
    assert.deepEqual(growing, ['One ', 'One two ', 'One two three.']);
    assert.ok(
      snapshots.some((s) => s.agent?.busy === true),
      'busy while working',
    );
    assert.equal(session.current.agent?.busy, false);
    assert.equal(session.current.agent?.mode, 'gemini');
  });

  it('shows a tool call as a card that moves from running to done', async () => {
    const model = new ScriptedModel([[call('get_deploy_status', {}, 'c1')], [text('Nothing yet.')]]);
    const { chat, session, snapshots } = controller(model);
    await chat.handle('status?');
    const card = session.current.chat.find((m) => m.role === 'tool')!;
    assert.equal(card.id, 'tool-c1');
    assert.equal(card.tool?.status, 'done');
    assert.equal(card.tool?.summary, 'No deploys yet');
    assert.ok(snapshots.some((s) => s.chat.some((m) => m.id === 'tool-c1' && m.tool?.status === 'running')));
  });

  it('refuses a second message while one is being answered', async () => {
    const model = new ScriptedModel(['hang']);
    const { chat, session } = controller(model);
    const first = chat.handle('one');
    await new Promise((r) => setTimeout(r, 10));
    await chat.handle('two');
    assert.match(session.current.chat.at(-1)!.text, /still working on your last message/);
    assert.equal(session.current.chat.filter((m) => m.role === 'user').length, 1);
    chat.stop();
    await first;
    assert.equal(session.current.chat.at(-1)!.text, 'Stopped.');
  });

  it('enforces the daily model-call limit with a clear message, without calling the model', async () => {
    const model = new ScriptedModel([[text('first')], [text('second')]]);
    const { chat, session } = controller(model, { limits: { deploysPerDay: 0, modelCallsPerDay: 1 } });
    await chat.handle('hi');
    await chat.handle('again');
    assert.equal(model.requests.length, 1);
    const notice = session.current.chat.at(-1)!;
    assert.equal(notice.role, 'notice');
    assert.match(notice.text, /limit of 1 model call/);
    assert.match(notice.text, /devgem\.limits\.modelCallsPerDay/);
  });

  it('answers without a model and says how to turn AI on', async () => {
    const { chat, session } = controller(undefined);
    await chat.handle('what can you do?');
    assert.equal(session.current.agent?.mode, 'offline');
    assert.match(session.current.chat.at(-1)!.text, /Set Gemini API Key/);
  });

  it('says what is wrong with the model setup and still answers offline', async () => {
    const { chat, session } = controller(undefined);
    (chat as unknown as { deps: { model: () => Promise<ModelPort> } }).deps.model = async () => {
      throw new Error('Vertex AI needs a project.');
    };
    await chat.handle('status');
    const roles = session.current.chat.map((m) => m.role);
    assert.deepEqual(roles, ['user', 'notice', 'assistant']);
    assert.match(session.current.chat[1].text, /Vertex AI needs a project\. Answering without AI/);
    assert.match(session.current.chat[2].text, /Nothing has been deployed/);
  });

  it('never writes a pasted secret into the chat or the saved history', async () => {
    const model = new ScriptedModel([[text('Noted.')]]);
    const { chat, session, conv } = controller(model);
    await chat.handle('my key is AIzaSyA1234567890abcdefghijklmnopqrstuvw please deploy');
    assert.ok(!JSON.stringify(session.current).includes('AIzaSyA1234567890'));
    assert.ok(!JSON.stringify(conv.value).includes('AIzaSyA1234567890'));
    assert.ok(!JSON.stringify(model.requests).includes('AIzaSyA1234567890'));
  });

  it('New Chat forgets the conversation and the messages', async () => {
    const model = new ScriptedModel([[text('a')], [text('b')]]);
    const { chat, session, conv } = controller(model);
    await chat.handle('remember x');
    await chat.reset();
    assert.deepEqual(session.current.chat, []);
    assert.deepEqual(conv.value?.turns, []);
    await chat.handle('what was x?');
    assert.equal(model.requests[1].turns.length, 1);
  });
});
