import { createHash } from 'node:crypto';
import { promises as fs, readFile, type Stats } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DevgemError } from '../base/errors';
import { throwIfCancelled } from '../base/wait';
import { parallelGzip } from './parallelGzip';
import { END_OF_ARCHIVE, entryHeader, padding } from './tarHeader';

/** Reads of at most 1 MiB keep memory flat on large files (docs/benchmarks.md). */
const MAX_READ_SIZE = 1024 * 1024;
/** Files up to this size are read whole, ahead of time; larger ones stream in MAX_READ_SIZE pieces. */
const SMALL_FILE = 256 * 1024;
/** Files read ahead: enough to keep the thread pool busy, at most PREFETCH × SMALL_FILE (4 MiB) held. */
const PREFETCH = 16;

/** UTF-16 code-unit order: never depends on locale, so the entry order is the same on every machine. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Permission bits that depend only on the owner's execute bit, so umask and chmod habits don't change the hash. */
function normalMode(stat: Stats): number {
  if (stat.isSymbolicLink()) return 0o777;
  return stat.mode & 0o100 ? 0o755 : 0o644;
}

/**
 * The archive as a stream of buffers. A hand-written writer rather than
 * node-tar: node-tar spent ~140 µs of main-thread JS per file (2.7 s for 20k
 * files against GNU tar's 0.14 s, docs/benchmarks.md), and here every header
 * field is fixed anyway. Hard links are stored as content, so the bytes never
 * depend on which name of a file came first.
 */
interface Loaded {
  rel: string;
  abs: string;
  stat: Stats;
  /** The whole content of a small file, read ahead. */
  data?: Buffer;
  linkpath?: string;
}

const readFileCb = promisify(readFile);

/** lstat plus, for a link, its target and, for a small file, its bytes. */
async function load(root: string, rel: string): Promise<Loaded> {
  const abs = path.join(root, rel);
  const stat = await fs.lstat(abs);
  if (stat.isSymbolicLink()) return { rel, abs, stat, linkpath: await fs.readlink(abs) };
  if (!stat.isFile())
    throw new DevgemError('failed-precondition', `${rel} is no longer a file; it changed while the upload was being packed.`, { fix: 'Deploy again.' });
  if (stat.size > SMALL_FILE) return { rel, abs, stat };
  const data = await readFileCb(abs);
  if (data.length !== stat.size) throw changed(rel);
  return { rel, abs, stat, data };
}

function changed(rel: string): DevgemError {
  return new DevgemError('failed-precondition', `${rel} changed size while the upload was being packed.`, {
    fix: 'Deploy again once nothing is writing to it.',
  });
}

async function* tarStream(root: string, sorted: readonly string[]): AsyncGenerator<Buffer> {
  // Small pieces (headers, small files) are gathered into ~1 MiB batches: every
  // chunk handed to zlib costs a thread-pool round trip.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (): Buffer => {
    const out = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  const add = (buf: Buffer): boolean => {
    pending.push(buf);
    pendingBytes += buf.length;
    return pendingBytes >= MAX_READ_SIZE;
  };
  // One file at a time waits on four file-system round trips each (4 s for 20k
  // files); reading a few ahead keeps the thread pool busy. Order is kept.
  const ahead: Promise<Loaded>[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (ahead.length < PREFETCH && next < sorted.length) {
      const p = load(root, sorted[next++]);
      p.catch(() => undefined); // awaited below; this only stops an unhandled-rejection warning if packing stops early
      ahead.push(p);
    }
    const { rel, abs, stat, data, linkpath } = await ahead.shift()!;
    if (linkpath !== undefined) {
      if (add(entryHeader({ path: rel, type: 'symlink', mode: normalMode(stat), size: 0, linkpath }))) yield take();
      continue;
    }
    if (add(entryHeader({ path: rel, type: 'file', mode: normalMode(stat), size: stat.size }))) yield take();
    if (data) {
      if (add(data)) yield take();
    } else {
      const handle = await fs.open(abs, 'r');
      try {
        for (let left = stat.size; left > 0;) {
          // A fresh buffer per read: gzip holds it until compressed on the thread pool.
          const buf = Buffer.allocUnsafe(Math.min(left, MAX_READ_SIZE));
          const { bytesRead } = await handle.read(buf, 0, buf.length, stat.size - left);
          if (bytesRead === 0) throw changed(rel);
          left -= bytesRead;
          if (add(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead))) yield take();
        }
      } finally {
        await handle.close();
      }
    }
    if (add(padding(stat.size))) yield take();
  }
  add(END_OF_ARCHIVE);
  yield take();
}

export interface TarGzOptions {
  /** Deflate threads (parallelGzip.ts); the output is the same for any count. */
  workers?: number;
  /** Called after each write with the bytes now in `outFile`, so a reader can follow the file as it grows. */
  onWritten?: (bytes: number) => void;
}

/**
 * Streams `files` (relative to `root`) into a gzipped tarball whose bytes
 * depend only on the file names, contents, executable bits and link targets:
 * sorted entries, fixed mtime, no owner fields, a gzip header without time.
 * Deflate runs on every core (parallelGzip.ts). Returns its size and sha256.
 */
export async function writeDeterministicTarGz(
  root: string,
  files: readonly string[],
  outFile: string,
  signal?: AbortSignal,
  opts: TarGzOptions = {},
): Promise<{ bytes: number; sha256: string }> {
  const sorted = [...files].sort(comparePaths);
  const hash = createHash('sha256');
  let bytes = 0;
  const out = await fs.open(outFile, 'w');
  try {
    for await (const chunk of parallelGzip(tarStream(root, sorted), { workers: opts.workers, signal })) {
      throwIfCancelled(signal);
      hash.update(chunk);
      await out.write(chunk, 0, chunk.length, bytes);
      bytes += chunk.length;
      opts.onWritten?.(bytes);
    }
    await out.close();
  } catch (err) {
    await out.close().catch(() => undefined);
    await fs.rm(outFile, { force: true });
    throw err;
  }
  return { bytes, sha256: hash.digest('hex') };
}
