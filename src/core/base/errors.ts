import type { Problem } from '../../shared/protocol';
import { redactText } from './redact';

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
  /** A rate limit or a usage limit was hit. */
  | 'resource-exhausted'
  | 'unknown';

/**
 * An error meant for the user: `message` says what happened, `fix` says what
 * to do. Adapters translate SDK errors into these so core never shows a stack.
 */
const BRAND = Symbol.for('devgem.DevgemError');

export class DevgemError extends Error {
  // The Google Cloud adapters ship in their own bundle with their own copy of
  // this class; the brand lets `instanceof DevgemError` recognise both copies.
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== DevgemError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly kind: ErrorKind;
  readonly fix?: string;
  readonly logTail?: string[];

  // Redacted when made: a message is shown, logged and saved in too many places to redact each (an SDK error may quote a token).
  constructor(kind: ErrorKind, message: string, opts: { fix?: string; logTail?: string[]; cause?: unknown } = {}) {
    super(redactText(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DevgemError';
    this.kind = kind;
    this.fix = opts.fix === undefined ? undefined : redactText(opts.fix);
    this.logTail = opts.logTail?.map(redactText);
  }

  toProblem(): Problem {
    return { message: this.message, fix: this.fix, logTail: this.logTail };
  }
}

export class CancelledError extends DevgemError {
  /** `message`: what the cancel left behind, when there is more to say than that it happened. */
  constructor(message = 'The deploy was cancelled.') {
    super('cancelled', message);
  }
}

export function isCancelled(err: unknown, signal?: AbortSignal): boolean {
  return err instanceof CancelledError || (err instanceof DevgemError && err.kind === 'cancelled') || signal?.aborted === true;
}

/** Anything thrown, as a Problem a person can act on. */
export function toProblem(err: unknown): Problem {
  if (err instanceof DevgemError) {
    // Also made by another bundle's copy of this class, which may not know every secret registered here.
    const p = err.toProblem();
    return { message: redactText(p.message), fix: p.fix === undefined ? undefined : redactText(p.fix), logTail: p.logTail?.map(redactText) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    message: redactText(`Unexpected error: ${message}`),
    fix: 'Retry the deploy; if it keeps failing, open the Devgem output channel for details.',
  };
}
