import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { throwIfCancelled } from '../base/wait';

/**
 * pigz-style gzip on every core: the input is cut into fixed BLOCK_BYTES
 * blocks, each deflated in a worker thread with the previous block's last
 * 32 KiB as its dictionary and ended with a sync flush (the last one with
 * Z_FINISH), so the pieces concatenate into ONE valid deflate stream inside
 * one gzip member, whose size stays within a few bytes per block of a
 * single-threaded gzip's. Blocks and flags depend only on the input bytes,
 * never on how it was chunked or how many workers ran: same input, same output.
 */
export const BLOCK_BYTES = 1024 * 1024;
const DICT_BYTES = 32 * 1024;
/** gzip -6, as `tar | gzip` and Node's default. */
const LEVEL = 6;
/** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=3 (Unix): no name, no time, the same on every machine. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);

/** The worker: no imports beyond node's own, so it runs from source text in the tests and in every bundle alike. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', (job) => {
  const input = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
  const options = { level: job.level, finishFlush: job.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
  if (job.dict) options.dictionary = Buffer.from(job.dict.buffer, job.dict.byteOffset, job.dict.byteLength);
  const out = zlib.deflateRawSync(input, options);
  const copy = new Uint8Array(out.byteLength);
  copy.set(out);
  parentPort.postMessage({ id: job.id, out: copy }, [copy.buffer]);
});
`;

/** Worker threads for `cores` cores: one per core, at most 8 (memory grows ~10 MB per worker). */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

interface Job {
  resolve(out: Buffer): void;
  reject(err: unknown): void;
}

/** A few deflate workers; jobs are answered in the order each worker got them. */
class DeflatePool {
  private readonly workers: Worker[];
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;
  private failed: unknown;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => {
      // The worker's JS heap holds only a job at a time; small limits keep each thread's memory small.
      const w = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 } });
      w.on('message', (m: { id: number; out: Uint8Array }) => {
        const job = this.jobs.get(m.id);
        this.jobs.delete(m.id);
        job?.resolve(Buffer.from(m.out.buffer, m.out.byteOffset, m.out.byteLength));
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a compression worker exited with code ${code}`));
      });
      return w;
    });
  }

  private fail(err: unknown): void {
    this.failed ??= err;
    for (const job of this.jobs.values()) job.reject(err);
    this.jobs.clear();
  }

  deflate(data: Buffer, dict: Buffer | undefined, last: boolean): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      // The block's memory moves to the worker (no copy); the dictionary is a copy of 32 KiB.
      this.workers[id % this.workers.length].postMessage({ id, data, dict, last, level: LEVEL }, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('compression stopped'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Gzips `source` on `workers` threads (defaultWorkerCount() by default),
 * yielding the compressed bytes in order. At most 2 × workers blocks are in
 * flight, so memory stays at a few MiB whatever the input size. The host's
 * thread only cuts blocks and computes the CRC-32.
 */
export async function* parallelGzip(source: AsyncIterable<Buffer>, opts: { workers?: number; signal?: AbortSignal } = {}): AsyncGenerator<Buffer> {
  const pool = new DeflatePool(Math.max(1, opts.workers ?? defaultWorkerCount()));
  const inFlight: Promise<Buffer>[] = [];
  const maxInFlight = 2 * Math.max(1, opts.workers ?? defaultWorkerCount());
  let crc = 0;
  let total = 0;
  let dict: Buffer | undefined;
  // Not pooled: its ArrayBuffer moves to a worker whole.
  let block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  let filled = 0;
  const submit = (last: boolean): void => {
    // A short last block gets its own unpooled buffer: a pooled one (Buffer.from) would hand the pool to the worker.
    const data = filled === block.length ? block : copyUnpooled(block.subarray(0, filled));
    crc = crc32(data, crc);
    total += filled;
    const nextDict = filled >= DICT_BYTES ? Buffer.from(data.subarray(filled - DICT_BYTES)) : undefined;
    const p = pool.deflate(data, dict, last);
    p.catch(() => undefined); // awaited in order below
    inFlight.push(p);
    dict = nextDict;
    block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
    filled = 0;
  };
  try {
    yield GZIP_HEADER;
    for await (const chunk of source) {
      throwIfCancelled(opts.signal);
      for (let at = 0; at < chunk.length;) {
        const n = Math.min(chunk.length - at, BLOCK_BYTES - filled);
        chunk.copy(block, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === BLOCK_BYTES) {
          submit(false);
          while (inFlight.length >= maxInFlight) yield await inFlight.shift()!;
        }
      }
    }
    // The last block (possibly empty) carries BFINAL: known only here, so full blocks above never do.
    submit(true);
    while (inFlight.length) yield await inFlight.shift()!;
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(total % 2 ** 32, 4);
    yield trailer;
  } finally {
    await pool.close();
  }
}

function copyUnpooled(src: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(src.length);
  src.copy(out);
  return out;
}
