import * as vscode from 'vscode';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { DEPLOY_CONFIG_FILE } from '../../../core/deploy/deployConfig';
import { LogDeltaStream } from '../../../core/logs/logStream';
import type { HostMessage, ViewSnapshot, WebviewMessage } from '../../../shared/protocol';
import { validateWebviewMessage } from './messageValidation';
import { webviewHtml } from './webviewHtml';

export const VIEW_ID = 'devgem.deployView';

/**
 * The sidebar webview: chat and deploy tracker. The host holds the truth and
 * sends versioned snapshots; it waits for the webview's `ready` before posting,
 * because messages sent before its script runs are lost. Snapshots carry only
 * the newest build log lines; the whole log follows as batched `log` messages,
 * and again from its first kept line after every `ready` (a reload or re-show).
 */
export class DeployViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private ready = false;
  private openSettingsOnReady = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly logStream: LogDeltaStream;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: DeploySession,
    private readonly onMessage: (message: WebviewMessage) => void | Promise<void>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.logStream = new LogDeltaStream(session.buildLog, (delta) => this.send({ type: 'log', ...delta }));
    this.disposables.push(
      new vscode.Disposable(session.onDidChange((s) => this.post(s)).dispose),
      new vscode.Disposable(session.onDidLog(() => this.logStream.notify()).dispose),
      this.logStream,
    );
  }

  /** The view is on screen and its script is listening (so a question asked there is seen). */
  get visible(): boolean {
    return this.view?.visible === true && this.ready;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = this.html(view.webview, dist);
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  private receive(raw: unknown): void {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      this.log.warn(`Ignored an invalid message from the webview: ${checked.error}`);
      return;
    }
    if (checked.message.type === 'ready') {
      this.ready = true;
      this.post(this.session.current);
      this.logStream.replay();
      this.askOpenSettings();
      return;
    }
    Promise.resolve(this.onMessage(checked.message)).catch((err: unknown) => this.log.error(`Webview request failed: ${String(err)}`));
  }

  /** "Devgem: Edit Deploy Settings": shows the view, then the form (once the view's script listens). */
  async openDeploySettings(): Promise<void> {
    this.openSettingsOnReady = true;
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    if (this.ready) this.askOpenSettings();
  }

  private askOpenSettings(): void {
    if (!this.openSettingsOnReady) return;
    this.openSettingsOnReady = false;
    this.send({ type: 'deployConfig', reply: { file: DEPLOY_CONFIG_FILE }, open: true });
  }

  private post(snapshot: ViewSnapshot): void {
    this.send({ type: 'snapshot', snapshot });
  }

  send(message: HostMessage): void {
    if (!this.view || !this.ready) return;
    void this.view.webview.postMessage(message);
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    return webviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
