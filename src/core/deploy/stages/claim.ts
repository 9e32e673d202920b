import type { ServiceRef } from '../../cloud/ports';
import type { DeployOptions } from '../deployOptions';
import type { Origin } from '../origin';
import { findTakeOver, takeOverApproved, takeOverRefused } from '../ownership';
import type { StageContext } from '../stage';

/** What a deploy may do to the service it targets, decided before anything is built. */
export interface Claim {
  /** The service exists and is not Devgem's from this origin, and the user agreed to take it over. */
  takenOver: boolean;
  /** For the stage's detail line; empty when the service is new or Devgem's from here. */
  note: string;
}

/**
 * A service name the user never typed (the folder's name, a cloned repository's
 * settings) can be someone else's service: the deploy stops here, before the
 * build, unless the service is new, Devgem's from this origin, or the user
 * agrees to take it over (asked through ctx.ui, or approved beforehand).
 */
export async function claimService(
  ref: ServiceRef,
  origin: Origin,
  opts: Pick<DeployOptions, 'allowUnauthenticated' | 'approvedTakeOver'>,
  ctx: StageContext,
): Promise<Claim> {
  const found = await findTakeOver(ctx.ports.run, ref, origin, opts.allowUnauthenticated, ctx.signal, ctx.callMs);
  if (!found) return { takenOver: false, note: '' };
  if (!takeOverApproved(ref, opts.approvedTakeOver) && !(await ctx.ui.confirmTakeOver(found, ctx.signal))) throw takeOverRefused(found);
  return { takenOver: true, note: ` · taking over ${ref.service} (approved; its labels stay)` };
}
