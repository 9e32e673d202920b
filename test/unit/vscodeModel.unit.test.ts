// Any model (issue 16): `@devgem` answers with the model the user picked in
// VS Code's Chat (`request.model`) when Gemini is not set up, through the same
// agent loop, tools and confirmations; devgem.ai.provider "vscode" does the
// same for the sidebar. A fake LanguageModelChat stands in for Copilot.
import * as assert from 'node:assert/strict';
import type * as AgentHost from '../../src/adapters/vscode/chat/agentHost';
import type * as ChatParticipant from '../../src/adapters/vscode/chat/chatParticipant';
import type * as VscodeModel from '../../src/adapters/vscode/chat/vscodeModel';
import type { ModelChunk, ModelRequest } from '../../src/core/agent/model';
import { createToolRegistry } from '../../src/core/agent/tools';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { TestConfirm, testAgentContext } from '../support/agentHarness';
import { useVscodeStub } from '../support/vscodeStub';

class LanguageModelTextPart {
  constructor(readonly value: string) {}
}
class LanguageModelToolCallPart {
  constructor(
    readonly callId: string,
    readonly name: string,
    readonly input: object,
  ) {}
}
class LanguageModelToolResultPart {
  constructor(
    readonly callId: string,
    readonly content: unknown[],
  ) {}
}
class LanguageModelError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
  static Blocked = { name: 'Blocked' };
  static NoPermissions = { name: 'NoPermissions' };
  static NotFound = { name: 'NotFound' };
}
interface Message {
  role: 'user' | 'assistant';
  content: unknown;
}
class CancellationTokenSource {
  token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
  cancel() {
    this.token.isCancellationRequested = true;
  }
  dispose() {}
}

/** A chat model that plays scripted replies and records what it was sent. */
class FakeChatModel {
  readonly id = 'fake-copilot';
  readonly name = 'Fake Copilot';
  readonly vendor = 'fake';
  readonly family = 'fake-family';
  readonly version = '1';
  readonly maxInputTokens = 64_000;
  readonly sent: { messages: Message[]; options: { tools?: { name: string; inputSchema: unknown }[]; toolMode?: number } }[] = [];
  constructor(private readonly replies: (unknown[] | Error)[]) {}
  async sendRequest(messages: Message[], options: FakeChatModel['sent'][number]['options']) {
    this.sent.push({ messages, options });
    const reply = this.replies.shift() ?? [new LanguageModelTextPart('(no more replies)')];
    if (reply instanceof Error) throw reply;
    return {
      stream: (async function* () {
        yield* reply;
      })(),
    };
  }
  countTokens = async () => 1;
}

const settings: Record<string, unknown> = {};
const stub = {
  LanguageModelTextPart,
  LanguageModelToolCallPart,
  LanguageModelToolResultPart,
  LanguageModelError,
  LanguageModelChatToolMode: { Auto: 1, Required: 2 },
  LanguageModelChatMessage: {
    User: (content: unknown) => ({ role: 'user', content }),
    Assistant: (content: unknown) => ({ role: 'assistant', content }),
  },
  CancellationTokenSource,
  ChatRequestTurn: class {},
  ChatResponseTurn: class {},
  ChatResponseMarkdownPart: class {},
  Uri: { joinPath: () => ({}), file: (p: string) => ({ fsPath: p }) },
  lm: {},
  chat: {
    createChatParticipant: (_id: string, h: Handler) => {
      handler = h;
      return { dispose: () => undefined };
    },
  },
  workspace: {
    workspaceFolders: [],
    getConfiguration: () => ({ get: (key: string) => settings[key], inspect: (key: string) => ({ key, globalValue: settings[key] }) }),
  },
};
type Handler = (req: unknown, ctx: unknown, stream: unknown, token: unknown) => Promise<{ errorDetails?: { message: string } }>;
let handler: Handler;

describe('a chat model from VS Code behind the agent’s ModelPort', () => {
  const adapter = useVscodeStub<typeof VscodeModel>(stub, require.resolve('../../src/adapters/vscode/chat/vscodeModel'));

  async function collect(chat: FakeChatModel, request: ModelRequest): Promise<ModelChunk[]> {
    const chunks: ModelChunk[] = [];
    for await (const c of adapter
      .load()
      .vscodeChatModel(chat as never)
      .stream(request, new AbortController().signal))
      chunks.push(c);
    return chunks;
  }

  it('sends the instructions first, the tools with their schemas, and pairs each tool result with its call', async () => {
    const chat = new FakeChatModel([[new LanguageModelTextPart('Hel'), new LanguageModelTextPart('lo')]]);
    const schema = { type: 'object' as const, properties: { service: { type: 'string' as const } } };
    const chunks = await collect(chat, {
      system: 'You deploy to Cloud Run.',
      tools: [{ name: 'list_services', description: 'Lists services', parameters: schema }],
      turns: [
        { role: 'user', parts: [{ text: 'what runs?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'list_services', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'list_services', response: { services: ['api'] } } }] },
      ],
    });
    const [sent] = chat.sent;
    assert.match(JSON.stringify(sent.messages[0]), /You deploy to Cloud Run/);
    assert.deepEqual(sent.options.tools, [{ name: 'list_services', description: 'Lists services', inputSchema: schema }]);
    const call = (sent.messages[2].content as LanguageModelToolCallPart[])[0];
    const result = (sent.messages[3].content as LanguageModelToolResultPart[])[0];
    assert.ok(call instanceof LanguageModelToolCallPart && result instanceof LanguageModelToolResultPart);
    assert.equal(result.callId, call.callId, 'the result answers the call it belongs to');
    assert.match(JSON.stringify(result.content), /api/);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), 'Hello');
    assert.equal(chunks.at(-1)?.finishReason, 'STOP');
  });

  it('turns tool calls into function calls with the model’s own ids', async () => {
    const chat = new FakeChatModel([[new LanguageModelToolCallPart('c-7', 'get_deploy_status', { verbose: true })]]);
    const chunks = await collect(chat, { system: '', tools: [], turns: [{ role: 'user', parts: [{ text: 'status?' }] }] });
    assert.deepEqual(chunks[0].functionCalls, [{ id: 'c-7', name: 'get_deploy_status', args: { verbose: true } }]);
  });

  it('explains a blocked request and says what to do when Devgem may not use the model', async () => {
    const blocked = await collect(new FakeChatModel([new LanguageModelError('policy', 'Blocked')]), { system: '', tools: [], turns: [] });
    assert.deepEqual(blocked, [{ blockReason: 'OTHER', blockMessage: 'policy' }]);
    await assert.rejects(
      collect(new FakeChatModel([new LanguageModelError('no consent', 'NoPermissions')]), { system: '', tools: [], turns: [] }),
      (err: Error & { fix?: string }) => /may not use this chat model/.test(err.message) && /Manage Language Model Access/.test(err.fix ?? ''),
    );
  });
});

describe('@devgem with the model picked in VS Code’s Chat', () => {
  const subject = useVscodeStub<typeof ChatParticipant>(stub, require.resolve('../../src/adapters/vscode/chat/chatParticipant'));
  afterEach(() => delete settings['ai.provider']);

  async function ask(picked: FakeChatModel | undefined, prompt: string) {
    // Loaded against the same stub: the real provider decides between Gemini, the picked model and no AI.
    const host = require('../../src/adapters/vscode/chat/agentHost') as typeof AgentHost;
    const log = { info: () => undefined, warn: () => undefined };
    const models = new host.ModelProvider({ get: async () => undefined } as never, log as never, () => {
      throw new Error('Gemini is not configured: the SDK must not load');
    });
    const streamed: string[] = [];
    const stream = { markdown: (s: string) => streamed.push(s), progress: (s: string) => streamed.push(s), button: () => undefined };
    subject.load().registerVscodeChat({
      registry: createToolRegistry(),
      ctx: testAgentContext('/nonexistent-devgem-ws', {} as CloudPorts),
      models,
      modalConfirm: new TestConfirm(),
      extensionUri: {} as never,
      log: log as never,
      facts: () => ({}),
    });
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
    const result = await handler({ prompt, model: picked }, { history: [] }, stream, token);
    return { streamed: streamed.join(''), result };
  }

  it('runs the agent loop on it: a tool call, its result, then the answer', async () => {
    const picked = new FakeChatModel([
      [new LanguageModelToolCallPart('call-1', 'get_deploy_status', {})],
      [new LanguageModelTextPart('Nothing is deployed yet.')],
    ]);
    const { streamed, result } = await ask(picked, 'how is my deploy doing?');
    assert.equal(result.errorDetails, undefined, JSON.stringify(result));
    assert.match(streamed, /Nothing is deployed yet\./);
    assert.equal(picked.sent.length, 2);
    assert.ok(
      picked.sent[0].options.tools?.some((t) => t.name === 'get_deploy_status'),
      'Devgem’s tools are offered to the model',
    );
    const answered = picked.sent[1].messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    const toolResult = answered.find((p): p is LanguageModelToolResultPart => p instanceof LanguageModelToolResultPart);
    assert.equal(toolResult?.callId, 'call-1');
    assert.match(JSON.stringify(toolResult?.content), /Nothing has been deployed/);
  });

  it('never uses it when the AI is turned off: the offline parser answers', async () => {
    settings['ai.provider'] = 'off';
    const picked = new FakeChatModel([[new LanguageModelTextPart('should not be asked')]]);
    const { streamed } = await ask(picked, 'help');
    assert.equal(picked.sent.length, 0);
    assert.doesNotMatch(streamed, /should not be asked/);
    assert.ok(streamed.length > 0, 'the offline parser still answers');
  });

  it('answers offline when there is neither Gemini nor a picked model', async () => {
    const { streamed, result } = await ask(undefined, 'help');
    assert.equal(result.errorDetails, undefined);
    assert.ok(streamed.length > 0);
  });
});
