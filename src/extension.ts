import * as vscode from 'vscode';
import { ChatController } from './core/chat/chatController';
import { SessionConfirm } from './core/chat/sessionConfirm';
import { createToolRegistry } from './core/agent/tools';
import { UsageGuard } from './core/base/usage';
import { DeploySession } from './core/deploy/deploySession';
import { cachedPorts } from './core/cloud/portsCache';
import type { WebviewMessage } from './shared/protocol';
import type * as Gcp from './adapters/gcp/cloudPorts';
import type * as Model from './adapters/gemini/index';
import type * as GitHub from './adapters/github/index';
import { API_KEY_SECRET, HybridConfirm, ModelProvider, VscodeAgentContext, conversationStore, setApiKey, usageStore } from './adapters/vscode/chat/agentHost';
import { registerVscodeChat } from './adapters/vscode/chat/chatParticipant';
import { registerExplorer } from './adapters/vscode/explorer/explorer';
import { registerEnvImport } from './adapters/vscode/env/envImportCommand';
import { registerEnvVarsCommand } from './adapters/vscode/env/envVarsCommand';
import { copyText, insertCode } from './adapters/vscode/webview/codeActions';
import { DeployActions } from './adapters/vscode/deploy/deployActions';
import { DeployRunner } from './adapters/vscode/deploy/deployRunner';
import { gitHubConnector } from './adapters/vscode/github/gitHubConnect';
import { registerGitHubDeploy } from './adapters/vscode/github/gitHubDeploy';
import { workspaceManifestStore } from './adapters/vscode/deploy/manifestStore';
import { VscodeDeployUi } from './adapters/vscode/deploy/deployUi';
import { isSafeExternalUrl } from './adapters/vscode/webview/messageValidation';
import { readAgentSettings, readGcpConfig, SECTION } from './adapters/vscode/settings';
import { WorkspaceSnapshotStore } from './adapters/vscode/webview/snapshotStore';
import { DeployStatusBar } from './adapters/vscode/deploy/statusBar';
import { DeployViewProvider, VIEW_ID } from './adapters/vscode/webview/viewProvider';
import { registerWalkthrough } from './adapters/vscode/setup/walkthrough';
import { registerPastBuildLog } from './adapters/vscode/deploy/pastBuildLog';

/** Composition root: builds the adapters, hands them to core, registers what package.json contributes. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Devgem', { log: true });
  const store = new WorkspaceSnapshotStore(context.workspaceState);
  const session = new DeploySession(store);
  // The Google Cloud SDKs and @google/genai are separate files (dist/gcp.js,
  // dist/model.js) required on first use, so activation never parses them.
  // One set of ports per configuration (cachedPorts): a changed emulator
  // setting, or signing in after a failed credentials check, applies without a
  // reload, and deploys do not pay for (and leak) new SDK clients each time.
  const gcp = (): typeof Gcp => require('./adapters/gcp/cloudPorts') as typeof Gcp;
  const model = (): typeof Model => require('./adapters/gemini/index') as typeof Model;
  const gitHub = gitHubConnector(() => require('./adapters/github/index') as typeof GitHub);
  const ports = cachedPorts(readGcpConfig, (config) => gcp().createCloudPorts(config));
  const usage = new UsageGuard(usageStore(context.workspaceState), () => {
    const s = readAgentSettings();
    return { deploysPerDay: s.deploysPerDay, modelCallsPerDay: s.modelCallsPerDay, tokensPerDay: s.tokensPerDay };
  });
  const ui = new VscodeDeployUi();
  const manifests = workspaceManifestStore(context.workspaceState);
  const runner = new DeployRunner(session, ports, log, ui, usage, manifests);
  const registry = createToolRegistry();
  const agentContext = new VscodeAgentContext(session, runner, ports, usage, manifests, gitHub);
  const models = new ModelProvider(context.secrets, log, model);
  const card = new SessionConfirm(session);
  let provider: DeployViewProvider | undefined;
  const confirm = new HybridConfirm(card, () => provider?.visible ?? false);
  const modalConfirm = new HybridConfirm(card, () => false);
  const chat = new ChatController({
    session,
    registry,
    ctx: agentContext,
    confirm,
    model: () => models.get(),
    store: conversationStore(context.workspaceState),
    facts: () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      const c = vscode.workspace.getConfiguration(SECTION, folder?.uri);
      return {
        workspaceName: folder?.name,
        options: {
          project: c.get<string>('project') || undefined,
          region: c.get<string>('region') || undefined,
          service: c.get<string>('serviceName') || undefined,
          allowUnauthenticated: c.get<boolean>('allowUnauthenticated', true),
        },
      };
    },
    get maxSteps() {
      return readAgentSettings().maxSteps;
    },
    log: (line) => log.error(line),
  });
  // Show whether AI is on before the first message.
  const refreshMode = () =>
    models.describe().then(
      (label) => session.setAgent({ busy: chat.busy, mode: label ? 'gemini' : 'offline', model: label }),
      () => session.setAgent({ busy: chat.busy, mode: 'offline' }),
    );

  const onMessage = async (m: WebviewMessage): Promise<void> => {
    switch (m.type) {
      case 'deploy':
        await runner.deploy();
        return;
      case 'cancel':
        session.cancel();
        return;
      case 'chat':
        await chat.handle(m.text);
        return;
      case 'stop':
        if (!chat.stop()) session.cancel();
        return;
      case 'confirm':
        if (!card.answer(m.id, m.token, m.approve)) log.warn('Ignored a confirmation that does not match the open question.');
        return;
      case 'openUrl':
        if (isSafeExternalUrl(m.url)) await vscode.env.openExternal(vscode.Uri.parse(m.url));
        return;
      case 'copyUrl':
        await vscode.env.clipboard.writeText(m.url);
        return;
      case 'insertCode':
        await insertCode(m.code, m.language);
        return;
      case 'copyText':
        await copyText(m.text);
        return;
      case 'openLogInEditor':
        await actions.openLogInEditor();
        return;
      case 'openBuildInConsole':
        await actions.openBuildInConsole();
        return;
      case 'showPastBuildLog':
        await vscode.commands.executeCommand('devgem.showPastBuildLog', m.deployId);
        return;
      case 'retry':
        await actions.retry();
        return;
      case 'fixWithAi':
        await actions.fixWithAi();
        return;
      case 'showLog':
        log.show(true);
        return;
      case 'ready':
        return;
    }
  };
  provider = new DeployViewProvider(context.extensionUri, session, onMessage, log);
  const actions = new DeployActions({ session, runner, chat });
  const explorer = registerExplorer({ ports, log });
  let deploying = false;
  const busyContext = session.onDidChange((s) => {
    if (s.busy === deploying) return;
    deploying = s.busy;
    // Drives which of Deploy / Cancel the view's title bar shows.
    void vscode.commands.executeCommand('setContext', 'devgem.deploying', deploying);
    // A deploy that ended may have created a service or a revision: show it.
    if (!deploying) explorer.refresh();
  });

  context.subscriptions.push(
    log,
    ui,
    store,
    provider,
    actions,
    busyContext,
    new DeployStatusBar(session, `${VIEW_ID}.focus`),
    registerWalkthrough({ session, ports }),
    explorer,
    registerEnvImport({ ports, log }),
    registerEnvVarsCommand({ ports, log }),
    registerPastBuildLog({ session, ports }),
    vscode.window.registerWebviewViewProvider(VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.commands.registerCommand('devgem.deploy', () => runner.deploy()),
    registerGitHubDeploy({ runner, session, usage, connect: gitHub }),
    vscode.commands.registerCommand('devgem.cancelDeploy', () => {
      if (!session.cancel()) void vscode.window.showInformationMessage('No Devgem deploy is running.');
    }),
    vscode.commands.registerCommand('devgem.showLog', () => log.show()),
    vscode.commands.registerCommand('devgem.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', `@ext:devgem.devgem ${SECTION}.`),
    ),
    vscode.commands.registerCommand('devgem.setGeminiApiKey', async () => {
      await setApiKey(context.secrets);
      await refreshMode();
    }),
    vscode.commands.registerCommand('devgem.clearGeminiApiKey', async () => {
      await context.secrets.delete(API_KEY_SECRET);
      void vscode.window.showInformationMessage('Gemini API key removed from secret storage.');
      await refreshMode();
    }),
    vscode.commands.registerCommand('devgem.newChat', () => chat.reset()),
    vscode.commands.registerCommand('devgem.showUsage', () => vscode.window.showInformationMessage(usage.report(), { modal: true })),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.ai`) || e.affectsConfiguration(`${SECTION}.emulatorHost`)) void refreshMode();
    }),
    context.secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) void refreshMode();
    }),
    ...registerVscodeChat({ registry, ctx: agentContext, models, modalConfirm, extensionUri: context.extensionUri, log }),
  );
  void refreshMode();
  // A window reload mid-deploy left a deploy whose Cloud Build build runs on: follow it to the end.
  runner.resume().catch((err: unknown) => log.error(`Could not continue the interrupted deploy: ${String(err)}`));
}

export function deactivate(): void {}
