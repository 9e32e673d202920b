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

/** A job's buffer: the dictionary, the block, then room for the block's deflated bytes. */
const DATA_AT = DICT_BYTES;
const OUT_AT = DICT_BYTES + BLOCK_BYTES;
/** deflateBound of a block is BLOCK_BYTES + ~330 bytes, plus a few for the sync flush. */
const OUT_BYTES = BLOCK_BYTES + 64 * 1024;
const JOB_BYTES = OUT_AT + OUT_BYTES;

/**
 * The worker: no imports beyond node's own, so it runs from source text in the
 * tests and in every bundle alike. It deflates a job's block into the same
 * buffer, which goes back to the host, which reuses it. zlib's own output
 * buffer (chunkSize: one piece) is freed at once by transfer(0): nothing
 * allocated per job waits for a GC, which in a worker runs only under
 * external-memory pressure, tens of MiB later (docs/benchmarks.md).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', (job) => {
  const buf = Buffer.from(job.buf);
  const options = { level: job.level, chunkSize: job.outBytes, finishFlush: job.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
  if (job.dictBytes) options.dictionary = buf.subarray(job.dataAt - job.dictBytes, job.dataAt);
  const out = zlib.deflateRawSync(buf.subarray(job.dataAt, job.dataAt + job.bytes), options);
  const length = out.length;
  let extra;
  if (length <= job.outBytes) out.copy(buf, job.outAt);
  else extra = new Uint8Array(out).buffer; // never for a deflated block; correct anyway
  if (out.buffer.byteLength === job.outBytes && typeof out.buffer.transfer === 'function') out.buffer.transfer(0);
  parentPort.postMessage({ id: job.id, buf: job.buf, length, extra }, extra ? [job.buf, extra] : [job.buf]);
});
`;

/**
 * Worker threads: one per core, at most 4. Peak RSS grows ~16 MiB per worker
 * with its job buffers (docs/benchmarks.md): 4 keep packaging under 150 MB on
 * any machine, and past 4 cores the upload, not deflate, is what a user waits for.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** A deflated block: `out` lies in `buf`, which goes back to the pool once `out` was used. */
interface Deflated {
  out: Buffer;
  buf: Buffer;
}

interface Job {
  resolve(done: Deflated): void;
  reject(err: unknown): void;
}

interface Answer {
  id: number;
  buf: ArrayBuffer;
  length: number;
  extra?: ArrayBuffer;
}

/**
 * A few deflate workers; jobs are answered in the order each worker got them.
 * Job buffers come back with their results and are handed out again, so the
 * host allocates one per block in flight, whatever the input size.
 */
class DeflatePool {
  private readonly workers: Worker[];
  private readonly jobs = new Map<number, Job>();
  private readonly free: Buffer[] = [];
  private nextId = 0;
  private failed: unknown;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => {
      // The worker's JS heap holds only a job at a time; small limits keep each thread's memory small.
      const w = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 } });
      w.on('message', (m: Answer) => {
        const job = this.jobs.get(m.id);
        this.jobs.delete(m.id);
        const buf = Buffer.from(m.buf);
        job?.resolve({ buf, out: m.extra ? Buffer.from(m.extra) : buf.subarray(OUT_AT, OUT_AT + m.length) });
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a compression worker exited with code ${code}`));
      });
      return w;
    });
  }

  /** A buffer for the next job, JOB_BYTES long. */
  take(): Buffer {
    // Not pooled: its ArrayBuffer moves to a worker whole.
    return this.free.pop() ?? Buffer.allocUnsafeSlow(JOB_BYTES);
  }

  give(buf: Buffer): void {
    this.free.push(buf);
  }

  private fail(err: unknown): void {
    this.failed ??= err;
    for (const job of this.jobs.values()) job.reject(err);
    this.jobs.clear();
  }

  /**
   * Deflates the block in `buf` (from take(): `bytes` bytes at DATA_AT, the
   * `dictBytes` before them as dictionary); `buf` moves to the worker.
   */
  deflate(buf: Buffer, dictBytes: number, bytes: number, last: boolean): Promise<Deflated> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<Deflated>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      const job = { id, buf: buf.buffer, dataAt: DATA_AT, dictBytes, bytes, outAt: OUT_AT, outBytes: OUT_BYTES, last, level: LEVEL };
      this.workers[id % this.workers.length].postMessage(job, [buf.buffer as ArrayBuffer]);
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
 * flight, in buffers that are reused, so memory stays at a few MiB whatever
 * the input size, and nothing is left for the GC to catch up on. The host's
 * thread only cuts blocks and computes the CRC-32.
 *
 * Buffers are reused both ways: each chunk of `source` is copied before the
 * next one is asked for, and each chunk yielded is valid only until the next
 * one is asked for (copy it to keep it).
 */
export async function* parallelGzip(source: AsyncIterable<Buffer>, opts: { workers?: number; signal?: AbortSignal } = {}): AsyncGenerator<Buffer> {
  const pool = new DeflatePool(Math.max(1, opts.workers ?? defaultWorkerCount()));
  const inFlight: Promise<Deflated>[] = [];
  const maxInFlight = 2 * Math.max(1, opts.workers ?? defaultWorkerCount());
  let crc = 0;
  let total = 0;
  let job = pool.take();
  // The first block has no dictionary; every later one the previous block's last DICT_BYTES.
  let dictBytes = 0;
  let filled = 0;
  const submit = (last: boolean): void => {
    const block = job.subarray(DATA_AT, DATA_AT + filled);
    crc = crc32(block, crc);
    total += filled;
    // Only the last block can be short, so a next block always follows a full one: its dictionary is that block's end.
    const next = last ? job : pool.take();
    if (!last) block.copy(next, DATA_AT - DICT_BYTES, BLOCK_BYTES - DICT_BYTES);
    const p = pool.deflate(job, dictBytes, filled, last);
    p.catch(() => undefined); // awaited in order below
    inFlight.push(p);
    job = next;
    dictBytes = DICT_BYTES;
    filled = 0;
  };
  try {
    yield GZIP_HEADER;
    for await (const chunk of source) {
      throwIfCancelled(opts.signal);
      for (let at = 0; at < chunk.length;) {
        const n = Math.min(chunk.length - at, BLOCK_BYTES - filled);
        chunk.copy(job, DATA_AT + filled, at, at + n);
        filled += n;
        at += n;
        if (filled === BLOCK_BYTES) {
          submit(false);
          while (inFlight.length >= maxInFlight) {
            const done = await inFlight.shift()!;
            yield done.out;
            pool.give(done.buf);
          }
        }
      }
    }
    // The last block (possibly empty) carries BFINAL: known only here, so full blocks above never do.
    submit(true);
    while (inFlight.length) {
      const done = await inFlight.shift()!;
      yield done.out;
      pool.give(done.buf);
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(total % 2 ** 32, 4);
    yield trailer;
  } finally {
    await pool.close();
  }
}
