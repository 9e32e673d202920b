// Automatic rollback: an update whose new revision does not start or fails its
// health check sends the traffic back to the revision that served before, so a
// bad deploy costs the users of a live service one failed health check, not an outage.
import { DevgemError } from '../../base/errors';
import type { RunAdminPort, ServiceRef } from '../../cloud/ports';
import { bounded } from '../../base/wait';

/** What went wrong with the new revision, in the words of the final message. */
export type RevisionFailure = { kind: 'health'; why: string } | { kind: 'start'; why: string };

/** The gcloud command that does by hand what the rollback could not. */
export function rollbackCommand(ref: ServiceRef, previous: string): string {
  return `gcloud run services update-traffic ${ref.service} --to-revisions=${previous}=100 --region ${ref.region} --project ${ref.project}`;
}

/** "HTTP 500 after 3 tries" out of verifyService's message; the whole first line otherwise. */
export function healthWhy(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const m = /\(last: (.+?), (\d+) attempts?\)/.exec(message);
  if (m) return `${m[1]}${Number(m[2]) > 1 ? ` after ${m[2]} tries` : ''}`;
  return message.split('\n')[0];
}

function failedWhat(revision: string, failure: RevisionFailure): string {
  return failure.kind === 'health'
    ? `The new revision ${revision} failed its health check (${failure.why})`
    : `The new revision ${revision} did not become ready (${failure.why})`;
}

/**
 * Routes 100 % of the traffic back to `previous` and returns the error the
 * deploy fails with: the rollback worked, or the command to do it by hand.
 * The user's cancel does not stop it (a half-done rollback helps no one); the time limit does.
 */
export async function rollBack(
  admin: RunAdminPort,
  ref: ServiceRef,
  revision: string,
  previous: string,
  failure: RevisionFailure,
  timeoutMs: number,
): Promise<DevgemError> {
  const what = failedWhat(revision, failure);
  const logs = `Read the logs of ${revision} (ask Devgem for the service logs, or Cloud Console > Cloud Run > ${ref.service} > Logs), fix the app and deploy again`;
  try {
    await bounded(`Moving the traffic back to ${previous}`, timeoutMs, undefined, (s) => admin.routeAllTraffic(ref, previous, s));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return new DevgemError('unavailable', `${what}, and moving the traffic back to ${previous} failed too (${why}): ${revision} may be serving now.`, {
      cause: err,
      fix: `Move the traffic back yourself: ${rollbackCommand(ref, previous)} — then: ${logs}.`,
    });
  }
  return new DevgemError('unavailable', `${what}; traffic is back on ${previous}.`, { fix: `${logs}; ${previous} keeps serving until then.` });
}

/** The failure as it is today, plus how to go back when automatic rollback is off. */
export function noRollbackError(err: unknown, ref: ServiceRef, revision: string, previous: string): unknown {
  if (!(err instanceof DevgemError)) return err;
  return new DevgemError(err.kind, err.message, {
    cause: err.cause,
    logTail: err.logTail,
    fix: `${err.fix ? `${err.fix} ` : ''}Automatic rollback is off ("devgem.autoRollback"), so ${revision} keeps the traffic. To go back: ${rollbackCommand(ref, previous)}`,
  });
}

/**
 * A cancel after an update of a live service began: pin the traffic on `previous`
 * again, so the service serves what it served before the deploy whether or not the
 * new revision got ready meanwhile. Returns what the user is told. Like rollBack,
 * the user's cancel does not stop it; the time limit does.
 */
export async function restoreAfterCancel(admin: RunAdminPort, ref: ServiceRef, previous: string, timeoutMs: number): Promise<string> {
  try {
    await bounded(`Moving the traffic back to ${previous}`, timeoutMs, undefined, (s) => admin.routeAllTraffic(ref, previous, s));
    return `Cancelled: ${ref.service} serves ${previous} again, as before the deploy.`;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return `Cancelled, but moving the traffic of ${ref.service} back to ${previous} failed (${why}). To go back: ${rollbackCommand(ref, previous)}`;
  }
}
