// "Devgem: Run Locally", "Devgem: Rebuild Local Run", "Devgem: Stop Local Run":
// the VS Code side of core/local. Progress in a cancellable notification, the
// build and container output in the "Devgem: Local Run" output channel, the
// URL with Open / Rebuild / Stop, and the container removed when the window
// closes (dispose, and deactivate awaits `stop`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancelled, toProblem } from '../../../core/base/errors';
import { bounded } from '../../../core/base/wait';
import type { CloudPorts } from '../../../core/cloud/ports';
import { LocalRun, type LocalRunning, type LocalStep } from '../../../core/local/localRun';
import { ContainerCli } from '../../local/containerCli';
import { freeLoopbackPort, probeHttp } from '../../local/localHttp';
import { serviceRefFor } from '../serviceTarget';
import { isSafeExternalUrl } from '../webview/messageValidation';
import { readDeployOptions, readLocalRunSettings } from '../settings';
import type { FolderChoice } from '../workspaceFolder';

export const RUN_LOCALLY_COMMAND = 'devgem.runLocally';
export const REBUILD_LOCAL_COMMAND = 'devgem.rebuildLocalRun';
export const STOP_LOCAL_COMMAND = 'devgem.stopLocalRun';
const CLOUD_MS = 20_000;

const STEP_TITLES: Record<LocalStep, string> = {
  engine: 'Finding Docker or Podman',
  analyze: 'Analysing the app',
  context: 'Preparing the build context',
  build: 'Building the image',
  start: 'Starting the container',
  health: 'Waiting for the first HTTP answer',
};

export interface LocalRunnerDeps {
  ports: () => CloudPorts;
  folders: Pick<FolderChoice, 'current'>;
  log: vscode.LogOutputChannel;
}

export class LocalRunner implements vscode.Disposable {
  private run?: LocalRun;
  private busy?: vscode.CancellationTokenSource;
  private report?: (message: string) => void;
  private readonly output = vscode.window.createOutputChannel('Devgem: Local Run');
  /** The URL of the running container (for tests and the chat). */
  url?: string;

  constructor(private readonly deps: LocalRunnerDeps) {}

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.commands.registerCommand(RUN_LOCALLY_COMMAND, () => this.command(false)),
      vscode.commands.registerCommand(REBUILD_LOCAL_COMMAND, () => this.command(true)),
      vscode.commands.registerCommand(STOP_LOCAL_COMMAND, () => this.stop()),
      this,
    );
  }

  /** The palette command: returns the URL (tests read it), or undefined when it did not start. */
  private async command(rebuild: boolean): Promise<string | undefined> {
    try {
      const r = await this.start(rebuild);
      void this.offer(r);
      return r.url;
    } catch (err) {
      if (isCancelled(err)) return undefined;
      const p = toProblem(err);
      this.deps.log.error(`Run Locally: ${p.message}`);
      const choice = await vscode.window.showErrorMessage(`Run Locally: ${p.message}${p.fix ? ` ${p.fix}` : ''}`, 'Show Log');
      if (choice === 'Show Log') this.output.show(true);
      return undefined;
    }
  }

  /** Builds and runs the current folder (or rebuilds the running one); the chat's run_locally calls this. */
  async start(rebuild = false, outer?: AbortSignal): Promise<LocalRunning> {
    this.busy?.cancel();
    const folder = this.deps.folders.current();
    if (!folder) throw new Error('Open the folder you want to run (File > Open Folder), then try again.');
    const root = folder.uri.fsPath;
    if (!rebuild || !this.run) {
      await this.stop();
      this.run = await this.newRun(root);
    }
    const run = this.run;
    const busy = new vscode.CancellationTokenSource();
    this.busy = busy;
    this.output.clear();
    this.output.show(true);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Devgem: Run Locally', cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const abort = () => ac.abort();
        token.onCancellationRequested(abort);
        busy.token.onCancellationRequested(abort);
        outer?.addEventListener('abort', abort, { once: true });
        this.report = (message) => progress.report({ message });
        try {
          const r = await run.start(ac.signal);
          this.url = r.url;
          this.output.appendLine(`[devgem] ${r.app.path || path.basename(root)} answers on ${r.url} (${r.engine.name} ${r.engine.version})`);
          return r;
        } finally {
          outer?.removeEventListener('abort', abort);
          busy.dispose();
          if (this.busy === busy) this.busy = undefined;
          this.report = undefined;
        }
      },
    );
  }

  private async newRun(root: string): Promise<LocalRun> {
    const opts = readDeployOptions(vscode.Uri.file(root));
    const settings = readLocalRunSettings(vscode.Uri.file(root));
    const { env, secrets } = await this.serviceEnv(root, settings.includeSecrets);
    const run = new LocalRun(
      { workspaceRoot: root, appPath: opts.appPath, name: opts.service ?? path.basename(root), env, secrets },
      {
        engine: new ContainerCli(),
        probe: probeHttp,
        freePort: freeLoopbackPort,
        chooseApp: async (apps) => {
          const pick = await vscode.window.showQuickPick(
            apps.map((a) => ({ label: a.path || '.', description: a.stack, app: a })),
            { placeHolder: 'Which app should run locally?' },
          );
          return pick?.app;
        },
      },
      {
        step: (step, status, detail) => {
          this.output.appendLine(`[devgem] ${STEP_TITLES[step]}${status === 'done' ? ` — done${detail ? `: ${detail}` : ''}` : '…'}`);
          if (status === 'running') this.report?.(STEP_TITLES[step]);
        },
        log: (line) => this.output.appendLine(line),
        exited: () => {
          this.url = undefined;
          this.output.appendLine('[devgem] The container stopped.');
          void vscode.window
            .showWarningMessage('Devgem: the local container stopped. Its output is in "Devgem: Local Run".', 'Show Log', 'Rebuild')
            .then((c) => {
              if (c === 'Show Log') this.output.show(true);
              if (c === 'Rebuild') void vscode.commands.executeCommand(REBUILD_LOCAL_COMMAND);
            });
        },
      },
    );
    return run;
  }

  /**
   * The deployed service's plain env vars (none when it is not deployed or cannot be read), and its
   * secrets only when `devgem.local.includeSecrets` is on and the user confirms: their values go to the
   * container engine's environment, never to disk or a log.
   */
  private async serviceEnv(root: string, includeSecrets: boolean): Promise<{ env: Record<string, string>; secrets?: () => Promise<Record<string, string>> }> {
    const env: Record<string, string> = {};
    try {
      const ref = await serviceRefFor(root, undefined);
      const d = await bounded('Reading the service', CLOUD_MS, undefined, (s) => this.deps.ports().runAdmin.describeService(ref, s));
      if (!d) return { env };
      for (const e of d.env) if (!e.secret && e.value !== undefined) env[e.name] = e.value;
      const refs = d.env.filter((e) => e.secret);
      if (!refs.length || !includeSecrets) {
        if (refs.length)
          this.output.appendLine(
            `[devgem] ${refs.length} secret env var(s) left out (devgem.local.includeSecrets is off): ${refs.map((e) => e.name).join(', ')}`,
          );
        return { env };
      }
      const ok = await vscode.window.showWarningMessage(
        `Pass ${refs.length} secret(s) of ${ref.service} from Secret Manager to the local container? (${refs.map((e) => e.name).join(', ')})`,
        { modal: true, detail: 'The values go to the container only; they are not written to disk or shown.' },
        'Include Secrets',
      );
      if (ok !== 'Include Secrets') return { env };
      const secrets = async () => {
        const out: Record<string, string> = {};
        const port = this.deps.ports().secrets;
        if (!port.readValue) return out;
        for (const e of refs) {
          const id = e.secret!.secret.split('/').pop()!;
          const project = /^projects\/([^/]+)\//.exec(e.secret!.secret)?.[1] ?? ref.project;
          out[e.name] = await port.readValue(project, id, e.secret!.version, AbortSignal.timeout(CLOUD_MS));
        }
        return out;
      };
      return { env, secrets };
    } catch (err) {
      this.output.appendLine(`[devgem] Running without the service's env vars: ${toProblem(err).message}`);
      return { env };
    }
  }

  private async offer(r: LocalRunning): Promise<void> {
    const choice = await vscode.window.showInformationMessage(`Devgem: running locally at ${r.url}`, 'Open', 'Rebuild', 'Stop');
    if (choice === 'Open' && isSafeExternalUrl(r.url)) await vscode.env.openExternal(vscode.Uri.parse(r.url));
    if (choice === 'Rebuild') await vscode.commands.executeCommand(REBUILD_LOCAL_COMMAND);
    if (choice === 'Stop') await this.stop();
  }

  /** Cancels a start in progress and removes the container. */
  async stop(): Promise<void> {
    this.busy?.cancel();
    const run = this.run;
    this.run = undefined;
    this.url = undefined;
    await run?.stop();
  }

  dispose(): void {
    void this.stop();
    this.output.dispose();
  }
}
