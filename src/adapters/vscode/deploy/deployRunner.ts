import * as vscode from 'vscode';
import type { UsageGuard } from '../../../core/base/usage';
import type { DeployOptions } from '../../../core/deploy/deployOptions';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { DevgemError, toProblem } from '../../../core/base/errors';
import { runDeploy } from '../../../core/deploy/pipeline';
import { DEPLOY_CONFIG_FILE } from '../../../core/deploy/deployConfig';
import { interruptedStage, resumeDeploy } from '../../../core/deploy/resume';
import type { CloudPorts } from '../../../core/cloud/ports';
import type { DeployUiPort } from '../../../core/deploy/deployUi';
import type { ManifestStore } from '../../../core/git/sourceChanges';
import { DEPLOY_STAGES, STAGE_TITLES, type DeployEvent, type DeployResult } from '../../../shared/protocol';
import { isSafeExternalUrl } from '../webview/messageValidation';
import { readDeployOptions, readFolderDeployOptions } from '../settings';
import { VIEW_ID } from '../webview/viewProvider';
import { abortSignalOf } from '../lifecycle';
import type { FolderChoice } from '../workspaceFolder';

export interface DeployRunnerDeps {
  session: DeploySession;
  ports: () => CloudPorts;
  log: vscode.LogOutputChannel;
  ui: DeployUiPort;
  /** Which folder Deploy deploys: the one the chat, explorer and env commands use too. */
  folders: Pick<FolderChoice, 'current' | 'pickFolder'>;
  usage?: UsageGuard;
  manifests?: ManifestStore;
}

/**
 * command or chat → **deploy runner** → pipeline. Bridges VS Code's progress
 * notification (and its Cancel button) to the pipeline's AbortSignal.
 */
export class DeployRunner {
  /** How to get the options of the last deploy again, for Retry. */
  private again?: () => DeployOptions;
  /** Retry of a deploy whose folder is gone (a GitHub repository's archive): how to run it again. */
  private redo?: () => Promise<DeployResult | undefined>;

  constructor(private readonly deps: DeployRunnerDeps) {}

  /** `target`: a folder from the Explorer's "Deploy to Cloud Run" (else the chosen workspace folder). */
  async deploy(target?: vscode.Uri): Promise<DeployResult | undefined> {
    if (this.deps.session.isRunning) {
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Devgem is already deploying. Cancel it first to start again.'), vscode.l10n.t('Show'))
        .then((a) => {
          if (a) void vscode.commands.executeCommand(`${VIEW_ID}.focus`);
        });
      return undefined;
    }
    const folder = target ? this.folderOf(target) : await this.pickFolder();
    if (!folder) return undefined;
    try {
      this.deps.usage?.check('deploy');
    } catch (err) {
      if (!(err instanceof DevgemError)) throw err;
      void vscode.window.showWarningMessage(`${err.message} ${err.fix ?? ''}`, vscode.l10n.t('Open Settings')).then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.action.openSettings', 'devgem.limits');
      });
      return undefined;
    }
    // Retry re-reads the settings, which the user may just have changed to fix the failure.
    const read = () => (target ? readFolderDeployOptions(folder.uri, target) : readDeployOptions(folder.uri));
    let opts: DeployOptions;
    try {
      opts = read();
    } catch (err) {
      // A bad .devgem/deploy.json: say which field, leave the file as it is.
      if (!(err instanceof DevgemError)) throw err;
      void vscode.window.showErrorMessage(`${err.message} ${err.fix ?? ''}`, vscode.l10n.t('Open File')).then((a) => {
        if (a) void vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, DEPLOY_CONFIG_FILE));
      });
      return undefined;
    }
    this.deps.usage?.record('deploy');
    return this.runWith(opts, undefined, read);
  }

  /** The workspace folder holding `target`, whose settings a deploy of it uses. */
  private folderOf(target: vscode.Uri): vscode.WorkspaceFolder | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(target);
    if (!folder) void vscode.window.showErrorMessage(`${target.fsPath} is not in a folder of this workspace: Devgem deploys folders of the workspace.`);
    return folder;
  }

  /** Deploys again like the last deploy of this window (as `deploy()` does when there was none). */
  async retry(): Promise<DeployResult | undefined> {
    const again = this.again;
    if (!again) return this.deploy();
    if (this.deps.session.isRunning) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Devgem is already deploying. Cancel it first to start again.'));
      return undefined;
    }
    try {
      this.deps.usage?.check('deploy');
    } catch (err) {
      if (!(err instanceof DevgemError)) throw err;
      void vscode.window.showWarningMessage(`${err.message} ${err.fix ?? ''}`);
      return undefined;
    }
    this.deps.usage?.record('deploy');
    if (this.redo) return this.redo();
    return this.runWith({ ...again(), deployId: undefined }, undefined, again);
  }

  /** Makes Retry of the deploy that just ran call `redo` (e.g. download the repository again) instead of reusing its options. */
  retryWith(redo: () => Promise<DeployResult | undefined>): void {
    this.redo = redo;
  }

  /**
   * Runs one deploy with a progress notification whose Cancel button (and
   * `signal`, e.g. the chat's Stop) cancels it. The caller checked usage.
   * `again` gives Retry its options (by default these).
   */
  async runWith(opts: DeployOptions, signal?: AbortSignal, again: () => DeployOptions = () => opts): Promise<DeployResult> {
    // Restricted Mode: the folder's files and settings may be an attacker's; deploying needs trust.
    if (vscode.workspace.isTrusted === false) {
      const problem = {
        message: vscode.l10n.t('Devgem deploys only from a trusted folder.'),
        fix: vscode.l10n.t('Trust this folder (Manage Workspace Trust) to deploy it.'),
      };
      void vscode.window.showWarningMessage(`${problem.message} ${problem.fix}`, vscode.l10n.t('Manage Workspace Trust')).then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return { outcome: 'failed', stage: DEPLOY_STAGES[0], problem };
    }
    this.again = again;
    this.redo = undefined;
    void vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Devgem'), cancellable: true },
      async (progress, token) => {
        const cancel = abortSignalOf(token, signal);
        try {
          return await this.deps.session.run(
            (emit, s) =>
              runDeploy(
                opts,
                {
                  ports: this.deps.ports(),
                  ui: this.deps.ui,
                  manifests: this.deps.manifests,
                  emit: (e) => {
                    emit(e);
                    // A GitHub deploy's folder is temporary (removed when it ends): no editor on its Dockerfile.
                    this.onEvent(e, progress, !opts.gitHub);
                  },
                },
                s,
              ),
            cancel.signal,
          );
        } finally {
          cancel.dispose();
        }
      },
    );
    this.announce(result);
    return result;
  }

  /**
   * After a window reload: finishes the deploy the old window left unfinished
   * (re-attached to its Cloud Build build), with a progress notification whose
   * Cancel stops it like any deploy. Not counted as a new deploy.
   */
  async resume(): Promise<DeployResult | undefined> {
    const pending = this.deps.session.pendingResume();
    if (!pending) return undefined;
    const service = pending.resume?.service ?? pending.target?.service ?? 'your app';
    this.deps.log.info(`Re-attaching to deploy ${pending.deployId} of ${service} after a window reload`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Devgem: re-attached to the deploy of {0}', service), cancellable: true },
      async (progress, token) => {
        const cancel = abortSignalOf(token);
        try {
          return await this.deps.session.resume(async (state, emit, s) => {
            const sink = (e: DeployEvent) => {
              emit(e);
              this.onEvent(e, progress);
            };
            let ports: CloudPorts;
            try {
              ports = this.deps.ports();
            } catch (err) {
              // The deploy must still end, or its stage would spin forever.
              const stage = interruptedStage(state);
              const problem = toProblem(err);
              const failed: DeployResult = { outcome: 'failed', stage, problem };
              sink({ type: 'stage', stage, status: 'failed', detail: problem.message, at: Date.now() });
              sink({ type: 'finished', result: failed, at: Date.now() });
              return failed;
            }
            return resumeDeploy(state, { ports, emit: sink }, s);
          }, cancel.signal);
        } finally {
          cancel.dispose();
        }
      },
    );
    this.announce(result);
    return result;
  }

  private async pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
    if (!this.deps.folders.current()) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Devgem deploys the folder you have open: open one first (File > Open Folder).'));
      return undefined;
    }
    return this.deps.folders.pickFolder(vscode.l10n.t('Which folder should Devgem deploy?'));
  }

  private onEvent(e: DeployEvent, progress: vscode.Progress<{ message?: string }>, showDockerfile = true): void {
    switch (e.type) {
      case 'started':
        this.deps.log.info(`Deploy ${e.deployId} of ${e.workspace}`);
        break;
      case 'target':
        this.deps.log.info(`Target: project ${e.target.project}, region ${e.target.region}, service ${e.target.service}`);
        break;
      case 'stage':
        if (e.status === 'running') progress.report({ message: vscode.l10n.t('{0}…', STAGE_TITLES[e.stage]) });
        this.deps.log.info(`[${e.stage}] ${e.status}${e.detail ? `: ${e.detail}` : ''}`);
        break;
      case 'log':
        for (const line of e.lines) this.deps.log.info(`[build] ${line}`);
        break;
      case 'dockerfile':
        if (e.generated && showDockerfile) {
          // Show the user what will be built; it is theirs to edit for the next deploy.
          void vscode.window.showTextDocument(vscode.Uri.file(e.path), { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Active });
        }
        break;
      case 'finished':
        this.deps.log.info(`Finished: ${JSON.stringify(e.result)}`);
        break;
    }
  }

  private announce(result: DeployResult): void {
    const OPEN = vscode.l10n.t('Open');
    const COPY_URL = vscode.l10n.t('Copy URL');
    switch (result.outcome) {
      case 'success':
        void vscode.window
          .showInformationMessage(
            result.preview
              ? vscode.l10n.t('Preview deployed (no traffic) at {0}; {1} still serves the old revision.', result.url, result.preview.serviceUrl)
              : vscode.l10n.t('Deployed to {0}', result.url),
            OPEN,
            COPY_URL,
          )
          .then((a) => {
            // The URL comes from Cloud Run's answer: only a web link opens.
            if (a === OPEN && isSafeExternalUrl(result.url)) void vscode.env.openExternal(vscode.Uri.parse(result.url));
            if (a === COPY_URL) void vscode.env.clipboard.writeText(result.url);
          });
        break;
      case 'private':
        void vscode.window.showWarningMessage(result.problem.message, vscode.l10n.t('Copy fix')).then((a) => {
          if (a && result.problem.fix) void vscode.env.clipboard.writeText(result.problem.fix);
        });
        break;
      case 'failed':
        void vscode.window
          .showErrorMessage(
            vscode.l10n.t(
              'Deploy failed ({0}): {1}',
              STAGE_TITLES[result.stage],
              `${result.problem.message}${result.problem.fix ? ` — ${result.problem.fix}` : ''}`,
            ),
            vscode.l10n.t('Show log'),
          )
          .then((a) => {
            if (a) this.deps.log.show(true);
          });
        break;
      case 'cancelled':
        void vscode.window.showInformationMessage(vscode.l10n.t('Deploy cancelled.'));
        break;
    }
  }
}
