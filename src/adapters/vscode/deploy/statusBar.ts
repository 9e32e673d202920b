import * as vscode from 'vscode';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { currentStage } from '../../../shared/deployState';
import { STAGE_TITLES, type ViewSnapshot } from '../../../shared/protocol';
import type { CurrentFolder } from '../workspaceFolder';

const SHOW_RESULT_MS = 5 * 60_000;

/** Current stage with a spinner while deploying; the URL or the reason afterwards. */
export class DeployStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('devgem.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };
  private resetTimer?: NodeJS.Timeout;

  private readonly folderWatch: { dispose(): void };

  /** `folders`: the item shows only while a folder is open (there is nothing to deploy otherwise). */
  constructor(session: DeploySession, focusCommand: string, folders: CurrentFolder) {
    this.item.name = vscode.l10n.t('Devgem');
    this.item.command = focusCommand;
    this.subscription = session.onDidChange((s) => this.render(s));
    this.render(session.current, false);
    const visible = () => (folders.current() ? this.item.show() : this.item.hide());
    this.folderWatch = vscode.workspace.onDidChangeWorkspaceFolders(visible);
    visible();
  }

  private idle(): void {
    this.item.text = `$(rocket) ${vscode.l10n.t('Devgem')}`;
    this.item.tooltip = vscode.l10n.t('Devgem: deploy this folder to Cloud Run');
    this.item.backgroundColor = undefined;
  }

  private render(s: ViewSnapshot, fresh = true): void {
    clearTimeout(this.resetTimer);
    const d = s.deploy;
    if (!d || (!s.busy && !fresh)) return this.idle();
    const result = d.result;
    if (!result) {
      const stage = currentStage(d);
      this.item.text = `$(sync~spin) ${vscode.l10n.t('Devgem: {0}', stage ? STAGE_TITLES[stage] : vscode.l10n.t('Starting'))}`;
      this.item.tooltip = vscode.l10n.t('Deploying {0} — click to show the tracker', d.target?.service ?? '');
      this.item.backgroundColor = undefined;
      return;
    }
    switch (result.outcome) {
      case 'success':
        this.item.text = `$(check) ${vscode.l10n.t('Devgem: {0}', result.url.replace(/^https?:\/\//, ''))}`;
        this.item.tooltip = vscode.l10n.t('Deployed: {0}', result.url);
        break;
      case 'private':
        this.item.text = `$(warning) ${vscode.l10n.t('Devgem: deployed, not public')}`;
        this.item.tooltip = result.problem.message;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'failed':
        this.item.text = `$(error) ${vscode.l10n.t('Devgem: {0} failed', STAGE_TITLES[result.stage])}`;
        this.item.tooltip = result.problem.message;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'cancelled':
        this.item.text = `$(circle-slash) ${vscode.l10n.t('Devgem: cancelled')}`;
        this.item.tooltip = vscode.l10n.t('Cancelled during {0}', STAGE_TITLES[result.stage]);
        break;
    }
    this.resetTimer = setTimeout(() => this.idle(), SHOW_RESULT_MS);
  }

  dispose(): void {
    clearTimeout(this.resetTimer);
    this.subscription.dispose();
    this.folderWatch.dispose();
    this.item.dispose();
  }
}
