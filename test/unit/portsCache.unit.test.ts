import * as assert from 'node:assert/strict';
import { DevgemError } from '../../src/core/base/errors';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { cachedPorts } from '../../src/core/cloud/portsCache';

/** Ports whose credentials check fails while `failing.now` is true; `made` counts how many were built. */
function factory() {
  const failing = { now: false };
  let made = 0;
  const make = (c: { emulatorHost?: string }) => {
    made++;
    return {
      label: `${c.emulatorHost ?? 'google'}#${made}`,
      credentials: {
        check: async () => {
          if (failing.now) throw new DevgemError('credentials', 'No usable Google Cloud credentials');
          return { principal: 'me' };
        },
      },
    } as unknown as CloudPorts;
  };
  return { make, failing, made: () => made };
}

const signal = new AbortController().signal;

describe('cachedPorts (one set of Cloud clients per configuration)', () => {
  it('hands out the same ports while the configuration stays the same', async () => {
    const f = factory();
    const ports = cachedPorts(() => ({ emulatorHost: '127.0.0.1:8090' }), f.make);
    const a = ports();
    await a.credentials.check(signal);
    assert.equal(ports(), a);
    assert.equal(f.made(), 1);
  });

  it('makes new ports when the configuration changes, e.g. the emulator setting', () => {
    const f = factory();
    let host: string | undefined = '127.0.0.1:8090';
    const ports = cachedPorts(() => ({ emulatorHost: host }), f.make);
    const a = ports();
    host = undefined;
    const b = ports();
    assert.notEqual(a, b);
    assert.equal((b as unknown as { label: string }).label, 'google#2');
    assert.equal(ports(), b);
  });

  it('makes new ports after a failed credentials check, so signing in again applies without a reload', async () => {
    const f = factory();
    const ports = cachedPorts(() => ({}), f.make);
    const a = ports();
    f.failing.now = true;
    await assert.rejects(a.credentials.check(signal), /credentials/);
    f.failing.now = false;
    const b = ports();
    assert.notEqual(a, b);
    await b.credentials.check(signal);
    assert.equal(ports(), b);
    assert.equal(f.made(), 2);
  });

  it('a late failure of old ports does not drop the newer ones', async () => {
    const f = factory();
    let host = 'a:1';
    const ports = cachedPorts(() => ({ emulatorHost: host }), f.make);
    const old = ports();
    host = 'b:2';
    const now = ports();
    f.failing.now = true;
    await assert.rejects(old.credentials.check(signal));
    assert.equal(ports(), now);
  });
});
