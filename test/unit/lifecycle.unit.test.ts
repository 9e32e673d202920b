// The host's lifecycle helper (src/adapters/vscode/lifecycle.ts): disposal
// order and once-only, and the CancellationToken -> AbortSignal bridge.
import * as assert from 'node:assert/strict';
import { Disposable, abortSignalOf, type CancellationTokenLike, type IDisposable } from '../../src/adapters/vscode/lifecycle';

/** A CancellationToken as VS Code's behaves: listeners until disposed, cancel fires them once. */
class FakeToken implements CancellationTokenLike {
  isCancellationRequested = false;
  readonly listeners = new Set<() => unknown>();
  onCancellationRequested(listener: () => unknown): IDisposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  cancel(): void {
    this.isCancellationRequested = true;
    for (const l of [...this.listeners]) l();
  }
}

class Owner extends Disposable {
  own<T extends IDisposable>(d: T): T {
    return this._register(d);
  }
}

describe('lifecycle: Disposable', () => {
  it('disposes what it registered newest first, and only once', () => {
    const order: string[] = [];
    const owner = new Owner();
    for (const name of ['first', 'second', 'third']) owner.own({ dispose: () => order.push(name) });
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, ['third', 'second', 'first']);
  });

  it('disposes at once what is registered after its own dispose', () => {
    const owner = new Owner();
    owner.dispose();
    let gone = false;
    owner.own({ dispose: () => (gone = true) });
    assert.equal(gone, true);
  });

  it('a throwing dispose does not keep the others alive; the error comes after', () => {
    const order: string[] = [];
    const owner = new Owner();
    owner.own({ dispose: () => order.push('a') });
    owner.own({
      dispose: () => {
        throw new Error('boom');
      },
    });
    owner.own({ dispose: () => order.push('c') });
    assert.throws(() => owner.dispose(), /boom/);
    assert.deepEqual(order, ['c', 'a']);
  });
});

describe('lifecycle: abortSignalOf', () => {
  it('aborts the signal when the token is cancelled', () => {
    const token = new FakeToken();
    const bridge = abortSignalOf(token);
    assert.equal(bridge.signal.aborted, false);
    token.cancel();
    assert.equal(bridge.signal.aborted, true);
  });

  it('starts aborted for a token already cancelled', () => {
    const token = new FakeToken();
    token.cancel();
    assert.equal(abortSignalOf(token).signal.aborted, true);
  });

  it('removes its listener on dispose: a later cancel no longer aborts', () => {
    const token = new FakeToken();
    const bridge = abortSignalOf(token);
    assert.equal(token.listeners.size, 1);
    bridge.dispose();
    assert.equal(token.listeners.size, 0);
    token.cancel();
    assert.equal(bridge.signal.aborted, false);
  });

  it('also follows other signals, and lets go of them on dispose', () => {
    const stop = new AbortController();
    const bridge = abortSignalOf(new FakeToken(), stop.signal);
    stop.abort();
    assert.equal(bridge.signal.aborted, true);

    const later = new AbortController();
    const kept = abortSignalOf(undefined, later.signal);
    kept.dispose();
    later.abort();
    assert.equal(kept.signal.aborted, false);
  });

  it('follows a token handed over later (a progress callback’s) and aborts on its own', () => {
    const bridge = abortSignalOf();
    const token = new FakeToken();
    bridge.follow(token);
    token.cancel();
    assert.equal(bridge.signal.aborted, true);
    const own = abortSignalOf();
    own.abort();
    assert.equal(own.signal.aborted, true);
  });
});
