import type { Problem } from '../../shared/protocol';
import { DevgemError, isCancelled } from '../base/errors';
import type { HttpProbePort, RunPort, ServiceRef } from '../cloud/ports';
import { bounded, type Clock } from '../base/wait';

const CALL_MS = 60_000;
/** One health-check GET: a visitor would not wait longer either. */
const PROBE_MS = 15_000;
const REFUSED = new Set(['permission-denied', 'failed-precondition', 'invalid-argument']);

export type ExposeOutcome = { public: true; how: string } | { public: false; problem: Problem };

function refused(err: unknown): err is DevgemError {
  return err instanceof DevgemError && REFUSED.has(err.kind);
}

/**
 * Makes the service public: first `invokerIamDisabled`, then an `allUsers`
 * invoker binding. When both are refused it says so instead of claiming success.
 */
export async function exposeService(run: RunPort, ref: ServiceRef, alreadyOpen: boolean, signal: AbortSignal, callMs = CALL_MS): Promise<ExposeOutcome> {
  if (alreadyOpen) return { public: true, how: 'already public (invoker IAM check disabled)' };
  let first: DevgemError;
  try {
    await bounded('Disabling the invoker IAM check', callMs, signal, (s) => run.disableInvokerIam(ref, s));
    return { public: true, how: 'public (invoker IAM check disabled)' };
  } catch (err) {
    if (!refused(err)) throw err;
    first = err;
  }
  try {
    await bounded('Granting allUsers the invoker role', callMs, signal, (s) => run.grantPublicInvoker(ref, s));
    return { public: true, how: 'public (allUsers has roles/run.invoker)' };
  } catch (err) {
    if (!refused(err)) throw err;
    return {
      public: false,
      problem: {
        message: `The service is deployed but not public: Google Cloud refused both ways of opening it (${first.message}; ${err.message}).`,
        fix:
          `Ask a project owner to run: gcloud run services add-iam-policy-binding ${ref.service} --region=${ref.region} --project=${ref.project} --member=allUsers --role=roles/run.invoker` +
          ' — if an organization policy (iam.allowedPolicyMemberDomains) forbids allUsers, keep the service private and call it with an identity token.',
      },
    };
  }
}

/** The header the local emulator's service URL sets on its own answers (emulator/src/frontServer.ts). */
export const EMULATOR_HEADER = 'x-devgem-emulator';

/** The emulator ran no app for the revision (no Docker daemon, and not runnable as a process): its 501 says so. */
function notStartedByEmulator(answer: { status: number; emulator?: string }): boolean {
  return answer.status === 501 && answer.emulator === 'not-started';
}

function healthy(status: number): boolean {
  return status < 500 && status !== 401 && status !== 403 && status !== 407 && status !== 429;
}

/**
 * GETs the URL until it answers like a running app, within `timeoutSeconds`.
 * 401/403 are not healthy: the public cannot reach the service. The local
 * emulator's "not started" answer ends the check at once with `notStarted`
 * (what to tell the user instead of a passed health check).
 */
export async function verifyService(
  http: HttpProbePort,
  url: string,
  timeoutSeconds: number,
  clock: Clock,
  signal: AbortSignal,
  callMs = PROBE_MS,
): Promise<{ status: number; attempts: number; notStarted?: string }> {
  const deadline = clock.now() + timeoutSeconds * 1000;
  let delay = 500;
  let attempts = 0;
  let last: string;
  for (;;) {
    attempts++;
    try {
      const answer = await bounded(`GET ${url}`, Math.min(PROBE_MS, callMs), signal, (s) => http.get(url, s));
      const { status } = answer;
      if (notStartedByEmulator(answer)) {
        const notStarted = `Not started by the emulator: ${url} runs no app (the local emulator builds and runs images only with a Docker daemon, DEVGEM_EMULATOR_DOCKER), so no health check ran.`;
        return { status, attempts, notStarted };
      }
      if (healthy(status)) return { status, attempts };
      last = `HTTP ${status}`;
    } catch (err) {
      if (isCancelled(err, signal)) throw err;
      last = err instanceof Error ? err.message : String(err);
    }
    if (clock.now() + delay > deadline) break;
    await clock.sleep(delay, signal);
    delay = Math.min(delay * 2, 5000);
  }
  const denied = /HTTP 40[13]/.test(last);
  throw new DevgemError('unavailable', `${url} did not answer like a running app within ${timeoutSeconds} s (last: ${last}, ${attempts} attempts).`, {
    fix: denied
      ? 'The service refuses anonymous requests: check that it is public (Cloud Console > Cloud Run > Security > Allow unauthenticated) or keep it private on purpose with "devgem.allowUnauthenticated": false.'
      : 'Check the service logs in Cloud Console for a crash at start-up, and that the app listens on the port in $PORT.',
  });
}
