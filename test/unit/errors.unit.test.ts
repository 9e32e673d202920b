import * as assert from 'node:assert/strict';
import { CancelledError, DevgemError, isCancelled, toProblem } from '../../src/core/base/errors';

describe('DevgemError', () => {
  it('is recognised across bundles: a second copy of the class passes instanceof', () => {
    // The Google Cloud adapters ship in dist/gcp.js with their own copy of errors.ts.
    const file = require.resolve('../../src/core/base/errors');
    const cached = require.cache[file];
    delete require.cache[file];
    const other = require(file) as typeof import('../../src/core/base/errors');
    require.cache[file] = cached;
    assert.notEqual(other.DevgemError, DevgemError, 'a real second copy');
    const foreign = new other.DevgemError('permission-denied', 'denied', { fix: 'grant it' });
    assert.ok(foreign instanceof DevgemError);
    assert.deepEqual(toProblem(foreign), { message: 'denied', fix: 'grant it', logTail: undefined });
    assert.ok(isCancelled(new other.CancelledError()));
  });

  it('keeps subclasses apart and rejects look-alikes', () => {
    assert.ok(new CancelledError() instanceof CancelledError);
    assert.ok(new CancelledError() instanceof DevgemError);
    assert.ok(!(new DevgemError('unknown', 'x') instanceof CancelledError));
    assert.ok(!(Object.assign(new Error('x'), { kind: 'config' }) instanceof DevgemError));
    assert.ok(!((null as unknown) instanceof DevgemError));
    assert.match(toProblem(new Error('boom')).message, /Unexpected error: boom/);
  });
});
