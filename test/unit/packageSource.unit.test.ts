import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { DevgemError } from '../../src/core/base/errors';
import { listSourceFiles, writeSourceTarball, type SourceManifest } from '../../src/core/packaging/packageSource';
import { makeWorkspace } from '../support/workspace';

interface TarEntry {
  path: string;
  type: string;
  linkpath?: string;
}

async function listTarball(file: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  await tar.list({ file, onReadEntry: (e) => entries.push({ path: e.path, type: e.type, linkpath: e.linkpath }) });
  return entries;
}

type Workspace = Awaited<ReturnType<typeof makeWorkspace>>;

describe('source packaging', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function workspace(files: Record<string, string>): Promise<Workspace> {
    const ws = await makeWorkspace(files);
    cleanups.push(ws.cleanup);
    return ws;
  }

  /** Tarballs go next to the workspace, never inside it, so they are not packaged themselves. */
  const tarballOf = (ws: Workspace) => path.join(path.dirname(ws.root), 'source.tgz');

  async function rejection(p: Promise<unknown>): Promise<DevgemError> {
    const err = await p.then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DevgemError, `a DevgemError, got ${String(err)}`);
    return err;
  }

  describe('listSourceFiles', () => {
    it('always leaves out .git, node_modules at any depth and .env files, whatever the rules say', async () => {
      const ws = await workspace({
        '.gcloudignore': '# nothing ignored\n',
        'server.js': '',
        '.git/HEAD': 'ref',
        '.git/objects/ab/cd': 'x',
        'node_modules/x/index.js': '',
        'packages/web/node_modules/y/index.js': '',
        'packages/web/index.js': '',
        '.env': 'SECRET=1',
        '.env.local': 'SECRET=2',
        'config/.env.production': 'SECRET=3',
        'config/app.json': '{}',
      });
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['.gcloudignore', 'config/app.json', 'packages/web/index.js', 'server.js']);
      assert.equal(m.rulesFrom, '.gcloudignore');
    });

    it('uses .gitignore when there is no .gcloudignore', async () => {
      const ws = await workspace({ '.gitignore': 'dist/\n*.tmp\n', 'a.js': '', 'dist/out.js': '', 'x.tmp': '', 'src/y.tmp': '' });
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['.gitignore', 'a.js']);
      assert.equal(m.rulesFrom, '.gitignore');
    });

    it('reports defaults when there is no ignore file', async () => {
      const ws = await workspace({ 'a.js': '', 'b/c.js': '' });
      assert.deepEqual(await listSourceFiles(ws.root), { files: ['a.js', 'b/c.js'], rulesFrom: 'defaults', secretsExcluded: [], skipped: [] });
    });

    it('lets .gcloudignore win over .gitignore', async () => {
      const ws = await workspace({
        '.gitignore': 'git-only.txt\n',
        '.gcloudignore': 'gcloud-only.txt\n',
        'git-only.txt': '',
        'gcloud-only.txt': '',
        'app.js': '',
      });
      const m = await listSourceFiles(ws.root);
      assert.equal(m.rulesFrom, '.gcloudignore');
      assert.ok(m.files.includes('git-only.txt'), '.gitignore is not read');
      assert.ok(!m.files.includes('gcloud-only.txt'));
    });

    it('follows #!include:.gitignore inside .gcloudignore', async () => {
      const ws = await workspace({
        '.gitignore': 'git-only.txt\n',
        '.gcloudignore': '.gcloudignore\n#!include:.gitignore\ngcloud-only.txt\n',
        'git-only.txt': '',
        'gcloud-only.txt': '',
        'app.js': '',
      });
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['.gitignore', 'app.js']);
    });

    it('explains an #!include of a file that does not exist', async () => {
      const ws = await workspace({ '.gcloudignore': '#!include:.gitignore\n', 'app.js': '' });
      const err = await rejection(listSourceFiles(ws.root));
      assert.equal(err.kind, 'invalid-argument');
      assert.match(err.message, /\.gcloudignore includes \.gitignore, which does not exist/);
      assert.match(err.fix ?? '', /#!include/);
    });

    it('supports negation patterns', async () => {
      const ws = await workspace({
        '.gitignore': '*.log\n!keep.log\n',
        'keep.log': '',
        'debug.log': '',
        'logs/keep.log': '',
        'logs/other.log': '',
        'app.js': '',
      });
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['.gitignore', 'app.js', 'keep.log', 'logs/keep.log']);
    });

    it('refuses a symlink to /etc (outside the folder), naming the link and its target', async () => {
      const ws = await workspace({ 'app.js': '' });
      await fs.symlink('/etc', path.join(ws.root, 'etc-link'));
      const err = await rejection(listSourceFiles(ws.root));
      assert.equal(err.kind, 'invalid-argument');
      assert.match(err.message, /etc-link is a symbolic link to \/etc, which is outside the folder/);
      assert.match(err.fix ?? '', /Remove etc-link|replace it with a copy/);
    });

    it('does not hang on a symlink loop (a folder linking to its parent)', async () => {
      const ws = await workspace({ 'app.js': '', 'sub/file.txt': '' });
      await fs.symlink('..', path.join(ws.root, 'sub', 'up'));
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['app.js', 'sub/file.txt', 'sub/up']);
    });

    it('rejects as cancelled when the signal is already aborted', async () => {
      const ws = await workspace({ 'app.js': '' });
      const controller = new AbortController();
      controller.abort();
      const err = await rejection(listSourceFiles(ws.root, controller.signal));
      assert.equal(err.kind, 'cancelled');
    });
  });

  describe('writeSourceTarball', () => {
    it('holds exactly the manifest files, with their contents', async () => {
      const ws = await workspace({
        '.gitignore': 'secret.txt\n',
        'server.js': 'console.log(1)',
        'src/lib/a.js': 'a',
        'secret.txt': 'no',
        '.env': 'X=1',
        'node_modules/m/i.js': '',
      });
      const m = await listSourceFiles(ws.root);
      const out = tarballOf(ws);
      const { bytes } = await writeSourceTarball(ws.root, m, out);
      assert.equal(bytes, (await fs.stat(out)).size);
      assert.ok(bytes > 0);
      const entries = await listTarball(out);
      assert.deepEqual(entries.map((e) => e.path).sort(), [...m.files].sort());
      assert.deepEqual([...m.files].sort(), ['.gitignore', 'server.js', 'src/lib/a.js']);

      const extracted = path.join(path.dirname(ws.root), 'extracted');
      await fs.mkdir(extracted);
      await tar.extract({ file: out, cwd: extracted });
      assert.equal(await fs.readFile(path.join(extracted, 'server.js'), 'utf8'), 'console.log(1)');
      assert.equal(await fs.readFile(path.join(extracted, 'src/lib/a.js'), 'utf8'), 'a');
    });

    it('stores a symlink inside the folder as a symlink, not as a copy of its target', async () => {
      const ws = await workspace({ 'app.js': 'x', 'conf/real.json': '{}' });
      await fs.symlink('real.json', path.join(ws.root, 'conf', 'current.json'));
      const m = await listSourceFiles(ws.root);
      const out = tarballOf(ws);
      await writeSourceTarball(ws.root, m, out);
      const entries = await listTarball(out);
      assert.deepEqual(
        entries.map((e) => e.path),
        ['app.js', 'conf/current.json', 'conf/real.json'],
      );
      const link = entries.find((e) => e.path === 'conf/current.json')!;
      assert.equal(link.type, 'SymbolicLink');
      assert.equal(link.linkpath, 'real.json');
    });

    it('packages a symlink loop as a link', async () => {
      const ws = await workspace({ 'app.js': '', 'sub/file.txt': '' });
      await fs.symlink('..', path.join(ws.root, 'sub', 'up'));
      const m = await listSourceFiles(ws.root);
      const out = tarballOf(ws);
      await writeSourceTarball(ws.root, m, out);
      const entries = await listTarball(out);
      assert.deepEqual(entries.map((e) => e.path).sort(), ['app.js', 'sub/file.txt', 'sub/up']);
      assert.equal(entries.find((e) => e.path === 'sub/up')!.type, 'SymbolicLink');
    });

    it('refuses an all-excluded folder and points at the ignore file', async () => {
      const ws = await workspace({ '.gcloudignore': '*\n', 'app.js': '' });
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, []);
      const err = await rejection(writeSourceTarball(ws.root, m, tarballOf(ws)));
      assert.equal(err.kind, 'invalid-argument');
      assert.match(err.message, /Nothing to upload/);
      assert.match(err.fix ?? '', /\.gcloudignore/);
      await assert.rejects(fs.access(tarballOf(ws)), 'no tarball is written');
    });

    it('refuses a folder holding only always-excluded files', async () => {
      const ws = await workspace({ '.env': 'X=1', 'node_modules/a/b.js': '', '.git/HEAD': '' });
      const m = await listSourceFiles(ws.root);
      const err = await rejection(writeSourceTarball(ws.root, m, tarballOf(ws)));
      assert.match(err.fix ?? '', /the folder/);
    });

    it('rejects when the signal is already aborted', async () => {
      const ws = await workspace({ 'app.js': '' });
      const manifest: SourceManifest = { files: ['app.js'], rulesFrom: 'defaults' };
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(writeSourceTarball(ws.root, manifest, tarballOf(ws), controller.signal));
    });
  });
});
