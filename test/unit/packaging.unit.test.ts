import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { DevgemError } from '../../src/core/base/errors';
import { listSourceFiles, previewManifest, writeSourceTarball } from '../../src/core/packaging/packageSource';
import { makeWorkspace } from '../support/workspace';

type Workspace = Awaited<ReturnType<typeof makeWorkspace>>;

interface Entry {
  path: string;
  type: string;
  mode?: number;
  mtime?: Date;
  uid?: number;
  uname?: string;
  linkpath?: string;
}

async function entriesOf(file: string): Promise<Entry[]> {
  const out: Entry[] = [];
  await tar.list({
    file,
    onReadEntry: (e) => out.push({ path: e.path, type: e.type, mode: e.mode, mtime: e.mtime, uid: e.uid, uname: e.uname, linkpath: e.linkpath }),
  });
  return out;
}

describe('packaging: ignore rules, secrets, symlinks, determinism, preview', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function workspace(files: Record<string, string>, name?: string): Promise<Workspace> {
    const ws = await makeWorkspace(files, name);
    cleanups.push(ws.cleanup);
    return ws;
  }
  async function rejection(p: Promise<unknown>): Promise<DevgemError> {
    const err = await p.then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DevgemError, `a DevgemError, got ${String(err)}`);
    return err;
  }
  const outOf = (ws: Workspace, name = 'source.tgz') => path.join(path.dirname(ws.root), name);

  describe('ignore precedence', () => {
    it('with .gcloudignore, neither .gitignore (root or nested) nor the defaults apply', async () => {
      const ws = await workspace({
        '.gcloudignore': 'build/\n',
        '.gitignore': 'git.txt\n',
        'git.txt': '',
        'build/out.js': '',
        '.venv/lib/x.py': '',
        'sub/.gitignore': 'local.txt\n',
        'sub/local.txt': '',
        'app.py': '',
      });
      const m = await listSourceFiles(ws.root);
      assert.equal(m.rulesFrom, '.gcloudignore');
      assert.deepEqual(m.files, ['.gcloudignore', '.gitignore', '.venv/lib/x.py', 'app.py', 'git.txt', 'sub/.gitignore', 'sub/local.txt']);
    });

    it('follows nested #!include: lines (an included file may include another)', async () => {
      const ws = await workspace({
        '.gcloudignore': '#!include:rules/a.ignore\n',
        'rules/a.ignore': 'a.txt\n#!include:rules/b.ignore\n',
        'rules/b.ignore': 'b.txt\n',
        'a.txt': '',
        'b.txt': '',
        'c.txt': '',
      });
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['.gcloudignore', 'c.txt', 'rules/a.ignore', 'rules/b.ignore']);
    });

    it('applies a nested .gitignore only below its folder, and lets it negate a root rule', async () => {
      const ws = await workspace({
        '.gitignore': '*.log\n',
        'api/.gitignore': 'tmp/\n!keep.log\n',
        'api/keep.log': '',
        'api/other.log': '',
        'api/tmp/x': '',
        'web/tmp/y': '',
        'web/keep.log': '',
      });
      const m = await listSourceFiles(ws.root);
      assert.equal(m.rulesFrom, '.gitignore');
      assert.deepEqual(m.files, ['.gitignore', 'api/.gitignore', 'api/keep.log', 'web/tmp/y']);
    });

    it('uses nested .gitignore files even without a root one, on top of the defaults', async () => {
      const ws = await workspace({
        'svc/.gitignore': 'dist/\n',
        'svc/dist/a.js': '',
        'svc/main.go': '',
        '.venv/bin/python': '',
        '__pycache__/m.pyc': '',
        'vendor/bundle/gem.rb': '',
      });
      const m = await listSourceFiles(ws.root);
      assert.equal(m.rulesFrom, '.gitignore');
      assert.deepEqual(m.files, ['svc/.gitignore', 'svc/main.go']);
    });
  });

  describe('secrets', () => {
    const secrets: Record<string, string> = {
      '.env': 'A=1',
      '.env.production': 'A=1',
      '.envrc': 'export A=1',
      'certs/server.pem': '-----BEGIN PRIVATE KEY-----',
      'certs/tls.key': 'k',
      'keys/id_rsa': 'k',
      'keys/id_ed25519': 'k',
      'keys/client.p12': 'k',
      'keys/client.pfx': 'k',
      'android/release.jks': 'k',
      'android/app.keystore': 'k',
      'credentials.json': '{}',
      'service-account-prod.json': '{}',
      'deploy-key.json': '{}',
      'config/gcp.json': '{\n  "type": "service_account",\n  "project_id": "p",\n  "private_key": "-----BEGIN"\n}',
      '.npmrc': '//registry.npmjs.org/:_authToken=npm_abc123\n',
      '.pypirc': '[pypi]\nusername = __token__\npassword = pypi-abc\n',
      '.netrc': 'machine x login y password z',
      '.aws/credentials': '[default]\naws_secret_access_key=x',
      kubeconfig: 'apiVersion: v1',
      '.kube/config': 'apiVersion: v1',
    };
    const harmless: Record<string, string> = {
      'package.json': '{"name":"a"}',
      'config/other.json': '{"private_key": "only one marker"}',
      'web/.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n',
      'py/.pypirc': '[pypi]\nusername = me\n',
      'app.js': '',
    };

    it('leaves every secret pattern out and lists it in secretsExcluded', async () => {
      const ws = await workspace({ ...secrets, ...harmless });
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.secretsExcluded, Object.keys(secrets).sort());
      assert.deepEqual(m.files, Object.keys(harmless).sort());
    });

    it('uploads what the user explicitly includes, by path or glob, and flags it in the preview', async () => {
      const ws = await workspace({ ...secrets, 'app.js': '' });
      const m = await listSourceFiles(ws.root, undefined, { include: ['.env.production', 'certs/*.pem', '/config/gcp.json'] });
      assert.deepEqual(m.files, ['.env.production', 'app.js', 'certs/server.pem', 'config/gcp.json']);
      assert.ok(!m.secretsExcluded.includes('.env.production') && m.secretsExcluded.includes('.env'));
      const preview = await previewManifest(ws.root, m);
      assert.deepEqual(
        preview.redFlags.map((f) => f.path),
        ['.env.production', 'certs/server.pem', 'config/gcp.json'],
      );
      assert.match(preview.redFlags[2].reason, /service-account key.*because you asked/);
    });

    it('include opens excluded folders (node_modules, ignored dist/) but never .git', async () => {
      const ws = await workspace({ '.gitignore': 'dist/\n', 'dist/app.js': '', 'dist/map.js': '', 'node_modules/m/index.js': '', '.git/HEAD': '', 'a.js': '' });
      const m = await listSourceFiles(ws.root, undefined, { include: ['dist/app.js', 'node_modules/', '.git/'] });
      assert.deepEqual(m.files, ['.gitignore', 'a.js', 'dist/app.js', 'node_modules/m/index.js']);
    });
  });

  describe('symlinks', () => {
    it('refuses a link to ../outside, even when the target does not exist', async () => {
      const ws = await workspace({ 'app.js': '' });
      await fs.writeFile(path.join(path.dirname(ws.root), 'outside.txt'), 'x');
      await fs.symlink('../outside.txt', path.join(ws.root, 'out-link'));
      assert.match((await rejection(listSourceFiles(ws.root))).message, /out-link is a symbolic link to \.\.\/outside\.txt/);
      await fs.rm(path.join(ws.root, 'out-link'));
      await fs.symlink('../../nowhere', path.join(ws.root, 'gone'));
      assert.match((await rejection(listSourceFiles(ws.root))).message, /gone is a symbolic link to \.\.\/\.\.\/nowhere/);
    });

    it('refuses a chain that leaves through an ignored link', async () => {
      const ws = await workspace({ '.gitignore': 'hidden\n', 'app.js': '' });
      await fs.symlink('/etc', path.join(ws.root, 'hidden'));
      await fs.symlink('hidden', path.join(ws.root, 'innocent'));
      assert.match((await rejection(listSourceFiles(ws.root))).message, /innocent is a symbolic link to hidden/);
    });

    it('keeps broken and looping links inside the folder as links, without hanging', async () => {
      const ws = await workspace({ 'app.js': '' });
      await fs.symlink('missing.txt', path.join(ws.root, 'broken'));
      await fs.symlink('loop-b', path.join(ws.root, 'loop-a'));
      await fs.symlink('loop-a', path.join(ws.root, 'loop-b'));
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['app.js', 'broken', 'loop-a', 'loop-b']);
      await writeSourceTarball(ws.root, m, outOf(ws));
      const entries = await entriesOf(outOf(ws));
      assert.deepEqual(
        entries.map((e) => `${e.path}:${e.type}:${e.linkpath ?? ''}`),
        ['app.js:File:', 'broken:SymbolicLink:missing.txt', 'loop-a:SymbolicLink:loop-b', 'loop-b:SymbolicLink:loop-a'],
      );
    });
  });

  describe('deterministic tarball', () => {
    const longPath = `deep/${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`;
    const tree = { 'z.js': 'z', 'a.js': 'console.log(1)\n', 'bin/run.sh': '#!/bin/sh\necho hi\n', 'b/c/d.txt': 'd', [longPath]: 'long' };

    async function build(name: string, mtime: Date, fileMode: number, hardlink: boolean): Promise<Workspace> {
      const ws = await workspace(tree, name);
      for (const rel of Object.keys(tree)) {
        await fs.chmod(path.join(ws.root, rel), rel.endsWith('.sh') ? fileMode | 0o111 : fileMode);
        await fs.utimes(path.join(ws.root, rel), mtime, mtime);
      }
      if (hardlink) {
        await fs.rm(path.join(ws.root, 'b/c/d.txt'));
        await fs.writeFile(path.join(ws.root, 'd-original.txt'), 'd');
        await fs.link(path.join(ws.root, 'd-original.txt'), path.join(ws.root, 'b/c/d.txt'));
      }
      return ws;
    }

    it('gives byte-identical output for the same files whatever their mtimes, modes, hard links and names of the folder', async () => {
      const one = await build('first', new Date('2001-02-03T04:05:06Z'), 0o644, false);
      const two = await build('second', new Date('2024-12-31T23:59:59Z'), 0o664, true);
      const m1 = await listSourceFiles(one.root);
      const m2 = { ...(await listSourceFiles(two.root)) };
      m2.files = m2.files.filter((f) => f !== 'd-original.txt').reverse(); // the writer sorts
      const r1 = await writeSourceTarball(one.root, m1, outOf(one));
      const r2 = await writeSourceTarball(two.root, m2, outOf(two));
      assert.equal(r1.sha256, r2.sha256);
      assert.equal(r1.bytes, r2.bytes);
      const bytes = await fs.readFile(outOf(one));
      assert.deepEqual(bytes, await fs.readFile(outOf(two)));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), r1.sha256);
      assert.equal(bytes.readUInt32LE(4), 0, 'gzip header has no time');
      assert.equal(bytes[9], 3, 'gzip OS byte is Unix on every platform');

      const entries = await entriesOf(outOf(one));
      assert.deepEqual(
        entries.map((e) => e.path),
        ['a.js', 'b/c/d.txt', 'bin/run.sh', longPath, 'z.js'],
      );
      for (const e of entries) {
        assert.equal(e.mtime?.toISOString(), '1980-01-01T00:00:00.000Z');
        assert.ok(!e.uid && !e.uname, `no owner in ${e.path}: uid ${e.uid}, uname ${e.uname}`);
        assert.equal(e.type, 'File');
        assert.equal(e.mode, e.path === 'bin/run.sh' ? 0o755 : 0o644);
      }
    });

    it('is read back by GNU tar: long paths and link targets (pax), executable bits, contents', async function () {
      if (spawnSync('tar', ['--version']).status !== 0) this.skip();
      const ws = await workspace(tree);
      await fs.chmod(path.join(ws.root, 'bin/run.sh'), 0o755);
      await fs.symlink(`../${longPath}`, path.join(ws.root, 'b', `${'l'.repeat(120)}`));
      const m = await listSourceFiles(ws.root);
      await writeSourceTarball(ws.root, m, outOf(ws));
      const into = path.join(path.dirname(ws.root), 'gnu');
      await fs.mkdir(into);
      const result = spawnSync('tar', ['-xzf', outOf(ws), '-C', into], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      for (const [rel, content] of Object.entries(tree)) assert.equal(await fs.readFile(path.join(into, rel), 'utf8'), content);
      assert.equal((await fs.stat(path.join(into, 'bin/run.sh'))).mode & 0o777, 0o755);
      assert.equal(await fs.readlink(path.join(into, 'b', 'l'.repeat(120))), `../${longPath}`);
    });

    it('gives a different hash when one byte changes', async () => {
      const ws = await workspace({ 'a.js': 'console.log(1)\n', 'b.js': 'x' });
      const m = await listSourceFiles(ws.root);
      const before = await writeSourceTarball(ws.root, m, outOf(ws, '1.tgz'));
      await fs.writeFile(path.join(ws.root, 'a.js'), 'console.log(2)\n');
      const after = await writeSourceTarball(ws.root, m, outOf(ws, '2.tgz'));
      assert.match(before.sha256, /^[0-9a-f]{64}$/);
      assert.notEqual(before.sha256, after.sha256);
    });

    it('skips a file whose name is not UTF-8, says so in the manifest, and still packs the rest', async () => {
      const ws = await workspace({ 'app.js': 'ok' });
      const bad = Buffer.concat([Buffer.from(`${ws.root}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]);
      await fs.writeFile(bad, 'latin-1 name');
      const m = await listSourceFiles(ws.root);
      assert.deepEqual(m.files, ['app.js']);
      assert.equal(m.skipped.length, 1);
      assert.match(m.skipped[0].path, /^caf\uFFFD\.txt$/);
      assert.match(m.skipped[0].reason, /not valid UTF-8/);
      await writeSourceTarball(ws.root, m, outOf(ws));
      assert.deepEqual(
        (await entriesOf(outOf(ws))).map((e) => e.path),
        ['app.js'],
      );
    });
  });

  describe('upload preview', () => {
    it('counts files and bytes and names the five largest (links count 0)', async () => {
      const sizes = [10, 700, 30, 500, 5, 600, 200];
      const ws = await workspace(Object.fromEntries(sizes.map((n, i) => [`f${i}.bin`, 'x'.repeat(n)])));
      await fs.symlink('f0.bin', path.join(ws.root, 'link'));
      const m = await listSourceFiles(ws.root);
      const p = await previewManifest(ws.root, m);
      assert.equal(p.fileCount, 8);
      assert.equal(p.totalBytes, 2045);
      assert.deepEqual(p.largest, [
        { path: 'f1.bin', bytes: 700 },
        { path: 'f5.bin', bytes: 600 },
        { path: 'f3.bin', bytes: 500 },
        { path: 'f6.bin', bytes: 200 },
        { path: 'f2.bin', bytes: 30 },
      ]);
      assert.deepEqual(p.redFlags, []);
    });

    it('flags a 100 MB file, more than 1 GB in all, and dependency folders let in by .gcloudignore or include', async () => {
      const ws = await workspace({
        '.gcloudignore': '# keeps everything\n',
        '.venv/lib/site.py': '',
        'vendor/bundle/ruby/x.rb': '',
        'node_modules/m/i.js': '',
        'app.js': '',
      });
      for (const [name, size] of [
        ['big.bin', 100_000_000],
        ['huge.iso', 960_000_000],
      ] as const) {
        const handle = await fs.open(path.join(ws.root, name), 'w');
        await handle.truncate(size); // sparse: instant, no disk used
        await handle.close();
      }
      const plain = await previewManifest(ws.root, await listSourceFiles(ws.root));
      assert.deepEqual(
        plain.redFlags.map((f) => f.path),
        ['.venv', 'big.bin', 'huge.iso', 'vendor/bundle', '.'],
      );
      assert.match(plain.redFlags[1].reason, /large file \(100 MB\)/);
      assert.match(plain.redFlags[4].reason, /1\.1 GB in all/);
      assert.ok(!plain.redFlags.some((f) => f.path === 'node_modules'), 'node_modules stays out by default');

      const withModules = await previewManifest(ws.root, await listSourceFiles(ws.root, undefined, { include: ['node_modules/'] }));
      assert.ok(withModules.redFlags.some((f) => f.path === 'node_modules' && /dependency folder/.test(f.reason)));
    });

    it('flags more than 50,000 files', async () => {
      const ws = await workspace({ 'a.txt': 'x' });
      const p = await previewManifest(ws.root, { files: Array.from({ length: 50_001 }, () => 'a.txt') });
      assert.equal(p.fileCount, 50_001);
      assert.deepEqual(p.redFlags, [{ path: '.', reason: '50001 files (more than 50000)' }]);
    });
  });
});
