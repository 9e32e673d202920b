import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';

/**
 * CRC32C (Castagnoli) of an upload, computed in a worker thread. The Storage
 * SDK's own validation runs a byte-at-a-time CRC32C in JavaScript on the
 * calling thread: 40–50 ms turns on the extension host's event loop during a
 * large upload. Here the host only copies each chunk to the worker (memcpy);
 * the worker runs a slice-by-8 CRC32C. The value is checked against the
 * `crc32c` that Cloud Storage reports for the stored object.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const T = Array.from({ length: 8 }, () => new Int32Array(256));
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[0][n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[0][n];
  for (let k = 1; k < 8; k++) { c = T[0][c & 0xff] ^ (c >>> 8); T[k][n] = c; }
}
const [t0, t1, t2, t3, t4, t5, t6, t7] = T;
let crc = -1;
parentPort.on('message', (m) => {
  if (m.done) { parentPort.postMessage({ crc: ~crc >>> 0 }); return; }
  const b = new Uint8Array(m.data);
  const n = b.length;
  let i = 0;
  let c = crc;
  for (; n - i >= 8; i += 8) {
    c ^= b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    const hi = b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24);
    c = t7[c & 0xff] ^ t6[(c >>> 8) & 0xff] ^ t5[(c >>> 16) & 0xff] ^ t4[c >>> 24] ^ t3[hi & 0xff] ^ t2[(hi >>> 8) & 0xff] ^ t1[(hi >>> 16) & 0xff] ^ t0[hi >>> 24];
  }
  for (; i < n; i++) c = t0[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  crc = c;
  // Frees the copy now rather than at this isolate's next GC (memory stays flat).
  if (typeof m.data.transfer === 'function') m.data.transfer(0);
  parentPort.postMessage({ bytes: n });
});
`;

/** Bytes sent to the worker and not yet checksummed before the stream waits for it (memory stays bounded). */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * A pass-through stream whose `crc32c()` gives, after the data ended,
 * the CRC32C of everything that went through, as Cloud Storage writes it in
 * object metadata (base64 of the big-endian 4 bytes). The worker stops when
 * the stream is destroyed (ended, failed or cancelled).
 */
export class Crc32cPassThrough extends Transform {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 16 } });
  private pending = 0;
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly result: Promise<number>;
  private value: number | undefined;

  constructor() {
    super();
    this.result = new Promise<number>((resolve, reject) => {
      this.worker.on('message', (m: { bytes?: number; crc?: number }) => {
        if (m.crc !== undefined) return resolve(m.crc);
        this.pending -= m.bytes ?? 0;
        if (this.pending <= MAX_PENDING_BYTES) this.release();
      });
      this.worker.on('error', (err) => this.fail(err, reject));
      this.worker.on('exit', (code) => this.fail(new Error(`the checksum worker stopped (exit code ${code})`), reject));
    });
    this.result.catch(() => undefined);
  }

  private fail(err: Error, reject: (err: Error) => void): void {
    this.failure ??= err;
    reject(this.failure);
    this.release();
  }

  private release(): void {
    const go = this.waiting;
    this.waiting = undefined;
    go?.();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.failure) return done(this.failure);
    // A copy the worker owns: the chunk itself goes on to the upload.
    const copy = new Uint8Array(chunk.byteLength);
    copy.set(chunk);
    this.pending += copy.byteLength;
    this.worker.postMessage({ data: copy.buffer }, [copy.buffer]);
    this.push(chunk);
    if (this.pending <= MAX_PENDING_BYTES) return done();
    this.waiting = () => done(this.failure);
  }

  override _flush(done: TransformCallback): void {
    // The stream ends only once the checksum is known, so it is ready when the upload finishes.
    this.worker.postMessage({ done: true });
    this.result.then(
      (crc) => {
        this.value = crc;
        done();
      },
      (err: Error) => done(err),
    );
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    // Ended, failed or cancelled: the worker is not needed any more.
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
    done(err);
  }

  /** The CRC32C in Cloud Storage's form, once the stream has ended. */
  crc32c(): string {
    if (this.value === undefined) throw new Error('the checksum is known only after the upload stream ended');
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(this.value);
    return bytes.toString('base64');
  }
}
