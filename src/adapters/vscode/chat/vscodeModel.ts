import * as vscode from 'vscode';
import { CancelledError, DevgemError } from '../../../core/base/errors';
import { ModelCallError, type FunctionCall, type ModelChunk, type ModelPort, type ModelRequest, type ModelTurn } from '../../../core/agent/model';

// A chat model the user already has in VS Code (Copilot's or another
// extension's), behind the same ModelPort as Gemini: the agent loop, the tool
// registry, the confirmations and the token budget stay exactly the same.

const JUSTIFICATION = 'Devgem uses this model to plan deploys to Cloud Run; every change it proposes waits for your approval.';

export function vscodeChatModel(chat: vscode.LanguageModelChat): ModelPort {
  return {
    label: `${chat.name} (VS Code, ${chat.vendor})`,
    inputTokenLimit: chat.maxInputTokens > 0 ? chat.maxInputTokens : undefined,
    stream: (request, signal) => streamReply(chat, request, signal),
  };
}

async function* streamReply(chat: vscode.LanguageModelChat, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelChunk> {
  if (signal.aborted) throw new CancelledError();
  const cancel = new vscode.CancellationTokenSource();
  const onAbort = () => cancel.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const options: vscode.LanguageModelChatRequestOptions = { justification: JUSTIFICATION };
    if (request.tools.length > 0) {
      options.tools = request.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters }));
      options.toolMode = vscode.LanguageModelChatToolMode.Auto;
    }
    let response: vscode.LanguageModelChatResponse;
    try {
      response = await chat.sendRequest(toMessages(request), options, cancel.token);
    } catch (err) {
      const blocked = refusal(err, signal);
      if (blocked) return yield blocked;
      throw err;
    }
    try {
      for await (const part of response.stream) {
        if (signal.aborted) throw new CancelledError();
        if (part instanceof vscode.LanguageModelTextPart) {
          if (part.value) yield { text: part.value, parts: [{ text: part.value }] };
        } else if (part instanceof vscode.LanguageModelToolCallPart) {
          const call: FunctionCall = { id: part.callId, name: part.name, args: isRecord(part.input) ? part.input : {} };
          yield { functionCalls: [call], parts: [{ functionCall: call }] };
        }
      }
    } catch (err) {
      const blocked = refusal(err, signal);
      if (blocked) return yield blocked;
      throw err;
    }
    yield { finishReason: 'STOP' };
  } finally {
    signal.removeEventListener('abort', onAbort);
    cancel.dispose();
  }
}

/**
 * VS Code's chat messages: no system role, so the instructions open the
 * conversation as the first user message; every tool result is paired with
 * its call by id (ids made up, in order, where the history has none).
 */
export function toMessages(request: ModelRequest): vscode.LanguageModelChatMessage[] {
  const messages = [vscode.LanguageModelChatMessage.User(`Instructions for this conversation (from the Devgem extension):\n\n${request.system}`)];
  const pending = new Map<string, string[]>();
  let made = 0;
  request.turns.forEach((turn: ModelTurn) => {
    if (turn.role === 'model') {
      const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
      for (const p of turn.parts) {
        if (p.text) parts.push(new vscode.LanguageModelTextPart(p.text));
        if (p.functionCall) {
          const id = p.functionCall.id ?? `devgem-call-${++made}`;
          pending.set(p.functionCall.name, [...(pending.get(p.functionCall.name) ?? []), id]);
          parts.push(new vscode.LanguageModelToolCallPart(id, p.functionCall.name, p.functionCall.args));
        }
      }
      if (parts.length > 0) messages.push(vscode.LanguageModelChatMessage.Assistant(parts));
      return;
    }
    const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart)[] = [];
    for (const p of turn.parts) {
      if (p.text) parts.push(new vscode.LanguageModelTextPart(p.text));
      if (p.functionResponse) {
        const queue = pending.get(p.functionResponse.name) ?? [];
        const id = p.functionResponse.id ?? queue.shift() ?? `devgem-call-${++made}`;
        if (p.functionResponse.id)
          pending.set(
            p.functionResponse.name,
            queue.filter((q) => q !== id),
          );
        parts.push(new vscode.LanguageModelToolResultPart(id, [new vscode.LanguageModelTextPart(JSON.stringify(p.functionResponse.response))]));
      }
    }
    if (parts.length > 0) messages.push(vscode.LanguageModelChatMessage.User(parts));
  });
  return messages;
}

/** A refusal the chat can explain; other failures become errors that say what to do. */
function refusal(err: unknown, signal: AbortSignal): ModelChunk | undefined {
  if (signal.aborted) throw new CancelledError();
  if (!(err instanceof vscode.LanguageModelError)) {
    if (err instanceof DevgemError) throw err;
    throw new ModelCallError(err instanceof Error ? err.message : String(err), undefined);
  }
  if (err.code === vscode.LanguageModelError.Blocked.name) return { blockReason: 'OTHER', blockMessage: err.message };
  if (err.code === vscode.LanguageModelError.NoPermissions.name)
    throw new DevgemError('permission-denied', 'Devgem may not use this chat model yet.', {
      fix: 'Allow Devgem when VS Code asks, or manage it with "Manage Language Model Access…" in the Accounts menu.',
    });
  if (err.code === vscode.LanguageModelError.NotFound.name)
    throw new DevgemError('config', 'That chat model is no longer available.', {
      fix: 'Pick another model in the Chat view, or set up Gemini (Devgem: Set Gemini API Key).',
    });
  throw new ModelCallError(err.message, 400);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
