import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { ignoredByRepository } from './gitIgnored';
import { indexDirty } from './gitIndex';

/** The commit and branch a folder is on; `dirty` only when asked for (it reads the tracked files). */
export interface GitInfo {
  /** Full SHA (40 hex, or 64 for SHA-256 repositories); undefined on a branch with no commit yet. */
  commit?: string;
  /** Undefined when HEAD is detached. */
  branch?: string;
  dirty?: boolean;
}

/** Where a repository keeps its files: `gitDir` holds HEAD, `commonDir` the shared refs (they differ in linked worktrees). */
export interface RepoDirs {
  gitDir: string;
  commonDir: string;
  /** The folder holding `.git`: where the tracked files are. */
  workTree: string;
}

const SMALL_FILE = 4096;
const MAX_WALK_UP = 64;
const MAX_SYMREF_HOPS = 5;
/** packed-refs is streamed line by line; past this many bytes we stop looking. */
const MAX_PACKED_REFS_BYTES = 32 * 1024 * 1024;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Reads HEAD straight from the repository's files, so it works where no `git`
 * binary is installed (and costs a few small reads, never a subprocess).
 * Undefined outside a repository; never throws: a deploy must not fail
 * because its git state could not be read.
 */
export async function readGitInfo(folder: string, options: { checkDirty?: boolean } = {}): Promise<GitInfo | undefined> {
  try {
    const dirs = await findRepository(folder);
    if (!dirs) return undefined;
    const info = await readHead(dirs);
    if (info && options.checkDirty) {
      const dirty = await indexDirty(dirs.workTree, dirs.gitDir);
      if (dirty !== undefined) info.dirty = dirty;
    }
    return info;
  } catch {
    return undefined;
  }
}

async function readHead(dirs: RepoDirs): Promise<GitInfo | undefined> {
  try {
    const head = (await readSmall(path.join(dirs.gitDir, 'HEAD')))?.trim();
    if (!head) return undefined;
    if (SHA.test(head)) return { commit: head };
    const ref = symbolicRef(head);
    if (!ref) return undefined;
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    return { commit: await resolveRef(dirs, ref), branch };
  } catch {
    return undefined;
  }
}

/**
 * The nearest `.git` at or above `folder`: a directory, or a file saying `gitdir: …` (worktrees, submodules).
 * Undefined when that repository ignores `folder` (`git check-ignore`): an ignored folder is not part of it.
 */
export async function findRepository(folder: string): Promise<RepoDirs | undefined> {
  const dirs = await nearestRepository(folder);
  if (dirs && (await ignoredByRepository(dirs.workTree, dirs.commonDir, dirs.gitDir, folder))) return undefined;
  return dirs;
}

async function nearestRepository(folder: string): Promise<RepoDirs | undefined> {
  let dir = path.resolve(folder);
  for (let i = 0; i < MAX_WALK_UP; i++) {
    const dotGit = path.join(dir, '.git');
    const stat = await fs.stat(dotGit).catch(() => undefined);
    if (stat?.isDirectory()) return withCommonDir(dotGit, dir);
    if (stat?.isFile()) {
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec((await readSmall(dotGit)) ?? '');
      // A broken pointer is a broken repository, not a reason to look further up.
      return pointer ? withCommonDir(path.resolve(dir, pointer[1]), dir) : undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

async function withCommonDir(gitDir: string, workTree: string): Promise<RepoDirs> {
  // A linked worktree's gitdir names the main repository's in `commondir`.
  const common = (await readSmall(path.join(gitDir, 'commondir')))?.trim();
  return { gitDir, commonDir: common ? path.resolve(gitDir, common) : gitDir, workTree };
}

/** `ref: refs/heads/main` -> `refs/heads/main`; anything that could leave the refs folder is refused. */
function symbolicRef(content: string): string | undefined {
  const m = /^ref:\s*(\S+)$/.exec(content);
  if (!m) return undefined;
  const ref = m[1];
  if (!ref.startsWith('refs/') || ref.split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return ref;
}

/** A loose ref (the worktree's own, then the shared ones), else packed-refs; follows symbolic refs a few hops. */
async function resolveRef(dirs: RepoDirs, ref: string): Promise<string | undefined> {
  let name = ref;
  for (let hop = 0; hop < MAX_SYMREF_HOPS; hop++) {
    const loose =
      (await readSmall(path.join(dirs.gitDir, name)))?.trim() ??
      (dirs.commonDir !== dirs.gitDir ? (await readSmall(path.join(dirs.commonDir, name)))?.trim() : undefined);
    if (loose === undefined) return findPackedRef(path.join(dirs.commonDir, 'packed-refs'), name);
    if (SHA.test(loose)) return loose;
    const next = symbolicRef(loose);
    if (!next) return undefined;
    name = next;
  }
  return undefined;
}

/** Lines are `<sha> <refname>`; `#` starts the header and `^` a peeled tag, neither of which we need. */
async function findPackedRef(file: string, ref: string): Promise<string | undefined> {
  // Opened first so a missing file is a plain "no", not a stream error racing the line reader.
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  const stream = handle.createReadStream({ encoding: 'utf8', end: MAX_PACKED_REFS_BYTES - 1 });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.startsWith('#') || line.startsWith('^')) continue;
      const space = line.indexOf(' ');
      if (space > 0 && line.slice(space + 1) === ref) {
        const sha = line.slice(0, space);
        return SHA.test(sha) ? sha : undefined;
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    lines.close();
    stream.destroy();
    await handle.close().catch(() => undefined);
  }
}

/** At most SMALL_FILE bytes of a file; undefined when it cannot be read (missing, a directory, no permission). */
async function readSmall(file: string): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buf = Buffer.alloc(SMALL_FILE);
    const { bytesRead } = await handle.read(buf, 0, SMALL_FILE, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
