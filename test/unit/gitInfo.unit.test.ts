import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readGitInfo } from '../../src/core/git/gitInfo';

const SHA_A = 'a'.repeat(40);
const SHA_B = '0123456789abcdef0123456789abcdef01234567';
const SHA_C = 'c0ffee'.padEnd(40, '1');

/** Writes `files` (path -> content) under a fresh temporary folder; repositories are made of exactly these files. */
async function tree(files: Record<string, string>): Promise<{ root: string; cleanup(): Promise<void> }> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-git-')));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  return { root, cleanup: () => fs.rm(root, { recursive: true, force: true }) };
}

async function withTree<T>(files: Record<string, string>, body: (root: string) => Promise<T>): Promise<T> {
  const t = await tree(files);
  try {
    return await body(t.root);
  } finally {
    await t.cleanup();
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

describe('git info from the repository files', () => {
  it('is undefined outside a repository', async () => {
    await withTree({ 'app/server.js': '' }, async (root) => {
      // Only meaningful when the temp folder itself is not inside a repository.
      const above = await readGitInfo(path.dirname(root));
      assert.equal(await readGitInfo(path.join(root, 'app')), above);
      assert.equal(above, undefined, `${os.tmpdir()} is inside a git repository; this test needs a temp folder outside one`);
    });
  });

  it('reads the branch and its loose ref, from a subfolder too', async () => {
    await withTree({ '.git/HEAD': 'ref: refs/heads/main\n', [`.git/refs/heads/main`]: `${SHA_A}\n`, 'web/src/index.ts': '' }, async (root) => {
      assert.deepEqual(await readGitInfo(root), { commit: SHA_A, branch: 'main' });
      assert.deepEqual(await readGitInfo(path.join(root, 'web', 'src')), { commit: SHA_A, branch: 'main' });
    });
  });

  it('finds a branch in packed-refs (skipping the header and peeled tags), and a loose ref wins over a packed one', async () => {
    const packed = [
      '# pack-refs with: peeled fully-peeled sorted',
      `${SHA_C} refs/heads/feature/login-x`,
      `${SHA_B} refs/heads/feature/login`,
      `${SHA_A} refs/tags/v1`,
      `^${SHA_C}`,
      '',
    ].join('\n');
    await withTree({ '.git/HEAD': 'ref: refs/heads/feature/login\n', '.git/packed-refs': packed }, async (root) => {
      assert.deepEqual(await readGitInfo(root), { commit: SHA_B, branch: 'feature/login' });
      await fs.mkdir(path.join(root, '.git/refs/heads/feature'), { recursive: true });
      await fs.writeFile(path.join(root, '.git/refs/heads/feature/login'), `${SHA_A}\n`);
      assert.deepEqual(await readGitInfo(root), { commit: SHA_A, branch: 'feature/login' });
    });
  });

  it('reports a detached HEAD as a commit without a branch', async () => {
    await withTree({ '.git/HEAD': `${SHA_B}\n` }, async (root) => {
      assert.deepEqual(await readGitInfo(root), { commit: SHA_B });
    });
  });

  it('reports a branch with no commit yet (a fresh repository)', async () => {
    await withTree({ '.git/HEAD': 'ref: refs/heads/trunk\n', '.git/refs/heads/.keep': '' }, async (root) => {
      assert.deepEqual(await readGitInfo(root), { commit: undefined, branch: 'trunk' });
    });
  });

  it('follows a symbolic ref to the branch it names', async () => {
    await withTree(
      { '.git/HEAD': 'ref: refs/heads/alias\n', '.git/refs/heads/alias': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${SHA_C}\n` },
      async (root) => {
        assert.deepEqual(await readGitInfo(root), { commit: SHA_C, branch: 'alias' });
      },
    );
  });

  it("follows a linked worktree's gitdir file and its commondir to the shared refs", async () => {
    await withTree(
      {
        'main/.git/HEAD': 'ref: refs/heads/main\n',
        'main/.git/refs/heads/main': `${SHA_A}\n`,
        'main/.git/refs/heads/topic': `${SHA_B}\n`,
        'main/.git/worktrees/wt/HEAD': 'ref: refs/heads/topic\n',
        'main/.git/worktrees/wt/commondir': '../..\n',
        'wt/app.py': '',
      },
      async (root) => {
        await fs.writeFile(path.join(root, 'wt/.git'), `gitdir: ${path.join(root, 'main/.git/worktrees/wt')}\n`);
        assert.deepEqual(await readGitInfo(path.join(root, 'wt')), { commit: SHA_B, branch: 'topic' });
        assert.deepEqual(await readGitInfo(path.join(root, 'main')), { commit: SHA_A, branch: 'main' });
      },
    );
  });

  it("follows a submodule's relative gitdir", async () => {
    await withTree(
      {
        '.git/HEAD': 'ref: refs/heads/main\n',
        '.git/refs/heads/main': `${SHA_A}\n`,
        '.git/modules/lib/HEAD': `${SHA_C}\n`,
        'lib/.git': 'gitdir: ../.git/modules/lib\n',
      },
      async (root) => {
        assert.deepEqual(await readGitInfo(path.join(root, 'lib')), { commit: SHA_C });
      },
    );
  });

  it('refuses a HEAD that points outside refs/, and a broken or garbled repository, without throwing', async () => {
    await withTree({ 'a/.git/HEAD': 'ref: refs/../../../secret\n', 'a/secret': `${SHA_A}\n` }, async (root) => {
      assert.equal(await readGitInfo(path.join(root, 'a')), undefined);
    });
    await withTree({ '.git': 'gitdir: does/not/exist\n' }, async (root) => {
      assert.equal(await readGitInfo(root), undefined);
    });
    await withTree({ '.git': 'not a pointer' }, async (root) => {
      assert.equal(await readGitInfo(root), undefined);
    });
    await withTree({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': 'garbage\n' }, async (root) => {
      assert.deepEqual(await readGitInfo(root), { commit: undefined, branch: 'main' });
    });
    await withTree({ '.git/HEAD': 'x'.repeat(100_000) }, async (root) => {
      assert.equal(await readGitInfo(root), undefined);
    });
    assert.equal(await readGitInfo(path.join(os.tmpdir(), 'devgem-no-such-folder', 'x')), undefined);
  });

  it('agrees with git itself (branch, packed refs, detached, worktree)', async function () {
    if (!gitAvailable()) this.skip();
    this.timeout(30_000);
    await withTree({ 'README.md': 'hello\n' }, async (root) => {
      const env = {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: path.join(root, 'no-gitconfig'),
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      };
      const repo = path.join(root, 'repo');
      await fs.mkdir(path.join(repo, 'sub'), { recursive: true });
      await fs.writeFile(path.join(repo, 'sub/file.txt'), 'x\n');
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8', timeout: 10_000 }).trim();
      git('init', '-q', '-b', 'dev/one');
      git('add', '.');
      git('commit', '-q', '-m', 'first');
      const expect = async (cwd: string) => {
        const branch = (() => {
          try {
            return execFileSync('git', ['symbolic-ref', '-q', '--short', 'HEAD'], { cwd, env, encoding: 'utf8', timeout: 10_000 }).trim();
          } catch {
            return undefined;
          }
        })();
        const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, env, encoding: 'utf8', timeout: 10_000 }).trim();
        assert.deepEqual(await readGitInfo(cwd), branch ? { commit, branch } : { commit }, cwd);
      };
      await expect(path.join(repo, 'sub'));
      git('commit', '-q', '--allow-empty', '-m', 'second');
      git('pack-refs', '--all', '--prune');
      await assert.rejects(fs.stat(path.join(repo, '.git/refs/heads/dev/one')), 'the branch is only in packed-refs now');
      await expect(repo);
      git('worktree', 'add', '-q', '-b', 'wt-branch', path.join(root, 'wt'));
      git('-C', path.join(root, 'wt'), 'commit', '-q', '--allow-empty', '-m', 'in worktree');
      await expect(path.join(root, 'wt'));
      git('checkout', '-q', '--detach', 'HEAD~1');
      await expect(repo);
    });
  });
});
