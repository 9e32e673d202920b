import { randomBytes } from 'node:crypto';
import type { DeploySession } from '../deploy/deploySession';
import { CancelledError } from '../base/errors';
import { realClock, type Clock } from '../base/wait';
import type { ConfirmationDraft, ConfirmPort, ReviewFiles } from '../agent/registry';
import type { ToolRisk } from '../../shared/protocol';

/** How long a question waits for a click before it counts as declined. */
export const CONFIRM_TIMEOUT_MS = 15 * 60_000;

/**
 * Confirmation through the sidebar's card. The host makes a random token per
 * question; only a `confirm` message carrying that token (which only the
 * webview got, in the snapshot) approves. The model never sees the token.
 */
export class SessionConfirm implements ConfirmPort {
  private pending?: { id: string; token: string; review?: ReviewFiles; settle(approved: boolean): void };
  private seq = 0;

  constructor(
    private readonly session: DeploySession,
    private readonly clock: Clock = realClock,
    private readonly timeoutMs = CONFIRM_TIMEOUT_MS,
  ) {}

  get waiting(): boolean {
    return this.pending !== undefined;
  }

  ask(request: ConfirmationDraft & { tool: string; risk: ToolRisk }, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.reject(new CancelledError());
    // One question at a time; a new one replaces (declines) the old.
    this.pending?.settle(false);
    const id = `c${++this.seq}-${Date.now().toString(36)}`;
    const token = randomBytes(24).toString('base64url');
    return new Promise<boolean>((resolve, reject) => {
      const timer = new AbortController();
      const done = (fn: () => void) => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        timer.abort();
        signal.removeEventListener('abort', onAbort);
        this.session.setConfirmation(undefined);
        fn();
      };
      const onAbort = () => done(() => reject(new CancelledError()));
      this.pending = { id, token, review: request.review, settle: (approved) => done(() => resolve(approved)) };
      signal.addEventListener('abort', onAbort, { once: true });
      this.session.setConfirmation({
        id,
        token,
        tool: request.tool,
        risk: request.risk,
        title: request.title,
        details: request.details,
        diff: request.diff,
        // The edit's texts stay on the host; the card only learns it may ask for them (reviewDiff).
        ...(request.review ? { diffEditor: true } : {}),
        approveLabel: request.approveLabel,
      });
      // Bounded: nobody answering is a "no".
      this.clock.sleep(this.timeoutMs, timer.signal).then(
        () => done(() => resolve(false)),
        () => undefined,
      );
    });
  }

  /** The whole edit of the open question `id`, for the diff editor; undefined when that question is not open (answered, replaced, unknown) or has no edit. */
  reviewOf(id: string): ReviewFiles | undefined {
    return this.pending?.id === id ? this.pending.review : undefined;
  }

  /** The webview's answer. False when it does not match the open question (stale, forged or replayed). */
  answer(id: string, token: string, approve: boolean): boolean {
    const p = this.pending;
    if (!p || p.id !== id || !timingSafeEqualStr(p.token, token)) return false;
    p.settle(approve);
    return true;
  }
}

function timingSafeEqualStr(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
