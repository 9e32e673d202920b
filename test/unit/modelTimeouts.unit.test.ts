// The first-byte and idle deadlines on model calls, with timers the test
// fires by hand: a silent model ends as a clear error, Stop still ends a call
// as Stop, and a call that answers leaves no timer behind.
import * as assert from 'node:assert/strict';
import { ChatController } from '../../src/core/chat/chatController';
import type { SavedConversation } from '../../src/core/agent/conversation';
import type { ModelChunk, ModelPort, ModelRequest } from '../../src/core/agent/model';
import { withTimeouts, type Timers } from '../../src/core/agent/modelTimeouts';
import { resilientModel } from '../../src/core/agent/resilientModel';
import { createToolRegistry } from '../../src/core/agent/tools';
import { CancelledError, DevgemError } from '../../src/core/base/errors';
import type { CloudPorts } from '../../src/core/cloud/ports';
import type { ViewSnapshot } from '../../src/shared/protocol';
import { MemoryStore, ScriptedModel, TestConfirm, newSession, testAgentContext, text } from '../support/agentHarness';
import { FakeClock } from '../support/fakes';

class ManualTimers implements Timers {
  readonly started: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  start(ms: number, fire: () => void): () => void {
    const t = { ms, fire, cancelled: false };
    this.started.push(t);
    return () => {
      t.cancelled = true;
    };
  }
  get live() {
    return this.started.filter((t) => !t.cancelled);
  }
  /** Waits until a timer runs, then fires it. */
  async fire(ms: number): Promise<void> {
    // The chat analyses the folder before it calls the model: wait for the call, however long that takes.
    for (let i = 0; i < 2000 && !this.live.some((t) => t.ms === ms); i++) await new Promise((r) => setTimeout(r, 5));
    const t = this.live.find((x) => x.ms === ms);
    assert.ok(t, `a ${ms} ms timer is running (started: ${JSON.stringify(this.started.map((x) => [x.ms, x.cancelled]))})`);
    t.cancelled = true;
    t.fire();
  }
}

/** Yields `chunks`, then hangs until its signal aborts; records whether it was aborted. */
class SilentModel implements ModelPort {
  readonly label = 'silent-model';
  calls = 0;
  aborted = false;
  constructor(private readonly chunks: ModelChunk[] = []) {}
  async *stream(_request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelChunk> {
    this.calls++;
    for (const c of this.chunks) yield c;
    await new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => {
        this.aborted = true;
        reject(new CancelledError());
      }),
    );
  }
}

const REQUEST: ModelRequest = { system: 's', turns: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [] };
const TIMEOUTS = { firstByteMs: 90_000, idleMs: 60_000 };

async function collect(port: ModelPort, signal = new AbortController().signal): Promise<{ chunks: ModelChunk[]; error?: unknown }> {
  const chunks: ModelChunk[] = [];
  try {
    for await (const c of port.stream(REQUEST, signal)) chunks.push(c);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks };
}

describe('model call deadlines', () => {
  it('a model that sends nothing ends at the first-byte deadline with an error naming the setting', async () => {
    const timers = new ManualTimers();
    const model = new SilentModel();
    const pending = collect(withTimeouts(model, TIMEOUTS, timers));
    await timers.fire(90_000);
    const { chunks, error } = await pending;
    assert.deepEqual(chunks, []);
    assert.ok(error instanceof DevgemError, String(error));
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /silent-model sent nothing for 90 s/);
    assert.match(error.fix ?? '', /`devgem\.ai\.firstByteTimeoutSeconds`/);
    assert.equal(model.aborted, true, 'the call itself is ended');
  });

  it('a reply that stops in the middle ends at the idle deadline, after what it sent', async () => {
    const timers = new ManualTimers();
    const model = new SilentModel([{ text: 'Hel' }, { text: 'lo' }]);
    const pending = collect(withTimeouts(model, TIMEOUTS, timers));
    await timers.fire(60_000);
    const { chunks, error } = await pending;
    assert.deepEqual(
      chunks.map((c) => c.text),
      ['Hel', 'lo'],
    );
    assert.ok(error instanceof DevgemError);
    assert.match(error.message, /stopped sending in the middle of its reply \(nothing for 60 s\)/);
    assert.match(error.fix ?? '', /`devgem\.ai\.idleTimeoutSeconds`/);
    assert.deepEqual(
      timers.started.map((t) => t.ms),
      [90_000, 60_000, 60_000],
      'first byte, then idle for each next chunk',
    );
  });

  it('Stop while waiting is a CancelledError, not a timeout, and leaves no timer running', async () => {
    const timers = new ManualTimers();
    const controller = new AbortController();
    const pending = collect(withTimeouts(new SilentModel(), TIMEOUTS, timers), controller.signal);
    for (let i = 0; i < 100 && !timers.live.length; i++) await new Promise((r) => setImmediate(r));
    controller.abort();
    const { error } = await pending;
    assert.ok(error instanceof CancelledError, String(error));
    assert.deepEqual(timers.live, []);
  });

  it('a call that answers leaves no timer running', async () => {
    const timers = new ManualTimers();
    const port = withTimeouts(new ScriptedModel([[text('a'), text('b'), { finishReason: 'STOP' }]]), TIMEOUTS, timers);
    const { chunks, error } = await collect(port);
    assert.equal(error, undefined);
    assert.equal(chunks.length, 3);
    assert.equal(timers.started.length, 4);
    assert.deepEqual(timers.live, []);
  });

  it('resilientModel puts the deadlines on every call and does not retry a silent one', async () => {
    const timers = new ManualTimers();
    const model = new SilentModel();
    const port = resilientModel([model], { clock: new FakeClock(), timeouts: { firstByteMs: 5_000 }, timers });
    const pending = collect(port);
    await timers.fire(5_000);
    const { error } = await pending;
    assert.ok(error instanceof DevgemError && error.kind === 'timeout', String(error));
    assert.equal(model.calls, 1);
  });

  it('the chat says the model timed out and what to do, and is ready for the next message', async () => {
    const timers = new ManualTimers();
    const session = newSession(new MemoryStore<ViewSnapshot>());
    const ctx = testAgentContext('/nonexistent-devgem-ws', {} as CloudPorts, { session });
    const model = resilientModel([new SilentModel()], { clock: new FakeClock(), timers });
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
    const turn = chat.handle('hello');
    await timers.fire(90_000);
    await turn;
    const notice = session.current.chat.filter((m) => m.role === 'notice').at(-1)?.text ?? '';
    assert.match(notice, /sent nothing for 90 s.*\nFix: Send your message again/s);
    assert.equal(chat.busy, false);
    assert.deepEqual(chat.history.all().at(-1), { role: 'model', parts: [{ text: '[no reply: interrupted]' }] });
  });
});
