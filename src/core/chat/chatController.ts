import type { ChatMessage, ToolCallStatus, ToolRisk } from '../../shared/protocol';
import type { DeploySession } from '../deploy/deploySession';
import { DevgemError, isCancelled } from '../base/errors';
import type { AgentContext } from '../agent/context';
import { Conversation, type SavedConversation } from '../agent/conversation';
import type { ModelPort } from '../agent/model';
import type { PromptFacts } from '../agent/prompt';
import { WorkspaceFacts } from '../agent/workspaceFacts';
import { redactText } from '../base/redact';
import type { ConfirmPort, ToolRegistry } from '../agent/registry';
import { runChatTurn } from './chatTurn';

export interface ConversationStore {
  load(): SavedConversation | undefined;
  save(conversation: SavedConversation): void | Thenable<void>;
}

export interface ChatControllerDeps {
  session: DeploySession;
  registry: ToolRegistry<AgentContext>;
  ctx: AgentContext;
  confirm: ConfirmPort;
  /** The model to use now; undefined = no model configured (offline chat). Errors say what is misconfigured. */
  model(): Promise<ModelPort | undefined>;
  store: ConversationStore;
  /** Trusted facts for the system prompt (settings, workspace name). */
  facts(): Omit<PromptFacts, 'deploy' | 'earlier' | 'pinned'>;
  /** The folder's analysis and resolved target, pinned into every request; one is made when left out. */
  workspaceFacts?: WorkspaceFacts;
  maxSteps?: number;
  /** How often a streaming reply is pushed to the view, at most. */
  streamFlushMs?: number;
  log?(line: string): void;
}

const ARGS_SHOWN = 2000;

/**
 * The sidebar chat: one user message at a time, answered through runChatTurn
 * (the Gemini agent or, with no model, the deterministic parser, on the same
 * tools and confirmations as @devgem), streamed into the tracker's session.
 * Stop aborts whatever runs. The model-facing history is saved after every
 * message so a window reload loses nothing.
 */
export class ChatController {
  private readonly conversation: Conversation;
  private readonly workspaceFacts: WorkspaceFacts;
  private running?: AbortController;

  constructor(private readonly deps: ChatControllerDeps) {
    this.conversation = new Conversation(safeLoad(deps.store));
    this.workspaceFacts = deps.workspaceFacts ?? new WorkspaceFacts();
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The history the model sees (for tests and "new chat"). */
  get history(): Conversation {
    return this.conversation;
  }

  stop(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  /** Forgets the conversation (the chat shown and the model's history). */
  async reset(): Promise<void> {
    this.stop();
    this.conversation.clear();
    this.deps.session.clearChat();
    await this.deps.store.save(this.conversation.toJSON());
  }

  async handle(text: string): Promise<void> {
    const { session } = this.deps;
    const message = text.trim();
    if (!message) return;
    if (this.running) {
      session.say('notice', 'Devgem is still working on your last message. Press Stop to interrupt it.');
      return;
    }
    const controller = new AbortController();
    this.running = controller;
    session.say('user', redactText(message));
    let model: ModelPort | undefined;
    try {
      model = await this.deps.model();
    } catch (err) {
      session.say('notice', `${describe(err)} Answering without AI for now.`);
    }
    session.setAgent({ busy: true, mode: model ? 'gemini' : 'offline', model: model?.label });
    try {
      await this.turn(model, message, controller.signal);
    } catch (err) {
      if (isCancelled(err, controller.signal)) session.say('notice', 'Stopped.');
      else {
        this.deps.log?.(`Chat failed: ${redactText(err instanceof Error ? (err.stack ?? err.message) : String(err))}`);
        session.say('notice', describe(err));
      }
    } finally {
      this.running = undefined;
      session.setAgent({ busy: false, mode: model ? 'gemini' : 'offline', model: model?.label });
      this.conversation.compact();
      await Promise.resolve(this.deps.store.save(this.conversation.toJSON())).catch(() => undefined);
    }
  }

  private turn(model: ModelPort | undefined, text: string, signal: AbortSignal): Promise<void> {
    const { session } = this.deps;
    let reply: ChatMessage | undefined;
    let lastFlush = 0;
    const flushMs = this.deps.streamFlushMs ?? 50;
    const flush = (final: boolean) => {
      if (!reply) return;
      reply = { ...reply, streaming: !final };
      session.upsertChat(reply);
      lastFlush = Date.now();
    };
    return runChatTurn(
      text,
      {
        registry: this.deps.registry,
        ctx: this.deps.ctx,
        confirm: this.deps.confirm,
        model,
        conversation: this.conversation,
        facts: () => this.deps.facts(),
        workspaceFacts: this.workspaceFacts,
        maxSteps: this.deps.maxSteps,
        cancelDeploy: () => session.cancel(),
      },
      {
        text: (whole) => {
          reply = reply ? { ...reply, text: whole } : { id: session.newId(), role: 'assistant', text: whole, at: Date.now(), streaming: true };
          if (Date.now() - lastFlush >= flushMs) flush(false);
        },
        textEnd: (whole) => {
          if (reply) reply = { ...reply, text: whole };
          flush(true);
          reply = undefined;
        },
        tool: (card) => this.toolCard(card),
        answer: (answer) => session.say('assistant', answer),
        notice: (notice) => session.say('notice', notice),
      },
      signal,
    );
  }

  private toolCard(card: { callId: string; name: string; risk: ToolRisk; args: Record<string, unknown>; status: ToolCallStatus; summary?: string }): void {
    const args = JSON.stringify(card.args, null, 2);
    this.deps.session.upsertChat({
      id: `tool-${card.callId}`,
      role: 'tool',
      text: '',
      at: Date.now(),
      tool: {
        callId: card.callId,
        name: card.name,
        risk: card.risk,
        status: card.status,
        args: args.length > ARGS_SHOWN ? `${args.slice(0, ARGS_SHOWN)}…` : args,
        summary: card.summary,
      },
    });
  }
}

function describe(err: unknown): string {
  if (err instanceof DevgemError) return redactText(err.fix ? `${err.message}\nFix: ${err.fix}` : err.message);
  return redactText(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`);
}

function safeLoad(store: ConversationStore): SavedConversation | undefined {
  try {
    return store.load();
  } catch {
    return undefined;
  }
}
