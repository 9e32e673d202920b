import * as assert from 'node:assert/strict';
import { DeploySession, type SnapshotStore } from '../../src/core/deploy/deploySession';
import { LogBuffer, buildLogDocument } from '../../src/core/logs/logBuffer';
import { LogDeltaStream, type LogDelta } from '../../src/core/logs/logStream';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { buildConsoleUrl } from '../../src/core/deploy/stages/build';
import { stripAnsi } from '../../src/shared/ansi';
import { MAX_VIEW_LOG_LINES, type DeployEvent, type DeployResult, type ViewSnapshot } from '../../src/shared/protocol';
import { FakeClock, FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i}`);

function memoryStore(saved?: ViewSnapshot): SnapshotStore {
  return { load: () => saved, save: () => undefined };
}

describe('LogBuffer', () => {
  it('keeps every line until it is full, addressed from the first line', () => {
    const b = new LogBuffer(5);
    b.append('d1', lines(0, 3));
    b.append('d1', lines(3, 2));
    assert.equal(b.total, 5);
    assert.equal(b.dropped, 0);
    assert.deepEqual(b.slice(), lines(0, 5));
    assert.deepEqual(b.slice(1, 3), ['line 1', 'line 2']);
  });

  it('drops the oldest lines past its capacity and counts them, slices across the wrap', () => {
    const b = new LogBuffer(5);
    for (let i = 0; i < 13; i++) b.append('d1', [`line ${i}`]);
    assert.equal(b.total, 13);
    assert.equal(b.dropped, 8);
    assert.equal(b.length, 5);
    assert.deepEqual(b.slice(), lines(8, 5));
    // Before the oldest kept line: clamped to it.
    assert.deepEqual(b.slice(0, 10), ['line 8', 'line 9']);
    // Every window of the ring comes out in order, whatever the wrap point.
    for (let from = 8; from <= 13; from++) {
      for (let to = from; to <= 13; to++) assert.deepEqual(b.slice(from, to), lines(from, to - from), `${from}..${to}`);
    }
    assert.deepEqual(b.slice(13, 20), []);
  });

  it('one big append larger than the capacity keeps its last lines', () => {
    const b = new LogBuffer(4);
    b.append('d1', lines(0, 2));
    b.append('d1', lines(2, 9));
    assert.equal(b.dropped, 7);
    assert.deepEqual(b.slice(), lines(7, 4));
  });

  it('starts over for another deploy', () => {
    const b = new LogBuffer(4);
    b.append('d1', lines(0, 6));
    b.append('d2', ['new']);
    assert.equal(b.deployId, 'd2');
    assert.equal(b.total, 1);
    assert.deepEqual(b.slice(), ['new']);
  });

  // Its speed is measured by bench/webview.bench.ts (100k lines), not here.
  it('holds MAX_VIEW_LOG_LINES by default and takes 150k lines, dropping the oldest', () => {
    const b = new LogBuffer();
    assert.equal(b.capacity, MAX_VIEW_LOG_LINES);
    const batch = lines(0, 500);
    for (let i = 0; i < 300; i++) b.append('d1', batch);
    assert.equal(b.total, 150_000);
    assert.equal(b.length, MAX_VIEW_LOG_LINES);
    assert.equal(b.dropped, 50_000);
  });

  it('adopts the lines a restored deploy state kept, at their indexes, before new ones', () => {
    const b = new LogBuffer(100);
    // The state after folding in ['e', 'f']: 40 lines dropped, then a..f.
    b.appendFrom({ deployId: 'd1', log: ['a', 'b', 'c', 'd', 'e', 'f'], droppedLogLines: 40 }, ['e', 'f']);
    assert.equal(b.total, 46);
    assert.equal(b.dropped, 40);
    assert.deepEqual(b.slice(), ['a', 'b', 'c', 'd', 'e', 'f']);
    b.appendFrom({ deployId: 'd1', log: ['b', 'c', 'd', 'e', 'f', 'g'], droppedLogLines: 41 }, ['g']);
    assert.deepEqual(b.slice(44), ['e', 'f', 'g']);
  });
});

describe('buildLogDocument', () => {
  it('is the buffer, ANSI stripped, with a first line counting what is no longer kept', () => {
    const b = new LogBuffer(2);
    b.append('d1', ['\x1b[31mone\x1b[0m', 'two', 'three']);
    const text = buildLogDocument('d1', b, undefined);
    assert.equal(text, '[Devgem] 1 earlier line is not kept here; the Devgem output channel has the lines logged in this window.\ntwo\nthree\n');
  });

  it('falls back to the deploy state after a reload, and says when a deploy is gone', () => {
    const b = new LogBuffer();
    assert.equal(buildLogDocument('d1', b, { deployId: 'd1', log: ['x', 'y'], droppedLogLines: 0 }), 'x\ny\n');
    assert.match(buildLogDocument('old', b, { deployId: 'd1', log: ['x'], droppedLogLines: 0 }), /build log of deploy old is no longer kept/);
    assert.equal(buildLogDocument('d1', b, { deployId: 'd1', log: [], droppedLogLines: 0 }), '[Devgem] No build log lines yet.\n');
  });
});

describe('stripAnsi', () => {
  it('removes colour, cursor and OSC sequences and control characters, and leaves plain lines alone', () => {
    assert.equal(stripAnsi('\x1b[1;32mStep 1/3\x1b[0m : FROM node'), 'Step 1/3 : FROM node');
    assert.equal(stripAnsi('\x1b]8;;https://x\x07link\x1b]8;;\x07 done\r'), 'link done');
    assert.equal(stripAnsi('a\tb\x07c'), 'a\tbc');
    const plain = 'npm ERR! <b>not html</b>';
    assert.equal(stripAnsi(plain), plain);
  });
});

describe('LogDeltaStream', () => {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('batches lines that arrive close together into one message, from where the last one ended', async () => {
    const b = new LogBuffer();
    const sent: { at: number; delta: LogDelta }[] = [];
    const stream = new LogDeltaStream(b, (delta) => sent.push({ at: performance.now(), delta }), { intervalMs: 200 });
    const until = async (n: number) => {
      for (const t0 = performance.now(); sent.length < n && performance.now() - t0 < 2000;) await wait(5);
    };
    try {
      for (let i = 0; i < 10; i++) {
        b.append('d1', [`line ${i}`]);
        stream.notify();
      }
      assert.equal(sent.length, 0, 'nothing is posted synchronously');
      await until(1);
      assert.deepEqual(
        sent.map((s) => s.delta),
        [{ deployId: 'd1', from: 0, lines: lines(0, 10) }],
      );
      b.append('d1', ['line 10']);
      stream.notify();
      b.append('d1', ['line 11']);
      stream.notify();
      await wait(20);
      assert.equal(sent.length, 1, 'the next batch waits for the interval');
      await until(2);
      assert.deepEqual(sent[1].delta, { deployId: 'd1', from: 10, lines: ['line 10', 'line 11'] });
      assert.ok(sent[1].at - sent[0].at >= 190, `${(sent[1].at - sent[0].at).toFixed(0)} ms apart`);
    } finally {
      stream.dispose();
    }
  });

  it('posts at most one message per interval while lines stream in', async () => {
    const b = new LogBuffer();
    const sent: { at: number; delta: LogDelta }[] = [];
    const stream = new LogDeltaStream(b, (delta) => sent.push({ at: performance.now(), delta }), { intervalMs: 50 });
    try {
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < 400) {
        b.append('d1', lines(n, 20));
        n += 20;
        stream.notify();
        await wait(2);
      }
      await wait(120);
      const all = sent.flatMap((s) => s.delta.lines);
      assert.deepEqual(all, lines(0, n), 'every line once, in order');
      assert.ok(sent.length <= 400 / 50 + 2, `${sent.length} messages in 400 ms`);
      for (let i = 1; i < sent.length; i++)
        assert.ok(sent[i].at - sent[i - 1].at >= 45, `messages ${i - 1} and ${i} ${(sent[i].at - sent[i - 1].at).toFixed(0)} ms apart`);
    } finally {
      stream.dispose();
    }
  });

  it('replays every kept line in bounded chunks after a reload, and starts over for a new deploy', () => {
    const b = new LogBuffer(10_000);
    b.append('d1', lines(0, 12_000));
    const sent: LogDelta[] = [];
    const stream = new LogDeltaStream(b, (d) => sent.push(d), { maxLines: 3000 });
    stream.replay();
    assert.deepEqual(
      sent.map((d) => [d.from, d.lines.length]),
      [
        [2000, 3000],
        [5000, 3000],
        [8000, 3000],
        [11_000, 1000],
      ],
    );
    assert.deepEqual(
      sent.flatMap((d) => d.lines),
      lines(2000, 10_000),
    );
    sent.length = 0;
    stream.replay();
    assert.equal(sent.flatMap((d) => d.lines).length, 10_000, 'a second reload gets it all again');
    sent.length = 0;
    b.append('d2', ['first of d2']);
    stream.flush();
    assert.deepEqual(sent, [{ deployId: 'd2', from: 0, lines: ['first of d2'] }]);
  });
});

describe('DeploySession build log', () => {
  it('fills the buffer from log events, tells onDidLog after the snapshot, and resets on the next deploy', async () => {
    const session = new DeploySession(memoryStore());
    const order: string[] = [];
    session.onDidChange((s) => order.push(`snapshot ${s.deploy?.log.length ?? 0}`));
    session.onDidLog((id, l) => order.push(`log ${id} ${l.join(',')}`));
    const result: DeployResult = { outcome: 'cancelled', stage: 'build' };
    await session.run(async (emit) => {
      emit({ type: 'started', deployId: 'd1', workspace: '/w', at: 1 });
      emit({ type: 'log', stage: 'build', lines: ['a', 'b'] });
      return result;
    });
    assert.deepEqual(session.buildLog.slice(), ['a', 'b']);
    assert.ok(order.indexOf('log d1 a,b') === order.indexOf('snapshot 2') + 1, order.join(' | '));
    await session.run(async (emit) => {
      emit({ type: 'started', deployId: 'd2', workspace: '/w', at: 2 });
      return result;
    });
    assert.equal(session.buildLog.deployId, 'd2');
    assert.equal(session.buildLog.total, 0);
  });
});

describe('buildConsoleUrl', () => {
  it('is the regional Cloud Build page of the build in its project', () => {
    assert.equal(
      buildConsoleUrl('my-proj', 'europe-west1', '1a2b-3c'),
      'https://console.cloud.google.com/cloud-build/builds;region=europe-west1/1a2b-3c?project=my-proj',
    );
  });

  it("is what the pipeline reports when Cloud Build accepts the build (the API's logUrl when it has one)", async () => {
    const ws = await makeWorkspace(NODE_APP);
    try {
      const events: DeployEvent[] = [];
      const opts = testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd' });
      await runDeploy(
        opts,
        { ports: new FakeCloud({ buildPolls: 1 }).ports(), clock: new FakeClock(), buildPollMs: 10, emit: (e) => events.push(e) },
        new AbortController().signal,
      );
      const build = events.filter((e) => e.type === 'build');
      assert.equal(build.length, 1);
      const b = build[0] as Extract<DeployEvent, { type: 'build' }>;
      assert.match(b.consoleUrl ?? '', /^https:\/\/console\.example\/builds\/.+/);
      assert.equal(b.consoleUrl, `https://console.example/builds/${b.id}`);
      assert.equal(b.logObject, `log-${b.id}.txt`);
      const buildRunning = events.findIndex((e) => e.type === 'stage' && e.stage === 'build' && e.status === 'running' && e.detail === `Build ${b.id}`);
      assert.ok(events.indexOf(b) < buildRunning, 'the build event comes before the stage names the build');
    } finally {
      await ws.cleanup();
    }
  });
});
