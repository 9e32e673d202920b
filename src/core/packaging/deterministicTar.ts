import { createHash } from 'node:crypto';
import { close, promises as fs, open, read, type Stats } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DevgemError } from '../base/errors';
import { throwIfCancelled } from '../base/wait';
import { parallelGzip } from './parallelGzip';
import { END_OF_ARCHIVE, entryHeader, padding } from './tarHeader';

/** The tar stream goes out in pieces of about 1 MiB; reads of large files are at most that, so memory stays flat. */
const MAX_READ_SIZE = 1024 * 1024;
/** Files up to this size are read whole, ahead of time; larger ones stream in MAX_READ_SIZE pieces. */
const SMALL_FILE = 256 * 1024;
/** Files read ahead: enough to keep the thread pool busy, each into its own of PREFETCH reused buffers (4 MiB). */
const PREFETCH = 16;
/** The one buffer the stream is gathered in: a piece of MAX_READ_SIZE plus room for a small file and its header. */
const BATCH_BYTES = MAX_READ_SIZE + SMALL_FILE + 64 * 1024;

/** UTF-16 code-unit order: never depends on locale, so the entry order is the same on every machine. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Permission bits that depend only on the owner's execute bit, so umask and chmod habits don't change the hash. */
function normalMode(stat: Stats): number {
  if (stat.isSymbolicLink()) return 0o777;
  return stat.mode & 0o100 ? 0o755 : 0o644;
}

interface Loaded {
  rel: string;
  abs: string;
  stat: Stats;
  /** The whole content of a small file, read ahead into one of the reused buffers. */
  data?: Buffer;
  linkpath?: string;
}

const openCb = promisify(open);
const readCb = promisify(read);
const closeCb = promisify(close);

/** lstat plus, for a link, its target and, for a small file, its bytes (in `into`, SMALL_FILE + 1 bytes). */
async function load(root: string, rel: string, into: Buffer): Promise<Loaded> {
  const abs = path.join(root, rel);
  const stat = await fs.lstat(abs);
  if (stat.isSymbolicLink()) return { rel, abs, stat, linkpath: await fs.readlink(abs) };
  if (!stat.isFile())
    throw new DevgemError('failed-precondition', `${rel} is no longer a file; it changed while the upload was being packed.`, { fix: 'Deploy again.' });
  if (stat.size > SMALL_FILE) return { rel, abs, stat };
  const fd = await openCb(abs, 'r');
  let got = 0;
  try {
    // One byte more than the size: a file that grew since its lstat is caught, as one that shrank.
    for (let n = 1; n > 0 && got < stat.size; got += n) n = (await readCb(fd, into, got, stat.size + 1 - got, got)).bytesRead;
  } finally {
    await closeCb(fd);
  }
  if (got !== stat.size) throw changed(rel);
  return { rel, abs, stat, data: into.subarray(0, got) };
}

function changed(rel: string): DevgemError {
  return new DevgemError('failed-precondition', `${rel} changed size while the upload was being packed.`, {
    fix: 'Deploy again once nothing is writing to it.',
  });
}

/**
 * The archive as a stream of buffers. A hand-written writer rather than
 * node-tar: node-tar spent ~140 µs of main-thread JS per file (2.7 s for 20k
 * files against GNU tar's 0.14 s, docs/benchmarks.md), and here every header
 * field is fixed anyway. Hard links are stored as content, so the bytes never
 * depend on which name of a file came first.
 *
 * Every piece yielded is a view of the same reused buffer, valid only until
 * the next is asked for (parallelGzip copies it at once): the stream allocates
 * nothing per byte, so a large tree leaves no garbage for the GC to catch up on.
 */
async function* tarStream(root: string, sorted: readonly string[]): AsyncGenerator<Buffer> {
  // Headers and small files are gathered into ~1 MiB pieces: each piece costs
  // the consumer a round of work, whatever its size.
  const batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  let n = 0;
  const take = (): Buffer => {
    const out = batch.subarray(0, n);
    n = 0;
    return out;
  };
  /** Copies `piece` in; false when it does not fit (the caller yields the batch, then the piece itself if still too big). */
  const fits = (piece: Buffer): boolean => {
    if (n + piece.length > BATCH_BYTES) return false;
    piece.copy(batch, n);
    n += piece.length;
    return true;
  };
  // One file at a time waits on four file-system round trips each (4 s for 20k
  // files); reading a few ahead keeps the thread pool busy. Order is kept.
  // File i is read into buffer i % PREFETCH: its read starts only after file
  // i - PREFETCH was copied into the batch.
  const slots = Array.from({ length: PREFETCH }, () => Buffer.allocUnsafeSlow(SMALL_FILE + 1));
  const ahead: Promise<Loaded>[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (ahead.length < PREFETCH && next < sorted.length) {
      const p = load(root, sorted[next], slots[next % PREFETCH]);
      next++;
      p.catch(() => undefined); // awaited below; this only stops an unhandled-rejection warning if packing stops early
      ahead.push(p);
    }
    const { rel, abs, stat, data, linkpath } = await ahead.shift()!;
    const pieces = [
      linkpath !== undefined
        ? entryHeader({ path: rel, type: 'symlink', mode: normalMode(stat), size: 0, linkpath })
        : entryHeader({ path: rel, type: 'file', mode: normalMode(stat), size: stat.size }),
    ];
    if (data) pieces.push(data);
    for (const piece of pieces) {
      if (fits(piece)) continue;
      yield take();
      if (!fits(piece)) yield piece;
    }
    if (linkpath === undefined && !data) {
      const handle = await fs.open(abs, 'r');
      try {
        for (let left = stat.size; left > 0;) {
          if (n >= MAX_READ_SIZE) yield take();
          // Straight into the batch, filling it up to MAX_READ_SIZE.
          const { bytesRead } = await handle.read(batch, n, Math.min(left, MAX_READ_SIZE - n), stat.size - left);
          if (bytesRead === 0) throw changed(rel);
          left -= bytesRead;
          n += bytesRead;
        }
      } finally {
        await handle.close();
      }
    }
    if (linkpath === undefined && !fits(padding(stat.size))) {
      yield take();
      fits(padding(stat.size));
    }
    if (n >= MAX_READ_SIZE) yield take();
  }
  if (!fits(END_OF_ARCHIVE)) {
    yield take();
    fits(END_OF_ARCHIVE);
  }
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
