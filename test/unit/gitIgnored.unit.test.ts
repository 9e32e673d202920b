import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readGitInfo } from '../../src/core/git/gitInfo';

const SHA_A = 'a'.repeat(40);

async function withTree(files: Record<string, string>, body: (root: string) => Promise<void>): Promise<void> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-gitignored-')));
  try {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(root, rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
    }
    await body(root);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

function gitAvailable(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const repo = { '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${SHA_A}\n` };

describe('git discovery skips a folder its repository ignores', () => {
  it('gives no commit to an ignored folder (root .gitignore, info/exclude, a nested .gitignore, a parent ignored)', async () => {
    await withTree(
      {
        ...repo,
        '.gitignore': '.devgem-run/\n',
        '.git/info/exclude': 'scratch\n',
        'src/.gitignore': 'gen/\n',
        '.devgem-run/workspace/hello-node/server.js': '',
        'scratch/app/server.js': '',
        'src/gen/app/x.js': '',
        'src/app/x.js': '',
      },
      async (root) => {
        assert.equal(await readGitInfo(path.join(root, '.devgem-run', 'workspace', 'hello-node'), { checkDirty: true }), undefined);
        assert.equal(await readGitInfo(path.join(root, 'scratch', 'app')), undefined);
        assert.equal(await readGitInfo(path.join(root, 'src', 'gen', 'app')), undefined);
        assert.deepEqual(await readGitInfo(path.join(root, 'src', 'app')), { commit: SHA_A, branch: 'main' });
        assert.deepEqual(await readGitInfo(root), { commit: SHA_A, branch: 'main' });
      },
    );
  });

  it('keeps a folder that a deeper rule re-includes, or that matches only as a file pattern', async () => {
    await withTree({ ...repo, '.gitignore': 'out*\n!outer/\nlogs\n', 'outer/a.js': '', 'logsdir/a.js': '' }, async (root) => {
      assert.deepEqual(await readGitInfo(path.join(root, 'outer')), { commit: SHA_A, branch: 'main' });
      assert.deepEqual(await readGitInfo(path.join(root, 'logsdir')), { commit: SHA_A, branch: 'main' });
    });
  });

  it('agrees with git: an ignored copy has no commit; a nested repository has its own commit and turns dirty after an edit', async function () {
    if (!gitAvailable()) this.skip();
    this.timeout(30_000);
    await withTree({ 'README.md': 'outer\n', '.gitignore': '.devgem-run/\n', 'tracked-but-ignored/keep.txt': 'k\n' }, async (root) => {
      const env = {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: path.join(root, 'no-gitconfig'),
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      };
      const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8', timeout: 10_000 }).trim();
      git(root, 'init', '-q', '-b', 'main');
      git(root, 'add', '.');
      git(root, 'commit', '-q', '-m', 'outer');
      const outer = git(root, 'rev-parse', 'HEAD');
      // Ignored after the fact: its files are tracked, so it stays part of the repository (as git says).
      await fs.appendFile(path.join(root, '.gitignore'), 'tracked-but-ignored/\n');
      assert.equal((await readGitInfo(path.join(root, 'tracked-but-ignored')))?.commit, outer);

      const sample = path.join(root, '.devgem-run', 'workspace', 'hello-node');
      await fs.mkdir(sample, { recursive: true });
      await fs.writeFile(path.join(sample, 'server.js'), 'console.log(1);\n');
      assert.equal(git(root, 'check-ignore', sample), sample, 'git ignores the copy');
      assert.equal(await readGitInfo(sample, { checkDirty: true }), undefined, 'the copy is not part of the outer repository');

      git(sample, 'init', '-q', '-b', 'main');
      git(sample, 'add', '.');
      git(sample, 'commit', '-q', '-m', 'sample');
      const own = git(sample, 'rev-parse', 'HEAD');
      assert.notEqual(own, outer);
      assert.deepEqual(await readGitInfo(sample, { checkDirty: true }), { commit: own, branch: 'main', dirty: false });
      await fs.writeFile(path.join(sample, 'server.js'), 'console.log(2);\n');
      assert.deepEqual(await readGitInfo(sample, { checkDirty: true }), { commit: own, branch: 'main', dirty: true });
    });
  });
});
