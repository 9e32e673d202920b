// GitHub archives: extraction is capped in bytes and entries (an archive bomb
// stops at the cap, writing nothing) and a cancel stops it mid-way. The work
// runs in a worker thread (core/github/extractWorker.ts).
import * as assert from 'node:assert/strict';
import { createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CancelledError, DevgemError } from '../../src/core/base/errors';
import { extractTarball } from '../../src/core/github/tarball';
import { END_OF_ARCHIVE, entryHeader, padding } from '../../src/core/packaging/tarHeader';

const MiB = 1024 * 1024;

/** A GitHub-shaped archive (`top/` first) of the given files; `size` bytes of zeros each, streamed, never held. */
async function archive(file: string, entries: { path: string; size: number }[]): Promise<void> {
  async function* tarBytes() {
    const zeros = Buffer.alloc(MiB);
    for (const e of entries) {
      yield entryHeader({ path: `o-r-abc1234/${e.path}`, type: 'file', mode: 0o644, size: e.size });
      for (let left = e.size; left > 0; left -= MiB) yield zeros.subarray(0, Math.min(MiB, left));
      yield padding(e.size);
    }
    yield END_OF_ARCHIVE;
  }
  await pipeline(Readable.from(tarBytes()), createGzip({ level: 1 }), createWriteStream(file));
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(dir, { recursive: true })) {
    const st = await fs.lstat(path.join(dir, name)).catch(() => undefined);
    if (st?.isFile()) total += st.size;
  }
  return total;
}

describe('GitHub archives: extraction caps and cancel', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-gh-caps-'));
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('stops an archive bomb at the byte cap with a clear error, writing nothing', async () => {
    const bomb = path.join(tmp, 'bomb.tar.gz');
    await archive(bomb, [
      { path: 'a.txt', size: 10 },
      { path: 'zeros.bin', size: 64 * MiB },
    ]);
    assert.ok((await fs.stat(bomb)).size < MiB, 'small on the wire');
    const dest = path.join(tmp, 'out');
    const err = await extractTarball(bomb, dest, new AbortController().signal, { maxBytes: 8 * MiB, maxEntries: 1000 }).then(
      () => assert.fail('the bomb was extracted'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DevgemError, String(err));
    assert.equal(err.kind, 'resource-exhausted');
    assert.match(err.message, /more than 8 MB once extracted/);
    assert.match(err.fix ?? '', /devgem\.github\.maxExtractMB/);
    assert.deepEqual(await fs.readdir(dest), [], 'nothing written');
  });

  it('stops at the entry cap', async () => {
    const many = path.join(tmp, 'many.tar.gz');
    await archive(
      many,
      Array.from({ length: 30 }, (_, i) => ({ path: `f${i}.txt`, size: 1 })),
    );
    const dest = path.join(tmp, 'out');
    await assert.rejects(extractTarball(many, dest, new AbortController().signal, { maxBytes: 100 * MiB, maxEntries: 10 }), (e: unknown) => {
      assert.ok(e instanceof DevgemError);
      assert.match(e.message, /more than 10 entries/);
      assert.match(e.fix ?? '', /devgem\.github\.maxEntries/);
      return true;
    });
    assert.deepEqual(await fs.readdir(dest), []);
    // Within both caps the same archive extracts.
    const ok = await extractTarball(many, dest, new AbortController().signal, { maxBytes: 100 * MiB, maxEntries: 30 });
    assert.equal(ok.entries, 30);
    assert.equal((await fs.readdir(dest)).length, 30);
  });

  it('cancel stops an extraction that is under way', async () => {
    const big = path.join(tmp, 'big.tar.gz');
    const size = 400 * MiB;
    await archive(big, [{ path: 'big.bin', size }]);
    const dest = path.join(tmp, 'out');
    const controller = new AbortController();
    const extracting = extractTarball(big, dest, controller.signal, { maxBytes: 1024 * MiB, maxEntries: 10 });
    extracting.catch(() => undefined);
    // Cancel once the file has started to appear (bounded: 30 s).
    for (let i = 0; i < 3000 && !(await fs.stat(path.join(dest, 'big.bin')).catch(() => undefined)); i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await assert.rejects(extracting, (e: unknown) => e instanceof CancelledError);
    const at = await sizeOf(dest);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await sizeOf(dest), at, 'nothing more is written after the cancel');
    assert.ok(at < size, `stopped part way (${at} of ${size} bytes)`);
  });
});
