import type { ArtifactRegistryState } from './artifactRegistry';
import type { Context } from './context';
import { any, type MutableOperation } from './operations';
import { RevisionStartError, startRevision } from './revisionApp';
import { RUN, markRevision, markServiceRollout, type RevisionRec, type ServiceRec } from './runModel';
import { applyTraffic } from './runTraffic';

/**
 * Rolls out `rev` after `deploySeconds`: checks the image was built here, starts the app when it can
 * run locally, switches traffic and finishes `op`. On failure the previous revision keeps serving.
 */
export function scheduleRollout(ctx: Context, ar: ArtifactRegistryState, s: ServiceRec, rev: RevisionRec, op: MutableOperation): void {
  const t = setTimeout(() => {
    s.pending = s.pending.filter((x) => x !== t);
    void rollout(ctx, ar, s, rev, op);
  }, ctx.knobs.deploySeconds * 1000);
  s.pending.push(t);
}

async function rollout(ctx: Context, ar: ArtifactRegistryState, s: ServiceRec, rev: RevisionRec, op: MutableOperation): Promise<void> {
  if (s.deleted) return;
  const fail = (message: string): void => {
    markRevision(rev, false, message);
    markServiceRollout(s, rev, false, message);
    op.fail(9, message, any(`${RUN}.Service`, s.json));
    ctx.log(`[run] ${s.id}: revision ${rev.id} failed: ${message.split('\n')[0]}`);
  };
  try {
    await startRevision(ctx, ar, s, rev);
  } catch (e) {
    if (s.deleted) return;
    fail(e instanceof RevisionStartError ? e.message : String(e));
    return;
  }
  if (s.deleted) {
    await rev.app?.stop();
    rev.app = undefined;
    return;
  }
  markRevision(rev, true);
  markServiceRollout(s, rev, true);
  try {
    // Traffic pinned to an older revision stays there, as on Cloud Run; "latest" moves to `rev`.
    await applyTraffic(ctx, ar, s);
  } catch (e) {
    // `rev` itself is fine: an older revision the traffic is pinned to could not start again.
    if (s.deleted) return;
    op.fail(9, e instanceof Error ? e.message : String(e), any(`${RUN}.Service`, s.json));
    return;
  }
  op.succeed(any(`${RUN}.Service`, s.json), any(`${RUN}.Service`, s.json));
  ctx.log(`[run] ${s.id}: revision ${rev.id} ready at ${s.front.uri}`);
}
