import * as vscode from 'vscode';
import type { UsageGuard } from '../../core/base/usage';
import type { DeploySession } from '../../core/deploy/deploySession';
import { API_KEY_SECRET, setApiKey } from './chat/agentHost';
import type { DeployRunner } from './deploy/deployRunner';
import { SECTION } from './settings';
import { CHOOSE_FOLDER_COMMAND, type FolderChoice } from './workspaceFolder';

export interface CommandDeps {
  runner: Pick<DeployRunner, 'deploy'>;
  session: Pick<DeploySession, 'cancel'>;
  chat: { reset(): Promise<void> };
  usage: Pick<UsageGuard, 'report'>;
  folders: Pick<FolderChoice, 'choose'>;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
  /** Shows the new AI mode after the key changed. */
  refreshAiMode(): Promise<void>;
}

/** The palette commands that only call into what activate() built (the feature folders register their own). */
/** "Deploy to Cloud Run" on a folder in the Explorer (package.json's explorer/context menu). */
export const DEPLOY_FOLDER_COMMAND = 'devgem.deployFolder';

export function registerCommands(d: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('devgem.deploy', () => d.runner.deploy()),
    // The Explorer's folder context menu passes the folder's URI.
    vscode.commands.registerCommand(DEPLOY_FOLDER_COMMAND, (uri?: vscode.Uri) => d.runner.deploy(uri && typeof uri.fsPath === 'string' ? uri : undefined)),
    vscode.commands.registerCommand('devgem.cancelDeploy', () => {
      if (!d.session.cancel()) void vscode.window.showInformationMessage(vscode.l10n.t('No Devgem deploy is running.'));
    }),
    vscode.commands.registerCommand('devgem.showLog', () => d.log.show()),
    vscode.commands.registerCommand('devgem.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', `@ext:devgem.devgem ${SECTION}.`),
    ),
    vscode.commands.registerCommand('devgem.setGeminiApiKey', async () => {
      await setApiKey(d.secrets);
      await d.refreshAiMode();
    }),
    vscode.commands.registerCommand('devgem.clearGeminiApiKey', async () => {
      await d.secrets.delete(API_KEY_SECRET);
      void vscode.window.showInformationMessage(vscode.l10n.t('Gemini API key removed from secret storage.'));
      await d.refreshAiMode();
    }),
    vscode.commands.registerCommand('devgem.newChat', () => d.chat.reset()),
    vscode.commands.registerCommand('devgem.showUsage', () => vscode.window.showInformationMessage(d.usage.report(), { modal: true })),
    vscode.commands.registerCommand(CHOOSE_FOLDER_COMMAND, () => d.folders.choose()),
  );
}
