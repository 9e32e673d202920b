import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BLOCK_BYTES, parallelGzip } from '../../src/core/packaging/parallelGzip';
import { listSourceFiles, writeSourceTarball } from '../../src/core/packaging/packageSource';
import { hashSource } from '../../src/core/packaging/sourceHash';
import { TarballSpool } from '../../src/core/packaging/tarballSpool';
import { makeWorkspace } from '../support/workspace';

/** Compressible text with some structure, like source code. */
function text(bytes: number, seed: number): Buffer {
  const words = ['const', 'return', 'await', 'function', 'import', 'export', 'value', 'handler', 'config'];
  let s = seed;
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const w = `${words[s % words.length]}${s % 97} `;
    parts.push(w);
    n += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

async function gzipAll(chunks: Buffer[], workers: number): Promise<Buffer> {
  async function* source() {
    for (const c of chunks) yield c;
  }
  const out: Buffer[] = [];
  // Each piece is valid until the next one is asked for: keep a copy.
  for await (const piece of parallelGzip(source(), { workers })) out.push(Buffer.from(piece));
  return Buffer.concat(out);
}

/** The same bytes cut at other places. */
function rechunk(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('parallel gzip (pigz-style, worker threads)', function () {
  this.timeout(60_000);
  const input = Buffer.concat([text(2 * BLOCK_BYTES + 12_345, 1), randomBytes(300_000), text(BLOCK_BYTES, 2)]);

  it('is one valid gzip stream whose content is the input, for empty, small, exact-block and multi-block inputs', async () => {
    for (const data of [Buffer.alloc(0), Buffer.from('hello'), text(BLOCK_BYTES, 3), text(2 * BLOCK_BYTES, 4), input]) {
      const gz = await gzipAll([data], 2);
      assert.deepEqual(gunzipSync(gz), data, `round trip of ${data.length} bytes`);
      assert.equal(gz.readUInt32LE(4), 0, 'no time in the header');
      assert.equal(gz[9], 3, 'OS byte is Unix');
    }
  });

  it('gives the same bytes for any worker count and any chunking of the input', async () => {
    const one = await gzipAll([input], 1);
    assert.deepEqual(await gzipAll(rechunk(input, [1000, 70_000, 3]), 2), one);
    assert.deepEqual(await gzipAll(rechunk(input, [BLOCK_BYTES + 1]), 3), one);
    assert.deepEqual(await gzipAll([input], 4), one);
  });

  it('compresses about as well as single-threaded gzip -6 (the previous block is the dictionary)', async () => {
    const data = text(4 * BLOCK_BYTES, 5);
    const ours = (await gzipAll([data], 2)).length;
    const single = gzipSync(data, { level: 6 }).length;
    assert.ok(ours <= single * 1.02, `parallel ${ours} bytes vs gzip ${single}`);
  });

  it('is read by gzip itself, the way Cloud Build unpacks it', async function () {
    if (spawnSync('gzip', ['--version']).status !== 0) this.skip();
    const gz = await gzipAll([input], 2);
    const r = spawnSync('gzip', ['-dc'], { input: gz, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, String(r.stderr));
    assert.deepEqual(r.stdout, input);
    assert.equal(spawnSync('gzip', ['-t'], { input: gz }).status, 0);
  });
});

describe('source tarball on every core', function () {
  this.timeout(60_000);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function bigWorkspace() {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`src/m${i % 7}/f${i}.ts`] = text(5000 + i * 37, i).toString();
    files['assets/blob.bin'] = randomBytes(3 * BLOCK_BYTES).toString('latin1');
    const ws = await makeWorkspace(files);
    cleanups.push(ws.cleanup);
    return ws;
  }

  it('writes a tarball that GNU tar lists as exactly the file set, identical for 1, 2 and 4 workers and across runs', async function () {
    if (spawnSync('tar', ['--version']).status !== 0) this.skip();
    const ws = await bigWorkspace();
    const m = await listSourceFiles(ws.root);
    const outs: string[] = [];
    for (const [i, workers] of [1, 2, 4, 2].entries()) {
      const out = path.join(path.dirname(ws.root), `out${i}.tgz`);
      await writeSourceTarball(ws.root, m, out, undefined, { workers });
      outs.push(out);
    }
    const hashes = await Promise.all(
      outs.map(async (f) =>
        createHash('sha256')
          .update(await fs.readFile(f))
          .digest('hex'),
      ),
    );
    assert.equal(new Set(hashes).size, 1, `outputs differ: ${hashes.join(' ')}`);
    const listed = spawnSync('tar', ['-tzf', outs[0]], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n'), m.files);
  });

  it('streams the spool while it is written: the reader gets exactly the finished file', async () => {
    const ws = await bigWorkspace();
    const m = await listSourceFiles(ws.root);
    const out = path.join(path.dirname(ws.root), 'spool.tgz');
    const spool = new TarballSpool(ws.root, m.files, out, undefined, { workers: 2 });
    const read: Buffer[] = [];
    for await (const chunk of spool.reader()) read.push(chunk as Buffer);
    const done = await spool.done;
    const file = await fs.readFile(out);
    assert.equal(done.bytes, file.length);
    assert.deepEqual(Buffer.concat(read), file);
  });

  it('a cancelled spool fails its reader and removes the partial file', async () => {
    const ws = await bigWorkspace();
    const m = await listSourceFiles(ws.root);
    const out = path.join(path.dirname(ws.root), 'cancelled.tgz');
    const spool = new TarballSpool(ws.root, m.files, out, undefined, { workers: 1 });
    spool.cancel();
    await assert.rejects(async () => {
      for await (const _ of spool.reader()) void _;
    });
    await assert.rejects(spool.done);
    await assert.rejects(fs.stat(out), /ENOENT/);
  });

  it('hashes the source before compressing: the same files give the same hash, one changed byte or exec bit another', async () => {
    const ws = await makeWorkspace({ 'a.js': 'console.log(1)\n', 'b/c.txt': 'c' });
    cleanups.push(ws.cleanup);
    const m = await listSourceFiles(ws.root);
    const first = await hashSource(ws.root, m.files, 10);
    assert.equal((await hashSource(ws.root, [...m.files].reverse(), 10)).contentHash, first.contentHash);
    assert.deepEqual(Object.keys(first.files), ['a.js', 'b/c.txt']);
    await fs.chmod(path.join(ws.root, 'a.js'), 0o755);
    const exec = await hashSource(ws.root, m.files, 10);
    assert.notEqual(exec.contentHash, first.contentHash);
    assert.equal(exec.files['a.js'], first.files['a.js'], 'the per-file hash is of the content only');
    await fs.writeFile(path.join(ws.root, 'b/c.txt'), 'd');
    assert.notEqual((await hashSource(ws.root, m.files, 10)).contentHash, exec.contentHash);
    const cut = await hashSource(ws.root, m.files, 1);
    assert.equal(cut.truncated, true);
    assert.deepEqual(Object.keys(cut.files), ['a.js']);
  });
});
