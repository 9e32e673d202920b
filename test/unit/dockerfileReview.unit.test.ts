// The Dockerfile review as VS Code shows it (src/adapters/vscode/deploy/deployUi.ts), against a small
// stand-in for the vscode API: the port fix offered inside the modal, the .dockerignore named, the
// proposed-Dockerfile diff tab closed once answered, and words in the app picker.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as DeployUi from '../../src/adapters/vscode/deploy/deployUi';
import type { PortFix } from '../../src/core/analysis/types';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import { useVscodeStub } from '../support/vscodeStub';
import { makeWorkspace, NODE_APP } from '../support/workspace';

class Uri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static from(c: { scheme: string; path: string }): Uri {
    return new Uri(c.scheme, c.path);
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.path}`;
  }
}
class TabInputTextDiff {
  constructor(
    readonly original: Uri,
    readonly modified: Uri,
  ) {}
}
class TabInputText {
  constructor(readonly uri: Uri) {}
}
class WorkspaceEdit {
  readonly edits: { uri: Uri; line: number; text: string }[] = [];
  replace(uri: Uri, range: { line: number }, text: string): void {
    this.edits.push({ uri, line: range.line, text });
  }
}

/** What the stand-in saw and what it answers. */
const rig = {
  answer: undefined as string | undefined,
  modal: [] as { message: string; detail: string; buttons: string[] }[],
  tabs: [] as { input: unknown }[],
  closed: [] as unknown[],
  saved: [] as string[],
  picks: [] as { label: string; description: string }[],
};

/** A text document over a file on disk; edits change its text, save writes it. */
function openDoc(uri: Uri) {
  return fs.readFile(uri.fsPath, 'utf8').then((text) => {
    const lines = text.split('\n');
    return {
      uri,
      lines,
      lineAt: (i: number) => ({ text: lines[i], range: { line: i } }),
      save: async () => {
        rig.saved.push(uri.fsPath);
        await fs.writeFile(uri.fsPath, lines.join('\n'));
        return true;
      },
    };
  });
}
const docs = new Map<string, Awaited<ReturnType<typeof openDoc>>>();

const stub = {
  Uri,
  TabInputTextDiff,
  TabInputText,
  WorkspaceEdit,
  workspace: {
    registerTextDocumentContentProvider: () => ({ dispose: () => undefined }),
    getConfiguration: () => ({ get: (_k: string, d: unknown) => d }),
    asRelativePath: (p: string) => path.basename(p),
    openTextDocument: async (uri: Uri) => {
      if (!docs.has(uri.fsPath)) docs.set(uri.fsPath, await openDoc(uri));
      return docs.get(uri.fsPath)!;
    },
    applyEdit: async (edit: WorkspaceEdit) => {
      for (const e of edit.edits) docs.get(e.uri.fsPath)!.lines[e.line] = e.text;
      return true;
    },
  },
  commands: {
    executeCommand: async (id: string, original: Uri, modified: Uri) => {
      if (id === 'vscode.diff') rig.tabs.push({ input: new TabInputTextDiff(original, modified) });
    },
  },
  window: {
    showInformationMessage: async (message: string, opts: { detail: string }, ...buttons: string[]) => {
      rig.modal.push({ message, detail: opts.detail, buttons });
      return rig.answer;
    },
    showWarningMessage: async () => undefined,
    showTextDocument: async () => undefined,
    showQuickPick: async (items: { label: string; description: string }[]) => {
      rig.picks.push(...items.map((i) => ({ label: i.label, description: i.description })));
      return undefined;
    },
    tabGroups: {
      get all() {
        return [{ tabs: rig.tabs }];
      },
      close: async (tabs: unknown[]) => {
        rig.closed.push(...tabs);
        rig.tabs = rig.tabs.filter((t) => !tabs.includes(t));
        return true;
      },
    },
  },
};

const never = new AbortController().signal;
const HARD_CODED = "require('http').createServer((q, s) => s.end('hi')).listen(3000);";

describe('the Dockerfile review in VS Code', () => {
  const subject = useVscodeStub<typeof DeployUi>(stub, require.resolve('../../src/adapters/vscode/deploy/deployUi'));
  let cleanup: (() => Promise<void>) | undefined;

  beforeEach(() => {
    Object.assign(rig, { answer: undefined, modal: [], tabs: [], closed: [], saved: [], picks: [] });
    docs.clear();
  });
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('names the .dockerignore it writes with the Dockerfile', () => {
    const q = subject.load().dockerfileQuestion({ path: '/w/Dockerfile', relativePath: 'Dockerfile', dockerignore: '.dockerignore' }, 'Dockerfile');
    assert.match(q.message, /Write it to Dockerfile \(and \.dockerignore\) and deploy\?/);
    assert.match(q.detail, /also writes \.dockerignore/);
    const without = subject.load().dockerfileQuestion({ path: '/w/Dockerfile', relativePath: 'Dockerfile' }, 'Dockerfile');
    assert.doesNotMatch(without.message + without.detail, /dockerignore/);
  });

  it('offers the port fix in the review itself; its button applies the fix, saves the file and writes the Dockerfile', async () => {
    const ws = await makeWorkspace({ ...NODE_APP, 'server.js': `${HARD_CODED}\n` });
    cleanup = ws.cleanup;
    const app = (await analyzeWorkspace(ws.root, {})).apps[0];
    const fix = app.port.fix as PortFix;
    assert.ok(fix, 'the analysis proposes a fix');
    const ui = new (subject.load().VscodeDeployUi)();
    rig.answer = 'Fix the Port, Write and Deploy';
    const ok = await ui.reviewDockerfile(
      { path: path.join(ws.root, 'Dockerfile'), relativePath: 'Dockerfile', content: 'FROM node\n', portFix: { fix, workspaceRoot: ws.root } },
      never,
    );
    assert.equal(ok, true);
    assert.deepEqual(rig.modal[0].buttons, ['Write and Deploy', 'Fix the Port, Write and Deploy']);
    assert.match(rig.modal[0].detail, /server\.js:1 .*process\.env\.PORT/s);
    assert.match(await fs.readFile(path.join(ws.root, 'server.js'), 'utf8'), /process\.env\.PORT/);
    assert.deepEqual(rig.saved, [path.join(ws.root, 'server.js')], 'saved before the deploy packages the folder');
  });

  it('"Write and Deploy" alone leaves the code as it is', async () => {
    const ws = await makeWorkspace({ ...NODE_APP, 'server.js': `${HARD_CODED}\n` });
    cleanup = ws.cleanup;
    const fix = (await analyzeWorkspace(ws.root, {})).apps[0].port.fix as PortFix;
    rig.answer = 'Write and Deploy';
    const ui = new (subject.load().VscodeDeployUi)();
    assert.equal(
      await ui.reviewDockerfile({ path: path.join(ws.root, 'Dockerfile'), content: 'FROM node\n', portFix: { fix, workspaceRoot: ws.root } }, never),
      true,
    );
    assert.equal(await fs.readFile(path.join(ws.root, 'server.js'), 'utf8'), `${HARD_CODED}\n`);
  });

  it("closes the GitHub deploy's proposed-Dockerfile diff tab once accepted", async () => {
    const ui = new (subject.load().VscodeDeployUi)();
    rig.tabs.push({ input: new TabInputText(Uri.file('/w/other.ts')) });
    rig.answer = 'Deploy with It';
    const gitHub = { repository: 'acme/app', ref: 'main', commit: 'd'.repeat(40) };
    assert.equal(await ui.reviewDockerfile({ path: '/tmp/devgem-gh-x/Dockerfile', relativePath: 'Dockerfile', content: 'FROM node\n', gitHub }, never), true);
    assert.equal(rig.closed.length, 1, 'the diff tab was closed');
    assert.ok((rig.closed[0] as { input: unknown }).input instanceof TabInputTextDiff);
    assert.equal(rig.tabs.length, 1, 'other tabs stay');
  });

  it('describes the apps in the picker in words, not raw ids', async () => {
    const ws = await makeWorkspace({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }),
      'apps/api/package.json': JSON.stringify({ name: 'api', engines: { node: '20' }, scripts: { start: 'node server.js' } }),
      'apps/api/server.js': "require('http').createServer().listen(process.env.PORT || 8080);\n",
      'apps/edge/package.json': JSON.stringify({ name: 'edge', scripts: { start: 'bun src/index.ts' }, dependencies: { hono: '4.0.0' } }),
      'apps/edge/bun.lockb': '',
      'apps/edge/tsconfig.json': '{}',
      'apps/edge/src/index.ts': "import { Hono } from 'hono';\nexport default { port: process.env.PORT ?? 3000, fetch: new Hono().fetch };\n",
    });
    cleanup = ws.cleanup;
    const apps = (await analyzeWorkspace(ws.root, {})).apps;
    await new (subject.load().VscodeDeployUi)().chooseApp(apps, never);
    const byLabel = Object.fromEntries(rig.picks.map((p) => [p.label, p.description]));
    assert.match(byLabel['apps/api'], /^Node\.js 20 \(JavaScript\)$/);
    assert.match(byLabel['apps/edge'], /^Bun [0-9.x]+ \(TypeScript\) · Hono$/);
    for (const d of Object.values(byLabel)) assert.doesNotMatch(d, /javascript|typescript|node ·/, d);
  });
});
