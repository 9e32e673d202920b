import type { DeployEvent, DeployResult, DeployResumeData, DeployStage, Problem, StageStatus } from '../../../shared/protocol';
import { healthWhy, noRollbackError, restoreAfterCancel, rollBack } from './autoRollback';
import { CancelledError, DevgemError, isCancelled, toProblem } from '../../base/errors';
import type { CloudPorts, DeployUiPort, RunServiceInfo, ServiceSpec } from '../../cloud/ports';
import { exposeService, verifyService, type ExposeOutcome } from '../reachability';
import { allApproved, checkSpecChanges, specChangesRefused } from '../specDiff';
import { bounded, throwIfCancelled, type Clock } from '../../base/wait';

/** A stage's own result: the detail line, and a status other than 'done' when it warns or skips. */
export type StageResult = string | { status: StageStatus; detail: string };

/** Runs one stage: emits running, then the stage's result (the pipeline's and the resume's own bookkeeping). */
export type RunStage = (name: DeployStage, work: () => Promise<StageResult>) => Promise<void>;

const CALL_MS = 60_000;

/**
 * The bookkeeping every deploy run shares (the pipeline and a resume after a
 * reload): each stage emits running then its result, and a run ends with one
 * `finished` event, failed or cancelled at the stage it was in.
 */
export class StageRunner {
  current: DeployStage;

  constructor(
    private readonly emit: (e: DeployEvent) => void,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    first: DeployStage,
  ) {
    this.current = first;
  }

  readonly stage: RunStage = async (name, work) => {
    this.current = name;
    throwIfCancelled(this.signal);
    this.emit({ type: 'stage', stage: name, status: 'running', at: this.clock.now() });
    const r = await work();
    // Local work (analysis, packaging) may finish after a cancel; the cancel wins.
    throwIfCancelled(this.signal);
    const { status, detail } = typeof r === 'string' ? { status: 'done' as const, detail: r } : r;
    this.emit({ type: 'stage', stage: name, status, detail, at: this.clock.now() });
  };

  finish(result: DeployResult): DeployResult {
    this.emit({ type: 'finished', result, at: this.clock.now() });
    return result;
  }

  fail(problem: Problem): DeployResult {
    this.emit({ type: 'stage', stage: this.current, status: 'failed', detail: problem.message, at: this.clock.now() });
    return this.finish({ outcome: 'failed', stage: this.current, problem });
  }

  /** A run that threw: cancelled when the signal says so, else failed with the error as a problem. */
  ended(err: unknown): DeployResult {
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
  deps: { ports: CloudPorts; clock: Clock; guard?: SpecGuard; callMs?: number },
  signal: AbortSignal,
  deployed?: RunServiceInfo,
): Promise<DeployResult> {
  const { ports, clock } = deps;
  const callMs = deps.callMs ?? CALL_MS;
  const ref = { project: r.project, region: r.region, service: r.service };
  const { image, contentHash } = r;
  let service!: RunServiceInfo;
  const autoRollback = r.autoRollback !== false;
  const preview = r.noTraffic;
  /** The revision that served before the update: where a failed update sends the traffic back. */
  let previous: string | undefined;
  let updated = false;
  /** An update of a live service was sent: a cancel from here on puts the traffic back on `previous`. */
  let updateSent = false;
  try {
    return await release();
  } catch (err) {
    if (!updateSent || preview || !previous || !isCancelled(err, signal)) throw err;
    throw new CancelledError(await restoreAfterCancel(ports.runAdmin, ref, previous, r.deployTimeoutSeconds * 1000));
  }

  async function release(): Promise<DeployResult> {
    await stage('deploy', async () => {
      if (deployed) {
        service = deployed;
        return `${ref.service} already runs the new image, revision ${deployed.latestReadyRevision ?? '?'} (deployed before the reload)`;
      }
      const spec: ServiceSpec = { ...r.runtime, image, port: r.port, labels: { 'managed-by': 'devgem' }, ...(r.source ? { source: r.source } : {}) };
      const existing = await bounded('Looking up the service', callMs, signal, (s) => ports.run.getService(ref, s));
      if (preview && !existing) {
        throw new DevgemError('failed-precondition', `A preview (no traffic) needs a live service, and ${ref.service} does not exist yet in ${ref.region}.`, {
          fix: 'Deploy it once without a preview tag (no --no-traffic); later deploys can be previews.',
        });
      }
      previous = existing?.servingRevision ?? existing?.latestReadyRevision;
      let checked = '';
      if (existing && deps.guard) {
        const check = await checkSpecChanges(ports.run, ref, spec, r.allowUnauthenticated, signal, callMs);
        const changes = check?.changes ?? [];
        if (changes.length && !allApproved(changes, deps.guard.approved) && !(await deps.guard.ui.confirmSpecChanges(changes, signal))) {
          throw specChangesRefused(changes);
        }
        if (changes.length) checked = ` · approved: ${changes.map((c) => c.message).join('; ')}`;
        if (check?.note) checked += ` · ${check.note}`;
      }
      const fix = `Raise "devgem.deployTimeoutSeconds" (now ${r.deployTimeoutSeconds}) or check the service in Cloud Console.`;
      updateSent = Boolean(existing);
      try {
        service = await bounded(
          existing ? 'Updating the service' : 'Creating the service',
          r.deployTimeoutSeconds * 1000,
          signal,
          (s) => (existing ? ports.run.updateService(ref, spec, s, preview ? { noTraffic: preview } : undefined) : ports.run.createService(ref, spec, s)),
          fix,
        );
      } catch (err) {
        // A new revision that does not start: Cloud Run keeps the old one serving for
        // now, but "latest" still points at the failed one; pin the old one explicitly.
        if (!existing || preview || !previous || !autoRollback || isCancelled(err, signal)) throw err;
        const now = await bounded('Looking up the service', callMs, undefined, (s) => ports.run.getService(ref, s)).catch(() => undefined);
        const failed = now?.latestCreatedRevision;
        // No new revision (the request itself was refused): nothing to roll back.
        if (!failed || failed === existing.latestCreatedRevision || failed === previous) throw err;
        const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw await rollBack(ports.runAdmin, ref, failed, previous, { kind: 'start', why }, r.deployTimeoutSeconds * 1000);
      }
      updated = Boolean(existing);
      if (preview) {
        const rev = service.latestCreatedRevision ?? '?';
        return `Created revision ${rev} with no traffic, tag ${preview.tag}: ${service.tagUri ?? '?'} · ${ref.service} still serves ${previous ?? 'the revisions it served'}${checked}`;
      }
      return `${existing ? 'Updated' : 'Created'} ${ref.service}, revision ${service.latestReadyRevision ?? service.latestCreatedRevision ?? '?'}${checked}`;
    });
    // A preview is checked (and reported) through its tag's own URL.
    const url = preview ? service.tagUri : service.uri;
    const revision = preview ? service.latestCreatedRevision : (service.latestReadyRevision ?? service.latestCreatedRevision);
    if (!url && preview) {
      // Also after a reload: the service as looked up then does not carry the tag's URL.
      throw new DevgemError(
        'unavailable',
        `The preview revision ${revision ?? ''} is deployed with no traffic, but Cloud Run returned no URL for the tag "${preview.tag}".`,
        {
          fix: `Find it with: gcloud run services describe ${ref.service} --region ${ref.region} --project ${ref.project} (Traffic, tag ${preview.tag}).`,
        },
      );
    }
    if (!url) throw new Error('Cloud Run returned no URL for the service.');
    const previewInfo = preview ? { preview: { tag: preview.tag, serviceUrl: service.uri ?? '', servingRevision: previous } } : {};

    let exposed: ExposeOutcome = { public: false, problem: { message: 'private by setting' } };
    await stage('expose', async () => {
      if (!r.allowUnauthenticated) return { status: 'skipped', detail: 'Private: "devgem.allowUnauthenticated" is off' };
      exposed = await exposeService(ports.run, ref, service.invokerIamDisabled, signal, callMs);
      return exposed.public ? exposed.how : { status: 'warning', detail: 'Deployed, but not public' };
    });

    if (!exposed.public) {
      const why = r.allowUnauthenticated ? 'not public' : 'private';
      await stage('verify', async () => ({ status: 'skipped', detail: `Skipped: the service is ${why}` }));
      if (r.allowUnauthenticated) return { outcome: 'private', url, revision, image, contentHash, problem: exposed.problem };
      return { outcome: 'success', url, revision, image, contentHash, ...previewInfo };
    }

    await stage('verify', async () => {
      try {
        const { status, attempts, notStarted } = await verifyService(ports.http, url, r.verifyTimeoutSeconds, clock, signal, callMs);
        if (notStarted) return { status: 'warning', detail: notStarted };
        const note = preview ? ` · preview: no traffic, ${ref.service} still serves ${previous ?? 'its revisions'}` : '';
        return `${url} answered HTTP ${status}${attempts > 1 ? ` after ${attempts} tries` : ''}${note}`;
      } catch (err) {
        if (isCancelled(err, signal) || !updated || preview || !previous || !revision || revision === previous) throw err;
        if (!autoRollback) throw noRollbackError(err, ref, revision, previous);
        throw await rollBack(ports.runAdmin, ref, revision, previous, { kind: 'health', why: healthWhy(err) }, r.deployTimeoutSeconds * 1000);
      }
    });
    return { outcome: 'success', url, revision, image, contentHash, ...previewInfo };
  }
}
