import * as vscode from 'vscode';
import type { ReviewFiles } from '../../../core/agent/registry';
import { loadDeployConfigForm, saveDeployConfigForm } from '../../../core/deploy/deployConfigForm';
import type { HostMessage } from '../../../shared/protocol';
import type { DeployActions } from '../deploy/deployActions';
import { SHOW_PAST_BUILD_LOG_COMMAND } from '../deploy/pastBuildLog';
import { copyText, insertCode } from './codeActions';
import { isSafeExternalUrl } from './messageValidation';
import type { WebviewHandlers } from './router';

export interface SidebarMessageDeps {
  runner: { deploy(): Promise<unknown> };
  session: { cancel(): boolean };
  chat: { handle(text: string): Promise<void>; stop(): boolean };
  /** The confirmation card: true when the click answered the open question; the open question's edit, if it has one. */
  card: { answer(id: string, token: string, approve: boolean): boolean; reviewOf(id: string): ReviewFiles | undefined };
  /** VS Code's diff editor, read-only (chat/diffReview.ts). */
  diffs: { open(review: ReviewFiles): Promise<void> };
  actions: Pick<DeployActions, 'openLogInEditor' | 'openBuildInConsole' | 'retry' | 'fixWithAi'>;
  log: vscode.LogOutputChannel;
  /** The settings form: the folder whose .devgem/deploy.json it edits, and the way back to the webview. */
  settings: { root(): string | undefined; reply(message: HostMessage): void };
}

/** What each message of the sidebar webview does in the host (validated before it gets here). */
export function sidebarHandlers(d: SidebarMessageDeps): WebviewHandlers {
  return {
    // The view provider answers `ready` itself (it starts sending snapshots).
    ready: () => undefined,
    deploy: async () => {
      await d.runner.deploy();
    },
    cancel: () => {
      d.session.cancel();
    },
    chat: (m) => d.chat.handle(m.text),
    stop: () => {
      if (!d.chat.stop()) d.session.cancel();
    },
    confirm: (m) => {
      if (!d.card.answer(m.id, m.token, m.approve)) d.log.warn('Ignored a confirmation that does not match the open question.');
    },
    reviewDiff: async (m) => {
      const review = d.card.reviewOf(m.id);
      if (review) return d.diffs.open(review);
      // A card answered or replaced meanwhile: its edit is gone, and another question's must not open in its name.
      d.log.warn('Ignored a diff review for a question that is not open or changes no file.');
      void vscode.window.showWarningMessage(
        vscode.l10n.t('There is no change to review for that approval card: it was already answered or replaced, or it changes no file. Nothing was opened.'),
      );
    },
    openUrl: async (m) => {
      if (isSafeExternalUrl(m.url)) await vscode.env.openExternal(vscode.Uri.parse(m.url));
    },
    copyUrl: async (m) => {
      await vscode.env.clipboard.writeText(m.url);
    },
    insertCode: (m) => insertCode(m.code, m.language),
    copyText: (m) => copyText(m.text),
    openLogInEditor: () => d.actions.openLogInEditor(),
    openBuildInConsole: () => d.actions.openBuildInConsole(),
    showPastBuildLog: async (m) => {
      await vscode.commands.executeCommand(SHOW_PAST_BUILD_LOG_COMMAND, m.deployId);
    },
    retry: () => d.actions.retry(),
    fixWithAi: () => d.actions.fixWithAi(),
    showLog: () => d.log.show(true),
    getDeployConfig: async () => {
      d.settings.reply({ type: 'deployConfig', reply: await loadDeployConfigForm(d.settings.root()) });
    },
    saveDeployConfig: async (m) => {
      const reply = await saveDeployConfigForm(d.settings.root(), m.config);
      if (reply.error) d.log.warn(`Deploy settings not saved: ${reply.error.message}`);
      d.settings.reply({ type: 'deployConfig', reply });
    },
  };
}
