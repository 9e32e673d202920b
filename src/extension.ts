import * as vscode from 'vscode';
import { DeploySession } from './core/deploySession';
import type { WebviewMessage } from './shared/protocol';
import type * as Gcp from './adapters/gcp/cloudPorts';
import { handleChat } from './adapters/vscode/chatHandler';
import { DeployRunner } from './adapters/vscode/deployRunner';
import { VscodeDeployUi } from './adapters/vscode/deployUi';
import { isSafeExternalUrl } from './adapters/vscode/messageValidation';
import { readGcpConfig, SECTION } from './adapters/vscode/settings';
import { WorkspaceSnapshotStore } from './adapters/vscode/snapshotStore';
import { DeployStatusBar } from './adapters/vscode/statusBar';
import { DeployViewProvider, VIEW_ID } from './adapters/vscode/viewProvider';

/** Composition root: builds the adapters, hands them to core, registers what package.json contributes. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Devgem', { log: true });
  const store = new WorkspaceSnapshotStore(context.workspaceState);
  const session = new DeploySession(store);
  // The Google Cloud SDKs are a separate file (dist/gcp.js) required at the first
  // deploy, so activation never parses them. Ports are rebuilt per deploy so a
  // changed emulator or credential setting applies without a reload.
  const gcp = (): typeof Gcp => require('./adapters/gcp/cloudPorts') as typeof Gcp;
  const ui = new VscodeDeployUi();
  const runner = new DeployRunner(session, () => gcp().createCloudPorts(readGcpConfig()), log, ui);

  const onMessage = async (m: WebviewMessage): Promise<void> => {
    switch (m.type) {
      case 'deploy':
        await runner.deploy();
        return;
      case 'cancel':
        session.cancel();
        return;
      case 'chat':
        await handleChat(m.text, session, () => runner.deploy());
        return;
      case 'openUrl':
        if (isSafeExternalUrl(m.url)) await vscode.env.openExternal(vscode.Uri.parse(m.url));
        return;
      case 'copyUrl':
        await vscode.env.clipboard.writeText(m.url);
        return;
      case 'showLog':
        log.show(true);
        return;
      case 'ready':
        return;
    }
  };
  const provider = new DeployViewProvider(context.extensionUri, session, onMessage, log);
  let deploying = false;
  const busyContext = session.onDidChange((s) => {
    if (s.busy === deploying) return;
    deploying = s.busy;
    // Drives which of Deploy / Cancel the view's title bar shows.
    void vscode.commands.executeCommand('setContext', 'devgem.deploying', deploying);
  });

  context.subscriptions.push(
    log,
    ui,
    store,
    provider,
    busyContext,
    new DeployStatusBar(session, `${VIEW_ID}.focus`),
    vscode.window.registerWebviewViewProvider(VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.commands.registerCommand('devgem.deploy', () => runner.deploy()),
    vscode.commands.registerCommand('devgem.cancelDeploy', () => {
      if (!session.cancel()) void vscode.window.showInformationMessage('No Devgem deploy is running.');
    }),
    vscode.commands.registerCommand('devgem.showLog', () => log.show()),
    vscode.commands.registerCommand('devgem.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:devgem.devgem ${SECTION}.`)),
  );
}

export function deactivate(): void {}
