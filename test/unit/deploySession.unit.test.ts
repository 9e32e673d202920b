import * as assert from 'node:assert/strict';
import { DeploySession, type SnapshotStore } from '../../src/core/deploy/deploySession';
import type { DeployEvent, DeployResult, ViewSnapshot } from '../../src/shared/protocol';

class MemoryStore implements SnapshotStore {
  readonly saved: ViewSnapshot[] = [];
  constructor(private readonly initial?: ViewSnapshot) {}
  load(): ViewSnapshot | undefined {
    return this.initial;
  }
  save(snapshot: ViewSnapshot): void {
    this.saved.push(snapshot);
  }
}

/** A promise the test settles by hand, so "running" lasts exactly as long as the test wants. */
function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const SUCCESS: DeployResult = { outcome: 'success', url: 'https://svc.example', image: 'img' };
const started: DeployEvent = { type: 'started', deployId: 'd1', workspace: '/ws', at: 1 };

describe('DeploySession', () => {
  it('starts empty and idle without a saved snapshot', () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    assert.deepEqual(s.current, { version: 0, busy: false, chat: [], history: [] });
    assert.equal(s.isRunning, false);
  });

  it('bumps the version on every change, hands each snapshot to the store and to listeners', async () => {
    const store = new MemoryStore();
    const s = new DeploySession(store, () => 1000);
    const heard: ViewSnapshot[] = [];
    s.onDidChange((snap) => heard.push(snap));
    s.say('user', 'deploy this');
    await s.run(async (emit) => {
      emit(started);
      emit({ type: 'stage', stage: 'preflight', status: 'running', at: 2 });
      emit({ type: 'log', stage: 'build', lines: ['a'] });
      emit({ type: 'finished', result: SUCCESS, at: 3 });
      return SUCCESS;
    });
    s.say('assistant', 'done');

    const versions = store.saved.map((x) => x.version);
    assert.equal(versions.length, 8, 'say, busy, 4 events, idle, say');
    for (let i = 1; i < versions.length; i++) assert.ok(versions[i] > versions[i - 1], `versions increase: ${versions}`);
    assert.equal(versions[0], 1);
    assert.deepEqual(heard, store.saved, 'listeners see the same snapshots the store saves');
    assert.equal(store.saved.at(-1), s.current);
    assert.deepEqual(
      store.saved.map((x) => x.busy),
      [false, true, true, true, true, true, false, false],
    );
    assert.deepEqual(s.current.deploy?.result, SUCCESS);
    assert.deepEqual(
      s.current.chat.map((m) => [m.role, m.text]),
      [
        ['user', 'deploy this'],
        ['assistant', 'done'],
      ],
    );
  });

  it('continues the version of a saved snapshot', () => {
    const store = new MemoryStore({ version: 41, busy: false, chat: [] });
    const s = new DeploySession(store, () => 1000);
    s.say('user', 'hi');
    assert.equal(s.current.version, 42);
  });

  it('stops notifying a listener once disposed', () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    let calls = 0;
    const sub = s.onDidChange(() => calls++);
    s.say('user', 'a');
    sub.dispose();
    s.say('user', 'b');
    assert.equal(calls, 1);
  });

  it('restores busy as false: no deploy survives a reload', () => {
    const s = new DeploySession(new MemoryStore({ version: 3, busy: true, chat: [] }), () => 1000);
    assert.equal(s.current.busy, false);
    assert.equal(s.isRunning, false);
  });

  it('turns a saved unfinished deploy into a failure saying it was interrupted, at the running stage', () => {
    const s0 = new DeploySession(new MemoryStore(), () => 1000);
    void s0.run(async (emit) => {
      emit(started);
      emit({ type: 'stage', stage: 'preflight', status: 'done', at: 2 });
      emit({ type: 'stage', stage: 'build', status: 'running', at: 3 });
      return new Promise<DeployResult>(() => undefined);
    });
    const saved = s0.current;
    assert.equal(saved.busy, true);

    const store = new MemoryStore(saved);
    const s = new DeploySession(store, () => 5000);
    const d = s.current.deploy!;
    assert.equal(s.current.busy, false);
    assert.equal(d.result?.outcome, 'failed');
    if (d.result?.outcome !== 'failed') return;
    assert.equal(d.result.stage, 'build');
    assert.match(d.result.problem.message, /interrupted/);
    assert.ok(d.result.problem.fix);
    assert.equal(d.endedAt, 5000);
    assert.ok(s.current.version > saved.version);
    assert.equal(store.saved.at(-1), s.current, 'the repaired snapshot is saved');
  });

  it('blames preflight when an unfinished deploy had no running stage', () => {
    const s0 = new DeploySession(new MemoryStore(), () => 1000);
    void s0.run(async (emit) => {
      emit(started);
      return new Promise<DeployResult>(() => undefined);
    });
    const s = new DeploySession(new MemoryStore(s0.current), () => 1000);
    assert.equal(s.current.deploy?.result?.outcome === 'failed' && s.current.deploy.result.stage, 'preflight');
  });

  it('leaves a saved finished deploy as it was', () => {
    const s0 = new DeploySession(new MemoryStore(), () => 1000);
    const saved: ViewSnapshot = { ...s0.current, version: 7 };
    saved.deploy = { deployId: 'd', workspace: '/ws', startedAt: 1, endedAt: 2, stages: {} as never, log: [], droppedLogLines: 0, result: SUCCESS };
    const store = new MemoryStore(saved);
    const s = new DeploySession(store, () => 1000);
    assert.deepEqual(s.current.deploy?.result, SUCCESS);
    assert.equal(s.current.version, 7);
    assert.equal(store.saved.length, 0, 'nothing changed, nothing saved');
  });

  it('rejects a second run while one is running, without disturbing the first', async () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    const work = deferred<DeployResult>();
    let secondStarted = false;
    const first = s.run(() => work.promise);
    assert.equal(s.isRunning, true);
    await assert.rejects(
      s.run(async () => {
        secondStarted = true;
        return SUCCESS;
      }),
      /already running/,
    );
    assert.equal(secondStarted, false);
    assert.equal(s.isRunning, true);
    assert.equal(s.current.busy, true);
    work.resolve(SUCCESS);
    assert.deepEqual(await first, SUCCESS);
    assert.equal(s.isRunning, false);
    assert.equal(s.current.busy, false);
  });

  it('becomes idle again when the work fails, and can run again', async () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    await assert.rejects(
      s.run(async () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(s.isRunning, false);
    assert.equal(s.current.busy, false);
    assert.deepEqual(await s.run(async () => SUCCESS), SUCCESS);
  });

  it('cancel() aborts the signal handed to the work; returns false when idle', async () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    assert.equal(s.cancel(), false);
    let workSignal: AbortSignal | undefined;
    const run = s.run(
      (_emit, signal) =>
        new Promise<DeployResult>((resolve) => {
          workSignal = signal;
          signal.addEventListener('abort', () => resolve({ outcome: 'cancelled', stage: 'build' }));
        }),
    );
    assert.equal(workSignal?.aborted, false);
    assert.equal(s.cancel(), true);
    assert.equal(workSignal?.aborted, true);
    assert.deepEqual(await run, { outcome: 'cancelled', stage: 'build' });
    assert.equal(s.cancel(), false, 'idle again');
  });

  it("the caller's AbortSignal also aborts the work", async () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    const caller = new AbortController();
    let workSignal: AbortSignal | undefined;
    const run = s.run(
      (_emit, signal) =>
        new Promise<DeployResult>((resolve) => {
          workSignal = signal;
          signal.addEventListener('abort', () => resolve({ outcome: 'cancelled', stage: 'upload' }));
        }),
      caller.signal,
    );
    caller.abort();
    assert.equal(workSignal?.aborted, true);
    assert.equal((await run).outcome, 'cancelled');
  });

  it("a finished run no longer listens to the caller's signal", async () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    const caller = new AbortController();
    let firstSignal: AbortSignal | undefined;
    await s.run(async (_e, signal) => {
      firstSignal = signal;
      return SUCCESS;
    }, caller.signal);
    caller.abort();
    assert.equal(firstSignal?.aborted, false);
  });

  // An 'abort' listener never fires for a signal that is already aborted.
  it("a caller's signal that is already aborted aborts the work at once", async () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    const caller = new AbortController();
    caller.abort();
    let aborted: boolean | undefined;
    await s.run(async (_e, signal) => {
      aborted = signal.aborted;
      return { outcome: 'cancelled', stage: 'preflight' };
    }, caller.signal);
    assert.equal(aborted, true);
  });

  it('keeps only the newest 200 chat messages, with unique ids', () => {
    let t = 1000;
    const s = new DeploySession(new MemoryStore(), () => t++);
    for (let i = 0; i < 250; i++) s.say(i % 2 ? 'assistant' : 'user', `m${i}`);
    const chat = s.current.chat;
    assert.equal(chat.length, 200);
    assert.equal(chat[0].text, 'm50');
    assert.equal(chat.at(-1)!.text, 'm249');
    assert.equal(new Set(chat.map((m) => m.id)).size, 200);
  });

  it('keeps finished deploys in a history, newest first and bounded', async () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    for (let i = 1; i <= 35; i++) {
      await s.run(async (emit) => {
        emit({ type: 'started', deployId: `d${i}`, workspace: '/ws', at: i });
        emit({ type: 'target', target: { project: 'p', region: 'r', service: 'svc' } });
        const result: DeployResult = i % 2 ? { ...SUCCESS, revision: `svc-${i}` } : { outcome: 'failed', stage: 'build', problem: { message: `broke ${i}` } };
        emit({ type: 'finished', result, at: i + 0.5 });
        return result;
      });
    }
    const h = s.current.history!;
    assert.equal(h.length, 30);
    assert.deepEqual(
      h.slice(0, 2).map((r) => [r.deployId, r.outcome, r.url ?? r.message, r.stage]),
      [
        ['d35', 'success', 'https://svc.example', undefined],
        ['d34', 'failed', 'broke 34', 'build'],
      ],
    );
    assert.equal(h[0].revision, 'svc-35');
    assert.equal(h[0].target?.service, 'svc');
  });

  it('after a reload no question waits, no reply streams and no tool still runs', () => {
    const saved: ViewSnapshot = {
      version: 9,
      busy: true,
      agent: { busy: true, mode: 'gemini', model: 'm' },
      confirmation: { id: 'c1', token: 't', tool: 'deploy', risk: 'write', title: 'Deploy?', details: [], approveLabel: 'Deploy' },
      history: 'corrupt' as never,
      chat: [
        { id: 'a', role: 'assistant', text: 'half a sent', at: 1, streaming: true },
        { id: 'b', role: 'tool', text: '', at: 2, tool: { callId: 'x', name: 'deploy', risk: 'write', status: 'awaiting-confirmation', args: '{}' } },
        { id: 'c', role: 'tool', text: '', at: 3, tool: { callId: 'y', name: 'list_services', risk: 'read', status: 'done', args: '{}' } },
      ],
    };
    const s = new DeploySession(new MemoryStore(saved), () => 1000);
    assert.equal(s.current.confirmation, undefined);
    assert.equal(s.current.agent?.busy, false);
    assert.deepEqual(s.current.history, []);
    assert.equal(s.current.chat[0].streaming, false);
    assert.equal(s.current.chat[1].tool?.status, 'cancelled');
    assert.equal(s.current.chat[2].tool?.status, 'done');
  });

  it('upsertChat replaces a message by id and appends a new one', () => {
    const s = new DeploySession(new MemoryStore(), () => 1000);
    s.upsertChat({ id: 'r', role: 'assistant', text: 'Hel', at: 1, streaming: true });
    s.upsertChat({ id: 'r', role: 'assistant', text: 'Hello', at: 1, streaming: false });
    s.upsertChat({ id: 't', role: 'tool', text: '', at: 2 });
    assert.deepEqual(
      s.current.chat.map((m) => [m.id, m.text]),
      [
        ['r', 'Hello'],
        ['t', ''],
      ],
    );
  });
});
