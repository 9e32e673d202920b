// Ownership of what the host creates: listeners, emitters, registrations and
// the CancellationToken -> AbortSignal bridges core's code needs. Structural
// types (no `vscode` import) so this is unit-tested without VS Code.

export interface IDisposable {
  dispose(): unknown;
}

/** What VS Code's CancellationToken offers, and all a bridge needs of it. */
export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): IDisposable;
}

/**
 * Owns what a subclass `_register`s and disposes it once, newest first, so a
 * thing is gone before what it was built on. One failing dispose does not keep
 * the others alive; the first error is thrown after all ran.
 */
export class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `d`; registered after dispose(), it is disposed at once (nothing may outlive its owner). */
  protected _register<T extends IDisposable>(d: T): T {
    if (this.disposed) disposeAll([d]);
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.owned.splice(0).reverse());
  }
}

/** Disposes each in the order given; throws the first error once every one had its turn. */
export function disposeAll(items: Iterable<IDisposable>): void {
  let failed: { err: unknown } | undefined;
  for (const d of items) {
    try {
      d.dispose();
    } catch (err) {
      failed ??= { err };
    }
  }
  if (failed) throw failed.err;
}

/** An AbortSignal that follows cancellation tokens and other signals until disposed. */
export interface AbortBridge extends IDisposable {
  readonly signal: AbortSignal;
  /** Aborts the signal now (e.g. a refresh that supersedes a load). */
  abort(): void;
  /** Also aborts when `source` is cancelled (already cancelled: at once), until dispose(). */
  follow(source: CancellationTokenLike | AbortSignal | undefined): void;
  /** Stops listening to every source; the signal keeps its state. */
  dispose(): void;
}

/**
 * Core takes an AbortSignal; VS Code hands out CancellationTokens. The bridge
 * removes its listeners on dispose, so a long-lived token or signal (a chat's
 * Stop) does not keep every finished call's closure alive.
 */
export function abortSignalOf(token?: CancellationTokenLike, ...signals: (AbortSignal | undefined)[]): AbortBridge {
  const controller = new AbortController();
  const links: IDisposable[] = [];
  const abort = () => controller.abort();
  let disposed = false;
  const bridge: AbortBridge = {
    signal: controller.signal,
    abort,
    follow(source) {
      if (!source || disposed) return;
      if (isSignal(source)) {
        if (source.aborted) return abort();
        source.addEventListener('abort', abort, { once: true });
        links.push({ dispose: () => source.removeEventListener('abort', abort) });
      } else {
        if (source.isCancellationRequested) return abort();
        links.push(source.onCancellationRequested(abort));
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeAll(links.splice(0));
    },
  };
  bridge.follow(token);
  for (const s of signals) bridge.follow(s);
  return bridge;
}

function isSignal(source: CancellationTokenLike | AbortSignal): source is AbortSignal {
  return typeof (source as AbortSignal).addEventListener === 'function';
}
