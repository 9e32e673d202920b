import { exposeService, type ExposeOutcome } from '../reachability';
import type { Stage } from '../stage';
import type { Deployed } from './deploy';

/** Whether the public can reach the service now. */
export interface Exposed extends Deployed {
  exposed: ExposeOutcome;
}

/** Makes the service public when "devgem.allowUnauthenticated" says so (reachability.ts); a refusal is a warning, not a failure. */
export const exposeStage: Stage<Deployed, Exposed, 'expose'> = {
  name: 'expose',
  async run(input, ctx) {
    if (!input.plan.allowUnauthenticated) {
      return {
        out: { ...input, exposed: { public: false, problem: { message: 'private by setting' } } },
        detail: { status: 'skipped', detail: 'Private: "devgem.allowUnauthenticated" is off' },
      };
    }
    const exposed = await exposeService(ctx.ports.run, input.plan.target, input.service.invokerIamDisabled, ctx.signal, ctx.callMs);
    return { out: { ...input, exposed }, detail: exposed.public ? exposed.how : { status: 'warning', detail: 'Deployed, but not public' } };
  },
};
