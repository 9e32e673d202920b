// The Gemini adapter through the real @google/genai SDK, against the emulator's
// scripted Gemini endpoint, in both modes (Vertex AI and API key).
import * as assert from 'node:assert/strict';
import type { ScriptedReply } from '../../emulator/src/server';
import { createModelPorts, type GeminiConfig } from '../../src/adapters/gemini/index';
import type { ModelChunk, ModelPort, ModelRequest } from '../../src/core/agent/model';
import { resilientModel, type RetryInfo } from '../../src/core/agent/resilientModel';
import { CancelledError, DevgemError } from '../../src/core/base/errors';
import { realClock } from '../../src/core/base/wait';
import { useEmulator } from '../support/useEmulator';

const API_KEY = 'test-key-wxyz';
const MODEL = 'gemini-2.5-flash';

const REQUEST: ModelRequest = {
  system: 'You deploy apps to Cloud Run.',
  turns: [
    { role: 'user', parts: [{ text: 'Deploy my app' }] },
    { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'analyze_workspace', args: {} }, thoughtSignature: 'sig-1' }] },
    { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'analyze_workspace', response: { stack: 'node', port: 8080 } } }] },
  ],
  tools: [
    {
      name: 'deploy',
      description: 'Deploys the workspace.',
      parameters: { type: 'object', properties: { service: { type: 'string', pattern: '^[a-z-]+$' }, region: { type: 'string' } }, required: ['service'] },
    },
  ],
};

async function collect(port: ModelPort, signal = new AbortController().signal): Promise<ModelChunk[]> {
  const chunks: ModelChunk[] = [];
  for await (const c of port.stream(REQUEST, signal)) chunks.push(c);
  return chunks;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('Gemini adapter with the real @google/genai SDK against the emulator', function () {
  this.timeout(30_000);
  const fx = useEmulator();

  const ports = (overrides: Partial<GeminiConfig> = {}): ModelPort[] =>
    createModelPorts({
      model: MODEL,
      vertex: { project: 'demo-project', location: 'us-central1' },
      apiKey: API_KEY,
      emulatorBaseUrl: fx.emu.baseUrl,
      ...overrides,
    });
  const apiKeyPort = (apiKey = API_KEY): ModelPort => ports({ vertex: undefined, apiKey })[0];
  const vertexPort = (): ModelPort => ports({ apiKey: undefined })[0];

  it('labels the ports and orders them Vertex AI first', () => {
    assert.deepEqual(
      ports().map((p) => p.label),
      [`${MODEL} (Vertex AI)`, `${MODEL} (Gemini API key)`],
    );
  });

  it('streams a text reply in several chunks, with usage and finish reason on the last', async () => {
    fx.emu.gemini.script([{ parts: [{ text: 'Your app is a Node service on port 8080.' }], splitText: true }]);
    const chunks = await collect(apiKeyPort());
    assert.ok(chunks.length >= 5, `only ${chunks.length} chunks`);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), 'Your app is a Node service on port 8080.');
    const last = chunks[chunks.length - 1];
    assert.equal(last.finishReason, 'STOP');
    assert.ok((last.usage?.promptTokens ?? 0) > 0 && (last.usage?.totalTokens ?? 0) > (last.usage?.promptTokens ?? 0), JSON.stringify(last.usage));
    assert.equal(chunks[0].usage, undefined);
  });

  it('returns a function call with its arguments as ModelChunk.functionCalls', async () => {
    fx.emu.gemini.script([
      { parts: [{ text: 'Deploying now.' }, { functionCall: { id: 'call-7', name: 'deploy', args: { service: 'shop', region: 'europe-west1' } } }] },
    ]);
    const chunks = await collect(apiKeyPort());
    const calls = chunks.flatMap((c) => c.functionCalls ?? []);
    assert.deepEqual(calls, [{ id: 'call-7', name: 'deploy', args: { service: 'shop', region: 'europe-west1' } }]);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), 'Deploying now.');
    assert.deepEqual(
      chunks.flatMap((c) => c.parts ?? []),
      [{ text: 'Deploying now.' }, { functionCall: { id: 'call-7', name: 'deploy', args: { service: 'shop', region: 'europe-west1' } } }],
    );
  });

  it('returns two function calls of one reply, in order', async () => {
    fx.emu.gemini.script([
      {
        parts: [{ functionCall: { name: 'read_file', args: { path: 'package.json' } } }, { functionCall: { name: 'read_file', args: { path: 'Dockerfile' } } }],
      },
    ]);
    const calls = (await collect(vertexPort())).flatMap((c) => c.functionCalls ?? []);
    assert.deepEqual(calls, [
      { name: 'read_file', args: { path: 'package.json' } },
      { name: 'read_file', args: { path: 'Dockerfile' } },
    ]);
  });

  // The SDK passes finishMessage through from Vertex AI only; the Gemini API's mapping drops it.
  it('reads a finish reason, its message and the usage from the last chunk (Vertex AI)', async () => {
    fx.emu.gemini.script([
      {
        parts: [],
        finishReason: 'MALFORMED_FUNCTION_CALL',
        finishMessage: 'Malformed function call: deploy(service=',
        usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 0, thoughtsTokenCount: 40, totalTokenCount: 1240 },
      },
    ]);
    const chunks = await collect(vertexPort());
    const last = chunks[chunks.length - 1];
    assert.equal(last.finishReason, 'MALFORMED_FUNCTION_CALL');
    assert.equal(last.finishMessage, 'Malformed function call: deploy(service=');
    assert.deepEqual(last.usage, { promptTokens: 1200, outputTokens: 0, totalTokens: 1240 });
    assert.deepEqual(
      chunks.flatMap((c) => c.functionCalls ?? []),
      [],
    );
  });

  for (const mode of ['apiKey', 'vertex'] as const) {
    it(`a blocked prompt comes back as blockReason, not as an error or an empty reply (${mode})`, async () => {
      fx.emu.gemini.script([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT', blockReasonMessage: 'Blocked by policy.' } }]);
      const chunks = await collect(mode === 'apiKey' ? apiKeyPort() : vertexPort());
      assert.equal(chunks.length, 1);
      assert.equal(chunks[0].blockReason, 'PROHIBITED_CONTENT');
      assert.equal(chunks[0].blockMessage, 'Blocked by policy.');
      assert.equal(chunks[0].text, undefined);
      assert.ok((chunks[0].usage?.promptTokens ?? 0) > 0);
    });
  }

  it('reads SAFETY and MAX_TOKENS after text in both modes', async () => {
    fx.emu.gemini.script([
      { parts: [{ text: 'partial answer' }], finishReason: 'SAFETY', mode: 'vertex' },
      { parts: [{ text: 'long answer' }], finishReason: 'MAX_TOKENS', mode: 'apiKey' },
    ]);
    const [vertex, key] = ports();
    const v = await collect(vertex);
    assert.equal(v.map((c) => c.text ?? '').join(''), 'partial answer');
    assert.equal(v.at(-1)?.finishReason, 'SAFETY');
    const k = await collect(key);
    assert.equal(k.at(-1)?.finishReason, 'MAX_TOKENS');
  });

  it('sends the system instruction, the tools as parametersJsonSchema and every turn', async () => {
    fx.emu.gemini.script([{ parts: [{ text: 'ok' }] }]);
    await collect(apiKeyPort());
    const [req] = fx.emu.gemini.requests();
    const body = req.body as {
      systemInstruction: { parts: { text: string }[] };
      tools: { functionDeclarations: { name: string; description: string; parametersJsonSchema: unknown }[] }[];
      contents: { role: string; parts: Record<string, unknown>[] }[];
    };
    assert.equal(body.systemInstruction.parts[0].text, REQUEST.system);
    assert.deepEqual(body.tools, [
      { functionDeclarations: [{ name: 'deploy', description: 'Deploys the workspace.', parametersJsonSchema: REQUEST.tools[0].parameters }] },
    ]);
    assert.deepEqual(
      body.contents.map((c) => c.role),
      ['user', 'model', 'user'],
    );
    assert.deepEqual(body.contents[1].parts[0], { functionCall: { id: 'c1', name: 'analyze_workspace', args: {} }, thoughtSignature: 'sig-1' });
    assert.deepEqual(body.contents[2].parts[0], { functionResponse: { id: 'c1', name: 'analyze_workspace', response: { stack: 'node', port: 8080 } } });
  });

  it('Vertex mode sends a bearer token to the Vertex AI path; API-key mode sends the key', async () => {
    fx.emu.gemini.script([
      { parts: [{ text: 'v' }], mode: 'vertex' },
      { parts: [{ text: 'k' }], mode: 'apiKey' },
    ]);
    const [vertex, key] = ports();
    assert.equal((await collect(vertex)).map((c) => c.text).join(''), 'v');
    assert.equal((await collect(key)).map((c) => c.text).join(''), 'k');
    const [v, k] = fx.emu.gemini.requests();
    assert.equal(v.mode, 'vertex');
    assert.equal(v.bearer, true);
    assert.equal(v.apiKey, undefined);
    assert.match(v.path, new RegExp(`^/v1(beta1)?/projects/demo-project/locations/us-central1/publishers/google/models/${MODEL}:streamGenerateContent$`));
    assert.equal(v.stream, true);
    assert.equal(k.mode, 'apiKey');
    assert.equal(k.apiKey, 'wxyz');
    assert.equal(k.bearer, false);
    assert.match(k.path, new RegExp(`^/v1(beta)?/models/${MODEL}:streamGenerateContent$`));
  });

  it('a 429 with a retry delay is waited out, then the reply arrives (through resilientModel)', async () => {
    fx.emu.gemini.script([{ error: { status: 429, retryAfterSeconds: 0.3 } }, { parts: [{ text: 'after the wait' }] }]);
    const retries: RetryInfo[] = [];
    const port = resilientModel([apiKeyPort()], { clock: realClock, baseDelayMs: 10, maxDelayMs: 2000, onRetry: (i) => retries.push(i) });
    const started = Date.now();
    const chunks = await collect(port);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), 'after the wait');
    assert.ok(Date.now() - started >= 300, `retried after ${Date.now() - started} ms, before the 300 ms the server asked for`);
    assert.deepEqual(retries, [{ model: `${MODEL} (Gemini API key)`, attempt: 2, delayMs: 300, status: 429 }]);
    assert.equal(fx.emu.gemini.requests().length, 2);
  });

  it('a bad API key is a credentials DevgemError that never shows the key', async () => {
    const key = 'bad-key';
    const err = await rejection(collect(resilientModel([apiKeyPort(key)], { clock: realClock, baseDelayMs: 10 })));
    assert.ok(err instanceof DevgemError, String(err));
    assert.equal(err.kind, 'credentials');
    assert.match(err.message, /API key not valid/);
    assert.match(err.fix ?? '', /Devgem: Set Gemini API Key/);
    assert.ok(!err.message.includes(key) && !(err.fix ?? '').includes(key), err.message);
    assert.equal(fx.emu.gemini.requests().length, 1, 'a bad key is not retried');
  });

  it('scrubs the API key even from an error message that quotes it', async () => {
    fx.emu.gemini.script([{ error: { status: 400, message: `Request with key ${API_KEY} was malformed` } }]);
    const err = await rejection(collect(apiKeyPort()));
    assert.match(String((err as Error).message), /Request with key \*\*\* was malformed/);
    assert.ok(!String((err as Error).message).includes(API_KEY));
  });

  it('a model that never answers ends at the first-byte deadline with a timeout error', async () => {
    fx.emu.gemini.script([{ hang: true }]);
    const port = resilientModel([apiKeyPort()], { clock: realClock, timeouts: { firstByteMs: 300, idleMs: 60_000 } });
    const err = await rejection(collect(port));
    assert.ok(err instanceof DevgemError, String(err));
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /sent nothing for 0\.3 s after the request/);
    assert.match(err.fix ?? '', /devgem\.ai\.firstByteTimeoutSeconds/);
    assert.equal(fx.emu.gemini.requests().length, 1, 'not retried');
  });

  it('a stream that stops in the middle ends at the idle deadline, after the text it sent', async () => {
    fx.emu.gemini.script([{ parts: [{ text: 'one two three' }], splitText: true, hangAfterChunks: 2 }]);
    const port = resilientModel([vertexPort()], { clock: realClock, timeouts: { firstByteMs: 60_000, idleMs: 300 } });
    const chunks: ModelChunk[] = [];
    const err = await rejection(
      (async () => {
        for await (const c of port.stream(REQUEST, new AbortController().signal)) chunks.push(c);
      })(),
    );
    assert.equal(chunks.map((c) => c.text ?? '').join(''), 'one two ');
    assert.ok(err instanceof DevgemError && err.kind === 'timeout', String(err));
    assert.match(err.message, /stopped sending in the middle of its reply/);
  });

  // This test closes the emulator itself, so it gets one of its own.
  describe('with an emulator of its own', () => {
    const ownFx = useEmulator();

    it('Stop while the model hangs ends the call promptly with CancelledError, and the emulator still closes quickly', async () => {
      const own = ownFx.emu;
      own.gemini.script([{ hang: true }]);
      const port = createModelPorts({ model: MODEL, apiKey: API_KEY, emulatorBaseUrl: own.baseUrl })[0];
      const controller = new AbortController();
      const pending = rejection(collect(port, controller.signal));
      await waitFor(() => own.gemini.requests().length === 1, 5000);
      const abortedAt = Date.now();
      controller.abort();
      const err = await pending;
      assert.ok(err instanceof CancelledError, String(err));
      assert.ok(Date.now() - abortedAt < 1000, `took ${Date.now() - abortedAt} ms after abort`);
      // A second hanging request that nobody aborts must not hold the emulator open.
      own.gemini.script([{ hang: true }]);
      const orphan = rejection(collect(port));
      await waitFor(() => own.gemini.requests().length === 2, 5000);
      const closing = Date.now();
      await own.close();
      assert.ok(Date.now() - closing < 2000, `close took ${Date.now() - closing} ms`);
      await orphan;
    });
  });

  it('Vertex AI failing with 503 every time falls back to the API key, which answers', async () => {
    const busy: ScriptedReply = { error: { status: 503 } };
    fx.emu.gemini.script([busy, busy, busy, { parts: [{ text: 'answered with the key' }], mode: 'apiKey' }]);
    const retries: RetryInfo[] = [];
    const port = resilientModel(ports(), { clock: realClock, attempts: 3, baseDelayMs: 10, maxDelayMs: 50, onRetry: (i) => retries.push(i) });
    const chunks = await collect(port);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), 'answered with the key');
    assert.deepEqual(
      fx.emu.gemini.requests().map((r) => r.mode),
      ['vertex', 'vertex', 'vertex', 'apiKey'],
    );
    assert.equal(retries.at(-1)?.fallbackFrom, `${MODEL} (Vertex AI)`);
    assert.equal(port.label, `${MODEL} (Vertex AI)`);
  });

  it('scripts over HTTP too, refuses a malformed reply, and answers plain generateContent in one response', async () => {
    const post = (replies: unknown) => fetch(`${fx.emu.baseUrl}/__emulator/gemini/script`, { method: 'POST', body: JSON.stringify({ replies }) });
    assert.equal((await post([{ nonsense: true }])).status, 400);
    assert.equal((await post([{ parts: [{ text: 'one two' }], splitText: true }])).status, 200);
    const res = await fetch(`${fx.emu.baseUrl}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY },
      body: JSON.stringify({ contents: [] }),
    });
    assert.equal(res.status, 200);
    const json = (await res.json()) as { candidates: { content: { parts: { text: string }[] }; finishReason: string }[] };
    assert.deepEqual(json.candidates[0].content.parts, [{ text: 'one ' }, { text: 'two' }]);
    assert.equal(json.candidates[0].finishReason, 'STOP');
    const log = (await (await fetch(`${fx.emu.baseUrl}/__emulator/gemini/requests`)).json()) as { stream: boolean; apiKey: string }[];
    assert.deepEqual(
      log.map((r) => [r.stream, r.apiKey]),
      [[false, 'wxyz']],
    );
  });

  it('an empty script answers 500 with a message that says so', async () => {
    const err = await rejection(collect(apiKeyPort()));
    assert.match(String((err as Error).message), /emulator: no scripted Gemini reply/);
    assert.equal((err as { status?: number }).status, 500);
  });
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
