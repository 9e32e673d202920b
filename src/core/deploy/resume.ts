import {
  DEPLOY_STAGES,
  STAGE_TITLES,
  type DeployEvent,
  type DeployResult,
  type DeployResumeData,
  type DeployStage,
  type DeployState,
  type Problem,
} from '../../shared/protocol';
import { bounded, realClock, type Clock } from '../base/wait';
import type { CloudPorts } from '../cloud/ports';
import { runStages } from './deployStages';
import { unattendedUi } from './deployUi';
import { sessionPreflightCache } from './projectAccess';
import { fromResumeData } from './releasePlan';
import type { StageContext } from './stage';
import { redactEvent } from './redactEvent';
import { StageRunner } from './stageRunner';

export interface ResumeDeps {
  ports: CloudPorts;
  emit(event: DeployEvent): void;
  clock?: Clock;
  /** How often to poll Cloud Build; tests make it short. */
  buildPollMs?: number;
}

/**
 * Where an unfinished deploy left by an earlier window can go on:
 * - `build`: Cloud Build has the build; follow it, then deploy/expose/verify;
 * - `release`: after the build; what reached Cloud Run decides (see resumeDeploy);
 * - `lost`: nothing to continue; the problem says so and what to do.
 */
export type ResumePoint =
  | { kind: 'build'; stage: 'build'; buildId: string; logObject: string; data: DeployResumeData }
  | { kind: 'release'; stage: DeployStage; data: DeployResumeData }
  | { kind: 'lost'; stage: DeployStage; problem: Problem };

/** Local work and the upload live only in the window that died: they cannot be picked up. */
const BEFORE_BUILD = new Set<DeployStage>(['preflight', 'analyze', 'dockerfile', 'package', 'upload']);
const CALL_MS = 60_000;
/** Beyond the build's own deadline, how long a deploy may wait for a window before it is too stale to finish. */
const GRACE_MS = 15 * 60_000;

/** The stage that was running, or the one due next when the window went away between two. */
export function interruptedStage(state: DeployState): DeployStage {
  const status = (s: DeployStage) => state.stages?.[s]?.status ?? 'pending';
  const running = DEPLOY_STAGES.find((s) => status(s) === 'running');
  if (running) return running;
  let last = -1;
  DEPLOY_STAGES.forEach((s, i) => {
    if (status(s) !== 'pending') last = i;
  });
  return DEPLOY_STAGES[Math.min(last + 1, DEPLOY_STAGES.length - 1)];
}

/** Decides, without calling anyone, whether a saved unfinished deploy can go on. */
export function resumePoint(state: DeployState, now: number): ResumePoint {
  const stage = interruptedStage(state);
  const during = `This deploy was interrupted during "${STAGE_TITLES[stage]}" when VS Code closed or reloaded`;
  const lost = (message: string, fix: string): ResumePoint => ({ kind: 'lost', stage, problem: { message, fix } });
  if (BEFORE_BUILD.has(stage)) return lost(`${during}; that step ran in the old window and cannot continue in a new one.`, 'Deploy again.');
  const data = state.resume;
  if (!data) return lost(`${during}, before Devgem had saved what it needs to continue.`, 'Deploy again.');
  const since = state.stages.build?.startedAt ?? state.startedAt;
  const maxAge = (data.buildTimeoutSeconds + 120) * 1000 + GRACE_MS;
  if (now - since > maxAge) {
    return lost(`${during}, ${Math.round((now - since) / 60_000)} minutes ago: too long ago to finish it safely now.`, 'Deploy again.');
  }
  if (stage === 'build') {
    const id = state.build?.id;
    if (!id) {
      return lost(
        `${during}, before Cloud Build had reported the build's id, so Devgem cannot follow it.`,
        'Deploy again. A build started anyway shows in Cloud Console > Cloud Build > History; it can finish or be cancelled there.',
      );
    }
    // Cloud Build names the log after the build when it is not known.
    return { kind: 'build', stage, buildId: id, logObject: state.build?.logObject || `log-${id}.txt`, data };
  }
  return { kind: 'release', stage, data };
}

/**
 * Finishes a deploy an earlier window left unfinished (a reload kills the
 * extension host with the pipeline; Cloud Build keeps building). Runs the
 * pipeline's own stage list from the build (re-attached to it) or, after the
 * build, from the deploy stage once it is clear what reached Cloud Run.
 * Always ends with `finished`.
 */
export async function resumeDeploy(state: DeployState, deps: ResumeDeps, signal: AbortSignal): Promise<DeployResult> {
  const clock = deps.clock ?? realClock;
  const { ports } = deps;
  const emit = (e: DeployEvent) => deps.emit(redactEvent(e));
  const point = resumePoint(state, clock.now());
  const runner = new StageRunner(emit, clock, signal, point.stage);
  if (point.kind === 'lost') return runner.fail(point.problem);
  const plan = fromResumeData(point.data);
  // No spec guard: the old window asked before the update. The stages from the build on ask nothing else (ui) nor check access.
  const ctx: StageContext = {
    ports,
    emit,
    clock,
    signal,
    callMs: CALL_MS,
    ui: unattendedUi,
    buildPollMs: deps.buildPollMs,
    preflightCache: sessionPreflightCache,
    undoOnCancel: (undo) => runner.undoOnCancel(undo),
  };
  try {
    if (point.kind === 'build') {
      // Only build log lines reach the deploy's log, so its length is what was shown.
      const from = { seenLines: state.droppedLogLines + state.log.length, startedAt: state.stages.build.startedAt };
      const { result } = await runStages('build', { plan, build: { kind: 'follow', buildId: point.buildId, logObject: point.logObject, from } }, runner, ctx);
      return runner.finish(result);
    }

    // After the build the service update may have half-run: only a service
    // whose latest ready revision runs this deploy's image is taken as deployed.
    emit({ type: 'stage', stage: runner.current, status: 'running', detail: 'Checking what reached Cloud Run before the reload…', at: clock.now() });
    const ref = plan.target;
    const live = await bounded('Looking up the service', CALL_MS, signal, (s) => ports.run.getService(ref, s));
    const ready = live?.latestReadyRevision;
    const revisions = ready ? await bounded('Listing the revisions', CALL_MS, signal, (s) => ports.runAdmin.listRevisions(ref, s)) : [];
    const runs = revisions.find((r) => r.revision === ready)?.image;
    if (live && runs === plan.image) return runner.finish((await runStages('deploy', { plan, deployed: live }, runner, ctx)).result);
    const found = !live
      ? `service ${ref.service} does not exist in ${ref.region}`
      : `service ${ref.service} does not run the new image (its latest ready revision ${ready ?? '(none)'} runs ${runs ?? 'an unknown image'})`;
    return runner.fail({
      message: `This deploy was interrupted during "${STAGE_TITLES[runner.current]}" when VS Code closed or reloaded, and ${found}.`,
      fix: 'Deploy again.',
    });
  } catch (err) {
    return await runner.ended(err);
  }
}
