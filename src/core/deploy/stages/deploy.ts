import { DevgemError, isCancelled } from '../../base/errors';
import { bounded } from '../../base/wait';
import type { RunServiceInfo, ServiceSpec } from '../../cloud/ports';
import type { AfterUpload, ReleasePlan } from '../releasePlan';
import { allApproved, checkSpecChanges, specChangesRefused } from '../specDiff';
import type { SpecGuard, Stage, StageContext } from '../stage';
import { ownershipOf } from '../ownership';
import { restoreAfterCancel, rollBack } from './autoRollback';
import { claimService } from './claim';
import type { Built } from './build';

/** The service runs the new revision (a preview: beside the one that serves). */
export interface Deployed extends AfterUpload {
  service: RunServiceInfo;
  /** Where the deploy is checked and reported: the service's URL, or a preview's own tag URL. */
  url: string;
  revision?: string;
  /** The revision that served before the update: where a failed update sends the traffic back. */
  previous?: string;
  /** A live service was updated (not created, nor found already updated after a reload). */
  updated: boolean;
}

/**
 * Creates the service or updates it with the new image, asking first when the
 * update would break something that works now (ctx.guard). An update whose new
 * revision does not start sends the traffic back (autoRollback.ts); a cancel
 * after the update was sent does too.
 */
export const deployStage: Stage<Built, Deployed, 'deploy'> = {
  name: 'deploy',
  async run(input, ctx) {
    const { target } = input.plan;
    if (input.deployed) {
      const detail = `${target.service} already runs the new image, revision ${input.deployed.latestReadyRevision ?? '?'} (deployed before the reload)`;
      return { out: reached(input, input.deployed, undefined, false), detail };
    }
    const { service, previous, existed, checked } = await createOrUpdate(input, ctx);
    const preview = input.plan.noTraffic;
    const out = reached(input, service, previous, existed);
    if (preview) {
      const rev = service.latestCreatedRevision ?? '?';
      return {
        out,
        detail: `Created revision ${rev} with no traffic, tag ${preview.tag}: ${service.tagUri ?? '?'} · ${target.service} still serves ${previous ?? 'the revisions it served'}${checked}`,
      };
    }
    return {
      out,
      detail: `${existed ? 'Updated' : 'Created'} ${target.service}, revision ${service.latestReadyRevision ?? service.latestCreatedRevision ?? '?'}${checked}`,
    };
  },
};

async function createOrUpdate(input: Built, ctx: StageContext): Promise<{ service: RunServiceInfo; previous?: string; existed: boolean; checked: string }> {
  const { plan } = input;
  const { target: ref, noTraffic: preview } = plan;
  const { ports, signal, callMs } = ctx;
  const spec: ServiceSpec = {
    ...plan.runtime,
    image: plan.image,
    port: plan.port,
    labels: plan.labels,
    ...(plan.source ? { source: plan.source } : {}),
  };
  const existing = await bounded('Looking up the service', callMs, signal, (s) => ports.run.getService(ref, s));
  // Someone may have created the service while this one was building: the same question as before the build.
  const { guard } = ctx;
  if (existing && guard && !plan.takenOver && ownershipOf(existing.labels, guard.origin.label) !== 'ours') {
    await claimService(ref, guard.origin, { allowUnauthenticated: plan.allowUnauthenticated, approvedTakeOver: guard.approvedTakeOver }, ctx);
  }
  if (preview && !existing) {
    throw new DevgemError('failed-precondition', `A preview (no traffic) needs a live service, and ${ref.service} does not exist yet in ${ref.region}.`, {
      fix: 'Deploy it once without a preview tag (no --no-traffic); later deploys can be previews.',
    });
  }
  const previous = existing?.servingRevision ?? existing?.latestReadyRevision;
  const checked = existing && ctx.guard ? await guardChanges(ctx.guard, plan, spec, ctx) : '';
  const timeoutMs = plan.deployTimeoutSeconds * 1000;
  // From here a cancel puts the traffic back on the revision that served before.
  if (existing && !preview && previous) ctx.undoOnCancel(() => restoreAfterCancel(ports.runAdmin, ref, previous, timeoutMs));
  const fix = `Raise "devgem.deployTimeoutSeconds" (now ${plan.deployTimeoutSeconds}) or check the service in Cloud Console.`;
  try {
    const service = await bounded(
      existing ? 'Updating the service' : 'Creating the service',
      timeoutMs,
      signal,
      (s) => (existing ? ports.run.updateService(ref, spec, s, preview ? { noTraffic: preview } : undefined) : ports.run.createService(ref, spec, s)),
      fix,
    );
    return { service, previous, existed: Boolean(existing), checked };
  } catch (err) {
    // A new revision that does not start: Cloud Run keeps the old one serving for
    // now, but "latest" still points at the failed one; pin the old one explicitly.
    if (!existing || preview || !previous || !plan.autoRollback || isCancelled(err, signal)) throw err;
    const now = await bounded('Looking up the service', callMs, undefined, (s) => ports.run.getService(ref, s)).catch(() => undefined);
    const failed = now?.latestCreatedRevision;
    // No new revision (the request itself was refused): nothing to roll back.
    if (!failed || failed === existing.latestCreatedRevision || failed === previous) throw err;
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw await rollBack(ports.runAdmin, ref, failed, previous, { kind: 'start', why }, timeoutMs);
  }
}

/** Asks before an update that drops config or changes how the live service runs or is reached; the detail's note. */
async function guardChanges(guard: SpecGuard, plan: ReleasePlan, spec: ServiceSpec, ctx: StageContext): Promise<string> {
  const check = await checkSpecChanges(ctx.ports.run, plan.target, spec, plan.allowUnauthenticated, ctx.signal, ctx.callMs);
  const changes = check?.changes ?? [];
  if (changes.length && !allApproved(changes, guard.approved) && !(await guard.ui.confirmSpecChanges(changes, ctx.signal))) {
    throw specChangesRefused(changes);
  }
  let checked = changes.length ? ` · approved: ${changes.map((c) => c.message).join('; ')}` : '';
  if (check?.note) checked += ` · ${check.note}`;
  return checked;
}

/** The URL and revision the later stages check: a preview's own tag URL and its new revision. */
function reached(input: Built, service: RunServiceInfo, previous: string | undefined, updated: boolean): Deployed {
  const { target, noTraffic: preview } = input.plan;
  const url = preview ? service.tagUri : service.uri;
  const revision = preview ? service.latestCreatedRevision : (service.latestReadyRevision ?? service.latestCreatedRevision);
  if (!url && preview) {
    // Also after a reload: the service as looked up then does not carry the tag's URL.
    throw new DevgemError(
      'unavailable',
      `The preview revision ${revision ?? ''} is deployed with no traffic, but Cloud Run returned no URL for the tag "${preview.tag}".`,
      {
        fix: `Find it with: gcloud run services describe ${target.service} --region ${target.region} --project ${target.project} (Traffic, tag ${preview.tag}).`,
      },
    );
  }
  if (!url) throw new Error('Cloud Run returned no URL for the service.');
  return { plan: input.plan, manifest: input.manifest, service, url, revision, previous, updated };
}
