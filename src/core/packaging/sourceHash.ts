import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfCancelled } from '../base/wait';
import { comparePaths } from './deterministicTar';

/** Files hashed at once: keeps the thread pool busy; small files are read whole (at most this many held). */
const PARALLEL = 16;
const READ_BYTES = 1024 * 1024;

export interface SourceHash {
  /**
   * sha256 over every packed entry's path, kind, executable bit and content
   * (or link target), in the tarball's order: what the tarball holds, known
   * before it is compressed, so incremental deploys can look it up while the
   * upload streams.
   */
  contentHash: string;
  /** sha256 of each file's content (of `link:TARGET` for a link), the first `maxFiles` files. */
  files: Record<string, string>;
  truncated: boolean;
}

interface Hashed {
  rel: string;
  kind: 'file' | 'exec' | 'link';
  digest: string;
}

async function hashOne(root: string, rel: string, signal?: AbortSignal): Promise<Hashed> {
  const abs = path.join(root, rel);
  const stat = await fs.lstat(abs);
  const hash = createHash('sha256');
  if (stat.isSymbolicLink()) return { rel, kind: 'link', digest: hash.update(`link:${await fs.readlink(abs)}`).digest('hex') };
  const handle = await fs.open(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, Math.max(1, stat.size)));
    for (;;) {
      throwIfCancelled(signal);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  // The same rule as the tarball's modes (deterministicTar.ts normalMode): only the owner's execute bit counts.
  return { rel, kind: stat.mode & 0o100 ? 'exec' : 'file', digest: hash.digest('hex') };
}

/** One pass over the files, several at a time, in the tarball's order. */
export async function hashSource(root: string, files: readonly string[], maxFiles: number, signal?: AbortSignal): Promise<SourceHash> {
  const sorted = [...files].sort(comparePaths);
  const total = createHash('sha256').update('devgem-source-v1\n');
  const perFile: Record<string, string> = {};
  const ahead: Promise<Hashed>[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i++) {
    throwIfCancelled(signal);
    while (ahead.length < PARALLEL && next < sorted.length) {
      const p = hashOne(root, sorted[next++], signal);
      p.catch(() => undefined); // awaited in order below
      ahead.push(p);
    }
    const h = await ahead.shift()!;
    total.update(`${h.kind} ${h.rel}\0${h.digest}\n`);
    if (i < maxFiles) perFile[h.rel] = h.digest;
  }
  return { contentHash: total.digest('hex'), files: perFile, truncated: sorted.length > maxFiles };
}
