import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs, readFile, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DevgemError } from '../base/errors';
import { END_OF_ARCHIVE, entryHeader, padding } from './tarHeader';

/** gzip header byte 9 (OS); zlib writes the build platform's code, Unix (3) everywhere keeps hashes equal. */
const GZIP_OS_BYTE = 9;
const GZIP_OS_UNIX = 3;
/** Reads of at most 1 MiB keep memory flat on large files (docs/benchmarks.md). */
const MAX_READ_SIZE = 1024 * 1024;
/** Files up to this size are read whole, ahead of time; larger ones stream in MAX_READ_SIZE pieces. */
const SMALL_FILE = 256 * 1024;
/** Files read ahead: enough to keep the thread pool busy, at most PREFETCH × SMALL_FILE (4 MiB) held. */
const PREFETCH = 16;
/** zlib's output buffer; each one filled is a thread-pool round trip (16 KiB default). */
const GZIP_CHUNK = 256 * 1024;

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

/**
 * Streams `files` (relative to `root`) into a gzipped tarball whose bytes
 * depend only on the file names, contents, executable bits and link targets:
 * sorted entries, fixed mtime, no owner fields, a gzip header without time.
 * Returns its size and sha256 (hex), the content hash.
 */
export async function writeDeterministicTarGz(
  root: string,
  files: readonly string[],
  outFile: string,
  signal?: AbortSignal,
): Promise<{ bytes: number; sha256: string }> {
  const sorted = [...files].sort(comparePaths);
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (bytes <= GZIP_OS_BYTE && bytes + chunk.length > GZIP_OS_BYTE) chunk[GZIP_OS_BYTE - bytes] = GZIP_OS_UNIX;
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    // zlib's stream compresses on the thread pool while the generator reads the next files.
    await pipeline(Readable.from(tarStream(root, sorted), { objectMode: false }), createGzip({ chunkSize: GZIP_CHUNK }), tap, createWriteStream(outFile), {
      signal,
    });
  } catch (err) {
    await fs.rm(outFile, { force: true });
    throw err;
  }
  return { bytes, sha256: hash.digest('hex') };
}
