import * as assert from 'node:assert/strict';
import { ModelCallError, type ModelChunk, type ModelPort, type ModelRequest } from '../../src/core/agent/model';
import { resilientModel, type RetryInfo } from '../../src/core/agent/resilientModel';
import { CancelledError, DevgemError } from '../../src/core/base/errors';
import { realClock } from '../../src/core/base/wait';
import { FakeClock } from '../support/fakes';

/** What one call of a fake model does: yield these chunks, then maybe fail. */
interface Step {
  chunks?: ModelChunk[];
  error?: Error;
}

class FakeModel implements ModelPort {
  calls = 0;
  constructor(
    readonly label: string,
    private readonly steps: Step[],
  ) {}

  async *stream(_request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelChunk> {
    const step = this.steps[Math.min(this.calls, this.steps.length - 1)];
    this.calls++;
    for (const c of step.chunks ?? []) {
      if (signal.aborted) throw new CancelledError();
      yield c;
    }
    if (step.error) throw step.error;
  }
}

class RecordingClock extends FakeClock {
  readonly sleeps: number[] = [];
  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return super.sleep(ms, signal);
  }
}

const REQUEST: ModelRequest = { system: 's', turns: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [] };
const ok = (text: string): Step => ({ chunks: [{ text }, { finishReason: 'STOP' }] });
const fail = (status: number | undefined, message = `failed with ${status}`, retryAfterMs?: number): Step => ({
  error: new ModelCallError(message, status, retryAfterMs),
});

async function collect(port: ModelPort, signal = new AbortController().signal): Promise<string> {
  let text = '';
  for await (const c of port.stream(REQUEST, signal)) text += c.text ?? '';
  return text;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('resilientModel', () => {
  it('retries a 429 and returns the next reply, with a jittered exponential wait', async () => {
    const clock = new RecordingClock();
    const a = new FakeModel('A (Vertex AI)', [fail(429), ok('hello')]);
    const retries: RetryInfo[] = [];
    const port = resilientModel([a], { clock, baseDelayMs: 1000, onRetry: (i) => retries.push(i) });
    assert.equal(await collect(port), 'hello');
    assert.equal(a.calls, 2);
    assert.equal(clock.sleeps.length, 1);
    assert.ok(clock.sleeps[0] >= 500 && clock.sleeps[0] <= 1000, `first wait ${clock.sleeps[0]}`);
    assert.deepEqual(retries, [{ model: 'A (Vertex AI)', attempt: 2, delayMs: clock.sleeps[0], status: 429 }]);
    assert.equal(port.label, 'A (Vertex AI)');
  });

  it('waits as long as Retry-After says, capped at maxDelayMs', async () => {
    const clock = new RecordingClock();
    const a = new FakeModel('A', [fail(429, 'slow down', 7000), fail(503, 'busy', 60_000), ok('done')]);
    const port = resilientModel([a], { clock, baseDelayMs: 100, maxDelayMs: 20_000 });
    assert.equal(await collect(port), 'done');
    assert.deepEqual(clock.sleeps, [7000, 20_000]);
  });

  it('falls back to the next model after the attempts on the first are used up', async () => {
    const clock = new RecordingClock();
    const a = new FakeModel('A (Vertex AI)', [fail(503)]);
    const b = new FakeModel('A (Gemini API key)', [ok('from b')]);
    const retries: RetryInfo[] = [];
    const port = resilientModel([a, b], { clock, attempts: 4, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.9999999, onRetry: (i) => retries.push(i) });
    assert.equal(await collect(port), 'from b');
    assert.equal(a.calls, 4);
    assert.equal(b.calls, 1);
    // Steps 1 s, 2 s, 4 s capped at 3 s; jitter keeps each within [step/2, step].
    assert.deepEqual(clock.sleeps, [1000, 2000, 3000]);
    assert.deepEqual(retries.at(-1), { model: 'A (Gemini API key)', attempt: 1, delayMs: 0, status: 503, fallbackFrom: 'A (Vertex AI)' });
    assert.equal(retries.length, 4);
  });

  it('falls back at once, without retrying, when the first model refuses the credentials', async () => {
    const clock = new RecordingClock();
    const a = new FakeModel('A (Vertex AI)', [fail(403, 'PERMISSION_DENIED')]);
    const b = new FakeModel('A (Gemini API key)', [ok('b')]);
    assert.equal(await collect(resilientModel([a, b], { clock })), 'b');
    assert.equal(a.calls, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('when every model fails, throws one DevgemError whose kind and fix say what to do', async () => {
    const clock = new RecordingClock();
    const quota = await rejection(
      collect(resilientModel([new FakeModel('A (Vertex AI)', [fail(429)]), new FakeModel('A (Gemini API key)', [fail(429)])], { clock, attempts: 2 })),
    );
    assert.ok(quota instanceof DevgemError);
    assert.equal(quota.kind, 'resource-exhausted');
    assert.match(quota.fix ?? '', /Wait a minute/);
    assert.match(quota.message, /A \(Vertex AI\), then A \(Gemini API key\)/);

    const creds = await rejection(
      collect(
        resilientModel(
          [new FakeModel('A (Vertex AI)', [fail(401, 'no ADC')]), new FakeModel('A (Gemini API key)', [fail(400, 'API key not valid. [API_KEY_INVALID]')])],
          { clock },
        ),
      ),
    );
    assert.ok(creds instanceof DevgemError);
    assert.equal(creds.kind, 'credentials');
    assert.match(creds.fix ?? '', /gcloud auth application-default login/);
    assert.match(creds.fix ?? '', /"Devgem: Set Gemini API Key"/);

    const keyOnly = await rejection(
      collect(resilientModel([new FakeModel('A (Gemini API key)', [fail(400, 'API key not valid. [API_KEY_INVALID]')])], { clock })),
    );
    assert.ok(keyOnly instanceof DevgemError);
    assert.equal(keyOnly.kind, 'credentials');
    assert.match(keyOnly.fix ?? '', /^The Gemini API key is not valid: set a Gemini API key with the command "Devgem: Set Gemini API Key"/);

    const down = await rejection(collect(resilientModel([new FakeModel('A', [fail(undefined, 'ECONNRESET')])], { clock, attempts: 3 })));
    assert.ok(down instanceof DevgemError);
    assert.equal(down.kind, 'unavailable');
    assert.match(down.message, /3 tries/);
    assert.match(down.fix ?? '', /network connection/);
  });

  it('does not retry a 400 (nor fall back): the request itself is wrong', async () => {
    const clock = new RecordingClock();
    const a = new FakeModel('A', [fail(400, 'Invalid JSON payload'), ok('never')]);
    const b = new FakeModel('B', [ok('never')]);
    const err = await rejection(collect(resilientModel([a, b], { clock })));
    assert.ok(err instanceof DevgemError);
    assert.equal(err.kind, 'invalid-argument');
    assert.match(err.fix ?? '', /`devgem\.ai\.model`/);
    assert.equal(a.calls, 1);
    assert.equal(b.calls, 0);
    assert.deepEqual(clock.sleeps, []);
  });

  it('a request over the model window says to start a new chat or ask for less, and names the model setting right', async () => {
    for (const message of [
      'INVALID_ARGUMENT: The input token count (1210000) exceeds the maximum number of tokens allowed (1048576).',
      'INVALID_ARGUMENT: The input token count exceeds the maximum number of tokens allowed 1048576.',
    ]) {
      const err = await rejection(collect(resilientModel([new FakeModel('A', [fail(400, message)])], { clock: new FakeClock() })));
      assert.ok(err instanceof DevgemError);
      assert.equal(err.kind, 'invalid-argument');
      assert.match(err.fix ?? '', /New Chat/);
      assert.match(err.fix ?? '', /fewer log lines/);
      assert.match(err.fix ?? '', /`devgem\.ai\.model`/);
      assert.doesNotMatch(`${err.message} ${err.fix}`, /devgem\.model/);
    }
  });

  it('does not retry once chunks were yielded: the partial reply stays, the error says so', async () => {
    const clock = new RecordingClock();
    const a = new FakeModel('A', [{ chunks: [{ text: 'Deploying to ' }], error: new ModelCallError('stream broke', 503) }, ok('again')]);
    const b = new FakeModel('B', [ok('never')]);
    const seen: string[] = [];
    const err = await rejection(
      (async () => {
        for await (const c of resilientModel([a, b], { clock }).stream(REQUEST, new AbortController().signal)) seen.push(c.text ?? '');
      })(),
    );
    assert.deepEqual(seen, ['Deploying to ']);
    assert.ok(err instanceof DevgemError);
    assert.equal(err.kind, 'unavailable');
    assert.match(err.message, /stopped in the middle of its reply/);
    assert.match(err.fix ?? '', /Send your message again/);
    assert.equal(a.calls, 1);
    assert.equal(b.calls, 0);
  });

  it('Stop during a backoff wait ends the call at once with CancelledError', async () => {
    const a = new FakeModel('A', [fail(429), ok('too late')]);
    const controller = new AbortController();
    let abortedAt = 0;
    const port = resilientModel([a], {
      clock: realClock,
      baseDelayMs: 10_000,
      onRetry: () =>
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort();
        }, 20),
    });
    const err = await rejection(collect(port, controller.signal));
    assert.ok(err instanceof CancelledError);
    assert.ok(abortedAt > 0);
    assert.ok(Date.now() - abortedAt < 500, `took ${Date.now() - abortedAt} ms after abort`);
    assert.equal(a.calls, 1);
  });

  it('an already-aborted signal calls no model', async () => {
    const a = new FakeModel('A', [ok('x')]);
    const controller = new AbortController();
    controller.abort();
    assert.ok((await rejection(collect(resilientModel([a], { clock: new FakeClock() }), controller.signal))) instanceof CancelledError);
    assert.equal(a.calls, 0);
  });

  it('recognises a ModelCallError from the adapter bundle’s own copy of the class', async () => {
    // dist/model.js carries its own ModelCallError; only name and shape are shared.
    class OtherCopy extends Error {
      constructor(readonly status: number) {
        super('from the other bundle');
        this.name = 'ModelCallError';
      }
      get retryable(): boolean {
        return this.status === 503;
      }
    }
    const clock = new RecordingClock();
    const a = new FakeModel('A', [{ error: new OtherCopy(503) }, ok('recovered')]);
    assert.equal(await collect(resilientModel([a], { clock })), 'recovered');
    assert.equal(clock.sleeps.length, 1);
  });

  it('passes other errors through untouched (bugs are not retried)', async () => {
    const a = new FakeModel('A', [{ error: new TypeError('boom') }]);
    const err = await rejection(collect(resilientModel([a], { clock: new FakeClock() })));
    assert.ok(err instanceof TypeError);
    assert.equal(a.calls, 1);
  });
});
