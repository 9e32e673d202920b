// A multi-root workspace against a stand-in for `vscode`: two folders whose
// .vscode/settings.json name different services, projects and regions. Once
// folder B is chosen, Deploy, the chat (its deploy options and prompt facts),
// the Cloud Run explorer and the env commands all act on B.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as AgentHost from '../../src/adapters/vscode/chat/agentHost';
import type * as ChatFacts from '../../src/adapters/vscode/chat/chatFacts';
import type * as Commands from '../../src/adapters/vscode/commands';
import type * as DeployRunnerModule from '../../src/adapters/vscode/deploy/deployRunner';
import type * as EnvImport from '../../src/adapters/vscode/env/envImportCommand';
import type * as EnvVars from '../../src/adapters/vscode/env/envVarsCommand';
import type * as Explorer from '../../src/adapters/vscode/explorer/explorer';
import type * as WorkspaceFolder from '../../src/adapters/vscode/workspaceFolder';
import type * as Walkthrough from '../../src/adapters/vscode/setup/walkthrough';
import type * as StatusBar from '../../src/adapters/vscode/deploy/statusBar';
import type { ExplorerNode } from '../../src/core/explorer/explorer';
import type { CloudPorts, ServiceRef } from '../../src/core/cloud/ports';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { useVscodeStub } from '../support/vscodeStub';
import { l10nStub } from '../support/manifest';

const HOST_DIR = path.dirname(require.resolve('../../src/adapters/vscode/settings'));
const SUBJECT = require.resolve('../../src/adapters/vscode/workspaceFolder');

interface Folder {
  name: string;
  index: number;
  uri: { fsPath: string; toString(): string };
}
type Listener<T> = (e: T) => unknown;
interface ScriptedPick {
  items: { label: string; region?: string; kind?: number; description?: string }[];
  value: string;
  busy: boolean;
  selectedItems: unknown[];
  type(text: string): void;
  accept(): void;
}

const uri = (fsPath: string) => ({ fsPath, scheme: 'file', toString: () => `file://${fsPath}` });

class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>) => (this.listeners.add(l), { dispose: () => this.listeners.delete(l) });
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** The fake window's state: folders, what was asked and said, what was registered. */
const win = {
  folders: [] as Folder[],
  /** What showWorkspaceFolderPick answers. */
  pickAnswer: undefined as Folder | undefined,
  picks: 0,
  messages: [] as string[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  tree: undefined as { getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> } | undefined,
  quickPicks: [] as { title?: string; items: { label: string }[] }[],
  /** Setting writes: key, value, ConfigurationTarget and the scope's path. */
  writes: [] as { key: string; value: unknown; target: number; scope?: string }[],
  statusItems: [] as { visible: boolean }[],
  /** What a quick pick does once shown (type, wait, accept); without it, it is dismissed at once. */
  quickPickScript: undefined as ((qp: ScriptedPick) => Promise<void>) | undefined,
  folderEvents: new EventEmitter<{ added: Folder[]; removed: Folder[] }>(),
};

/** VS Code's folder scope: a folder's .vscode/settings.json, nothing at the window level. */
function configuration(_section: string, scope?: { fsPath: string }) {
  let values: Record<string, unknown> = {};
  if (scope) {
    try {
      values = JSON.parse(require('node:fs').readFileSync(path.join(scope.fsPath, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      values = {};
    }
  }
  return {
    get: (key: string, fallback?: unknown) => (`devgem.${key}` in values ? values[`devgem.${key}`] : fallback),
    update: async (key: string, value: unknown, target: number) => void win.writes.push({ key, value, target, scope: scope?.fsPath }),
  };
}

const say = async (text: string) => void win.messages.push(text);
const disposable = { dispose() {} };

const stub = {
  l10n: l10nStub,
  EventEmitter,
  Disposable: Object.assign(
    class {
      constructor(private readonly fn: () => void) {}
      dispose() {
        this.fn();
      }
    },
    { from: (...ds: { dispose(): unknown }[]) => ({ dispose: () => ds.forEach((d) => d.dispose()) }) },
  ),
  ThemeIcon: class {},
  QuickPickItemKind: { Separator: -1, Default: 0 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ThemeColor: class {},
  ProgressLocation: { Notification: 15, Window: 10 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  Uri: { file: uri, parse: (s: string) => uri(s) },
  workspace: {
    isTrusted: true,
    get workspaceFolders() {
      return win.folders;
    },
    getConfiguration: configuration,
    getWorkspaceFolder: (u: { fsPath: string }) => win.folders.find((f) => u.fsPath === f.uri.fsPath || u.fsPath.startsWith(f.uri.fsPath + path.sep)),
    onDidChangeWorkspaceFolders: win.folderEvents.event,
    onDidChangeConfiguration: () => disposable,
  },
  window: {
    showWorkspaceFolderPick: async () => (win.picks++, win.pickAnswer),
    showInformationMessage: say,
    showErrorMessage: say,
    showWarningMessage: say,
    withProgress: (_o: unknown, task: (p: unknown, t: unknown) => unknown) =>
      task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => disposable }),
    createTreeView: (_id: string, o: { treeDataProvider: typeof win.tree }) => ((win.tree = o.treeDataProvider), disposable),
    onDidChangeWindowState: () => disposable,
    tabGroups: { all: [], onDidChangeTabs: () => disposable },
    createStatusBarItem: () => {
      const item = { visible: false, show: () => void (item.visible = true), hide: () => void (item.visible = false), dispose() {} };
      win.statusItems.push(item);
      return item;
    },
    createQuickPick: () => {
      const hide = new EventEmitter<void>();
      const accept = new EventEmitter<void>();
      const change = new EventEmitter<string>();
      const qp = {
        title: undefined as string | undefined,
        items: [] as ScriptedPick['items'],
        selectedItems: [] as unknown[],
        value: '',
        busy: false,
        onDidHide: hide.event,
        onDidAccept: accept.event,
        onDidChangeValue: change.event,
        onDidTriggerItemButton: () => disposable,
        type: (text: string) => ((qp.value = text), change.fire(text)),
        accept: () => accept.fire(),
        // Without a script, dismissed at once: the test only looks at what it offered.
        show: () => {
          win.quickPicks.push({ title: qp.title, items: qp.items });
          if (win.quickPickScript) void win.quickPickScript(qp).then(() => hide.fire());
          else hide.fire();
        },
        hide: () => hide.fire(),
        dispose() {},
      };
      return qp;
    },
  },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => (win.commands.set(id, fn), disposable),
    executeCommand: async () => undefined,
  },
};

/** A Memento kept in memory (the window's workspaceState). */
function memento() {
  const values = new Map<string, unknown>();
  return {
    get: <T>(k: string) => values.get(k) as T | undefined,
    update: async (k: string, v: unknown) => void values.set(k, v),
    keys: () => [...values.keys()],
  };
}

/** Cloud Run as far as these commands reach it: who was asked about which service. */
function fakePorts(asked: ServiceRef[]): () => CloudPorts {
  const runAdmin = {
    describeService: async (ref: ServiceRef) => (asked.push(ref), undefined),
    listServices: async () => [],
    // Cloud Run's own list for the project: one region Devgem's fixed list does not know yet.
    listRegions: async () => [
      { id: 'asia-east1', displayName: 'Taiwan' },
      { id: 'europe-west1', displayName: 'Belgium' },
      { id: 'asia-south9', displayName: 'Newtown' },
    ],
  };
  return () => ({ runAdmin }) as unknown as CloudPorts;
}

describe('a multi-root workspace: every command acts on the one chosen folder', () => {
  let root: string;
  let a: Folder;
  let b: Folder;
  const log = { info() {}, warn() {}, error() {}, show() {} } as never;
  // Every host module binds `vscode` when first required: load them all fresh against this stub.
  const forget = () => Object.keys(require.cache).forEach((k) => k.startsWith(HOST_DIR + path.sep) && delete require.cache[k]);
  before(forget);
  after(forget);
  const subject = useVscodeStub<typeof WorkspaceFolder>(stub, SUBJECT);
  const load = <T>(rel: string): T => require(path.join(HOST_DIR, rel)) as T;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-multiroot-'));
    const folder = async (name: string, index: number, settings: Record<string, string>, env: string): Promise<Folder> => {
      const dir = path.join(root, name);
      await fs.mkdir(path.join(dir, '.vscode'), { recursive: true });
      await fs.writeFile(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(settings));
      await fs.writeFile(path.join(dir, '.env'), env);
      // The agent never reads .env (a secret file): its own note tells which folder a read came from.
      await fs.writeFile(path.join(dir, 'which.txt'), name);
      return { name, index, uri: uri(dir) };
    };
    a = await folder('shop-a', 0, { 'devgem.project': 'project-a', 'devgem.region': 'europe-west1', 'devgem.serviceName': 'svc-a' }, 'ONLY_IN_A=1\n');
    b = await folder('shop-b', 1, { 'devgem.project': 'project-b', 'devgem.region': 'asia-east1', 'devgem.serviceName': 'svc-b' }, 'ONLY_IN_B=2\n');
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  beforeEach(() => {
    win.folders = [a, b];
    win.pickAnswer = b;
    win.picks = 0;
    win.messages = [];
    win.commands.clear();
    win.quickPicks = [];
    win.tree = undefined;
    win.writes = [];
    win.statusItems = [];
    win.quickPickScript = undefined;
  });

  /** The host as activate() wires it, on one FolderChoice; each part records what it acted on. */
  function host() {
    const folders = new (subject.load().FolderChoice)(memento() as never);
    const asked: ServiceRef[] = [];
    const ports = fakePorts(asked);
    const deployed: DeployOptions[] = [];
    const runner = new (load<typeof DeployRunnerModule>('deploy/deployRunner').DeployRunner)({
      session: { isRunning: false } as never,
      ports,
      log,
      ui: {} as never,
      folders,
    });
    runner.runWith = async (opts) => (deployed.push(opts), { outcome: 'cancelled', stage: 'preflight' }) as never;
    const ctx = new (load<typeof AgentHost>('chat/agentHost').VscodeAgentContext)({ session: {} as never, runner, ports, usage: {} as never, folders });
    const facts = load<typeof ChatFacts>('chat/chatFacts').chatFacts(folders);
    const explorer = load<typeof Explorer>('explorer/explorer').registerExplorer({ ports, log, folders });
    load<typeof EnvVars>('env/envVarsCommand').registerEnvVarsCommand({ ports, log, folders });
    load<typeof EnvImport>('env/envImportCommand').registerEnvImport({ ports, log, folders });
    const chat = { reset: async () => undefined };
    load<typeof Commands>('commands').registerCommands({
      runner,
      session: { cancel: () => false },
      chat,
      usage: { report: () => '' },
      folders,
      secrets: {} as never,
      log,
      refreshAiMode: async () => undefined,
    });
    const run = (id: string, ...args: unknown[]) => Promise.resolve(win.commands.get(id)!(...args));
    const explorerTarget = async () => {
      const [project] = await win.tree!.getChildren();
      return { project: project.project, region: project.region };
    };
    load<typeof Walkthrough>('setup/walkthrough').registerWalkthrough({
      session: { current: {}, onDidChange: () => disposable } as never,
      ports,
      folders,
    });
    return { folders, asked, deployed, ctx, facts, run, explorerTarget, explorer };
  }

  it('after "Devgem: Choose Folder" picks B, Deploy, the chat, the explorer and the env commands all use B', async () => {
    const h = host();
    await h.run('devgem.chooseFolder');
    assert.equal(win.picks, 1);

    await h.run('devgem.deploy');
    assert.equal(h.deployed.length, 1);
    assert.equal(h.deployed[0].workspaceRoot, b.uri.fsPath);
    assert.equal(h.deployed[0].service, 'svc-b');
    assert.equal(h.deployed[0].region, 'asia-east1');

    const chatOptions = h.ctx.deployOptions();
    assert.deepEqual(
      [chatOptions.workspaceRoot, chatOptions.project, chatOptions.region, chatOptions.service],
      [b.uri.fsPath, 'project-b', 'asia-east1', 'svc-b'],
    );
    assert.equal(await h.ctx.readWorkspaceFile('which.txt'), 'shop-b', 'the chat reads files of B');
    const facts = h.facts();
    assert.equal(facts.workspaceName, 'shop-b');
    assert.equal(facts.options?.service, 'svc-b');

    assert.deepEqual(await h.explorerTarget(), { project: 'project-b', region: 'asia-east1' });

    await h.run('devgem.editEnvVars');
    await h.run('devgem.importEnvFile');
    assert.deepEqual(h.asked, [{ project: 'project-b', region: 'asia-east1', service: 'svc-b' }], 'Edit Environment Variables asked Cloud Run about svc-b');
    assert.match(win.quickPicks[0].title ?? '', /^Import \.env into svc-b \(asia-east1\)$/);
    assert.deepEqual(
      win.quickPicks[0].items.map((i) => i.label),
      ['ONLY_IN_B'],
      'the .env file of B',
    );
    assert.equal(win.picks, 1, 'nothing asked again');
  });

  it('Deploy asks once when nothing is chosen; the env commands then follow that choice', async () => {
    const h = host();
    await h.run('devgem.deploy');
    assert.equal(win.picks, 1);
    assert.equal(h.deployed[0].workspaceRoot, b.uri.fsPath);
    await h.run('devgem.editEnvVars');
    assert.equal(h.asked[0].service, 'svc-b');
    await h.run('devgem.deploy');
    assert.equal(win.picks, 1, 'the choice is remembered');
    assert.equal(h.deployed[1].workspaceRoot, b.uri.fsPath);
  });

  it('before any choice, the chat and the explorer take the first folder and never ask', async () => {
    const h = host();
    assert.equal(h.facts().workspaceName, 'shop-a');
    assert.equal(h.ctx.deployOptions().service, 'svc-a');
    assert.deepEqual(await h.explorerTarget(), { project: 'project-a', region: 'europe-west1' });
    assert.equal(win.picks, 0);
  });

  it('forgets a folder removed from the workspace, and asks again once it is back', async () => {
    const h = host();
    let changed = 0;
    h.folders.onDidChange(() => changed++);
    await h.run('devgem.chooseFolder');
    assert.equal(changed, 1, 'the explorer refreshes on a new choice');
    win.folders = [a];
    win.folderEvents.fire({ added: [], removed: [b] });
    await new Promise((r) => setImmediate(r));
    assert.equal(changed, 2);
    assert.equal(h.facts().workspaceName, 'shop-a');
    win.folders = [a, b];
    win.folderEvents.fire({ added: [b], removed: [] });
    assert.equal(h.facts().workspaceName, 'shop-a', 'the old choice stays forgotten');
    await h.run('devgem.deploy');
    assert.equal(win.picks, 2);
  });

  it('with one folder open, nothing is asked', async () => {
    win.folders = [a];
    const h = host();
    await h.run('devgem.deploy');
    await h.run('devgem.editEnvVars');
    assert.equal(win.picks, 0);
    assert.equal(h.deployed[0].service, 'svc-a');
    assert.equal(h.asked[0].service, 'svc-a');
  });

  /** Waits until `ok` holds (the picker's region list arrives asynchronously), a bounded number of turns. */
  async function until(what: string, ok: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setImmediate(r));
    assert.ok(ok(), what);
  }

  it("Choose Region offers Cloud Run's list, current first, and writes to the chosen folder's settings, not the workspace file", async () => {
    const h = host();
    await h.run('devgem.chooseFolder');
    let offered: string[] = [];
    win.quickPickScript = async (qp) => {
      await until("Cloud Run's region list replaces the fixed one", () => qp.items.some((i) => i.region === 'asia-south9'));
      offered = qp.items.filter((i) => i.region).map((i) => i.region!);
      qp.selectedItems = [qp.items.find((i) => i.region === 'europe-west1')];
      qp.accept();
    };
    await h.run('devgem.chooseRegion');
    assert.deepEqual(offered, ['asia-east1', 'europe-west1', 'asia-south9'], 'the current region (B: asia-east1) first, then the listed ones');
    assert.deepEqual(win.writes, [{ key: 'region', value: 'europe-west1', target: stub.ConfigurationTarget.WorkspaceFolder, scope: b.uri.fsPath }]);
  });

  it('Choose Region takes a region typed in full, and not a malformed one', async () => {
    const h = host();
    const seen: string[] = [];
    win.quickPickScript = async (qp) => {
      qp.type('Europe-West');
      seen.push(qp.items[0].label);
      qp.selectedItems = [qp.items[0]];
      qp.accept();
      qp.type('tokyo');
      seen.push(qp.items[0].label);
      qp.type('us-north7');
      seen.push(qp.items[0].label);
      qp.selectedItems = [qp.items[0]];
      qp.accept();
    };
    await h.run('devgem.chooseRegion');
    assert.deepEqual(seen, ['$(warning) "Europe-West" is not a region name: they look like europe-west1.', 'Current', '$(edit) Use us-north7']);
    assert.deepEqual(win.writes, [{ key: 'region', value: 'us-north7', target: stub.ConfigurationTarget.WorkspaceFolder, scope: a.uri.fsPath }]);
  });

  it('"Deploy to Cloud Run" on a folder deploys that folder with its workspace folder\'s settings, named after it', async () => {
    const h = host();
    const sub = path.join(b.uri.fsPath, 'services', 'billing');
    await h.run('devgem.deployFolder', uri(sub));
    await h.run('devgem.deployFolder', a.uri);
    assert.deepEqual(
      h.deployed.map((d) => [d.workspaceRoot, d.project, d.region, d.service]),
      [
        [sub, 'project-b', 'asia-east1', undefined],
        [a.uri.fsPath, 'project-a', 'europe-west1', 'svc-a'],
      ],
    );
    assert.equal(win.picks, 0, 'the folder was given: nothing asked');
  });

  it('the status bar item shows only while a folder is open; the explorer is empty (its welcome) without one', async () => {
    win.folders = [];
    const h = host();
    const session = { current: { version: 0, busy: false, chat: [] }, onDidChange: () => disposable };
    const bar = new (load<typeof StatusBar>('deploy/statusBar').DeployStatusBar)(session as never, 'devgem.deployView.focus', h.folders);
    const item = win.statusItems.at(-1)!;
    assert.equal(item.visible, false);
    assert.deepEqual(await win.tree!.getChildren(), []);
    win.folders = [a];
    win.folderEvents.fire({ added: [a], removed: [] });
    assert.equal(item.visible, true);
    assert.equal((await win.tree!.getChildren())[0].kind, 'project');
    win.folders = [];
    win.folderEvents.fire({ added: [], removed: [a] });
    assert.equal(item.visible, false);
    bar.dispose();
  });

  it('the explorer is empty (its sign-in welcome) when no credentials are found, until Refresh asks to show it anyway', async () => {
    win.folders = [a];
    const h = host();
    h.explorer.setSignedIn(false);
    assert.deepEqual(await win.tree!.getChildren(), []);
    h.explorer.setSignedIn(true);
    assert.equal((await win.tree!.getChildren())[0].kind, 'project');
    h.explorer.setSignedIn(false);
    await h.run('devgem.explorer.refresh');
    assert.equal((await win.tree!.getChildren())[0].kind, 'project');
  });
});
