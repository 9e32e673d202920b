import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

// "Is the working tree different from the commit?" without a git binary:
// compare the tracked files against git's index (.git/index). A tracked file
// modified or deleted, or an unmerged entry, means dirty. Untracked files are
// not looked at (git status would list them, but they were never committed).

/** Past this many index entries, or this long, the answer is "unknown". */
export const MAX_INDEX_ENTRIES = 20_000;
export const MAX_CHECK_MS = 2_000;
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

const MODE_TYPE = 0o170000;
const MODE_SYMLINK = 0o120000;
const MODE_GITLINK = 0o160000;

interface IndexEntry {
  mtimeSec: number;
  mtimeNsec: number;
  mode: number;
  size: number;
  sha1: string;
  stage: number;
  skipWorktree: boolean;
  path: string;
}

/** The entries of a version 2 or 3 index; undefined for any other version or a damaged file. */
export function parseGitIndex(buf: Buffer): IndexEntry[] | undefined {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buf.readUInt32BE(4);
  // Version 4 prefix-compresses paths; SHA-256 repositories have longer ids. Both: unknown.
  if (version !== 2 && version !== 3) return undefined;
  const count = buf.readUInt32BE(8);
  if (count > MAX_INDEX_ENTRIES) return undefined;
  const entries: IndexEntry[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    if (at + 62 > buf.length) return undefined;
    const flags = buf.readUInt16BE(at + 60);
    const extended = (flags & 0x4000) !== 0;
    if (extended && version < 3) return undefined;
    const extra = extended ? buf.readUInt16BE(at + 62) : 0;
    const nameStart = at + 62 + (extended ? 2 : 0);
    const nameEnd = buf.indexOf(0, nameStart);
    if (nameEnd < 0) return undefined;
    entries.push({
      mtimeSec: buf.readUInt32BE(at + 8),
      mtimeNsec: buf.readUInt32BE(at + 12),
      mode: buf.readUInt32BE(at + 24),
      size: buf.readUInt32BE(at + 36),
      sha1: buf.toString('hex', at + 40, at + 60),
      stage: (flags >> 12) & 0x3,
      skipWorktree: (extra & 0x4000) !== 0,
      path: buf.toString('utf8', nameStart, nameEnd),
    });
    // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
    const length = nameEnd - at;
    at += (length + 8) & ~7;
  }
  return entries;
}

/** The blob id git gives `content`. */
export function gitBlobSha1(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * True when a tracked file differs from the index, false when none does,
 * undefined when it cannot tell (no index, an unsupported version, too big, too slow).
 * Never throws.
 */
export async function indexDirty(workTree: string, gitDir: string, now: () => number = Date.now): Promise<boolean | undefined> {
  try {
    const file = path.join(gitDir, 'index');
    const stat = await fs.stat(file).catch(() => undefined);
    // A repository with no index yet has nothing staged or committed to differ from.
    if (!stat) return undefined;
    if (stat.size > MAX_INDEX_BYTES) return undefined;
    const entries = parseGitIndex(await fs.readFile(file));
    if (!entries) return undefined;
    const deadline = now() + MAX_CHECK_MS;
    for (const e of entries) {
      if (now() > deadline) return undefined;
      if (e.stage !== 0) return true; // a merge conflict is unfinished work
      if (e.skipWorktree || (e.mode & MODE_TYPE) === MODE_GITLINK) continue;
      if (await entryChanged(path.join(workTree, ...e.path.split('/')), e)) return true;
    }
    return false;
  } catch {
    return undefined;
  }
}

async function entryChanged(abs: string, e: IndexEntry): Promise<boolean> {
  const st = await fs.lstat(abs, { bigint: true }).catch(() => undefined);
  if (!st) return true; // deleted
  const isLink = (e.mode & MODE_TYPE) === MODE_SYMLINK;
  if (isLink !== st.isSymbolicLink()) return true;
  // The index stores the size modulo 2^32.
  if (Number(st.size % 2n ** 32n) !== e.size) return true;
  const mtimeSec = Number(st.mtimeNs / 1_000_000_000n);
  const mtimeNsec = Number(st.mtimeNs % 1_000_000_000n);
  // Same size and time as when git last looked: unchanged, as git itself assumes.
  if (mtimeSec === e.mtimeSec && mtimeNsec === e.mtimeNsec) return false;
  const content = isLink ? Buffer.from(await fs.readlink(abs), 'utf8') : await fs.readFile(abs);
  return gitBlobSha1(content) !== e.sha1;
}
