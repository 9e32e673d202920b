import { runAgentTurn, type AgentEvents } from '../agent/agent';
import type { AgentContext } from '../agent/context';
import type { Conversation } from '../agent/conversation';
import type { ModelPort } from '../agent/model';
import { systemPrompt, type PromptFacts } from '../agent/prompt';
import type { ConfirmPort, ToolRegistry } from '../agent/registry';
import { WorkspaceFacts } from '../agent/workspaceFacts';
import { evidenceCallsFor } from '../agent/fixLoop';
import { redactText } from '../base/redact';
import { parseChatIntent } from './intents/parseChatIntent';
import { answerOffline } from './offline';

export interface ChatTurnDeps {
  registry: ToolRegistry<AgentContext>;
  ctx: AgentContext;
  /** Asks the user before a write; the sidebar's card or a modal. */
  confirm: ConfirmPort;
  /** The model, or undefined to answer with the deterministic parser (no AI configured). */
  model: ModelPort | undefined;
  /** The model-facing history this turn extends. */
  conversation: Conversation;
  /** Trusted facts for the system prompt (settings, workspace name); the pinned facts, the deploy and its history are added here. */
  facts(): Omit<PromptFacts, 'deploy' | 'earlier' | 'pinned'>;
  /** The folder's analysis and resolved target, pinned into every request; keep one per chat so its cache lasts (a fresh one when left out). */
  workspaceFacts?: WorkspaceFacts;
  maxSteps?: number;
  /** The offline "cancel": true when a deploy was running and is being cancelled. */
  cancelDeploy(): boolean;
}

export interface ChatTurnEvents {
  /** The model's reply so far, redacted as a whole; `added` is what a view that only appends (Chat's stream) adds now. */
  text(reply: string, added: string): void;
  /** The reply is complete (`reply`: its final text, '' when the model only called tools); the next text starts a new one. */
  textEnd(reply: string): void;
  tool: AgentEvents['tool'];
  /** The offline parser's whole answer, redacted. */
  answer(text: string): void;
  /** Something the user should know that is not the model's reply (the step budget ran out, the model stopped short), redacted. */
  notice(text: string): void;
}

/**
 * One user message, answered the same way wherever it was typed (the sidebar,
 * `@devgem` in VS Code's Chat): by the model with the tool registry, or without
 * a model by the offline intents on the same tools; writes go through `confirm`,
 * and every text shown is redacted. Throws what the turn threw (a cancel
 * included); the caller reports it.
 */
export async function runChatTurn(message: string, deps: ChatTurnDeps, events: ChatTurnEvents, signal: AbortSignal): Promise<void> {
  const { registry, ctx, confirm, model } = deps;
  if (!model) {
    const answer = await answerOffline(parseChatIntent(message), { registry, ctx, confirm, events, cancelDeploy: () => deps.cancelDeploy() }, signal);
    events.answer(redactText(answer));
    return;
  }
  // Once per message: the analysis is cached while the folder is unchanged, and the target is cheap to resolve.
  const pinned = await (deps.workspaceFacts ?? new WorkspaceFacts()).get(() => ctx.deployOptions(), signal);
  const reply = new RedactedReply(events);
  const end = await runAgentTurn(
    message,
    {
      model,
      registry,
      ctx,
      confirm,
      conversation: deps.conversation,
      events: { text: (delta) => reply.add(delta), textEnd: () => reply.end(), tool: (card) => events.tool(card) },
      maxSteps: deps.maxSteps,
      system: (earlier) => systemPrompt({ ...deps.facts(), pinned, deploy: ctx.lastDeploy(), history: ctx.deployHistory(), earlier }),
      beforeModelCall: () => {
        ctx.usage?.check('model');
        ctx.usage?.record('model');
      },
      onUsage: (usage) => ctx.usage?.recordTokens(usage),
      firstCalls: evidenceCallsFor(message),
    },
    signal,
  );
  if (end.kind === 'max-steps') {
    events.notice(`I stopped after ${end.steps} steps without a final answer. Tell me how to continue, or ask something narrower.`);
  } else if (end.kind === 'model-stopped' || end.kind === 'over-budget') {
    // A reply the model cut short or refused must not leave an empty answer.
    events.notice(redactText(end.message));
  }
}

/**
 * The reply is redacted as a whole each time it grows, not piece by piece: a
 * token split across two pieces matches only once both arrived, and redacting
 * the first piece alone would leave the second piece's characters in view.
 */
class RedactedReply {
  private raw = '';
  private shown = '';

  constructor(private readonly events: Pick<ChatTurnEvents, 'text' | 'textEnd'>) {}

  add(delta: string): void {
    this.raw += delta;
    const next = redactText(this.raw);
    // A redaction that rewrote text already streamed cannot be taken back there: append from where they differ.
    let same = 0;
    while (same < this.shown.length && same < next.length && this.shown[same] === next[same]) same++;
    const added = next.slice(same);
    this.shown = next;
    this.events.text(next, added);
  }

  end(): void {
    const text = redactText(this.raw);
    this.raw = '';
    this.shown = '';
    this.events.textEnd(text);
  }
}
