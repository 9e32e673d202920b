// The upload's CRC32C, computed in a worker thread (crc32cOffThread.ts), is
// Cloud Storage's CRC32C: the published check value and the SDK's own
// implementation agree with it whatever the chunking.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CRC32C } from '@google-cloud/storage';
import { Crc32cPassThrough } from '../../src/adapters/gcp/crc32cOffThread';

async function through(chunks: Buffer[]): Promise<{ crc: string; out: Buffer }> {
  const check = new Crc32cPassThrough();
  const got: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    check,
    new Writable({
      write(chunk: Buffer, _e, done) {
        got.push(chunk);
        done();
      },
    }),
  );
  return { crc: check.crc32c(), out: Buffer.concat(got) };
}

describe('CRC32C off the main thread', () => {
  it('gives the published check value of "123456789" (0xE3069283)', async () => {
    const { crc } = await through([Buffer.from('123456789')]);
    assert.equal(Buffer.from(crc, 'base64').readUInt32BE(), 0xe3069283);
  });

  it('agrees with the Storage SDK whatever the chunk sizes, and passes every byte through unchanged', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 13);
    const sdk = new CRC32C();
    sdk.update(data);
    const sizes = [1, 7, 8, 9, 4095, 65536, 1024 * 1024 + 3];
    const chunks: Buffer[] = [];
    for (let at = 0, i = 0; at < data.length; i++) {
      const n = Math.min(sizes[i % sizes.length], data.length - at);
      chunks.push(data.subarray(at, at + n));
      at += n;
    }
    const { crc, out } = await through(chunks);
    assert.equal(crc, sdk.toString());
    assert.ok(out.equals(data));
  });

  it('of nothing is 0', async () => {
    const { crc } = await through([]);
    assert.equal(crc, 'AAAAAA==');
  });

  it('has no value before the stream ended', () => {
    const check = new Crc32cPassThrough();
    assert.throws(() => check.crc32c(), /only after the upload stream ended/);
    check.destroy();
  });
});
