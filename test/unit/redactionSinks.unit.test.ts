// Redaction before every sink (issue 13): a planted token goes in where text
// enters (build log lines, a failing build, the model's reply and tool calls,
// the user's message, an error, a service log) and each place text comes out
// is searched for it: the output channel, the tracker's snapshots and log
// stream, the saved snapshot, the saved conversation, @devgem's stream, the
// approval card and the error messages.
import * as assert from 'node:assert/strict';
import type * as AgentHost from '../../src/adapters/vscode/chat/agentHost';
import type * as ChatParticipant from '../../src/adapters/vscode/chat/chatParticipant';
import type * as Runner from '../../src/adapters/vscode/deploy/deployRunner';
import { runAgentTurn } from '../../src/core/agent/agent';
import { Conversation, type SavedConversation } from '../../src/core/agent/conversation';
import type { ModelPort } from '../../src/core/agent/model';
import { createToolRegistry } from '../../src/core/agent/tools';
import { addKnownSecret } from '../../src/core/base/redact';
import { DevgemError, toProblem } from '../../src/core/base/errors';
import { UsageGuard, type UsageCounts } from '../../src/core/base/usage';
import { ChatController } from '../../src/core/chat/chatController';
import type { CloudPorts } from '../../src/core/cloud/ports';
import type { DeployUiPort } from '../../src/core/deploy/deployUi';
import { unattendedUi } from '../../src/core/deploy/deployUi';
import { LogDeltaStream } from '../../src/core/logs/logStream';
import { formatLogEntry } from '../../src/core/logs/logTailer';
import { pastBuildLogDocument } from '../../src/core/logs/pastBuildLog';
import type { ViewSnapshot } from '../../src/shared/protocol';
import { FakeCloud } from '../support/fakes';
import { MemoryStore, ScriptedModel, TestConfirm, call, newSession, testAgentContext, text } from '../support/agentHarness';
import { LOOKALIKE, generator, ALNUM } from '../support/lookalikeTokens';
import { useVscodeStub } from '../support/vscodeStub';
import { l10nStub } from '../support/manifest';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const GH = LOOKALIKE['GitHub personal token (ghp_)'];
const STRIPE = LOOKALIKE['Stripe live secret key'];
const SLACK = LOOKALIKE['Slack bot token'];
// No known shape: only the registered-secret list can hide it.
const REGISTERED = `gem${generator(99)(ALNUM, 30)}`;
const PLANTED = [GH, STRIPE, SLACK, REGISTERED];
before(() => addKnownSecret(REGISTERED));

/** The planted values (or their first 12 characters: a half-shown token is a leak too) found in `text`. */
function leaks(text: string): string[] {
  return PLANTED.filter((p) => text.includes(p.slice(0, 12))).map((p) => `${p.slice(0, 4)}…`);
}

function assertClean(what: string, value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  assert.deepEqual(leaks(text), [], `a planted token reached ${what}`);
}

describe('redaction at every sink', () => {
  describe('a deploy whose build prints tokens and fails', () => {
    const output: string[] = [];
    const shown: string[] = [];
    const stub = {
      l10n: l10nStub,
      workspace: { isTrusted: true },
      ProgressLocation: { Notification: 15 },
      ViewColumn: { Active: -1 },
      Uri: { file: (fsPath: string) => ({ fsPath }), parse: (s: string) => ({ s }) },
      commands: { executeCommand: async () => undefined },
      env: { openExternal: async () => true, clipboard: { writeText: async () => undefined } },
      window: {
        withProgress: (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) =>
          task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) }),
        showTextDocument: async () => undefined,
        showErrorMessage: (m: string) => (shown.push(m), Promise.resolve(undefined)),
        showWarningMessage: (m: string) => (shown.push(m), Promise.resolve(undefined)),
        showInformationMessage: (m: string) => (shown.push(m), Promise.resolve(undefined)),
      },
    };
    const runner = useVscodeStub<typeof Runner>(stub, require.resolve('../../src/adapters/vscode/deploy/deployRunner'));

    it('keeps them out of the output channel, the tracker, its log stream, the saved snapshot and the error shown', async () => {
      const ws = await makeWorkspace(NODE_APP);
      try {
        const cloud = new FakeCloud({
          buildOutcome: 'failure',
          buildLog: [
            'Step 1/3 : FROM node:22-slim',
            `RUN echo ${GH}`,
            `curl -H "Authorization: Bearer ${SLACK}"`,
            `npm ERR! key ${STRIPE}`,
            `echo ${REGISTERED}`,
          ],
        });
        const store = new MemoryStore<ViewSnapshot>();
        const session = newSession(store);
        const snapshots: string[] = [];
        const stored: string[] = [];
        const streamed: string[] = [];
        session.onDidChange((s) => snapshots.push(JSON.stringify(s)));
        const origSave = store.save.bind(store);
        store.save = (v) => {
          stored.push(JSON.stringify(v));
          origSave(v);
        };
        const logStream = new LogDeltaStream(session.buildLog, (d) => streamed.push(JSON.stringify(d)), { intervalMs: 0 });
        session.onDidLog(() => logStream.flush());
        const log = { info: (l: string) => output.push(l), warn: (l: string) => output.push(l), show: () => undefined };
        const ui: DeployUiPort = unattendedUi;
        const folders = { current: () => undefined, pickFolder: async () => undefined };
        const r = new (runner.load().DeployRunner)({ session, ports: () => cloud.ports(), log: log as never, ui, folders });
        const result = await r.runWith(testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd' }));
        assert.equal(result.outcome, 'failed');
        // The sweep looked where it should.
        assert.ok(output.some((l) => l.startsWith('[build] RUN echo')));
        assert.ok(streamed.length > 0 && stored.length > 0 && snapshots.length > 0 && shown.length > 0);
        assertClean('the output channel', output);
        assertClean('a tracker snapshot', snapshots);
        assertClean('the tracker’s log stream', streamed);
        assertClean('the saved snapshot', stored);
        assertClean('the error notification', shown);
        assertClean('the result returned', result);
      } finally {
        await ws.cleanup();
      }
    });
  });

  describe('the sidebar chat and its saved conversation', () => {
    it('keeps them out of the streamed reply, the tool cards, the approval card and the saved history', async () => {
      const ws = await makeWorkspace({ 'notes.txt': `token: ${GH}\n`, Dockerfile: 'FROM node:22\n' });
      try {
        const snap = new MemoryStore<ViewSnapshot>();
        const session = newSession(snap);
        const snapshots: string[] = [];
        session.onDidChange((s) => snapshots.push(JSON.stringify(s)));
        const usage = new UsageGuard(new MemoryStore<UsageCounts>(), () => ({ deploysPerDay: 0, modelCallsPerDay: 0 }));
        const ctx = testAgentContext(ws.root, {} as CloudPorts, { session, usage });
        const conv = new MemoryStore<SavedConversation>();
        const confirm = new TestConfirm([false]);
        const half = Math.floor(STRIPE.length / 2);
        const model = new ScriptedModel([
          [call('read_file', { path: 'notes.txt' })],
          [call('propose_fix', { path: 'Dockerfile', content: `FROM node:22\nENV KEY=${STRIPE}\n`, explanation: `use ${SLACK}` })],
          [
            text('The key is '),
            text(STRIPE.slice(0, half)),
            text(`${STRIPE.slice(half)} and `),
            text(`${REGISTERED.slice(0, 5)}`),
            text(`${REGISTERED.slice(5)}.`),
          ],
        ]);
        const sessionConfirm = {
          ask: async (req: Parameters<TestConfirm['ask']>[0], signal: AbortSignal) => {
            session.setConfirmation({
              id: 'c1',
              token: 't',
              tool: req.tool,
              risk: req.risk,
              title: req.title,
              details: req.details,
              diff: req.diff,
              approveLabel: req.approveLabel,
            });
            const answer = await confirm.ask(req, signal);
            session.setConfirmation(undefined);
            return answer;
          },
        };
        const chat = new ChatController({
          session,
          registry: createToolRegistry(),
          ctx,
          confirm: sessionConfirm,
          model: async () => model as ModelPort,
          store: conv,
          facts: () => ({ workspaceName: 'ws' }),
          streamFlushMs: 0,
        });
        await chat.handle(`my slack token is ${SLACK}, what is in notes.txt?`);
        assert.ok(
          snapshots.some((s) => s.includes('"streaming":true')),
          'the reply streamed',
        );
        assert.ok(
          snapshots.some((s) => s.includes('"confirmation":{')),
          'an approval card was shown',
        );
        assertClean('a chat snapshot (streaming, tool cards, approval card)', snapshots);
        assertClean('the saved snapshot', snap.value);
        assertClean('the saved conversation', conv.value);
        assertClean('the conversation sent back to the model', model.requests);
      } finally {
        await ws.cleanup();
      }
    });
  });

  describe('@devgem in VS Code’s Chat', () => {
    class ChatRequestTurn {}
    class ChatResponseTurn {}
    class ChatResponseMarkdownPart {}
    let handler: (req: unknown, ctx: unknown, stream: unknown, token: unknown) => Promise<{ errorDetails?: { message: string } }>;
    const stub = {
      ChatRequestTurn,
      ChatResponseTurn,
      ChatResponseMarkdownPart,
      Uri: { joinPath: () => ({}) },
      lm: {},
      chat: {
        createChatParticipant: (_id: string, h: typeof handler) => {
          handler = h;
          return { dispose: () => undefined };
        },
      },
      workspace: { workspaceFolders: [], getConfiguration: () => ({ get: () => undefined, inspect: () => undefined }) },
    };
    const subject = useVscodeStub<typeof ChatParticipant>(stub, require.resolve('../../src/adapters/vscode/chat/chatParticipant'));

    async function ask(models: { forChatRequest(): Promise<ModelPort | undefined> }, prompt: string) {
      const streamed: string[] = [];
      const stream = { markdown: (s: string) => streamed.push(s), progress: (s: string) => streamed.push(s), button: () => undefined };
      subject.load().registerVscodeChat({
        registry: createToolRegistry(),
        ctx: testAgentContext('/nonexistent-devgem-ws', {} as CloudPorts),
        models: models as never,
        modalConfirm: new TestConfirm(),
        extensionUri: {} as never,
        log: {} as never,
        facts: () => ({}),
      });
      const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
      const result = await handler({ prompt }, { history: [] }, stream, token);
      return { streamed, result };
    }

    it('streams the reply redacted, never half a token, chunk boundaries anywhere', async () => {
      const reply = `Here: ${GH} and ${SLACK} and ${REGISTERED}, done.`;
      const model = new ScriptedModel([[...reply].map((ch) => text(ch))]);
      const { streamed, result: result0 } = await ask({ forChatRequest: async () => model }, 'hi');
      assert.ok(streamed.join('').includes('done.'), `${streamed.join('')} ${JSON.stringify(result0)}`);
      assertClean('@devgem’s stream', streamed.join(''));
    });

    it('redacts the error it reports', async () => {
      const { result } = await ask({ forChatRequest: async () => Promise.reject(new Error(`model config broken: ${GH}`)) }, 'hi');
      assert.match(result.errorDetails?.message ?? '', /model config broken/);
      assertClean('@devgem’s error', result);
    });
  });

  describe('the approval modal (view hidden, or @devgem)', () => {
    const asked: unknown[] = [];
    const stub = { window: { showWarningMessage: (...args: unknown[]) => (asked.push(args), Promise.resolve(undefined)) } };
    const host = useVscodeStub<typeof AgentHost>(stub, require.resolve('../../src/adapters/vscode/chat/agentHost'));

    it('shows the plan and the diff redacted', async () => {
      const confirm = new (host.load().HybridConfirm)({} as never, () => false);
      const request = {
        tool: 'propose_fix',
        risk: 'write' as const,
        title: `Edit .npmrc for ${GH}`,
        approveLabel: 'Apply Fix',
        details: [{ label: 'Why', value: `the token ${STRIPE} is stale` }],
        diff: `--- a/x\n+++ b/x\n-API_KEY=${SLACK}\n+API_KEY=${REGISTERED}`,
      };
      assert.equal(await confirm.ask(request, new AbortController().signal), false);
      assert.equal(asked.length, 1);
      assertClean('the approval modal', asked);
    });
  });

  describe('model text as it leaves the agent', () => {
    it('is redacted in every delta and in the conversation, split anywhere', async () => {
      const reply = `token ${STRIPE} end`;
      for (const size of [1, 3, 8]) {
        const chunks = [];
        for (let i = 0; i < reply.length; i += size) chunks.push(text(reply.slice(i, i + size)));
        const deltas: string[] = [];
        const conversation = new Conversation();
        await runAgentTurn(
          'q',
          {
            model: new ScriptedModel([chunks]),
            registry: createToolRegistry(),
            ctx: testAgentContext('/nonexistent-devgem-ws', {} as CloudPorts),
            confirm: new TestConfirm(),
            conversation,
            system: () => 's',
            events: { text: (d) => deltas.push(d), textEnd: () => undefined, tool: () => undefined },
          },
          new AbortController().signal,
        );
        assert.equal(deltas.join(''), 'token [redacted] end');
        assertClean('the conversation', conversation.toJSON());
      }
    });

    it('a saved history from an older version is redacted when loaded', () => {
      const c = new Conversation({ turns: [{ role: 'user', parts: [{ text: `old ${GH}` }] }], summary: [`User: "${SLACK}"`] });
      assertClean('a loaded conversation', c.toJSON());
    });
  });

  describe('errors and logs', () => {
    it('an error message, its fix and its log tail, whoever made the error', () => {
      assertClean('a DevgemError', { ...new DevgemError('unknown', `bad ${GH}`, { fix: `use ${STRIPE}`, logTail: [SLACK] }).toProblem() });
      assertClean('toProblem of an SDK error', toProblem(new Error(`401 for ${REGISTERED}`)));
      assertClean('toProblem of a string', toProblem(`x ${SLACK}`));
    });

    it('a service log line and a past build log', () => {
      assertClean('the service log channel', formatLogEntry({ timestamp: '2026-11-25T12:00:00Z', severity: 'INFO', text: `token=${GH}` }));
      const doc = pastBuildLogDocument({ deployId: 'd1', startedAt: 0, endedAt: 1, outcome: 'failed' } as never, {
        buildId: 'b1',
        lines: [`echo ${STRIPE}`, SLACK],
        totalLines: 2,
        state: 'failure',
        logUri: 'gs://b/log-b1.txt',
      });
      assertClean('a past build log', doc);
    });
  });
});
