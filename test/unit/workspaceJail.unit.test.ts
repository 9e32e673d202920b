// The workspace as a jail (issue 13): the agent's reads and writes, the VS Code
// context's, and .gcloudignore's #!include: resolve where a path really leads
// and refuse anything outside the folder, secret, or not a regular file,
// without reading it; reads never take more than their bound.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as AgentHost from '../../src/adapters/vscode/chat/agentHost';
import type { DeployRunner } from '../../src/adapters/vscode/deploy/deployRunner';
import { agentJail } from '../../src/core/agent/agentFiles';
import type { AgentContext } from '../../src/core/agent/context';
import { proposeFixTool, readFileTool } from '../../src/core/agent/tools/workspaceTools';
import { DevgemError } from '../../src/core/base/errors';
import type { UsageGuard } from '../../src/core/base/usage';
import { WorkspaceJail } from '../../src/core/base/workspaceJail';
import type { CloudPorts } from '../../src/core/cloud/ports';
import type { DeploySession } from '../../src/core/deploy/deploySession';
import { listSourceFiles } from '../../src/core/packaging/packageSource';
import { testAgentContext } from '../support/agentHarness';
import { editorStub } from '../support/vscodeEditorStub';
import { useVscodeStub } from '../support/vscodeStub';
import { makeWorkspace } from '../support/workspace';

const never = new AbortController().signal;
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

async function refusal(p: Promise<unknown>): Promise<DevgemError> {
  const err = await p.then(
    (v) => assert.fail(`expected a refusal, got ${JSON.stringify(v)?.slice(0, 80)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DevgemError, `a DevgemError, got ${String(err)}`);
  return err;
}

/** A workspace `ws/` beside an `outside/` folder holding a private file. */
async function setup(files: Record<string, string> = {}) {
  const w = await makeWorkspace({ 'app.js': 'console.log(1)\n', '.env': 'TOKEN=zzz\n', ...files }, 'ws');
  const parent = path.dirname(w.root);
  await fs.mkdir(path.join(parent, 'outside'));
  await fs.writeFile(path.join(parent, 'outside', 'private.txt'), 'PRIVATE-OUTSIDE');
  return { ...w, parent, outside: path.join(parent, 'outside') };
}

type Ws = Awaited<ReturnType<typeof setup>>;

/** The ways into a workspace the issue names: the core jail, the tools through a context, the VS Code context. */
function contracts(name: string, make: (ws: Ws) => Pick<AgentContext, 'readWorkspaceFile' | 'writeWorkspaceFile'>) {
  describe(name, () => {
    let ws: Ws;
    let ctx: Pick<AgentContext, 'readWorkspaceFile' | 'writeWorkspaceFile'>;
    beforeEach(async () => {
      ws = await setup();
      ctx = make(ws);
    });
    afterEach(() => ws.cleanup());

    it('reads a file inside, also through a link that stays inside', async () => {
      assert.equal(await ctx.readWorkspaceFile('app.js'), 'console.log(1)\n');
      await fs.symlink('app.js', path.join(ws.root, 'alias.js'));
      assert.equal(await ctx.readWorkspaceFile('./alias.js'), 'console.log(1)\n');
      assert.equal(await ctx.readWorkspaceFile('missing.txt'), undefined);
    });

    it('refuses a link that leads outside: to a file, to /etc, through a linked folder', async () => {
      await fs.symlink('../outside/private.txt', path.join(ws.root, 'notes.md'));
      await fs.symlink('/etc', path.join(ws.root, 'etc'));
      await fs.symlink(ws.outside, path.join(ws.root, 'out-dir'));
      for (const p of ['notes.md', 'etc/hostname', 'etc/passwd', 'out-dir/private.txt']) {
        assert.match((await refusal(ctx.readWorkspaceFile(p))).message, /outside the workspace/, p);
      }
    });

    it('refuses `..`, absolute paths and Windows drive and UNC paths', async () => {
      for (const p of [
        '../outside/private.txt',
        'a/../../outside/private.txt',
        '/etc/passwd',
        path.join(ws.outside, 'private.txt'),
        'C:\\Windows\\win.ini',
        'c:/x',
        '\\\\server\\share\\x',
        '..',
      ]) {
        assert.match((await refusal(ctx.readWorkspaceFile(p))).message, /not a file inside the workspace/, p);
      }
    });

    it('refuses a link to a secret file inside the folder, and .git', async () => {
      await fs.symlink('.env', path.join(ws.root, 'notes.md'));
      assert.match((await refusal(ctx.readWorkspaceFile('notes.md'))).message, /leads to \.env.*secret/);
      assert.match((await refusal(ctx.readWorkspaceFile('.env'))).message, /secret/);
      await fs.mkdir(path.join(ws.root, '.git'));
      await fs.writeFile(path.join(ws.root, '.git', 'config'), '[core]');
      assert.match((await refusal(ctx.readWorkspaceFile('.GIT/config'))).message, /\.git/i);
    });

    it('refuses /dev/zero, a folder and a FIFO without reading them', async function () {
      await fs.symlink('/dev/zero', path.join(ws.root, 'zero'));
      await fs.mkdir(path.join(ws.root, 'dir'));
      assert.match((await refusal(ctx.readWorkspaceFile('zero'))).message, /outside the workspace/);
      assert.match((await refusal(ctx.readWorkspaceFile('dir'))).message, /folder/);
      // The same device made inside the folder (needs root; CI containers have it).
      if (spawnSync('mknod', [path.join(ws.root, 'zero-dev'), 'c', '1', '5']).status === 0) {
        await fs.symlink('zero-dev', path.join(ws.root, 'zero-link'));
        for (const p of ['zero-dev', 'zero-link']) assert.match((await refusal(ctx.readWorkspaceFile(p))).message, /device/, p);
        assert.match((await refusal(ctx.writeWorkspaceFile('zero-dev', 'x'))).message, /device/);
      }
      if (!hasMkfifo) return;
      assert.equal(spawnSync('mkfifo', [path.join(ws.root, 'pipe')]).status, 0);
      // With no writer, opening a FIFO would block forever: a refusal here proves it was never opened for reading.
      assert.match((await refusal(ctx.readWorkspaceFile('pipe'))).message, /FIFO/);
      assert.match((await refusal(ctx.writeWorkspaceFile('pipe', 'x'))).message, /FIFO/);
    });

    it('writes inside (new folders too) and refuses writes that would land outside, through links, or on secrets', async () => {
      await ctx.writeWorkspaceFile('sub/new/Dockerfile', 'FROM node:22\n');
      assert.equal(await fs.readFile(path.join(ws.root, 'sub/new/Dockerfile'), 'utf8'), 'FROM node:22\n');
      await fs.symlink(ws.outside, path.join(ws.root, 'out-dir'));
      await fs.symlink('../outside/private.txt', path.join(ws.root, 'notes.md'));
      await fs.symlink('../outside/not-yet.txt', path.join(ws.root, 'dangling'));
      await fs.symlink('.env', path.join(ws.root, 'env-link'));
      for (const p of ['out-dir/Dockerfile', 'out-dir/new/Dockerfile', 'notes.md', 'dangling', 'env-link', '.env', '../outside/x', '/tmp/x']) {
        await refusal(ctx.writeWorkspaceFile(p, 'HIJACKED'));
      }
      assert.deepEqual((await fs.readdir(ws.outside)).sort(), ['private.txt'], 'nothing was created outside');
      assert.equal(await fs.readFile(path.join(ws.outside, 'private.txt'), 'utf8'), 'PRIVATE-OUTSIDE');
      assert.equal(await fs.readFile(path.join(ws.root, '.env'), 'utf8'), 'TOKEN=zzz\n');
    });
  });
}

describe('the workspace jail', () => {
  contracts('the agent’s jail (core)', (ws) => ({
    readWorkspaceFile: (rel) => agentJail(ws.root).readText(rel),
    writeWorkspaceFile: async (rel, content) => void (await agentJail(ws.root).writeText(rel, content)),
  }));

  describe('the VS Code agent context', () => {
    let folders_: { name: string; uri: { fsPath: string } }[] = [];
    const editor = editorStub();
    const stub = {
      ...editor.api,
      workspace: {
        ...editor.api.workspace,
        get textDocuments() {
          return editor.documents;
        },
        get workspaceFolders() {
          return folders_;
        },
      },
      window: { showTextDocument: () => Promise.resolve() },
      Uri: { file: (fsPath: string) => ({ fsPath }) },
    };
    const subject = useVscodeStub<typeof AgentHost>(stub, require.resolve('../../src/adapters/vscode/chat/agentHost'));
    contracts('readWorkspaceFile / writeWorkspaceFile', (ws) => {
      folders_ = [{ name: 'ws', uri: { fsPath: ws.root } }];
      const folders = { current: () => folders_[0], pickFolder: async () => folders_[0], onDidChange: () => ({ dispose: () => undefined }) };
      return new (subject.load().VscodeAgentContext)({
        session: {} as DeploySession,
        runner: {} as DeployRunner,
        ports: () => ({}) as CloudPorts,
        usage: {} as UsageGuard,
        folders: folders as never,
      });
    });
  });

  describe('bounds', () => {
    it('reads up to the bound and refuses a larger file rather than reading it', async () => {
      const ws = await setup({ 'ten.txt': '0123456789', 'eleven.txt': '0123456789A' });
      try {
        const jail = new WorkspaceJail(ws.root, { maxReadBytes: 10 });
        assert.equal(await jail.readText('ten.txt'), '0123456789');
        assert.match((await refusal(jail.readText('eleven.txt'))).message, /larger than/);
      } finally {
        await ws.cleanup();
      }
    });
  });

  describe('the agent’s tools', () => {
    let ws: Ws;
    beforeEach(async () => (ws = await setup({ Dockerfile: 'FROM node:22\n' })));
    afterEach(() => ws.cleanup());

    it('read_file refuses a link out of the folder and a link to /dev/zero', async () => {
      await fs.symlink('../outside/private.txt', path.join(ws.root, 'notes.md'));
      await fs.symlink('/dev/zero', path.join(ws.root, 'zero.txt'));
      const ctx = testAgentContext(ws.root, {} as CloudPorts);
      for (const p of ['notes.md', 'zero.txt']) {
        const err = await refusal(readFileTool().run({ path: p }, ctx, never));
        assert.ok(!err.message.includes('PRIVATE-OUTSIDE'));
      }
    });

    it('propose_fix refuses a target behind a linked folder before showing the card, and never writes there', async () => {
      await fs.symlink(ws.outside, path.join(ws.root, 'out-dir'));
      const ctx = testAgentContext(ws.root, {} as CloudPorts);
      const args = { path: 'out-dir/Dockerfile', content: 'FROM evil\n', explanation: 'fix' };
      assert.match((await refusal(proposeFixTool().confirmation!(args, ctx, never))).message, /outside the workspace/);
      await refusal(proposeFixTool().run(args, ctx, never));
      assert.deepEqual(await fs.readdir(ws.outside), ['private.txt']);
    });
  });

  describe('.gcloudignore #!include: and the rule files', () => {
    let ws: Ws;
    afterEach(() => ws.cleanup());

    it('refuses includes that leave the folder: by .., by absolute path, through a link', async () => {
      ws = await setup();
      await fs.writeFile(path.join(ws.parent, 'shared.ignore'), '*.log\n');
      await fs.symlink('/etc/hostname', path.join(ws.root, 'host.ignore'));
      for (const include of ['../shared.ignore', '/etc/passwd', path.join(ws.outside, 'private.txt'), 'host.ignore', '.env']) {
        await fs.writeFile(path.join(ws.root, '.gcloudignore'), `#!include:${include}\n`);
        const err = await refusal(listSourceFiles(ws.root));
        assert.match(err.message, /\.gcloudignore includes .*which Devgem does not read/, include);
      }
    });

    it('still follows includes inside the folder', async () => {
      ws = await setup({ '.gcloudignore': '#!include:.gitignore\n', '.gitignore': '*.log\n', 'x.log': '' });
      assert.ok(!(await listSourceFiles(ws.root)).files.includes('x.log'));
    });

    it('refuses a .gitignore or .gcloudignore linked to /dev/zero instead of reading it', async () => {
      ws = await setup();
      await fs.symlink('/dev/zero', path.join(ws.root, '.gitignore'));
      assert.match((await refusal(listSourceFiles(ws.root))).message, /\.gitignore.*outside the workspace/);
      await fs.symlink('/dev/zero', path.join(ws.root, '.gcloudignore'));
      assert.match((await refusal(listSourceFiles(ws.root))).message, /\.gcloudignore.*outside the workspace/);
      await fs.rm(path.join(ws.root, '.gcloudignore'));
      if (spawnSync('mknod', [path.join(ws.root, 'zero-dev'), 'c', '1', '5']).status === 0) {
        await fs.writeFile(path.join(ws.root, '.gcloudignore'), '#!include:zero-dev\n');
        assert.match((await refusal(listSourceFiles(ws.root))).message, /zero-dev.*device/);
      }
    });
  });
});
