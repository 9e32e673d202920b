import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { writeDeterministicTarGz, type TarGzOptions } from './deterministicTar';

/** What a reader takes from the spool per read. */
const READ_BYTES = 1024 * 1024;

/**
 * A tarball being written to a spool file in the background, which readers
 * can stream while it grows: the upload starts with the first compressed
 * block instead of after the last, and the whole file is still on disk for
 * anything that must read it again. Compression never waits for a reader.
 */
export class TarballSpool {
  /** Size and sha256 of the finished file. */
  readonly done: Promise<{ bytes: number; sha256: string }>;
  private written = 0;
  private finished = false;
  private error: unknown;
  private waiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(
    root: string,
    files: readonly string[],
    readonly file: string,
    signal: AbortSignal | undefined,
    opts: Omit<TarGzOptions, 'onWritten'> = {},
  ) {
    const stop = () => this.abort.abort(signal?.reason);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    this.done = writeDeterministicTarGz(root, files, file, this.abort.signal, { ...opts, onWritten: (n) => this.progress(n) }).then(
      (r) => {
        this.finished = true;
        this.wake();
        signal?.removeEventListener('abort', stop);
        return r;
      },
      (err: unknown) => {
        this.error = err;
        this.wake();
        signal?.removeEventListener('abort', stop);
        throw err;
      },
    );
    this.done.catch(() => undefined); // a reader or the caller sees the error
  }

  /** Stops compressing (the partial file is removed); readers fail. */
  cancel(): void {
    this.abort.abort(new Error('packaging stopped'));
  }

  private progress(bytes: number): void {
    this.written = bytes;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when more bytes are written, or the spool finished or failed. */
  private next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The bytes from the start of the file, as they are written; ends when the tarball is complete. */
  reader(): Readable {
    let offset = 0;
    let handle: fs.FileHandle | undefined;
    const closeHandle = async () => {
      const h = handle;
      handle = undefined;
      await h?.close().catch(() => undefined);
    };
    const readable: Readable = new Readable({
      read: () => {
        void (async () => {
          for (;;) {
            if (this.error) throw this.error;
            if (offset < this.written) {
              handle ??= await fs.open(this.file, 'r');
              const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, this.written - offset));
              const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
              offset += bytesRead;
              return bytesRead ? buf.subarray(0, bytesRead) : null;
            }
            if (this.finished) return null;
            await this.next();
          }
        })().then(
          async (chunk) => {
            if (chunk === null) await closeHandle();
            readable.push(chunk);
          },
          async (err: unknown) => {
            await closeHandle();
            readable.destroy(err instanceof Error ? err : new Error(String(err)));
          },
        );
      },
      destroy: (err, cb) => {
        void closeHandle().then(() => cb(err));
      },
    });
    return readable;
  }
}
