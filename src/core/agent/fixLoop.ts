import type { DeployRecord, DeployRequestData, DeployStage, Problem, ServiceRef } from '../../shared/protocol';
import { FIX_PROMPTS, failureKind, type FailureKind } from '../../shared/fixEvidence';
import { DevgemError } from '../base/errors';
import type { DeployOptions } from '../deploy/deployOptions';
import { optionsFromRequest, requestOf } from '../deploy/deployRequest';
import type { AgentContext } from './context';
import type { FunctionCall } from './model';

// The fix loop: a failed deploy → its evidence (the build log's error region or
// the new revision's startup logs) → an edit the user approves → the same
// request deployed again → the true outcome. At most MAX_FIX_ROUNDS rounds.

/** Fix rounds (approved edit + redeploy) in a row before Devgem stops and asks the user to look. */
export const MAX_FIX_ROUNDS = 3;

export { EVIDENCE_NAME, FIX_PROMPTS, failureKind, type FailureKind } from '../../shared/fixEvidence';

/** A "Fix with AI" message starts with the evidence already fetched: the model never has to know to ask for it. */
export function evidenceCallsFor(message: string): FunctionCall[] {
  return Object.values(FIX_PROMPTS).includes(message) ? [{ name: 'get_failure_evidence', args: {}, id: 'fix-evidence' }] : [];
}

export interface LastFailure {
  deployId: string;
  target?: ServiceRef;
  startedAt: number;
  stage: DeployStage;
  kind: FailureKind;
  problem: Problem;
  /** The build log as the deploy kept it (the whole one for the current deploy; the stored tail for a record). */
  log: string[];
  request?: DeployRequestData;
}

/** The newest finished deploy, if it failed. */
export function lastFailure(ctx: AgentContext): LastFailure | undefined {
  const d = ctx.lastDeploy();
  if (d?.result) {
    if (d.result.outcome !== 'failed') return undefined;
    const r = d.result;
    const log = r.problem.logTail?.length && !d.log.length ? r.problem.logTail : d.log;
    return {
      deployId: d.deployId,
      target: d.target,
      startedAt: d.startedAt,
      stage: r.stage,
      kind: failureKind(r.stage),
      problem: r.problem,
      log,
      request: d.request,
    };
  }
  if (d) return undefined;
  const h: DeployRecord | undefined = ctx.deployHistory()[0];
  if (!h || h.outcome !== 'failed' || !h.stage) return undefined;
  return {
    deployId: h.deployId,
    target: h.target,
    startedAt: h.startedAt,
    stage: h.stage,
    kind: failureKind(h.stage),
    problem: { message: h.message ?? 'The deploy failed.', fix: h.fix },
    log: h.logTail ?? [],
    request: h.request,
  };
}

/** What the newest deploy asked for: kept with it (also across a reload), else what the agent asked in this window. */
export function lastRequest(ctx: AgentContext): DeployRequestData | undefined {
  const d = ctx.lastDeploy();
  if (d?.request) return d.request;
  const h = ctx.deployHistory()[0];
  if (h?.request && (!d || h.deployId === d.deployId)) return h.request;
  return ctx.lastDeployRequest ? requestOf(ctx.lastDeployRequest) : undefined;
}

/**
 * The options of the next fix round's redeploy, or a DevgemError the model gets
 * back (nothing to repeat, a GitHub repository, the rounds used up).
 */
export function redeployOptions(ctx: AgentContext): DeployOptions {
  const request = lastRequest(ctx);
  if (!request)
    throw new DevgemError('failed-precondition', 'There is no earlier deploy to repeat, so nothing would be redeployed.', {
      fix: 'Call propose_fix without redeploy, then ask the user to deploy.',
    });
  if (request.gitHub)
    throw new DevgemError(
      'failed-precondition',
      `The failed deploy was of the GitHub repository ${request.gitHub.repository}; an edit of the open folder does not change it.`,
      {
        fix: 'Explain the fix; the user commits it to the repository, then asks to deploy it again (deploy_github_repo).',
      },
    );
  const round = (lastFailure(ctx) ? (request.fixRound ?? 0) : 0) + 1;
  if (round > MAX_FIX_ROUNDS)
    throw new DevgemError('failed-precondition', `${MAX_FIX_ROUNDS} fix rounds in a row did not make the deploy succeed; Devgem stops redeploying here.`, {
      fix: 'Tell the user what was tried and what the logs still say; they decide what to do next.',
    });
  return { ...optionsFromRequest(ctx.deployOptions(), request), fixRound: round };
}
