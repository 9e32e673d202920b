import * as vscode from 'vscode';
import { runAgentTurn } from '../../../core/agent/agent';
import type { AgentContext } from '../../../core/agent/context';
import { Conversation } from '../../../core/agent/conversation';
import type { ModelTurn } from '../../../core/agent/model';
import { answerOffline } from '../../../core/chat/offline';
import { systemPrompt } from '../../../core/agent/prompt';
import { redactDeep } from '../../../core/base/redact';
import type { ConfirmPort, ToolRegistry } from '../../../core/agent/registry';
import { LM_TOOL_PREFIX } from '../../../core/agent/tools';
import { parseChatIntent } from '../../../core/chat/intents/parseChatIntent';
import { isCancelled } from '../../../core/base/errors';
import type { ModelProvider } from './agentHost';
import { VIEW_ID } from '../webview/viewProvider';

export const PARTICIPANT_ID = 'devgem.agent';

/**
 * `@devgem` in VS Code's Chat, and Devgem's read-only tools for Chat's agent
 * mode. The sidebar stays the primary UI; here writes still need the user's
 * click (a modal), through the same registry.
 */
export function registerVscodeChat(deps: {
  registry: ToolRegistry<AgentContext>;
  ctx: AgentContext;
  models: ModelProvider;
  modalConfirm: ConfirmPort;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  // Older hosts or hosts without Chat (e.g. some web builds) lack these APIs.
  if (typeof vscode.lm?.registerTool === 'function') {
    // Read-only tools only: VS Code's agent mode has no Devgem confirmation in front of them.
    for (const tool of deps.registry.list((t) => t.risk === 'read')) {
      disposables.push(
        vscode.lm.registerTool<Record<string, unknown>>(`${LM_TOOL_PREFIX}${tool.name}`, {
          invoke: async (options, token) => {
            const signal = abortOn(token);
            const outcome = await deps.registry.execute({ name: tool.name, args: options.input ?? {} }, deps.ctx, { confirm: deps.modalConfirm }, signal);
            return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(redactDeep(outcome.response)))]);
          },
          prepareInvocation: () => ({ invocationMessage: `Devgem: ${tool.name.replace(/_/g, ' ')}…` }),
        }),
      );
    }
  }
  if (typeof vscode.chat?.createChatParticipant === 'function') {
    const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, async (request, context, stream, token) => {
      const signal = abortOn(token);
      const toolEvents = {
        tool: (card: { name: string; status: string; summary?: string }) => {
          if (card.status === 'running') stream.progress(`${card.name.replace(/_/g, ' ')}…`);
        },
      };
      try {
        const model = await deps.models.get();
        if (!model) {
          const answer = await answerOffline(
            parseChatIntent(request.prompt),
            { registry: deps.registry, ctx: deps.ctx, confirm: deps.modalConfirm, events: toolEvents, cancelDeploy: () => false },
            signal,
          );
          stream.markdown(answer);
        } else {
          const conversation = new Conversation({ turns: historyTurns(context.history), summary: [] });
          const end = await runAgentTurn(
            request.prompt,
            {
              model,
              registry: deps.registry,
              ctx: deps.ctx,
              confirm: deps.modalConfirm,
              conversation,
              system: (earlier) => systemPrompt({ workspaceName: vscode.workspace.workspaceFolders?.[0]?.name, deploy: deps.ctx.lastDeploy(), earlier }),
              events: { text: (d) => stream.markdown(d), textEnd: () => undefined, tool: toolEvents.tool },
              beforeModelCall: () => {
                deps.ctx.usage?.check('model');
                deps.ctx.usage?.record('model');
              },
              onUsage: (usage) => deps.ctx.usage?.recordTokens(usage),
            },
            signal,
          );
          // A reply Gemini cut short or refused must not leave an empty answer.
          if (end.kind === 'model-stopped' || end.kind === 'over-budget') stream.markdown(`\n\n${end.message}`);
        }
        stream.button({ command: `${VIEW_ID}.focus`, title: 'Open Devgem' });
        return {};
      } catch (err) {
        if (isCancelled(err, signal)) return {};
        const message = err instanceof Error ? err.message : String(err);
        return { errorDetails: { message } };
      }
    });
    participant.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'devgem.svg');
    disposables.push(participant);
  }
  return disposables;
}

/** Earlier @devgem exchanges of this Chat session, as plain text turns. */
function historyTurns(history: ReadonlyArray<vscode.ChatRequestTurn | vscode.ChatResponseTurn>): ModelTurn[] {
  const turns: ModelTurn[] = [];
  for (const h of history) {
    if (h instanceof vscode.ChatRequestTurn) turns.push({ role: 'user', parts: [{ text: h.prompt }] });
    else {
      const text = h.response.map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : '')).join('');
      if (text) turns.push({ role: 'model', parts: [{ text }] });
    }
  }
  return turns.slice(-20);
}

function abortOn(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
