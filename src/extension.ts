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
import { DiffReview } from './adapters/vscode/chat/diffReview';
import { HybridConfirm, ModelProvider, VscodeAgentContext, conversationStore, usageStore } from './adapters/vscode/chat/agentHost';
import { AiModeLine } from './adapters/vscode/chat/aiMode';
import { chatFacts } from './adapters/vscode/chat/chatFacts';
import { registerVscodeChat } from './adapters/vscode/chat/chatParticipant';
import { registerCommands } from './adapters/vscode/commands';
import { DeployActions } from './adapters/vscode/deploy/deployActions';
import { trackDeploying } from './adapters/vscode/deploy/deployingContext';
import { DeployRunner } from './adapters/vscode/deploy/deployRunner';
import { VscodeDeployUi } from './adapters/vscode/deploy/deployUi';
import { workspaceManifestStore } from './adapters/vscode/deploy/manifestStore';
import { registerPastBuildLog } from './adapters/vscode/deploy/pastBuildLog';
import { DeployStatusBar } from './adapters/vscode/deploy/statusBar';
import { registerEnvImport } from './adapters/vscode/env/envImportCommand';
import { registerEnvVarsCommand } from './adapters/vscode/env/envVarsCommand';
import { registerExplorer } from './adapters/vscode/explorer/explorer';
import { gitHubConnector } from './adapters/vscode/github/gitHubConnect';
import { registerGitHubDeploy } from './adapters/vscode/github/gitHubDeploy';
import { LocalRunner } from './adapters/vscode/local/localRunner';
import { readAgentSettings, readGcpConfig, readUsageLimits } from './adapters/vscode/settings';
import { registerWalkthrough } from './adapters/vscode/setup/walkthrough';
import { webviewRouter } from './adapters/vscode/webview/router';
import { sidebarHandlers } from './adapters/vscode/webview/sidebarMessages';
import { WorkspaceSnapshotStore } from './adapters/vscode/webview/snapshotStore';
import { DeployViewProvider, VIEW_ID } from './adapters/vscode/webview/viewProvider';
import { FolderChoice } from './adapters/vscode/workspaceFolder';

// The Google Cloud SDKs, @google/genai and Octokit are separate files (dist/gcp.js, dist/model.js,
// dist/github.js; esbuild.mjs maps these exact paths) required on first use, so activation never parses them.
const gcp = (): typeof Gcp => require('./adapters/gcp/cloudPorts') as typeof Gcp;
const model = (): typeof Model => require('./adapters/gemini/index') as typeof Model;
const gitHubModule = (): typeof GitHub => require('./adapters/github/index') as typeof GitHub;

/** Composition root: builds the adapters, hands them to core, registers what package.json contributes. */
export function activate(context: vscode.ExtensionContext): void {
  const { workspaceState: state, secrets, extensionUri } = context;
  const log = vscode.window.createOutputChannel('Devgem', { log: true });
  const store = new WorkspaceSnapshotStore(state);
  const session = new DeploySession(store);
  session.setEmulator(Boolean(readGcpConfig().emulatorHost));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('devgem.emulatorHost')) session.setEmulator(Boolean(readGcpConfig().emulatorHost));
    }),
  );
  const folders = new FolderChoice(state);
  // One set of ports per configuration: a changed emulator setting, or signing in after a failed credentials
  // check, applies without a reload, and deploys do not pay for (and leak) new SDK clients each time.
  const ports = cachedPorts(readGcpConfig, (config) => gcp().createCloudPorts(config));
  const gitHub = gitHubConnector(gitHubModule);
  const usage = new UsageGuard(usageStore(state), readUsageLimits);
  const ui = new VscodeDeployUi();
  const manifests = workspaceManifestStore(state);
  const runner = new DeployRunner({ session, ports, log, ui, folders, usage, manifests });
  const registry = createToolRegistry();
  const localRunner = new LocalRunner({ ports, folders, log });
  stopLocalRun = () => localRunner.stop();
  const ctx = new VscodeAgentContext({ session, runner, ports, usage, folders, manifests, gitHub, localRunner });
  const models = new ModelProvider(secrets, log, model);
  const card = new SessionConfirm(session);
  const facts = chatFacts(folders);
  let provider: DeployViewProvider | undefined;
  const diffs = new DiffReview();
  context.subscriptions.push(diffs.register());
  const confirm = new HybridConfirm(card, () => provider?.visible ?? false, diffs);
  const chat = new ChatController({
    session,
    registry,
    ctx,
    confirm,
    facts,
    store: conversationStore(state),
    model: () => models.get(),
    get maxSteps() {
      return readAgentSettings().maxSteps;
    },
    log: (line) => log.error(line),
  });
  const aiMode = new AiModeLine({ models, session, chat, secrets });
  const actions = new DeployActions({ session, runner, chat, aiOn: async () => Boolean(await models.describe().catch(() => undefined)) });
  provider = new DeployViewProvider(
    extensionUri,
    session,
    webviewRouter(
      sidebarHandlers({
        runner,
        session,
        chat,
        card,
        diffs,
        actions,
        log,
        settings: { root: () => folders.current()?.uri.fsPath, reply: (m) => provider?.send(m) },
      }),
    ),
    log,
  );
  const explorer = registerExplorer({ ports, log, folders });
  context.subscriptions.push(
    ...[log, ui, store, folders, provider, actions, aiMode, explorer],
    new DeployStatusBar(session, `${VIEW_ID}.focus`, folders),
    trackDeploying(session, () => explorer.refresh()),
    vscode.window.registerWebviewViewProvider(VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: false } }),
    registerCommands({ runner, session, chat, usage, folders, secrets, log, refreshAiMode: () => aiMode.refresh() }),
    registerWalkthrough({ session, ports, folders, onSignedIn: (signedIn) => explorer.setSignedIn(signedIn) }),
    registerEnvImport({ ports, log, folders }),
    localRunner.register(),
    registerEnvVarsCommand({ ports, log, folders }),
    registerPastBuildLog({ session, ports }),
    vscode.commands.registerCommand('devgem.editDeploySettings', () => provider?.openDeploySettings()),
    registerGitHubDeploy({ runner, session, usage, connect: gitHub, folders }),
    ...registerVscodeChat({ registry, ctx, models, modalConfirm: new HybridConfirm(card, () => false, diffs), extensionUri, log, facts }),
  );
  void aiMode.refresh();
  // A window reload mid-deploy left a deploy whose Cloud Build build runs on: follow it to the end.
  runner.resume().catch((err: unknown) => log.error(`Could not continue the interrupted deploy: ${String(err)}`));
}

let stopLocalRun: (() => Promise<void>) | undefined;

/** Removes a container "Devgem: Run Locally" started: the window is closing. */
export async function deactivate(): Promise<void> {
  await stopLocalRun?.();
}
