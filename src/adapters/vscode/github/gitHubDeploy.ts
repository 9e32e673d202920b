import * as os from 'node:os';
import * as vscode from 'vscode';
import type { UsageGuard } from '../../../core/base/usage';
import type { DeployOptions } from '../../../core/deploy/deployOptions';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { DevgemError, isCancelled } from '../../../core/base/errors';
import type { GitHubRepo } from '../../../core/github/gitHubPort';
import { deployGitHubRepo, gitHubDeployOptions } from '../../../core/github/gitHubSource';
import type { DeployResult } from '../../../shared/protocol';
import type { DeployRunner } from '../deploy/deployRunner';
import type { GitHubAccess } from './gitHubConnect';
import { pickRef, pickRepo } from './gitHubPickers';
import { readDeployOptions } from '../settings';
import { abortSignalOf } from '../lifecycle';
import type { CurrentFolder } from '../workspaceFolder';

export const DEPLOY_GITHUB_COMMAND = 'devgem.deployGitHubRepo';

type Connect = () => Promise<GitHubAccess>;

/**
 * Runs a deploy through the runner (tracker, status bar, Cancel). A GitHub
 * deploy's folder is removed when it ends, so its Retry downloads the same
 * commit again rather than reusing the options.
 */
export async function runDeployThrough(runner: DeployRunner, connect: Connect | undefined, opts: DeployOptions, signal?: AbortSignal): Promise<DeployResult> {
  const result = await runner.runWith(opts, signal);
  const source = opts.gitHub;
  if (source && connect) {
    const [owner, name] = source.repository.split('/');
    runner.retryWith(() => fetchAndDeploy(runner, connect, { owner, name, ref: source.commit, recordAs: source.ref }, { ...opts, deployId: undefined }));
  }
  return result;
}

/**
 * Downloads `ref` of the repository under a cancellable notification, then
 * deploys it like a workspace (deployGitHubRepo). Problems are shown to the
 * user; undefined when nothing was deployed.
 */
export async function fetchAndDeploy(
  runner: DeployRunner,
  connect: Connect,
  req: { owner: string; name: string; ref?: string; recordAs?: string },
  base: DeployOptions,
): Promise<DeployResult | undefined> {
  const repository = `${req.owner}/${req.name}`;
  // Cancel in the download notification stops the download and the deploy that follows it.
  const cancel = abortSignalOf();
  let downloaded!: () => void;
  const downloading = new Promise<void>((resolve) => (downloaded = resolve));
  try {
    const { port, maxBytes, extract } = await connect();
    // The notification lasts while the archive downloads; the deploy then shows the runner's own.
    void vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Devgem: downloading ${repository}${req.ref ? ` (${req.ref.length === 40 ? req.ref.slice(0, 7) : req.ref})` : ''} from GitHub`,
        cancellable: true,
      },
      (_p, token) => {
        cancel.follow(token);
        return downloading;
      },
    );
    const { result } = await deployGitHubRepo(
      port,
      { owner: req.owner, name: req.name, ref: req.ref, maxBytes, extract },
      base,
      (opts, signal) => {
        downloaded();
        return runDeployThrough(runner, connect, req.recordAs && opts.gitHub ? { ...opts, gitHub: { ...opts.gitHub, ref: req.recordAs } } : opts, signal);
      },
      cancel.signal,
    );
    return result;
  } catch (err) {
    if (isCancelled(err, cancel.signal)) {
      void vscode.window.showInformationMessage(`Download of ${repository} cancelled; nothing was deployed.`);
      return undefined;
    }
    const text =
      err instanceof DevgemError
        ? `${err.message}${err.fix ? ` — ${err.fix}` : ''}`
        : `Could not deploy ${repository}: ${err instanceof Error ? err.message : String(err)}`;
    void vscode.window.showErrorMessage(text);
    return undefined;
  } finally {
    downloaded();
    cancel.dispose();
  }
}

export interface GitHubDeployDeps {
  runner: DeployRunner;
  session: DeploySession;
  usage?: UsageGuard;
  connect: Connect;
  /** Whose settings (project, region, access, timeouts) a repository deploy takes. */
  folders: CurrentFolder;
}

/** "Devgem: Deploy GitHub Repository…": sign in, pick a repository and a ref, deploy. */
export async function deployGitHubRepoCommand(deps: GitHubDeployDeps): Promise<DeployResult | undefined> {
  if (deps.session.isRunning) {
    void vscode.window.showInformationMessage('Devgem is already deploying. Cancel it first to start again.');
    return undefined;
  }
  const fail = (err: unknown) => {
    void vscode.window.showErrorMessage(err instanceof DevgemError ? `${err.message}${err.fix ? ` — ${err.fix}` : ''}` : String(err));
    return undefined;
  };
  let access: GitHubAccess;
  try {
    access = await deps.connect();
  } catch (err) {
    return fail(err);
  }
  const picked = await pickRepo(access.port);
  if (!picked) return undefined;
  let repo: GitHubRepo;
  try {
    repo =
      picked.repo ??
      (await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Devgem: looking up ${picked.owner}/${picked.name} on GitHub` },
        () => access.port.getRepo(picked.owner, picked.name, AbortSignal.timeout(30_000)),
      ));
  } catch (err) {
    return fail(err);
  }
  const ref = await pickRef(access.port, repo);
  if (!ref) return undefined;
  try {
    deps.usage?.check('deploy');
  } catch (err) {
    return fail(err);
  }
  deps.usage?.record('deploy');
  // Settings (project, region, access, timeouts) as for the chosen folder; without one, the user's.
  const folder = deps.folders.current();
  const base = gitHubDeployOptions(readDeployOptions(folder?.uri ?? vscode.Uri.file(os.tmpdir())), repo.name);
  return fetchAndDeploy(deps.runner, deps.connect, { owner: repo.owner, name: repo.name, ref }, base);
}

export function registerGitHubDeploy(deps: GitHubDeployDeps): vscode.Disposable {
  return vscode.commands.registerCommand(DEPLOY_GITHUB_COMMAND, () => deployGitHubRepoCommand(deps));
}
