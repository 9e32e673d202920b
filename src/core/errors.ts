import type { Problem } from '../shared/protocol';

export type ErrorKind =
  | 'config'
  | 'credentials'
  | 'permission-denied'
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'invalid-argument'
  | 'unavailable'
  | 'timeout'
  | 'cancelled'
  | 'build-failed'
  | 'unknown';

/**
 * An error meant for the user: `message` says what happened, `fix` says what
 * to do. Adapters translate SDK errors into these so core never shows a stack.
 */
export class DevgemError extends Error {
  readonly kind: ErrorKind;
  readonly fix?: string;
  readonly logTail?: string[];

  constructor(kind: ErrorKind, message: string, opts: { fix?: string; logTail?: string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DevgemError';
    this.kind = kind;
    this.fix = opts.fix;
    this.logTail = opts.logTail;
  }

  toProblem(): Problem {
    return { message: this.message, fix: this.fix, logTail: this.logTail };
  }
}

export class CancelledError extends DevgemError {
  constructor() {
    super('cancelled', 'The deploy was cancelled.');
  }
}

export function isCancelled(err: unknown, signal?: AbortSignal): boolean {
  return err instanceof CancelledError || (err instanceof DevgemError && err.kind === 'cancelled') || signal?.aborted === true;
}

/** Anything thrown, as a Problem a person can act on. */
export function toProblem(err: unknown): Problem {
  if (err instanceof DevgemError) return err.toProblem();
  const message = err instanceof Error ? err.message : String(err);
  return { message: `Unexpected error: ${message}`, fix: 'Retry the deploy; if it keeps failing, open the Devgem output channel for details.' };
}
