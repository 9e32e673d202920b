import * as vscode from 'vscode';
import type { AgentContext } from '../../../core/agent/context';
import { Conversation } from '../../../core/agent/conversation';
import type { ModelTurn } from '../../../core/agent/model';
import { WorkspaceFacts } from '../../../core/agent/workspaceFacts';
import { redactDeep, redactText } from '../../../core/base/redact';
import type { ConfirmPort, ToolRegistry } from '../../../core/agent/registry';
import { LM_TOOL_PREFIX } from '../../../core/agent/tools';
import { isCancelled } from '../../../core/base/errors';
import { runChatTurn, type ChatTurnDeps } from '../../../core/chat/chatTurn';
import type { ModelProvider } from './agentHost';
import { VIEW_ID } from '../webview/viewProvider';
import { abortSignalOf } from '../lifecycle';
import { readAgentSettings } from '../settings';
import { toolTitle } from '../../../shared/toolTitles';

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
  /** The same prompt facts as the sidebar's (the chosen folder's name and settings). */
  facts: ChatTurnDeps['facts'];
}): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  // Older hosts or hosts without Chat (e.g. some web builds) lack these APIs.
  if (typeof vscode.lm?.registerTool === 'function') {
    // Read-only tools only: VS Code's agent mode has no Devgem confirmation in front of them.
    for (const tool of deps.registry.list((t) => t.risk === 'read')) {
      disposables.push(
        vscode.lm.registerTool<Record<string, unknown>>(`${LM_TOOL_PREFIX}${tool.name}`, {
          invoke: async (options, token) => {
            const cancel = abortSignalOf(token);
            try {
              const outcome = await deps.registry.execute(
                { name: tool.name, args: options.input ?? {} },
                deps.ctx,
                { confirm: deps.modalConfirm },
                cancel.signal,
              );
              return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(redactDeep(outcome.response)))]);
            } finally {
              cancel.dispose();
            }
          },
          prepareInvocation: () => ({ invocationMessage: `Devgem: ${toolTitle(tool.name)}…` }),
        }),
      );
    }
  }
  if (typeof vscode.chat?.createChatParticipant === 'function') {
    // One per participant, so the folder's analysis is cached across requests as the sidebar's is.
    const workspaceFacts = new WorkspaceFacts();
    const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, async (request, context, stream, token) => {
      const cancel = abortSignalOf(token);
      const signal = cancel.signal;
      try {
        const model = await deps.models.forChatRequest(request.model);
        await runChatTurn(
          request.prompt,
          {
            registry: deps.registry,
            ctx: deps.ctx,
            confirm: deps.modalConfirm,
            model,
            conversation: new Conversation({ turns: historyTurns(context.history), summary: [] }),
            facts: deps.facts,
            workspaceFacts,
            maxSteps: readAgentSettings().maxSteps,
            // Cancel belongs to the sidebar's tracker; here the Chat view's own stop button ends the turn.
            cancelDeploy: () => false,
          },
          {
            text: (_reply, added) => stream.markdown(added),
            textEnd: () => undefined,
            tool: (card) => {
              if (card.status === 'running') stream.progress(`${card.name.replace(/_/g, ' ')}…`);
            },
            answer: (answer) => stream.markdown(answer),
            notice: (notice) => stream.markdown(`\n\n${notice}`),
          },
          signal,
        );
        stream.button({ command: `${VIEW_ID}.focus`, title: 'Open Devgem' });
        return {};
      } catch (err) {
        if (isCancelled(err, signal)) return {};
        const message = err instanceof Error ? err.message : String(err);
        return { errorDetails: { message: redactText(message) } };
      } finally {
        cancel.dispose();
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
