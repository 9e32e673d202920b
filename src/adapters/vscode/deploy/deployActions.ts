import * as vscode from 'vscode';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { buildLogDocument } from '../../../core/logs/logBuffer';
import { isSafeExternalUrl } from '../webview/messageValidation';
import { FIX_PROMPTS, failureKind } from '../../../shared/fixEvidence';

/** The virtual documents "Open in editor" shows: read-only, never on disk. */
export const LOG_SCHEME = 'devgem-log';

export interface DeployActionsDeps {
  session: DeploySession;
  runner: { retry(): Promise<unknown> };
  chat: { handle(text: string): Promise<void> };
  /** Whether a model is configured: without one, Fix with AI is not offered. */
  aiOn(): Promise<boolean>;
}

/**
 * The tracker's actions on the current deploy: its whole build log in an
 * editor tab, its build in Cloud Console, Retry and Fix with AI. The webview
 * only names the action; every value (URL, log, options) comes from the host.
 */
export class DeployActions implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor(private readonly deps: DeployActionsDeps) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const deployId = decodeURIComponent(uri.path.split('/')[1] ?? '');
    return buildLogDocument(deployId, this.deps.session.buildLog, this.deps.session.current.deploy);
  }

  async openLogInEditor(): Promise<void> {
    const deploy = this.deps.session.current.deploy;
    if (!deploy) {
      void vscode.window.showInformationMessage('There is no build log yet: deploy first.');
      return;
    }
    // The .log name gives the editor's log colouring; the path is per deploy so an old tab keeps its title.
    const uri = vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${encodeURIComponent(deploy.deployId)}/build.log` });
    // A tab opened earlier shows the log as it is now, not as it was then.
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'log') await Promise.resolve(vscode.languages.setTextDocumentLanguage(doc, 'log')).catch(() => undefined);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async openBuildInConsole(): Promise<void> {
    const url = this.deps.session.current.deploy?.build?.consoleUrl;
    if (!url || !isSafeExternalUrl(url)) {
      void vscode.window.showInformationMessage('This deploy has no Cloud Build page: its build did not start.');
      return;
    }
    // A string, not a Uri: Uri.toString() would encode the `;region=` of the
    // console path (microsoft/vscode#85930); openExternal takes the string as is.
    await vscode.env.openExternal(url as unknown as vscode.Uri);
  }

  async retry(): Promise<void> {
    await this.deps.runner.retry();
  }

  /** Asks the agent with the prompt for this kind of failure (build log or startup logs); fixed text, nothing from the webview. */
  async fixWithAi(): Promise<void> {
    const result = this.deps.session.current.deploy?.result ?? undefined;
    const stage = result?.outcome === 'failed' ? result.stage : this.deps.session.current.history?.[0]?.stage;
    if (!stage || (result && result.outcome !== 'failed')) {
      void vscode.window.showInformationMessage('The last deploy did not fail: there is nothing to fix.');
      return;
    }
    if (!(await this.deps.aiOn())) {
      void vscode.window.showInformationMessage('Fix with AI needs a model: run "Devgem: Set Gemini API Key" or set "devgem.ai.vertexProject".');
      return;
    }
    await this.deps.chat.handle(FIX_PROMPTS[failureKind(stage)]);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
