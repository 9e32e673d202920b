import type { DeployEvent, DeployResult, DeployStage, Problem } from '../../shared/protocol';
import { CancelledError, DevgemError, isCancelled, toProblem } from '../base/errors';
import { throwIfCancelled, type Clock } from '../base/wait';
import type { Stage, StageContext } from './stage';

/**
 * The bookkeeping every deploy run shares (the pipeline and a resume after a
 * reload): each stage emits running then its result, and a run ends with one
 * `finished` event, failed or cancelled at the stage it was in.
 */
export class StageRunner {
  current: DeployStage;
  private undo?: () => Promise<string>;

  constructor(
    private readonly emit: (e: DeployEvent) => void,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    first: DeployStage,
  ) {
    this.current = first;
  }

  async run<In, Out>(stage: Stage<In, Out>, input: In, ctx: StageContext): Promise<Out> {
    this.current = stage.name;
    throwIfCancelled(this.signal);
    this.emit({ type: 'stage', stage: stage.name, status: 'running', at: this.clock.now() });
    const { out, detail } = await stage.run(input, ctx);
    // Local work (analysis, packaging) may finish after a cancel; the cancel wins.
    throwIfCancelled(this.signal);
    const { status, detail: text } = typeof detail === 'string' ? { status: 'done' as const, detail } : detail;
    this.emit({ type: 'stage', stage: stage.name, status, detail: text, at: this.clock.now() });
    return out;
  }

  /** What a cancel from now on undoes (the latest registration wins). */
  undoOnCancel(undo: () => Promise<string>): void {
    this.undo = undo;
  }

  finish(result: DeployResult): DeployResult {
    this.emit({ type: 'finished', result, at: this.clock.now() });
    return result;
  }

  fail(problem: Problem): DeployResult {
    this.emit({ type: 'stage', stage: this.current, status: 'failed', detail: problem.message, at: this.clock.now() });
    return this.finish({ outcome: 'failed', stage: this.current, problem });
  }

  /** A run that threw: cancelled when the signal says so (after undoing what was registered), else failed with the error as a problem. */
  async ended(thrown: unknown): Promise<DeployResult> {
    const err = this.undo && isCancelled(thrown, this.signal) ? new CancelledError(await this.undo()) : thrown;
    if (isCancelled(err, this.signal)) {
      // A cancel that undid something says so (e.g. the traffic put back after an update began).
      const detail = err instanceof CancelledError && err.message !== new CancelledError().message ? err.message : undefined;
      this.emit({ type: 'stage', stage: this.current, status: 'cancelled', ...(detail ? { detail } : {}), at: this.clock.now() });
      return this.finish({ outcome: 'cancelled', stage: this.current });
    }
    const problem = toProblem(err);
    // One call that went unanswered: say which limit the user can raise.
    if (err instanceof DevgemError && err.kind === 'timeout' && /no answer within/.test(err.message) && !/devgem\.\w+TimeoutSeconds/.test(problem.fix ?? '')) {
      problem.fix = `${problem.fix ? `${problem.fix} ` : ''}On a slow network, raise the limit per call ("devgem.callTimeoutSeconds" in Settings).`;
    }
    return this.fail(problem);
  }
}
