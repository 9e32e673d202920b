import type { DeployResult, DeployResumeData, DeployStage, StageStatus } from '../shared/protocol';
import type { CloudPorts, DeployUiPort, RunServiceInfo, ServiceSpec } from './ports';
import { exposeService, verifyService, type ExposeOutcome } from './reachability';
import { allApproved, checkSpecChanges, specChangesRefused } from './specDiff';
import { bounded, type Clock } from './wait';

/** A stage's own result: the detail line, and a status other than 'done' when it warns or skips. */
export type StageResult = string | { status: StageStatus; detail: string };

/** Runs one stage: emits running, then the stage's result (the pipeline's and the resume's own bookkeeping). */
export type RunStage = (name: DeployStage, work: () => Promise<StageResult>) => Promise<void>;

const CALL_MS = 60_000;

/**
 * Asks before an update that would drop config or change scaling, CPU or
 * access of a live service (specDiff.ts). `approved`: changes the user saw and
 * accepted before the deploy (the agent's plan, or 'all').
 */
export interface SpecGuard {
  ui: DeployUiPort;
  approved?: readonly string[] | 'all';
}

/**
 * deploy → expose → verify: everything after the build, the same whether the
 * deploy ran straight through or was re-attached after a window reload.
 * `deployed`: the service already runs `r.image` (the update happened before
 * the reload), so the deploy stage only reports it. Without `deps.guard` (a
 * deploy re-attached after a reload) the revision-diff guard does not run.
 */
export async function releaseImage(
  r: DeployResumeData,
  stage: RunStage,
  deps: { ports: CloudPorts; clock: Clock; guard?: SpecGuard },
  signal: AbortSignal,
  deployed?: RunServiceInfo,
): Promise<DeployResult> {
  const { ports, clock } = deps;
  const ref = { project: r.project, region: r.region, service: r.service };
  const { image, contentHash } = r;
  let service!: RunServiceInfo;
  await stage('deploy', async () => {
    if (deployed) {
      service = deployed;
      return `${ref.service} already runs the new image, revision ${deployed.latestReadyRevision ?? '?'} (deployed before the reload)`;
    }
    const spec: ServiceSpec = { ...r.runtime, image, port: r.port, labels: { 'managed-by': 'devgem' } };
    const existing = await bounded('Looking up the service', CALL_MS, signal, (s) => ports.run.getService(ref, s));
    let checked = '';
    if (existing && deps.guard) {
      const check = await checkSpecChanges(ports.run, ref, spec, r.allowUnauthenticated, signal);
      const changes = check?.changes ?? [];
      if (changes.length && !allApproved(changes, deps.guard.approved) && !(await deps.guard.ui.confirmSpecChanges(changes, signal))) {
        throw specChangesRefused(changes);
      }
      if (changes.length) checked = ` · approved: ${changes.map((c) => c.message).join('; ')}`;
      if (check?.note) checked += ` · ${check.note}`;
    }
    const fix = `Raise "devgem.deployTimeoutSeconds" (now ${r.deployTimeoutSeconds}) or check the service in Cloud Console.`;
    service = await bounded(existing ? 'Updating the service' : 'Creating the service', r.deployTimeoutSeconds * 1000, signal,
      (s) => (existing ? ports.run.updateService(ref, spec, s) : ports.run.createService(ref, spec, s)), fix);
    return `${existing ? 'Updated' : 'Created'} ${ref.service}, revision ${service.latestReadyRevision ?? service.latestCreatedRevision ?? '?'}${checked}`;
  });
  const url = service.uri;
  const revision = service.latestReadyRevision ?? service.latestCreatedRevision;
  if (!url) throw new Error('Cloud Run returned no URL for the service.');

  let exposed: ExposeOutcome = { public: false, problem: { message: 'private by setting' } };
  await stage('expose', async () => {
    if (!r.allowUnauthenticated) return { status: 'skipped', detail: 'Private: "devgem.allowUnauthenticated" is off' };
    exposed = await exposeService(ports.run, ref, service.invokerIamDisabled, signal);
    return exposed.public ? exposed.how : { status: 'warning', detail: 'Deployed, but not public' };
  });

  if (!exposed.public) {
    const why = r.allowUnauthenticated ? 'not public' : 'private';
    await stage('verify', async () => ({ status: 'skipped', detail: `Skipped: the service is ${why}` }));
    if (r.allowUnauthenticated) return { outcome: 'private', url, revision, image, contentHash, problem: exposed.problem };
    return { outcome: 'success', url, revision, image, contentHash };
  }

  await stage('verify', async () => {
    const { status, attempts } = await verifyService(ports.http, url, r.verifyTimeoutSeconds, clock, signal);
    return `${url} answered HTTP ${status}${attempts > 1 ? ` after ${attempts} tries` : ''}`;
  });
  return { outcome: 'success', url, revision, image, contentHash };
}
