import { DevgemError, isCancelled } from '../../base/errors';
import { LogTail } from '../../logs/logTail';
import type { BuildInfo, BuildPort, BuildRequest, StoragePort } from '../../cloud/ports';
import { bounded, type Clock } from '../../base/wait';

// Starting and following one Cloud Build build: the build stage's work (build.ts).

const TERMINAL = new Set<BuildInfo['state']>(['success', 'failure', 'cancelled', 'timeout', 'internal-error', 'expired']);
const CALL_MS = 60_000;
const MAX_CONSECUTIVE_POLL_ERRORS = 5;
/**
 * Between two rounds of log read + status check: a build that ended is seen at
 * the next round, on average half of this later (2 s made it 1 s of every
 * deploy; docs/benchmarks.md, "Orchestration overhead"). gcloud builds submit
 * polls once a second too.
 */
export const BUILD_POLL_MS = 1000;
/** After Cloud Build's closing line (DONE, ERROR) the status flips any moment: check this often, for CLOSING_ROUNDS rounds. */
export const CLOSING_POLL_MS = 250;
const CLOSING_ROUNDS = 20;
/** The line Cloud Build ends a build's log with, before its status changes. */
const CLOSING_LINE = /^(DONE|ERROR|TIMEOUT)\s*$/;
/** A poll that failed this way may simply be tried again at the next round. */
const PASSING = new Set(['unavailable', 'resource-exhausted', 'timeout']);

function passing(err: unknown): boolean {
  return err instanceof DevgemError && PASSING.has(err.kind);
}

export interface BuildStageDeps {
  build: BuildPort;
  storage: StoragePort;
  clock: Clock;
  onLog(lines: string[]): void;
  onBuildStarted(info: BuildInfo): void;
  pollMs?: number;
  /** One call's limit (60 s when absent). */
  callMs?: number;
}

/** The lines worth showing when a build fails: errors first, else the end of the log. */
function failureLines(tail: string[]): string[] {
  const errorAt = tail.findIndex((l) => /error|failed|not found|denied/i.test(l));
  return errorAt >= 0 ? tail.slice(Math.max(0, errorAt - 3)) : tail.slice(-15);
}

function failureFix(req: FollowedBuild, info: BuildInfo): string {
  if (info.state === 'timeout') return `Raise "devgem.buildTimeoutSeconds" (now ${req.timeoutSeconds}) or make the build faster.`;
  return `Fix the error shown in the build log, then deploy again. Full log: ${info.logUrl ?? `gs://${req.bucket}/${info.logObject}`}`;
}

/**
 * Starts a Cloud Build, follows its log while it runs, and waits (bounded) for
 * the end. On cancel it asks Cloud Build to cancel before giving up.
 */
export async function runBuild(req: BuildRequest, deps: BuildStageDeps, signal: AbortSignal): Promise<BuildInfo> {
  const info = await bounded(
    'Starting Cloud Build',
    deps.callMs ?? CALL_MS,
    signal,
    (s) => deps.build.start(req, s),
    `Deploy again in a minute. Google may have started the build before the answer was lost: check https://console.cloud.google.com/cloud-build/builds?project=${encodeURIComponent(req.project)} first.`,
  );
  deps.onBuildStarted(info);
  return followBuild(req, info, deps, signal);
}

/** The parts of a build request that following it needs (a re-attached deploy has no more). */
export type FollowedBuild = Pick<BuildRequest, 'project' | 'region' | 'bucket' | 'timeoutSeconds'>;

/** Where a deploy re-attached after a window reload picks the build up again. */
export interface FollowFrom {
  /** Build log lines the user has already seen: read again, not shown twice. */
  seenLines: number;
  /** When the build stage began, so the deadline still counts from there (from now when unknown). */
  startedAt?: number;
}

/**
 * Follows a started build to its end: streams new log lines, polls (bounded)
 * and cancels the build if the wait is given up. Also used to re-attach to a
 * build after a window reload (`from`).
 */
export async function followBuild(
  req: FollowedBuild,
  started: BuildInfo,
  deps: Omit<BuildStageDeps, 'onBuildStarted'>,
  signal: AbortSignal,
  from?: FollowFrom,
): Promise<BuildInfo> {
  const { build, storage, clock } = deps;
  const pollMs = deps.pollMs ?? BUILD_POLL_MS;
  const callMs = deps.callMs ?? CALL_MS;
  let info = started;
  const tail = new LogTail(storage, req.project, req.bucket, info.logObject);
  let skip = from?.seenLines ?? 0;
  const unseen = (lines: string[]): string[] => {
    const n = Math.min(skip, lines.length);
    skip -= n;
    return n ? lines.slice(n) : lines;
  };
  // Cloud Build enforces the build timeout; this margin covers queueing and the final push.
  const deadline = (from?.startedAt ?? clock.now()) + (req.timeoutSeconds + 120) * 1000;
  let pollErrors = 0;
  let logReadable = true;
  let closing = 0;
  try {
    while (!TERMINAL.has(info.state)) {
      if (clock.now() > deadline) {
        throw new DevgemError('timeout', `Cloud Build ${info.id} did not finish within ${req.timeoutSeconds + 120} s.`, {
          fix: `Raise "devgem.buildTimeoutSeconds" (now ${req.timeoutSeconds}) if the build really takes this long.`,
        });
      }
      await clock.sleep(closing > 0 ? Math.min(pollMs, CLOSING_POLL_MS) : pollMs, signal);
      if (closing > 0) closing--;
      if (logReadable) {
        try {
          const lines = unseen(await bounded('Reading the build log', callMs, signal, (s) => tail.poll(s)));
          if (lines.length) deps.onLog(lines);
          if (lines.some((l) => CLOSING_LINE.test(l))) closing = CLOSING_ROUNDS;
        } catch (err) {
          if (isCancelled(err, signal)) throw err;
          // A log we cannot read is no reason to stop the build: follow its status only
          // (a passing outage just skips this round).
          if (!passing(err)) {
            logReadable = false;
            deps.onLog([`(Devgem cannot read the build log: ${err instanceof Error ? err.message : String(err)}; the build goes on)`]);
          }
        }
      }
      try {
        info = await bounded('Checking the build', callMs, signal, (s) => build.get({ project: req.project, region: req.region, id: info.id }, s));
        pollErrors = 0;
      } catch (err) {
        // A hung or refused poll is tried again next round; the build goes on meanwhile.
        if (isCancelled(err, signal) || !passing(err)) throw err;
        if (++pollErrors >= MAX_CONSECUTIVE_POLL_ERRORS) throw err;
      }
    }
  } catch (err) {
    // Stop paying for a build nobody waits for any more.
    await bounded('Cancelling the build', 15_000, undefined, (s) => build.cancel({ project: req.project, region: req.region, id: info.id }, s)).catch(
      () => undefined,
    );
    throw err;
  }
  const rest = logReadable ? unseen(await bounded('Reading the build log', callMs, signal, (s) => tail.drain(s)).catch(() => [] as string[])) : [];
  if (rest.length) deps.onLog(rest);
  if (info.state !== 'success') {
    const what = info.state === 'timeout' ? 'timed out' : info.state === 'cancelled' ? 'was cancelled in Google Cloud' : 'failed';
    throw new DevgemError(info.state === 'timeout' ? 'timeout' : 'build-failed', `Cloud Build ${what}${info.statusDetail ? `: ${info.statusDetail}` : '.'}`, {
      fix: failureFix(req, info),
      logTail: failureLines(tail.tail()),
    });
  }
  return info;
}
