import type { ToolCallStatus, ToolRisk } from '../../shared/protocol';
import { CancelledError, isCancelled } from '../base/errors';
import { RedactingStream, redactDeep, redactText } from '../base/redact';
import { buildRequest } from './agentRequest';
import type { Conversation } from './conversation';
import { CALL_CORRECTION, judgeReply, retryFailedMessage } from './finishReasons';
import type { FunctionCall, ModelPart, ModelPort, ModelTurn, TokenUsage } from './model';
import { ModelReply, mergeText } from './modelReply';
import type { ConfirmPort, ToolRegistry } from './registry';

export interface AgentEvents {
  /** More text of the model's current reply. */
  text(delta: string): void;
  /** The current reply is complete (the next text starts a new message). */
  textEnd(): void;
  /** A tool call appeared or changed status. */
  tool(card: { callId: string; name: string; risk: ToolRisk; args: Record<string, unknown>; status: ToolCallStatus; summary?: string }): void;
}

export interface AgentTurnOptions<C> {
  model: ModelPort;
  registry: ToolRegistry<C>;
  ctx: C;
  confirm: ConfirmPort;
  conversation: Conversation;
  /** Built fresh for each model request (it carries the current deploy's facts). */
  system(earlier: readonly string[]): string;
  events: AgentEvents;
  /** Model requests per user message. */
  maxSteps?: number;
  /** The model's input window in tokens, when the port does not say (tests); the context budget follows from it. */
  inputTokenLimit?: number;
  /** Called before each model request; throws to refuse it (usage limits). */
  beforeModelCall?(): void;
  /** What each model call used, as the model reported it. */
  onUsage?(usage: TokenUsage): void;
  /** Read tools run before the first model request, as if the model had called them (the evidence "Fix with AI" starts from). */
  firstCalls?: FunctionCall[];
}

export type AgentTurnEnd =
  | { kind: 'answered' }
  | { kind: 'max-steps'; steps: number }
  /** The model refused or cut its reply short (finish reason, blocked prompt, empty reply): `message` says what to do. */
  | { kind: 'model-stopped'; reason: string; message: string }
  /** Even compacted, the request would not fit in the model's window. */
  | { kind: 'over-budget'; message: string };

const DEFAULT_MAX_STEPS = 12;

let callSeq = 0;

/**
 * One user message through the model: stream the reply, run the tool calls it
 * makes (several per turn, in order), feed the results back, until the model
 * answers without calling a tool or the step budget is spent. A reply that
 * ends any way but normally ends the turn with a message for the user (a
 * malformed call is first retried once). Stop (`signal`) aborts the stream or
 * the running tool, and the history is left consistent.
 */
export async function runAgentTurn<C>(userText: string, o: AgentTurnOptions<C>, signal: AbortSignal): Promise<AgentTurnEnd> {
  const maxSteps = o.maxSteps ?? DEFAULT_MAX_STEPS;
  const exchangeStart = o.conversation.length;
  // The conversation redacts what it is given (it is saved and sent back to the model).
  o.conversation.push({ role: 'user', parts: [{ text: userText }] });
  // Only reads: a write needs the model's own call and the user's click.
  const first = (o.firstCalls ?? []).filter((c) => o.registry.get(c.name)?.risk === 'read');
  if (first.length) {
    o.conversation.push({ role: 'model', parts: first.map((c) => ({ functionCall: c })) });
    await runCalls(first, o, signal);
  }
  /** Sent after a malformed call, for one more try; never kept in the history. */
  let correction: ModelTurn[] | undefined;
  /** Text the user already saw before a malformed call: it belongs to the reply that follows. */
  let said: ModelPart[] = [];
  for (let step = 1; step <= maxSteps; step++) {
    if (signal.aborted) throw new CancelledError();
    const request = buildRequest(o, correction);
    if (request.kind === 'over-budget') {
      o.conversation.push(note('[no reply: the conversation no longer fits in the model context]'));
      return { kind: 'over-budget', message: request.message };
    }
    try {
      o.beforeModelCall?.();
    } catch (err) {
      o.conversation.push(note(`[no reply: ${err instanceof Error ? err.message : String(err)}]`));
      throw err;
    }

    const reply = new ModelReply();
    // The reply leaves here for the chat, @devgem and the output: redacted, and never a token cut in half.
    const shown = new RedactingStream();
    const endText = () => {
      const rest = shown.end();
      if (rest) o.events.text(rest);
      o.events.textEnd();
    };
    try {
      for await (const chunk of o.model.stream(request.request, signal)) {
        const safe = chunk.text ? shown.push(chunk.text) : '';
        if (safe) o.events.text(safe);
        reply.add(chunk);
      }
    } catch (err) {
      // Keep what the user already saw, so the next request knows it was said.
      const text = [...said, ...reply.textParts()].map((p) => p.text).join('');
      o.conversation.push(note(text ? `${text} [interrupted]` : '[no reply: interrupted]'));
      endText();
      throw err;
    } finally {
      if (reply.usage) o.onUsage?.(reply.usage);
    }
    endText();

    const verdict = judgeReply(reply.end);
    if (verdict.kind === 'retry' && !correction) {
      said = [...said, ...reply.textParts()];
      correction = correctionTurns(said);
      continue;
    }
    if (verdict.kind === 'blocked') {
      // The refused request must not be resent with the next message, or that one is refused too.
      o.conversation.truncate(exchangeStart);
      o.conversation.push({ role: 'user', parts: [{ text: `[message left out: Gemini refused the request (${verdict.reason})]` }] });
      o.conversation.push(note('[no reply]'));
      return { kind: 'model-stopped', reason: verdict.reason, message: verdict.message };
    }
    if (verdict.kind !== 'ok') {
      const reason = verdict.reason;
      const message = verdict.kind === 'retry' ? retryFailedMessage(reason, reply.end.finishMessage) : verdict.message;
      // Its calls are not run, so they must not enter the history without their responses.
      const text = mergeText([...said, ...reply.textParts()]);
      o.conversation.push(text.length ? { role: 'model', parts: [...text, { text: ` [cut off: ${reason}]` }] } : note(`[no reply: ${reason}]`));
      return { kind: 'model-stopped', reason, message };
    }
    correction = undefined;
    const parts = mergeText([...said, ...reply.parts]);
    said = [];
    o.conversation.push({ role: 'model', parts: parts.length ? parts : [{ text: '' }] });
    if (!reply.calls.length) return { kind: 'answered' };
    await runCalls(reply.calls, o, signal);
  }
  return { kind: 'max-steps', steps: maxSteps };
}

/** Runs the reply's calls in order and answers each in one turn; Stop answers the rest as not run, then ends the turn. */
async function runCalls<C>(calls: FunctionCall[], o: AgentTurnOptions<C>, signal: AbortSignal): Promise<void> {
  const responses: ModelPart[] = [];
  let stopped: unknown;
  for (const call of calls) {
    const callId = call.id ?? `call-${++callSeq}`;
    const args = (call.args ?? {}) as Record<string, unknown>;
    const card = { callId, name: call.name, risk: o.registry.riskOf(call.name), args: redactDeep(args) };
    if (stopped) {
      responses.push(fnResponse(call, { cancelled: true, message: 'Not run: the user pressed Stop.' }));
      o.events.tool({ ...card, status: 'cancelled' });
      continue;
    }
    o.events.tool({ ...card, status: 'running' });
    try {
      const outcome = await o.registry.execute(call, o.ctx, { confirm: o.confirm, onStatus: (status) => o.events.tool({ ...card, status }) }, signal);
      o.events.tool({ ...card, status: outcome.status, summary: outcome.summary });
      responses.push(fnResponse(call, outcome.response));
    } catch (err) {
      if (!isCancelled(err, signal)) throw err;
      stopped = err;
      o.events.tool({ ...card, status: 'cancelled', summary: 'Stopped' });
      responses.push(fnResponse(call, { cancelled: true, message: 'Stopped by the user.' }));
    }
  }
  // Every function call gets its response, even after Stop: the model API requires the pair.
  o.conversation.push({ role: 'user', parts: responses });
  if (stopped) throw stopped;
}

/** What follows the history for the retry: the text already said (if any), then Devgem's correction as a user turn. */
function correctionTurns(said: ModelPart[]): ModelTurn[] {
  // Sent back to the model like the history, so redacted like it.
  const text = mergeText(said).map((p) => ({ ...p, text: redactText(p.text ?? '') }));
  return [...(text.length ? [{ role: 'model' as const, parts: text }] : []), { role: 'user', parts: [{ text: CALL_CORRECTION }] }];
}

function note(text: string): ModelTurn {
  return { role: 'model', parts: [{ text }] };
}

function fnResponse(call: FunctionCall, response: Record<string, unknown>): ModelPart {
  return { functionResponse: { ...(call.id ? { id: call.id } : {}), name: call.name, response } };
}
