import * as vscode from 'vscode';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { isCancelled, toProblem } from '../../../core/base/errors';
import { lookUpTarget, type TargetLookup } from '../../../core/deploy/target';
import { projectDescription, projectPicks } from '../../../core/setup/pickers';
import { RegionCatalog } from '../../../core/cloud/regionCatalog';
import { pickRegion } from './regionPicker';
import { GCLOUD_INSTALL_URL, SERVICE_ACCOUNT_KEY_DOCS_URL, SIGN_IN_COMMAND, remoteSignInAdvice } from '../../../core/setup/remoteSignIn';
import type { CloudPorts } from '../../../core/cloud/ports';
import { projectIdProblem } from '../../../core/cloud/projectId';
import { bounded } from '../../../core/base/wait';
import { SETUP_CONTEXT_KEYS, WALKTHROUGH_PULSE_KEY, findOnPath, readSetupState, type SetupState } from '../../../core/setup/setupState';
import type { ViewSnapshot } from '../../../shared/protocol';
import { readGcpConfig, readTargetSettings, SECTION, writeTargetSetting } from '../settings';
import type { FolderChoice } from '../workspaceFolder';

export interface WalkthroughDeps {
  session: DeploySession;
  /** Lists projects for Choose Project; without it the command asks for an ID only. */
  ports?: () => CloudPorts;
  /** The folder whose settings the steps check and the pickers write: the one Deploy uses. */
  folders: Pick<FolderChoice, 'current' | 'onDidChange'>;
  /** Told when the devgem.signedIn key changes (the Cloud Run explorer then shows its sign-in welcome or its tree). */
  onSignedIn?: (signedIn: boolean) => void;
}

/** After opening the sign-in terminal, look for the credentials file this often, for at most this long. */
const SIGN_IN_POLL_MS = 3_000;
const SIGN_IN_WAIT_MS = 10 * 60_000;
/** The project list is a convenience: past this, type the ID instead. */
const LIST_PROJECTS_MS = 20_000;
/** After a tab opens (the walkthrough, maybe), flip the pulse again this much later: VS Code registers walkthroughs asynchronously. */
const PULSE_AGAIN_MS = [1_500, 6_000];

/**
 * The Getting Started walkthrough's commands (sign in, choose project, choose
 * region) and the context keys its steps complete on, kept current as
 * settings, the window's focus (after a sign-in in a terminal) and deploys change.
 */
export function registerWalkthrough(deps: WalkthroughDeps): vscode.Disposable {
  const keys = new ContextKeys(deps.session, deps.folders, deps.onSignedIn);
  const ports = deps.ports;
  const regions = ports && new RegionCatalog({ listRegions: (project, signal) => ports().runAdmin.listRegions(project, signal) });
  const disposables: vscode.Disposable[] = [
    keys,
    deps.session.onDidChange((s) => keys.onSnapshot(s)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) keys.refresh();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => keys.refresh()),
    deps.folders.onDidChange(() => keys.refresh()),
    vscode.window.onDidChangeWindowState((w) => {
      if (w.focused) keys.refresh();
    }),
    // Opening the walkthrough starts VS Code's walkthrough service: the steps already true tick on the next flip.
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (e.opened.length) keys.pulseSoon();
    }),
    vscode.commands.registerCommand('devgem.signIn', () => signIn(keys)),
    vscode.commands.registerCommand('devgem.chooseProject', () => chooseProject(deps.folders.current(), deps.ports)),
    vscode.commands.registerCommand('devgem.chooseRegion', () => chooseRegion(deps.folders.current(), regions)),
  ];
  // The first read (a stat of the ADC file, gcloud's configuration) waits until activation is over:
  // the walkthrough's keys are not needed to start, and activation stays short.
  const first = setImmediate(() => keys.refresh());
  disposables.push({ dispose: () => clearImmediate(first) });
  return vscode.Disposable.from(...disposables);
}

class ContextKeys implements vscode.Disposable {
  private readonly sent: Partial<SetupState> = {};
  private running: Promise<void> | undefined;
  private again = false;
  private cheap = '';
  private poll: NodeJS.Timeout | undefined;
  private pulseValue = false;
  private readonly pulses = new Set<NodeJS.Timeout>();

  constructor(
    private readonly session: DeploySession,
    private readonly folders: Pick<FolderChoice, 'current'>,
    private readonly onSignedIn?: (signedIn: boolean) => void,
  ) {}

  get signedIn(): boolean {
    return this.sent.signedIn === true;
  }

  /** Snapshots change on every log line; only re-read when something the keys depend on moved. */
  onSnapshot(s: ViewSnapshot): void {
    const cheap = `${s.history?.length ?? 0}|${s.deploy?.stages?.preflight?.status}|${s.agent?.mode}`;
    if (cheap === this.cheap) return;
    this.cheap = cheap;
    this.refresh();
  }

  /** One read at a time; a request during a read runs once more after it. */
  refresh(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    // A failed read leaves the keys as they were; the next trigger tries again.
    this.running = this.read()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  /** Re-checks every few seconds until signed in (the user is typing in the terminal), bounded. */
  watchSignIn(): void {
    this.stopPolling();
    const until = Date.now() + SIGN_IN_WAIT_MS;
    this.poll = setInterval(() => {
      if (this.signedIn || Date.now() > until) this.stopPolling();
      else this.refresh();
    }, SIGN_IN_POLL_MS);
  }

  dispose(): void {
    this.stopPolling();
    for (const t of this.pulses) clearTimeout(t);
    this.pulses.clear();
  }

  /** Flips the pulse key now and a little later, so steps already done tick in a walkthrough that just started. */
  pulseSoon(): void {
    void this.pulse();
    for (const ms of PULSE_AGAIN_MS) {
      const t = setTimeout(() => {
        this.pulses.delete(t);
        void this.pulse();
      }, ms);
      this.pulses.add(t);
    }
  }

  private async pulse(): Promise<void> {
    // Only a step whose key is true can tick; nothing to flip before the first read.
    if (!Object.values(this.sent).some(Boolean)) return;
    this.pulseValue = !this.pulseValue;
    await Promise.resolve(vscode.commands.executeCommand('setContext', WALKTHROUGH_PULSE_KEY, this.pulseValue)).catch(() => undefined);
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  private async read(): Promise<void> {
    const { project, region } = readTargetSettings(this.folders.current()?.uri);
    const state = await readSetupState({
      env: process.env,
      settings: { project, region },
      emulatorHost: readGcpConfig().emulatorHost,
      snapshot: this.session.current,
    }).catch(() => undefined);
    if (!state) return;
    let changed = false;
    for (const name of Object.keys(SETUP_CONTEXT_KEYS) as (keyof SetupState)[]) {
      if (this.sent[name] === state[name]) continue;
      this.sent[name] = state[name];
      changed = true;
      await vscode.commands.executeCommand('setContext', SETUP_CONTEXT_KEYS[name], state[name]);
      if (name === 'signedIn') this.onSignedIn?.(state[name]);
    }
    // Each read (focus, settings, a deploy) is also a chance for a walkthrough opened since to tick what is done.
    if (!changed) await this.pulse();
  }
}

function openSignInTerminal(keys: ContextKeys, command: string): void {
  const terminal = vscode.window.createTerminal({ name: 'Devgem: Sign in to Google Cloud' });
  terminal.show();
  terminal.sendText(command);
  keys.watchSignIn();
}

async function signIn(keys: ContextKeys): Promise<void> {
  const hasGcloud = Boolean(await findOnPath('gcloud', process.env));
  // On a remote (SSH, container, Codespaces, WSL, tunnel) the extension host, and so ADC, live there: say so.
  const remote = remoteSignInAdvice(vscode.env.remoteName, hasGcloud);
  if (remote) {
    const picked = await vscode.window.showInformationMessage(remote.message, ...remote.actions.map((a) => a.title));
    const action = remote.actions.find((a) => a.title === picked)?.action;
    if (action === 'terminal') openSignInTerminal(keys, remote.command);
    else if (action === 'installGcloud') await vscode.env.openExternal(vscode.Uri.parse(GCLOUD_INSTALL_URL));
    else if (action === 'keyDocs') {
      await vscode.env.openExternal(vscode.Uri.parse(SERVICE_ACCOUNT_KEY_DOCS_URL));
      keys.watchSignIn();
    }
    return;
  }
  if (!hasGcloud) {
    const action = await vscode.window.showErrorMessage(
      `Signing in needs the Google Cloud CLI (gcloud), which is not on PATH. Install it, restart VS Code, then run "Devgem: Sign In to Google Cloud" again (it runs \`${SIGN_IN_COMMAND}\`).`,
      'Open install guide',
    );
    if (action) await vscode.env.openExternal(vscode.Uri.parse(GCLOUD_INSTALL_URL));
    return;
  }
  openSignInTerminal(keys, SIGN_IN_COMMAND);
}

/** What a deploy of `folder` would use now; undefined when even that cannot be read (the pickers still work). */
async function current(folder: vscode.WorkspaceFolder | undefined): Promise<TargetLookup | undefined> {
  const { project, region } = readTargetSettings(folder?.uri);
  return lookUpTarget({ project, region, env: process.env }).catch(() => undefined);
}

type ProjectItem = vscode.QuickPickItem & { projectId?: string; enter?: true };

/** Saved in the folder's settings when a folder is open; the user's otherwise. */
async function chooseProject(folder: vscode.WorkspaceFolder | undefined, ports: (() => CloudPorts) | undefined): Promise<void> {
  const now = await current(folder);
  const picked = ports ? await pickListedProject(ports, now) : { enter: true as const };
  if (!picked) return;
  const value = 'projectId' in picked ? picked.projectId : await enterProjectId(now?.project ?? '');
  if (value === undefined) return;
  await writeTargetSetting('project', value, folder?.uri);
  void vscode.window.showInformationMessage(`Devgem will deploy to project ${value}.`);
}

/**
 * A quick pick of the caller's projects, busy while they load (cancelled when
 * the pick closes, bounded in time). A failed load shows why with its fix and
 * falls back to typing the ID.
 */
function pickListedProject(ports: () => CloudPorts, now: TargetLookup | undefined): Promise<{ projectId: string } | { enter: true } | undefined> {
  const enter: ProjectItem = { label: '$(edit) Enter a project ID…', alwaysShow: true, enter: true };
  const qp = vscode.window.createQuickPick<ProjectItem>();
  qp.title = 'Google Cloud project';
  qp.placeholder = 'Loading your projects…';
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  qp.busy = true;
  const toItems = (projects: { projectId: string; name?: string }[]): ProjectItem[] =>
    projectPicks(projects, now?.project).map((p) => ({ label: p.projectId, description: projectDescription(p, now?.projectFrom), projectId: p.projectId }));
  qp.items = [...toItems([]), enter];
  const loading = new AbortController();
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: { projectId: string } | { enter: true } | undefined) => {
      if (done) return;
      done = true;
      loading.abort();
      resolve(v);
      qp.dispose();
    };
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0];
      finish(item?.projectId ? { projectId: item.projectId } : item?.enter ? { enter: true } : undefined);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
    bounded('Listing your projects', LIST_PROJECTS_MS, loading.signal, (s) => ports().preflight.listProjects(s)).then(
      (projects) => {
        if (done) return;
        const items = toItems(projects);
        qp.items = [...items, { label: '', kind: vscode.QuickPickItemKind.Separator }, enter];
        qp.placeholder = projects.length ? 'Type to filter by project ID or name.' : 'No projects found for this account: enter a project ID.';
        qp.busy = false;
      },
      (err: unknown) => {
        if (done || isCancelled(err)) return;
        const p = toProblem(err);
        void vscode.window.showErrorMessage(`Could not list your projects: ${p.message}${p.fix ? ` ${p.fix}` : ''}`);
        finish({ enter: true });
      },
    );
  });
}

async function enterProjectId(value: string): Promise<string | undefined> {
  const typed = await vscode.window.showInputBox({
    title: 'Google Cloud project',
    prompt: 'The project ID to deploy to (Cloud Console shows it next to the project name).',
    placeHolder: 'my-project-123',
    value,
    ignoreFocusOut: true,
    validateInput: (v) => projectIdProblem(v),
  });
  return typed === undefined ? undefined : typed.trim();
}

async function chooseRegion(folder: vscode.WorkspaceFolder | undefined, catalog: RegionCatalog | undefined): Promise<void> {
  const region = await pickRegion(await current(folder), catalog);
  if (!region) return;
  await writeTargetSetting('region', region, folder?.uri);
  void vscode.window.showInformationMessage(`Devgem will deploy to ${region}.`);
}
