import { startApp } from './appRunner';
import type { ArtifactRegistryState } from './artifactRegistry';
import type { Context } from './context';
import { ContainerStartError, startContainer } from './docker/containerApp';
import { planStart } from './dockerfile';
import type { RevisionRec, ServiceRec } from './runModel';
import { secretsOf, type SecretState } from './secretManager';

/** Milliseconds the emulator waits for a started app to accept connections. */
export const STARTUP_TIMEOUT_MS = 10_000;

/** A revision that cannot serve; the message is Cloud Run's. */
export class RevisionStartError extends Error {}

/** The revision annotation that says the emulator serves no app for it (no Docker daemon, and not runnable as a process). */
export const NOT_STARTED_ANNOTATION = 'emulator.devgem.dev/not-started';

interface ContainerJson {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { containerPort?: number }[];
  env?: { name?: string; value?: string; valueSource?: { secretKeyRef?: { secret?: string; version?: string } } }[];
}

function containerFailedMessage(rev: RevisionRec, port: number): string {
  return (
    `Revision '${rev.id}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=${port} environment variable within the allocated timeout. ` +
    `This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this revision might contain more information.\n\nLogs URL: ${String(rev.json.logUri)}\n` +
    'For more troubleshooting guidance, see https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start'
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
 * Starts what serves `rev`: with a Docker daemon, the built image as a container;
 * without one, its app as a local process when the built source can run here (the
 * output of either goes to Cloud Logging); else nothing, and the revision is marked
 * as not started (an annotation, and the front's 501). Throws RevisionStartError.
 */
export async function startRevision(ctx: Context, ar: ArtifactRegistryState, s: ServiceRec, rev: RevisionRec): Promise<void> {
  const c = (rev.json.containers as ContainerJson[] | undefined)?.[0] ?? {};
  const image = c.image ?? '';
  const port = c.ports?.[0]?.containerPort ?? 8080;
  const built = ar.findImage(image);
  if (!built) throw new RevisionStartError(`Revision '${rev.id}' is not ready and cannot serve traffic. Image '${image}' not found.`);
  // Cloud Run resolves secret refs before it starts the container, runnable here or not.
  const env = revisionEnv(s, rev, {}, secretsOf(ctx));
  const where = { project: s.project, location: s.location, service: s.id, revision: rev.id };
  if (ctx.docker && built.dockerImage) return startContainerRevision(ctx, rev, { ...env, K_SERVICE: s.id }, built.dockerImage, c, where);
  const plan = planStart(built.sourceDir);
  if (!plan.runnable || !plan.argv) {
    const why = `${plan.reason ?? 'not runnable here'}, and no Docker daemon is configured (DEVGEM_EMULATOR_DOCKER)`;
    rev.notStarted = why;
    rev.json.annotations = { ...((rev.json.annotations as Record<string, string> | undefined) ?? {}), [NOT_STARTED_ANNOTATION]: why };
    ctx.log(`[run] ${s.id}: ${rev.id} is not started by the emulator (${why})`);
    return;
  }
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

type Where = { project: string; location: string; service: string; revision: string };

/** The revision's image as a container; fails like Cloud Run when it exits or never listens on PORT. */
async function startContainerRevision(
  ctx: Context,
  rev: RevisionRec,
  env: Record<string, string>,
  image: string,
  c: ContainerJson,
  where: Where,
): Promise<void> {
  const port = c.ports?.[0]?.containerPort ?? 8080;
  const containerName = c.name || `${where.service}-1`;
  const probeFailed = (status: string): void =>
    ctx.logs.systemLine(
      where,
      'ERROR',
      `Default STARTUP TCP probe failed 1 time consecutively for container "${containerName}" on port ${port}. The instance was not started.\nConnection failed with status ${status}.`,
    );
  try {
    rev.app = await startContainer(ctx.docker!, {
      image,
      env,
      port,
      command: c.command?.length ? c.command : undefined,
      args: c.args?.length ? c.args : undefined,
      label: `${where.service}/${rev.id}`,
      timeoutMs: ctx.knobs.containerStartupSeconds * 1000,
      log: ctx.log,
      onLine: (stream, line) => ctx.logs.appLine(where, stream, line),
      onExit: (code) => ctx.logs.systemLine(where, 'WARNING', `Container called exit(${code ?? 1}).`),
    });
  } catch (e) {
    ctx.log(`[run] ${where.service}: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof ContainerStartError && e.why === 'docker') {
      throw new RevisionStartError(`Revision '${rev.id}' is not ready and cannot serve traffic. ${e.message}`);
    }
    probeFailed(e instanceof ContainerStartError && e.why === 'exited' ? 'CANCELLED' : 'DEADLINE_EXCEEDED');
    throw new RevisionStartError(containerFailedMessage(rev, port));
  }
}
