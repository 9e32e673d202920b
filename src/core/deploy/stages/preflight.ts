import type { ServiceRef } from '../../../shared/protocol';
import { bounded } from '../../base/wait';
import { ensureProjectAccess } from '../projectAccess';
import type { DeployStart, Stage } from '../stage';
import { resolveTarget } from '../target';

/** The target is known (and shown), the credentials work, the project is ready. */
export interface Targeted extends DeployStart {
  target: ServiceRef;
  /** The user named the service (a monorepo's app does not rename it then). */
  serviceNamed: boolean;
}

/** Resolves where to deploy, proves the credentials, and checks the project's APIs and access (projectAccess.ts). */
export const preflightStage: Stage<DeployStart, Targeted, 'preflight'> = {
  name: 'preflight',
  async run(input, ctx) {
    const { opts } = input;
    const { target, projectFrom, regionFrom, serviceNamed } = await resolveTarget(opts);
    ctx.emit({ type: 'target', target });
    const who = await bounded('Checking credentials', ctx.callMs, ctx.signal, (s) => ctx.ports.credentials.check(s));
    const access = await ensureProjectAccess({
      project: target.project,
      needs: { secrets: Object.keys(opts.runtime?.secrets ?? {}).length > 0, principal: who.principal },
      port: ctx.ports.preflight,
      ui: ctx.ui,
      clock: ctx.clock,
      cache: ctx.preflightCache,
      signal: ctx.signal,
      callMs: ctx.callMs,
    });
    return {
      out: { ...input, target, serviceNamed },
      detail: `${target.project} (${projectFrom}) · ${target.region} (${regionFrom})${who.principal ? ` · ${who.principal}` : ''} · ${access}`,
    };
  },
};
