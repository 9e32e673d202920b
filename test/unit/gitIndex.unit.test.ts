import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitBlobSha1, indexDirty, parseGitIndex } from '../../src/core/git/gitIndex';
import { readGitInfo } from '../../src/core/git/gitInfo';

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe("the dirty flag from git's index (no git binary needed)", function () {
  let root: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root } })
      .toString()
      .trim();

  beforeEach(async function () {
    if (!hasGit()) this.skip();
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-index-')));
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 'T');
    git('config', 'core.autocrlf', 'false');
    await fs.mkdir(path.join(root, 'src'));
    await fs.writeFile(path.join(root, 'src', 'app.js'), 'console.log(1);\n');
    await fs.writeFile(path.join(root, 'README.md'), '# app\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
  });
  afterEach(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('reads the entries git wrote, with the blob ids git computes', async () => {
    const entries = parseGitIndex(await fs.readFile(path.join(root, '.git', 'index')))!;
    assert.deepEqual(
      entries.map((e) => e.path),
      ['README.md', 'src/app.js'],
    );
    assert.equal(entries[1].sha1, git('hash-object', 'src/app.js'));
    assert.equal(gitBlobSha1(Buffer.from('console.log(1);\n')), entries[1].sha1);
  });

  it('is clean right after a commit, and clean again after touching a file without changing it', async () => {
    assert.equal((await readGitInfo(root, { checkDirty: true }))?.dirty, false);
    const later = new Date(Date.now() + 5000);
    await fs.utimes(path.join(root, 'README.md'), later, later);
    assert.equal(await indexDirty(root, path.join(root, '.git')), false);
  });

  it('is dirty when a tracked file is modified with the same size, or deleted', async () => {
    await fs.writeFile(path.join(root, 'src', 'app.js'), 'console.log(2);\n');
    const later = new Date(Date.now() + 5000);
    await fs.utimes(path.join(root, 'src', 'app.js'), later, later);
    const info = await readGitInfo(root, { checkDirty: true });
    assert.equal(info?.dirty, true);
    assert.equal(info?.branch, 'main');
    git('checkout', '-q', '--', 'src/app.js');
    assert.equal((await readGitInfo(root, { checkDirty: true }))?.dirty, false);
    await fs.rm(path.join(root, 'README.md'));
    assert.equal((await readGitInfo(root, { checkDirty: true }))?.dirty, true);
  });

  it('ignores untracked files, and leaves dirty unset when not asked', async () => {
    await fs.writeFile(path.join(root, 'notes.txt'), 'scratch');
    assert.equal((await readGitInfo(root, { checkDirty: true }))?.dirty, false);
    await fs.writeFile(path.join(root, 'README.md'), 'changed a lot\n');
    assert.equal((await readGitInfo(root))?.dirty, undefined);
  });

  it('says "unknown" for an index version it does not read', async () => {
    git('update-index', '--index-version', '4');
    assert.equal(await indexDirty(root, path.join(root, '.git')), undefined);
    assert.equal((await readGitInfo(root, { checkDirty: true }))?.dirty, undefined);
  });

  it('gives up (unknown) when the time budget runs out', async () => {
    let t = 0;
    assert.equal(await indexDirty(root, path.join(root, '.git'), () => (t += 10_000)), undefined);
  });
});
