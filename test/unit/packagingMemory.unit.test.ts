import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { BLOCK_BYTES, parallelGzip } from '../../src/core/packaging/parallelGzip';
import { listSourceFiles, writeSourceTarball } from '../../src/core/packaging/packageSource';
import { makeWorkspace } from '../support/workspace';

/**
 * Peak RSS of packaging must not grow with the tree (issue 18, docs/benchmarks.md).
 * What grew was memory outside the JS heap: a fresh Buffer per block, per
 * result and per file read, which V8 frees only at a mark-compact, tens of
 * MiB later. These tests pack many MiB of incompressible bytes (so every
 * result is a full MiB) and sample the main thread's external memory (all
 * Buffers) after each chunk: it may grow by the fixed buffers packaging
 * keeps, never by the size of the input.
 */
const MiB = 1024 * 1024;
const WORKERS = 2;
/**
 * What parallelGzip holds whatever the input size: its job buffers (~2.1 MiB
 * each: 2 × workers in flight, one being filled, one being read), plus slack
 * for what the test itself allocates.
 */
const GZIP_BOUND = (2 * WORKERS + 2) * 2.1 * MiB + 3 * MiB;
/** The tarball writer adds the tar stream's batch (1.3 MiB), its 16 read-ahead slots (4 MiB) and the headers. */
const TAR_BOUND = GZIP_BOUND + 1.3 * MiB + 4 * MiB + 2 * MiB;

function external(): number {
  return process.memoryUsage().external;
}

describe('packaging memory stays flat whatever the input size', function () {
  this.timeout(180_000);

  it(`parallelGzip of 64 MiB: external memory grows by less than ${(GZIP_BOUND / MiB).toFixed(0)} MiB`, async () => {
    const blocks = 64;
    const block = randomBytes(BLOCK_BYTES);
    async function* source() {
      for (let i = 0; i < blocks; i++) {
        block[0] = i; // parallelGzip copies each chunk before asking for the next
        yield block;
      }
    }
    const base = external();
    let peak = base;
    let bytes = 0;
    for await (const piece of parallelGzip(source(), { workers: WORKERS })) {
      bytes += piece.length;
      peak = Math.max(peak, external());
    }
    assert.ok(bytes > blocks * BLOCK_BYTES, 'incompressible: every block gives a full MiB');
    assert.ok(peak - base < GZIP_BOUND, `external memory grew by ${((peak - base) / MiB).toFixed(1)} MiB`);
  });

  it(`writing the tarball of ~50 MiB of small and large files: by less than ${(TAR_BOUND / MiB).toFixed(0)} MiB`, async () => {
    const files: Record<string, string> = {};
    // Small files are read ahead whole; large ones in pieces straight into the stream's buffer.
    for (let i = 0; i < 1200; i++) files[`src/d${i % 12}/f${i}.bin`] = randomBytes(16 * 1024 + i).toString('latin1');
    files['assets/big.bin'] = randomBytes(14 * MiB).toString('latin1');
    const ws = await makeWorkspace(files);
    try {
      const manifest = await listSourceFiles(ws.root);
      const base = external();
      let peak = base;
      const out = path.join(path.dirname(ws.root), 'memory.tgz');
      const { bytes } = await writeSourceTarball(ws.root, manifest, out, undefined, {
        workers: WORKERS,
        onWritten: () => (peak = Math.max(peak, external())),
      });
      assert.ok(bytes > 32 * MiB, `${bytes} bytes written`);
      assert.ok(peak - base < TAR_BOUND, `external memory grew by ${((peak - base) / MiB).toFixed(1)} MiB`);
    } finally {
      await ws.cleanup();
    }
  });
});
