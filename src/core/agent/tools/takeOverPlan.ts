import type { ServiceRef } from '../../cloud/ports';
import { originOf } from '../../deploy/origin';
import { findTakeOver, serviceKey, takeOverDetails, takeOverHeadline } from '../../deploy/ownership';
import type { AgentContext } from '../context';

const CALL_MS = 60_000;

/** What a deploy plan shows when its service is not Devgem's from here, and what the click then approves. */
export interface TakeOverPlan {
  /** The plan's title. */
  title: string;
  lines: { label: string; value: string }[];
  /** The service key the approval names (DeployOptions.approvedTakeOver). */
  approves: string;
}

/**
 * Whether the deploy would take over `ref` (ownership.ts): undefined when the
 * service is new or Devgem's from this workspace or repository; otherwise the
 * plan's lines showing what is there now, so the one click approves the take-over.
 */
export async function takeOverPlan(
  ctx: AgentContext,
  ref: ServiceRef,
  source: { workspaceRoot: string; gitHub?: { repository: string } },
  allowUnauthenticated: boolean,
  signal: AbortSignal,
): Promise<TakeOverPlan | undefined> {
  const found = await findTakeOver(ctx.cloud().run, ref, await originOf(source), allowUnauthenticated, signal, CALL_MS);
  if (!found) return undefined;
  return {
    title: `Take over Cloud Run service "${ref.service}" and deploy to it`,
    lines: [{ label: 'Warning', value: takeOverHeadline(found) }, ...takeOverDetails(found)],
    approves: serviceKey(ref),
  };
}
