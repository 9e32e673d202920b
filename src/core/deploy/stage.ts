import type { DeployEvent, DeployStage, StageStatus } from '../../shared/protocol';
import type { Clock } from '../base/wait';
import type { CloudPorts } from '../cloud/ports';
import type { GitInfo } from '../git/gitInfo';
import type { DeployOptions } from './deployOptions';
import type { DeployUiPort } from './deployUi';
import type { Origin } from './origin';
import type { PreflightCache } from './projectAccess';

/** The line a stage ends with in the tracker; a status other than 'done' when it warns or skips. */
export type StageDetail = string | { status: StageStatus; detail: string };

/**
 * One step of a deploy. `run` takes what the stage before it gave and returns
 * what the next one takes (`out`) with its tracker line (`detail`); the runner
 * (stageRunner.ts) emits running/done around it.
 */
export interface Stage<In, Out, Name extends DeployStage = DeployStage> {
  readonly name: Name;
  run(input: In, ctx: StageContext): Promise<{ out: Out; detail: StageDetail }>;
}

/**
 * Asks before an update that would drop config or change scaling, CPU or
 * access of a live service (specDiff.ts). `approved`: changes the user saw and
 * accepted before the deploy (the agent's plan, or 'all'). The deploy stage also
 * checks again that the service it updates is Devgem's from `origin` (it may have
 * appeared during the build), unless the user agreed to take it over.
 */
export interface SpecGuard {
  ui: DeployUiPort;
  approved?: readonly string[] | 'all';
  origin: Origin;
  approvedTakeOver?: readonly string[] | 'all';
}

/** What every stage of one run shares: the outside world and the run's own limits. */
export interface StageContext {
  ports: CloudPorts;
  emit(event: DeployEvent): void;
  clock: Clock;
  signal: AbortSignal;
  /** One Cloud API call's limit. */
  callMs: number;
  /** Questions for the user (unattended answers in a run nobody watches). */
  ui: DeployUiPort;
  /** How often to poll Cloud Build; tests make it short. */
  buildPollMs?: number;
  /** Where passed project checks are remembered. */
  preflightCache: PreflightCache;
  /** Absent for a deploy re-attached after a reload: the user approved it in the old window. */
  guard?: SpecGuard;
  /** Registers what to undo if the run ends cancelled from now on (e.g. put the traffic back); its answer is told to the user. */
  undoOnCancel(undo: () => Promise<string>): void;
}

/** The first stage's input: the options and what the run knows before any stage. */
export interface DeployStart {
  opts: DeployOptions;
  deployId: string;
  /** What is deployed, for the history and the revision; absent outside a git repository. */
  git?: GitInfo;
  /** A folder of this run's own (the tarball goes there), removed when it ends. */
  workDir: string;
  /** The workspace or repository deployed, as recorded on what Devgem creates (ownership.ts). */
  origin: Origin;
}
