import type { ToolCallStatus, ToolRisk } from '../../shared/protocol';
import { CancelledError, isCancelled } from '../base/errors';
import type { Conversation } from './conversation';
import type { FunctionCall, ModelPart, ModelPort } from './model';
import { RedactingStream, redactDeep } from '../base/redact';
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
  /** Request budget in characters of history (~4 characters a token). */
  maxHistoryChars?: number;
  /** Called before each model request; throws to refuse it (usage limits). */
  beforeModelCall?(): void;
}

export type AgentTurnEnd = { kind: 'answered' } | { kind: 'max-steps'; steps: number };

const DEFAULT_MAX_STEPS = 12;
const DEFAULT_HISTORY_CHARS = 400_000;

let callSeq = 0;

/**
 * One user message through the model: stream the reply, run the tool calls it
 * makes (several per turn, in order), feed the results back, until the model
 * answers without calling a tool or the step budget is spent. Stop (`signal`)
 * aborts the stream or the running tool, and the history is left consistent.
 */
export async function runAgentTurn<C>(userText: string, o: AgentTurnOptions<C>, signal: AbortSignal): Promise<AgentTurnEnd> {
  const maxSteps = o.maxSteps ?? DEFAULT_MAX_STEPS;
  // The conversation redacts what it is given (it is saved and sent back to the model).
  o.conversation.push({ role: 'user', parts: [{ text: userText }] });
  for (let step = 1; step <= maxSteps; step++) {
    if (signal.aborted) throw new CancelledError();
    o.beforeModelCall?.();
    const { turns, trimmed } = o.conversation.forModel(o.maxHistoryChars ?? DEFAULT_HISTORY_CHARS);
    const request = { system: o.system([...o.conversation.earlier, ...trimmed]), turns, tools: o.registry.declarations() };

    const parts: ModelPart[] = [];
    const calls: FunctionCall[] = [];
    // The reply leaves here for the chat, @devgem and the output: redacted, and never a token cut in half.
    const shown = new RedactingStream();
    const endText = () => {
      const rest = shown.end();
      if (rest) o.events.text(rest);
      o.events.textEnd();
    };
    try {
      for await (const chunk of o.model.stream(request, signal)) {
        const safe = chunk.text ? shown.push(chunk.text) : '';
        if (safe) o.events.text(safe);
        if (chunk.parts) parts.push(...chunk.parts);
        else if (chunk.text) parts.push({ text: chunk.text });
        if (chunk.functionCalls) {
          calls.push(...chunk.functionCalls);
          if (!chunk.parts) parts.push(...chunk.functionCalls.map((fc) => ({ functionCall: fc })));
        }
      }
    } catch (err) {
      // Keep what the user already saw, so the next request knows it was said.
      const text = parts
        .filter((p) => p.text && !p.functionCall)
        .map((p) => p.text)
        .join('');
      if (text) o.conversation.push({ role: 'model', parts: [{ text: `${text} [interrupted]` }] });
      else o.conversation.push({ role: 'model', parts: [{ text: '[no reply: interrupted]' }] });
      endText();
      throw err;
    }
    endText();
    o.conversation.push({ role: 'model', parts: mergeText(parts).length ? mergeText(parts) : [{ text: '' }] });
    if (!calls.length) return { kind: 'answered' };

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
  return { kind: 'max-steps', steps: maxSteps };
}

function fnResponse(call: FunctionCall, response: Record<string, unknown>): ModelPart {
  return { functionResponse: { ...(call.id ? { id: call.id } : {}), name: call.name, response } };
}

/** Streamed text arrives in many small parts; history keeps them as one. */
function mergeText(parts: ModelPart[]): ModelPart[] {
  const out: ModelPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    const plainText = (x: ModelPart | undefined) => x && x.text !== undefined && !x.functionCall && !x.functionResponse && !x.thoughtSignature;
    if (plainText(p) && plainText(last)) out[out.length - 1] = { text: last!.text! + p.text! };
    else out.push(p);
  }
  return out;
}
