import * as vscode from 'vscode';
import { ChatController } from './core/chat/chatController';
import { SessionConfirm } from './core/chat/sessionConfirm';
import { createToolRegistry } from './core/agent/tools';
import { UsageGuard } from './core/base/usage';
import { DeploySession } from './core/deploy/deploySession';
import { cachedPorts } from './core/cloud/portsCache';
import type * as Gcp from './adapters/gcp/cloudPorts';
import type * as Model from './adapters/gemini/index';
import type * as GitHub from './adapters/github/index';
import { API_KEY_SECRET, HybridConfirm, ModelProvider, VscodeAgentContext, conversationStore, usageStore } from './adapters/vscode/chat/agentHost';
import { chatFacts } from './adapters/vscode/chat/chatFacts';
import { registerCommands } from './adapters/vscode/commands';
import { FolderChoice } from './adapters/vscode/workspaceFolder';
import { registerVscodeChat } from './adapters/vscode/chat/chatParticipant';
import { registerExplorer } from './adapters/vscode/explorer/explorer';
import { registerEnvImport } from './adapters/vscode/env/envImportCommand';
import { registerEnvVarsCommand } from './adapters/vscode/env/envVarsCommand';
import { DeployActions } from './adapters/vscode/deploy/deployActions';
import { DeployRunner } from './adapters/vscode/deploy/deployRunner';
import { gitHubConnector } from './adapters/vscode/github/gitHubConnect';
import { registerGitHubDeploy } from './adapters/vscode/github/gitHubDeploy';
import { workspaceManifestStore } from './adapters/vscode/deploy/manifestStore';
import { VscodeDeployUi } from './adapters/vscode/deploy/deployUi';
import { webviewRouter } from './adapters/vscode/webview/router';
import { sidebarHandlers } from './adapters/vscode/webview/sidebarMessages';
import { readAgentSettings, readGcpConfig, readUsageLimits, SECTION } from './adapters/vscode/settings';
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
  const folders = new FolderChoice(context.workspaceState);
  // The Google Cloud SDKs and @google/genai are separate files (dist/gcp.js,
  // dist/model.js) required on first use, so activation never parses them.
  // One set of ports per configuration (cachedPorts): a changed emulator
  // setting, or signing in after a failed credentials check, applies without a
  // reload, and deploys do not pay for (and leak) new SDK clients each time.
  const gcp = (): typeof Gcp => require('./adapters/gcp/cloudPorts') as typeof Gcp;
  const model = (): typeof Model => require('./adapters/gemini/index') as typeof Model;
  const gitHub = gitHubConnector(() => require('./adapters/github/index') as typeof GitHub);
  const ports = cachedPorts(readGcpConfig, (config) => gcp().createCloudPorts(config));
  const usage = new UsageGuard(usageStore(context.workspaceState), readUsageLimits);
  const ui = new VscodeDeployUi();
  const manifests = workspaceManifestStore(context.workspaceState);
  const runner = new DeployRunner({ session, ports, log, ui, folders, usage, manifests });
  const registry = createToolRegistry();
  const agentContext = new VscodeAgentContext({ session, runner, ports, usage, folders, manifests, gitHub });
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
    facts: chatFacts(folders),
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

  const actions = new DeployActions({ session, runner, chat });
  provider = new DeployViewProvider(context.extensionUri, session, webviewRouter(sidebarHandlers({ runner, session, chat, card, actions, log })), log);
  const explorer = registerExplorer({ ports, log, folders });
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
    folders,
    provider,
    actions,
    busyContext,
    new DeployStatusBar(session, `${VIEW_ID}.focus`),
    registerWalkthrough({ session, ports, folders }),
    explorer,
    registerEnvImport({ ports, log, folders }),
    registerEnvVarsCommand({ ports, log, folders }),
    registerPastBuildLog({ session, ports }),
    vscode.window.registerWebviewViewProvider(VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: false } }),
    registerGitHubDeploy({ runner, session, usage, connect: gitHub, folders }),
    registerCommands({ runner, session, chat, usage, folders, secrets: context.secrets, log, refreshAiMode: refreshMode }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.ai`) || e.affectsConfiguration(`${SECTION}.emulatorHost`)) void refreshMode();
    }),
    context.secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) void refreshMode();
    }),
    ...registerVscodeChat({ registry, ctx: agentContext, models, modalConfirm, extensionUri: context.extensionUri, log, folders }),
  );
  void refreshMode();
  // A window reload mid-deploy left a deploy whose Cloud Build build runs on: follow it to the end.
  runner.resume().catch((err: unknown) => log.error(`Could not continue the interrupted deploy: ${String(err)}`));
}

export function deactivate(): void {}
