import * as assert from 'node:assert/strict';
import { emulatorBaseUrl } from '../../src/adapters/gcp/gcpConfig';

describe('the emulator address', () => {
  it('is the base URL every REST call to the emulator starts with, however the setting spells it', () => {
    for (const host of ['127.0.0.1:8090', 'http://127.0.0.1:8090', 'http://127.0.0.1:8090/', ' 127.0.0.1:8090 '])
      assert.equal(emulatorBaseUrl({ emulatorHost: host }), 'http://127.0.0.1:8090', host);
  });

  it('is absent for Google, and a malformed setting is a clear error', () => {
    assert.equal(emulatorBaseUrl({}), undefined);
    assert.equal(emulatorBaseUrl({ emulatorHost: '' }), undefined);
    assert.throws(() => emulatorBaseUrl({ emulatorHost: 'localhost' }), /must look like 127\.0\.0\.1:8090/);
  });
});
