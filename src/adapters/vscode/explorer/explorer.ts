import * as vscode from 'vscode';
import { ExplorerModel, nodeConsoleUrl, refOf, type ExplorerNode } from '../../../core/explorer/explorer';
import { toProblem } from '../../../core/base/errors';
import type { CloudPorts } from '../../../core/cloud/ports';
import { resolveTarget } from '../../../core/deploy/target';
import { ServiceLogTails } from './explorerLogs';
import { EXPLORER_VIEW_ID, ExplorerTreeProvider } from './explorerView';
import { isSafeExternalUrl } from '../webview/messageValidation';
import { withCancellableProgress } from '../progress';
import { readGcpConfig, readTargetSettings, SECTION } from '../settings';
import type { FolderChoice } from '../workspaceFolder';

/** Command ids; package.json's `contributes` uses the same strings (checked by explorerManifest.unit.test.ts). */
export const EXPLORER_COMMANDS = {
  refresh: 'devgem.explorer.refresh',
  openUrl: 'devgem.explorer.openUrl',
  copyUrl: 'devgem.explorer.copyUrl',
  showLogs: 'devgem.explorer.showLogs',
  rollBack: 'devgem.explorer.rollBack',
  deleteService: 'devgem.explorer.deleteService',
  stopTailing: 'devgem.explorer.stopTailing',
  openInConsole: 'devgem.explorer.openInConsole',
} as const;

/** A roll back or delete waits for Cloud Run's rollout; longer than a listing. */
const CHANGE_TIMEOUT_MS = 5 * 60_000;

export interface ExplorerHost {
  ports: () => CloudPorts;
  log: vscode.LogOutputChannel;
  /** The folder whose settings say which project and region to show: the one Deploy uses. */
  folders: Pick<FolderChoice, 'current' | 'onDidChange'>;
}

/** The project and region a deploy of `folder` uses: its settings, then the environment, then gcloud. */
async function explorerTarget(folder: vscode.WorkspaceFolder | undefined): Promise<{ project: string; region: string }> {
  const { project, region } = readTargetSettings(folder?.uri);
  const { target } = await resolveTarget({
    project,
    region,
    // The service name is not used here; a fixed one keeps an odd folder name from failing the tree.
    service: 'explorer',
    env: { ...process.env },
    workspaceRoot: folder?.uri.fsPath ?? process.cwd(),
  });
  return { project: target.project, region: target.region };
}

/** The Cloud Run explorer view, its context actions and the service log tails; `refresh` reloads the tree (e.g. after a deploy). */
export function registerExplorer(host: ExplorerHost): vscode.Disposable & { refresh(): void; setSignedIn(signedIn: boolean): void } {
  // A refresh never asks which folder: it takes the chosen one, else the first.
  const model = new ExplorerModel({
    runAdmin: () => host.ports().runAdmin,
    target: () => explorerTarget(host.folders.current()),
    emulatorHost: () => readGcpConfig().emulatorHost,
  });
  let signedIn: boolean | undefined;
  // Refresh shows the tree even without credentials Devgem can see (a VM's or Cloud Shell's come from a metadata server).
  let forced = false;
  // No folder, or no credentials found: an empty tree, so package.json's viewsWelcome says what to do.
  const tree = new ExplorerTreeProvider(model, () => host.folders.current() !== undefined && (signedIn !== false || forced));
  const tails = new ServiceLogTails(() => host.ports().logging);

  const change = async (title: string, work: (signal: AbortSignal) => Promise<void>): Promise<boolean> => {
    try {
      await withCancellableProgress(title, CHANGE_TIMEOUT_MS, work);
      return true;
    } catch (err) {
      const p = toProblem(err);
      host.log.error(`${title}: ${p.message}`);
      void vscode.window.showErrorMessage(`${p.message}${p.fix ? ` ${p.fix}` : ''}`);
      return false;
    } finally {
      tree.refresh();
    }
  };

  const openUrl = async (node: ExplorerNode) => {
    if (node.url && isSafeExternalUrl(node.url)) await vscode.env.openExternal(vscode.Uri.parse(node.url));
    else void vscode.window.showWarningMessage(`${node.service ?? node.label} has no http(s) URL to open.`);
  };
  const openInConsole = async (node: ExplorerNode) => {
    await vscode.env.openExternal(vscode.Uri.parse(nodeConsoleUrl(node)));
  };
  const copyUrl = async (node: ExplorerNode) => {
    if (!node.url) return void vscode.window.showWarningMessage(`${node.service ?? node.label} has no URL yet.`);
    await vscode.env.clipboard.writeText(node.url);
    void vscode.window.showInformationMessage(`Copied ${node.url}`);
  };
  const rollBack = async (node: ExplorerNode) => {
    const ref = refOf(node);
    const to = node.revision!;
    const from = node.servingRevision ?? 'the revisions serving it now';
    const ok = await vscode.window.showWarningMessage(
      `Roll back ${ref.service}?`,
      { modal: true, detail: `All traffic of ${ref.service} (${ref.region}) moves from ${from} to ${to}.` },
      'Roll Back',
    );
    if (ok !== 'Roll Back') return;
    if (
      await change(`Routing all traffic of ${ref.service} to ${to}`, (s) =>
        host
          .ports()
          .runAdmin.routeAllTraffic(ref, to, s)
          .then(() => undefined),
      )
    ) {
      void vscode.window.showInformationMessage(`${ref.service} now serves ${to}.`);
    }
  };
  const deleteService = async (node: ExplorerNode) => {
    const ref = refOf(node);
    const ok = await vscode.window.showWarningMessage(
      `Delete the Cloud Run service ${ref.service}?`,
      { modal: true, detail: `${ref.service} in ${ref.region} (project ${ref.project}), its URL and all its revisions are deleted. This cannot be undone.` },
      'Delete',
    );
    if (ok !== 'Delete') return;
    // A second, typed confirmation: a modal's default button is one Enter away.
    const typed = await vscode.window.showInputBox({
      title: `Delete ${ref.service}`,
      prompt: `Type ${ref.service} to delete it`,
      ignoreFocusOut: true,
      validateInput: (v) => (v === ref.service ? undefined : `Type exactly ${ref.service}`),
    });
    if (typed !== ref.service) return;
    if (await change(`Deleting ${ref.service}`, (s) => host.ports().runAdmin.deleteService(ref, s))) {
      void vscode.window.showInformationMessage(`Deleted ${ref.service}.`);
    }
  };
  const showLogs = (node: ExplorerNode) =>
    tails.show(refOf(node)).catch((err: unknown) => {
      void vscode.window.showErrorMessage(toProblem(err).message);
    });

  const disposable = vscode.Disposable.from(
    tree,
    tails,
    vscode.window.createTreeView(EXPLORER_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.refresh, () => {
      forced = true;
      tree.refresh();
    }),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.openUrl, openUrl),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.copyUrl, copyUrl),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.openInConsole, openInConsole),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.showLogs, showLogs),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.rollBack, rollBack),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.deleteService, deleteService),
    vscode.commands.registerCommand(EXPLORER_COMMANDS.stopTailing, () => tails.stopTailing()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['project', 'region', 'emulatorHost'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) tree.refresh();
    }),
    host.folders.onDidChange(() => tree.refresh()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.refresh()),
  );
  return {
    dispose: () => disposable.dispose(),
    refresh: () => tree.refresh(),
    setSignedIn: (value) => {
      if (value === signedIn) return;
      signedIn = value;
      tree.refresh();
    },
  };
}
