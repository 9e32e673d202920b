import { startApp } from './appRunner';
import type { ArtifactRegistryState } from './artifactRegistry';
import type { Context } from './context';
import { planStart } from './dockerfile';
import type { RevisionRec, ServiceRec } from './runModel';
import { secretsOf, type SecretState } from './secretManager';

/** Milliseconds the emulator waits for a started app to accept connections. */
export const STARTUP_TIMEOUT_MS = 10_000;

/** A revision that cannot serve; the message is Cloud Run's. */
export class RevisionStartError extends Error {}

interface ContainerJson {
  image?: string;
  ports?: { containerPort?: number }[];
  env?: { name?: string; value?: string; valueSource?: { secretKeyRef?: { secret?: string; version?: string } } }[];
}

function containerFailedMessage(rev: RevisionRec, port: number): string {
  return (
    `Revision '${rev.id}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=${port} environment variable within the allocated timeout. ` +
    `This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this revision might contain more information.\n\nLogs URL: ${String(rev.json.logUri)}`
  );
}

/**
 * The env a revision's process gets: the image's ENV, Cloud Run's K_* vars and the
 * template's env, with `secretKeyRef` vars read from the emulator's Secret Manager as
 * the revision's service account. Throws RevisionStartError, with Cloud Run's message,
 * when a secret or version is missing or the account may not access it.
 */
export function revisionEnv(s: ServiceRec, rev: RevisionRec, imageEnv: Record<string, string>, secrets: SecretState): Record<string, string> {
  const env: Record<string, string> = { ...imageEnv, K_REVISION: rev.id, K_CONFIGURATION: s.id };
  const c = (rev.json.containers as ContainerJson[] | undefined)?.[0];
  const account = String(rev.json.serviceAccount ?? '');
  for (const e of c?.env ?? []) {
    if (!e.name) continue;
    const ref = e.valueSource?.secretKeyRef;
    if (!ref) {
      env[e.name] = e.value ?? '';
      continue;
    }
    const got = secrets.resolve(s.project, ref, account);
    if ('error' in got) throw new RevisionStartError(`Revision '${rev.id}' is not ready and cannot serve traffic. ${got.error}`);
    env[e.name] = got.value;
  }
  return env;
}

/**
 * Starts what serves `rev`: its app as a local process when the built source can run
 * here (its output goes to Cloud Logging), else a placeholder page. Throws RevisionStartError.
 */
export async function startRevision(ctx: Context, ar: ArtifactRegistryState, s: ServiceRec, rev: RevisionRec): Promise<void> {
  const c = (rev.json.containers as ContainerJson[] | undefined)?.[0] ?? {};
  const image = c.image ?? '';
  const port = c.ports?.[0]?.containerPort ?? 8080;
  const built = ar.findImage(image);
  if (!built) throw new RevisionStartError(`Revision '${rev.id}' is not ready and cannot serve traffic. Image '${image}' not found.`);
  // Cloud Run resolves secret refs before it starts the container, runnable here or not.
  const env = revisionEnv(s, rev, {}, secretsOf(ctx));
  const plan = planStart(built.sourceDir);
  if (!plan.runnable || !plan.argv) {
    rev.placeholder = `Hello from Cloud Run emulator: service ${s.id}, revision ${rev.id}`;
    ctx.log(`[run] ${s.id}: ${rev.id} serves a placeholder (${plan.reason ?? 'not runnable here'})`);
    return;
  }
  const where = { project: s.project, location: s.location, service: s.id, revision: rev.id };
  try {
    rev.app = await startApp({
      argv: plan.argv,
      cwd: built.sourceDir,
      env: { ...plan.env, ...env },
      timeoutMs: STARTUP_TIMEOUT_MS,
      log: ctx.log,
      label: `${s.id}/${rev.id}`,
      onLine: (stream, line) => ctx.logs.appLine(where, stream, line),
    });
  } catch (e) {
    ctx.log(`[run] ${s.id}: ${e instanceof Error ? e.message : String(e)}`);
    throw new RevisionStartError(containerFailedMessage(rev, port));
  }
}
