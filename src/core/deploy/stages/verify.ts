import type { DeployResult } from '../../../shared/protocol';
import { isCancelled } from '../../base/errors';
import { verifyService } from '../reachability';
import type { AfterUpload } from '../releasePlan';
import type { Stage } from '../stage';
import { healthWhy, noRollbackError, rollBack } from './autoRollback';
import type { Exposed } from './expose';

/** The deploy's outcome. */
export interface Released extends AfterUpload {
  result: DeployResult;
}

/**
 * Checks that the public service answers (reachability.ts); a live service
 * whose new revision fails the check gets its traffic back on the revision
 * that served before (autoRollback.ts). Skipped for a service that is not public.
 */
export const verifyStage: Stage<Exposed, Released, 'verify'> = {
  name: 'verify',
  async run(input, ctx) {
    const { plan, manifest, url, revision, previous, exposed } = input;
    const { target, noTraffic: preview, image, contentHash } = plan;
    const previewInfo = preview ? { preview: { tag: preview.tag, serviceUrl: input.service.uri ?? '', servingRevision: previous } } : {};
    const success: DeployResult = { outcome: 'success', url, revision, image, contentHash, ...previewInfo };
    if (!exposed.public) {
      const detail = `Skipped: the service is ${plan.allowUnauthenticated ? 'not public' : 'private'}`;
      const result: DeployResult = plan.allowUnauthenticated ? { outcome: 'private', url, revision, image, contentHash, problem: exposed.problem } : success;
      return { out: { plan, manifest, result }, detail: { status: 'skipped', detail } };
    }
    try {
      const { status, attempts, notStarted } = await verifyService(ctx.ports.http, url, plan.verifyTimeoutSeconds, ctx.clock, ctx.signal, ctx.callMs);
      // The local emulator ran no app for the revision: say so rather than pass a health check nobody made.
      if (notStarted) return { out: { plan, manifest, result: success }, detail: { status: 'warning', detail: notStarted } };
      const note = preview ? ` · preview: no traffic, ${target.service} still serves ${previous ?? 'its revisions'}` : '';
      return { out: { plan, manifest, result: success }, detail: `${url} answered HTTP ${status}${attempts > 1 ? ` after ${attempts} tries` : ''}${note}` };
    } catch (err) {
      if (isCancelled(err, ctx.signal) || !input.updated || preview || !previous || !revision || revision === previous) throw err;
      if (!plan.autoRollback) throw noRollbackError(err, target, revision, previous);
      throw await rollBack(ctx.ports.runAdmin, target, revision, previous, { kind: 'health', why: healthWhy(err) }, plan.deployTimeoutSeconds * 1000);
    }
  },
};
