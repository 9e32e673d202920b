// Shared pieces for agent tests: a context over any CloudPorts (fakes or the
// real SDKs against the emulator), a confirm port that answers like a user,
// memory stores and a model scripted in-process for unit tests.
import { agentJail } from '../../src/core/agent/agentFiles';
import type { AgentContext } from '../../src/core/agent/context';
import type { ModelChunk, ModelPort, ModelRequest } from '../../src/core/agent/model';
import type { ConfirmationDraft, ConfirmPort } from '../../src/core/agent/registry';
import type { UsageGuard } from '../../src/core/base/usage';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DeploySession, type SnapshotStore } from '../../src/core/deploy/deploySession';
import { CancelledError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { CloudPorts } from '../../src/core/cloud/ports';
import type { ToolRisk, ViewSnapshot } from '../../src/shared/protocol';
import { testDeployOptions } from './workspace';
import { memoryManifestStore, type ManifestStore } from '../../src/core/git/sourceChanges';
import { Conversation } from '../../src/core/agent/conversation';
import { createToolRegistry } from '../../src/core/agent/tools';
import { runChatTurn } from '../../src/core/chat/chatTurn';

export type AskedConfirmation = ConfirmationDraft & { tool: string; risk: ToolRisk };

/** Answers confirmations from a queue (default: `fallback`) and records what was asked. */
export class TestConfirm implements ConfirmPort {
  readonly asked: AskedConfirmation[] = [];
  constructor(
    public answers: boolean[] = [],
    public fallback = true,
  ) {}
  async ask(request: AskedConfirmation, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) throw new CancelledError();
    this.asked.push(request);
    return this.answers.length ? this.answers.shift()! : this.fallback;
  }
}

export class MemoryStore<T> {
  saves = 0;
  constructor(public value?: T) {}
  load(): T | undefined {
    return this.value === undefined ? undefined : (JSON.parse(JSON.stringify(this.value)) as T);
  }
  save(value: T): void {
    this.saves++;
    this.value = JSON.parse(JSON.stringify(value)) as T;
  }
}

export function newSession(store: SnapshotStore = new MemoryStore<ViewSnapshot>()): DeploySession {
  return new DeploySession(store);
}

export interface TestContext extends AgentContext {
  session: DeploySession;
  manifestStore: ManifestStore;
  deploys: DeployOptions[];
  written: Map<string, string>;
}

/** An AgentContext for the workspace at `root`, deploying through `session` with `ports`. */
export function testAgentContext(
  root: string,
  ports: CloudPorts,
  opts: { session?: DeploySession; overrides?: Partial<DeployOptions>; usage?: UsageGuard; buildPollMs?: number } = {},
): TestContext {
  const session = opts.session ?? newSession();
  const manifestStore = memoryManifestStore();
  const ctx: TestContext = {
    session,
    manifestStore,
    manifests: () => manifestStore,
    deploys: [],
    written: new Map(),
    usage: opts.usage,
    deployOptions: () => testDeployOptions(root, { verifyTimeoutSeconds: 20, ...opts.overrides }),
    cloud: () => ports,
    runDeploy: (o, signal) => {
      ctx.deploys.push(o);
      return session.run((emit, s) => runDeploy(o, { ports, emit, manifests: manifestStore, buildPollMs: opts.buildPollMs ?? 100 }, s), signal);
    },
    lastDeploy: () => session.current.deploy,
    deployHistory: () => session.current.history ?? [],
    // The same jail as the VS Code context, so tools are tested against what the extension enforces.
    readWorkspaceFile: (rel, o) => agentJail(root, o).readText(rel),
    writeWorkspaceFile: async (rel, content) => {
      await agentJail(root).writeText(rel, content);
      ctx.written.set(rel, content);
    },
  };
  return ctx;
}

export type ScriptStep = ModelChunk[] | Error | 'hang';

/** A ModelPort answering from a script, recording each request (for unit tests; integration tests use the emulator). */
export class ScriptedModel implements ModelPort {
  readonly label = 'scripted';
  readonly requests: ModelRequest[] = [];
  constructor(public script: ScriptStep[]) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelChunk> {
    this.requests.push(JSON.parse(JSON.stringify(request)) as ModelRequest);
    const step = this.script.shift();
    if (step === undefined) throw new Error('ScriptedModel: no scripted reply left');
    if (step instanceof Error) throw step;
    if (step === 'hang') {
      await new Promise<never>((_, reject) => {
        if (signal.aborted) reject(new CancelledError());
        signal.addEventListener('abort', () => reject(new CancelledError()), { once: true });
      });
    }
    for (const chunk of step as ModelChunk[]) {
      if (signal.aborted) throw new CancelledError();
      await new Promise((r) => setImmediate(r));
      yield chunk;
    }
  }
}

export const call = (name: string, args: Record<string, unknown> = {}, id?: string): ModelChunk => ({ functionCalls: [{ name, args, ...(id ? { id } : {}) }] });
export const text = (t: string): ModelChunk => ({ text: t });

/** One chat turn without a model (the offline parser) over `ctx`, cards answered by `confirm`: the answers and notices, and each tool call as `name:status`. */
export async function offlineChatTurn(message: string, ctx: AgentContext, confirm: ConfirmPort): Promise<{ answers: string[]; tools: string[] }> {
  const answers: string[] = [];
  const tools: string[] = [];
  await runChatTurn(
    message,
    {
      registry: createToolRegistry(),
      ctx,
      confirm,
      model: undefined,
      conversation: new Conversation(),
      facts: () => ({ workspaceName: 'w', options: { allowUnauthenticated: true } }),
      cancelDeploy: () => false,
    },
    {
      text: () => undefined,
      textEnd: () => undefined,
      tool: (c) => tools.push(`${c.name}:${c.status}`),
      answer: (a) => answers.push(a),
      notice: (n) => answers.push(n),
    },
    new AbortController().signal,
  );
  return { answers, tools };
}
