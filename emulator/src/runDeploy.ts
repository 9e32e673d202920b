import { startApp } from './appRunner';
import type { ArtifactRegistryState } from './artifactRegistry';
import type { Context } from './context';
import { planStart } from './dockerfile';
import { any, type MutableOperation } from './operations';
import { RUN, containerPort, imageOf, markRevision, markServiceRollout, type RevisionRec, type ServiceRec } from './runModel';

/** Seconds the emulator waits for a started app to accept connections. */
export const STARTUP_TIMEOUT_MS = 10_000;

function containerFailedMessage(rev: RevisionRec, port: number, logUri: string): string {
  return (
    `Revision '${rev.id}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=${port} environment variable within the allocated timeout. ` +
    `This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this revision might contain more information.\n\nLogs URL: ${logUri}`
  );
}

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
  const template = s.json.template as Record<string, unknown>;
  const image = imageOf(template);
  const port = containerPort(template);
  const fail = (message: string): void => {
    markRevision(rev, false, message);
    markServiceRollout(s, rev, false, message);
    op.fail(9, message, any(`${RUN}.Service`, s.json));
    ctx.log(`[run] ${s.id}: revision ${rev.id} failed: ${message.split('\n')[0]}`);
  };
  const built = ar.findImage(image);
  if (!built) {
    fail(`Revision '${rev.id}' is not ready and cannot serve traffic. Image '${image}' not found.`);
    return;
  }
  const plan = planStart(built.sourceDir);
  if (plan.runnable && plan.argv) {
    try {
      const env: Record<string, string> = { ...plan.env, K_REVISION: rev.id, K_CONFIGURATION: s.id };
      const containers = template.containers as { env?: { name?: string; value?: string }[] }[] | undefined;
      for (const e of containers?.[0]?.env ?? []) if (e.name) env[e.name] = e.value ?? '';
      rev.app = await startApp({ argv: plan.argv, cwd: built.sourceDir, env, timeoutMs: STARTUP_TIMEOUT_MS, log: ctx.log, label: `${s.id}/${rev.id}` });
    } catch (e) {
      if (s.deleted) return;
      ctx.log(`[run] ${s.id}: ${e instanceof Error ? e.message : String(e)}`);
      fail(containerFailedMessage(rev, port, String(rev.json.logUri)));
      return;
    }
    if (s.deleted) {
      await rev.app.stop();
      return;
    }
  } else {
    rev.placeholder = `Hello from Cloud Run emulator: service ${s.id}, revision ${rev.id}`;
    ctx.log(`[run] ${s.id}: ${rev.id} serves a placeholder (${plan.reason ?? 'not runnable here'})`);
  }
  const previous = s.active;
  s.active = rev;
  markRevision(rev, true);
  markServiceRollout(s, rev, true);
  op.succeed(any(`${RUN}.Service`, s.json), any(`${RUN}.Service`, s.json));
  ctx.log(`[run] ${s.id}: revision ${rev.id} ready at ${s.front.uri}`);
  if (previous && previous !== rev && previous.app) {
    const old = previous.app;
    previous.app = undefined;
    await old.stop();
  }
}
