import * as assert from 'node:assert/strict';
import { LogTail } from '../../src/core/logs/logTail';
import type { StoragePort } from '../../src/core/cloud/ports';

/** A Cloud Storage object that grows as the test appends to it, like a running build's log. */
class GrowingObject {
  private data: Buffer | undefined;
  readonly reads: { object: string; offset: number }[] = [];

  append(chunk: string | Buffer): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.data = this.data ? Buffer.concat([this.data, b]) : b;
  }

  port(): StoragePort {
    return {
      ensureBucket: async () => assert.fail('not used'),
      upload: async () => assert.fail('not used'),
      readFrom: async ({ object, offset }) => {
        this.reads.push({ object, offset });
        return this.data?.subarray(offset);
      },
    };
  }
}

describe('LogTail', () => {
  const signal = new AbortController().signal;
  const make = (obj: GrowingObject, keep?: number) => new LogTail(obj.port(), 'proj', 'bucket', 'log-b1.txt', keep);

  it('returns [] while the object does not exist', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    assert.deepEqual(await tail.poll(signal), []);
    assert.deepEqual(await tail.drain(signal), []);
    assert.deepEqual(tail.tail(), []);
    assert.deepEqual(obj.reads[0], { object: 'log-b1.txt', offset: 0 });
  });

  it('hands out complete lines and reads on from where it stopped', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    obj.append('one\ntwo\n');
    assert.deepEqual(await tail.poll(signal), ['one', 'two']);
    assert.deepEqual(await tail.poll(signal), [], 'nothing new');
    obj.append('three\n');
    assert.deepEqual(await tail.poll(signal), ['three']);
    assert.deepEqual(
      obj.reads.map((r) => r.offset),
      [0, 8, 8],
    );
  });

  it('joins a line split across reads', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    obj.append('Step 1/3 : FR');
    assert.deepEqual(await tail.poll(signal), []);
    obj.append('OM node:22\nStep 2');
    assert.deepEqual(await tail.poll(signal), ['Step 1/3 : FROM node:22']);
    obj.append('/3 : COPY\r\n');
    assert.deepEqual(await tail.poll(signal), ['Step 2/3 : COPY'], 'CRLF is a line end');
  });

  it('decodes a multi-byte UTF-8 character split across two reads', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    const bytes = Buffer.from('✓ built 🚀\n', 'utf8');
    const cut = bytes.indexOf(Buffer.from('🚀', 'utf8')) + 2;
    obj.append(bytes.subarray(0, cut));
    assert.deepEqual(await tail.poll(signal), []);
    obj.append(bytes.subarray(cut));
    assert.deepEqual(await tail.poll(signal), ['✓ built 🚀']);
  });

  it('decodes a character split across reads even with no newline in between', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    const bytes = Buffer.from('é', 'utf8');
    obj.append(bytes.subarray(0, 1));
    await tail.poll(signal);
    obj.append(Buffer.concat([bytes.subarray(1), Buffer.from('t\n')]));
    assert.deepEqual(await tail.poll(signal), ['ét']);
  });

  it('drain returns the last line even without a newline, once', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    obj.append('a\nb\nERROR: build step 0 failed');
    assert.deepEqual(await tail.poll(signal), ['a', 'b']);
    assert.deepEqual(await tail.drain(signal), ['ERROR: build step 0 failed']);
    assert.deepEqual(await tail.drain(signal), []);
    assert.deepEqual(tail.tail(), ['a', 'b', 'ERROR: build step 0 failed']);
  });

  it('drain also returns lines that arrived since the last poll', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    obj.append('x\n');
    await tail.poll(signal);
    obj.append('y\nz');
    assert.deepEqual(await tail.drain(signal), ['y', 'z']);
  });

  it('tail() keeps at most `keep` lines, the newest ones', async () => {
    const obj = new GrowingObject();
    const tail = make(obj, 3);
    obj.append('1\n2\n');
    await tail.poll(signal);
    obj.append('3\n4\n5\n6');
    await tail.poll(signal);
    assert.deepEqual(tail.tail(), ['3', '4', '5']);
    await tail.drain(signal);
    assert.deepEqual(tail.tail(), ['4', '5', '6']);
  });

  it('keeps 40 lines by default', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    obj.append(Array.from({ length: 100 }, (_, i) => `l${i}\n`).join(''));
    assert.equal((await tail.poll(signal)).length, 100, 'poll returns every line');
    const kept = tail.tail();
    assert.equal(kept.length, 40);
    assert.equal(kept[0], 'l60');
    assert.equal(kept.at(-1), 'l99');
  });

  it('tail() is a copy the caller cannot change', async () => {
    const obj = new GrowingObject();
    const tail = make(obj);
    obj.append('a\n');
    await tail.poll(signal);
    tail.tail().push('injected');
    assert.deepEqual(tail.tail(), ['a']);
  });
});
