import type { AppAnalysis } from '../../analysis/types';
import { analysisKit } from '../../analysis/lazyAnalysis';
import { CancelledError, DevgemError } from '../../base/errors';
import * as path from 'node:path';
import { BUILDPACKS_CHOSE, buildpacksApp, buildpacksMayTry } from '../buildpacks';
import type { Stage } from '../stage';
import { targetForApp } from '../target';
import { claimService } from './claim';
import { needsLine, openNeeds, readinessGate, warningLines } from '../readinessGate';
import type { Targeted } from './preflight';

/** The app to deploy is known; in a monorepo the target's service is named after it. */
export interface Analyzed extends Targeted {
  app: AppAnalysis;
  /** The target is someone else's service (or Devgem's from elsewhere) and the user agreed to take it over. */
  takenOver: boolean;
}

/**
 * Finds the deployable app (asking which one when there are several) and offers a port fix.
 * Once the service name is final, checks that the service is Devgem's or new before anything is built (claim.ts).
 */
export const analyzeStage: Stage<Targeted, Analyzed, 'analyze'> = {
  name: 'analyze',
  async run(input, ctx) {
    const { workspaceRoot, appPath, gitHub } = input.opts;
    const ws = await analysisKit().analyzeWorkspace(workspaceRoot, { signal: ctx.signal });
    if (ws.apps.length === 0) {
      const strategy = input.opts.buildStrategy ?? 'auto';
      const tryBuildpacks = strategy === 'buildpacks' ? !!ws.unrecognised?.found.length : strategy === 'auto' && buildpacksMayTry(ws.unrecognised);
      if (!tryBuildpacks) {
        throw new DevgemError('failed-precondition', ws.unrecognised?.message ?? 'Devgem does not recognise this app.', {
          fix:
            strategy === 'dockerfile'
              ? 'Add a Dockerfile that builds the app and starts it on $PORT, or set "devgem.build.strategy" to "auto" to let Google\'s buildpacks try, then deploy again.'
              : 'Add a Dockerfile that builds the app and starts it on $PORT, then deploy again.',
        });
      }
      // No rule applies: Google's buildpacks get the whole folder (buildpacks.ts).
      const app = buildpacksApp(path.basename(workspaceRoot), ws.unrecognised);
      const target = targetForApp(input, app);
      if (target !== input.target) ctx.emit({ type: 'target', target });
      const claim = await claimService(target, input.origin, input.opts, ctx);
      return {
        out: { ...input, app, target, takenOver: claim.takenOver },
        detail: `${ws.unrecognised?.message ?? 'No rule knows this app'}: ${BUILDPACKS_CHOSE}${claim.note}`,
      };
    }
    let app: AppAnalysis | undefined;
    if (appPath !== undefined) {
      const wanted = appPath.replace(/^\.?\/+|\/+$/g, '');
      app = ws.apps.find((a) => a.path === wanted);
      if (!app) {
        throw new DevgemError('invalid-argument', `There is no deployable app at "${appPath}".`, {
          fix: `Choose one of: ${ws.apps.map((a) => a.path || '.').join(', ')}.`,
        });
      }
    } else {
      app = ws.apps.length === 1 ? ws.apps[0] : await ctx.ui.chooseApp(ws.apps, ctx.signal);
      if (!app) throw new CancelledError();
    }
    // An edit to a downloaded repository would be lost with the download: only the user's own folder gets the offer.
    // Without an own Dockerfile the offer comes inside the Dockerfile review (dockerfile.ts), not behind it.
    if (app.port.fix && !gitHub && app.dockerfile) ctx.ui.offerPortFix(app.port.fix, workspaceRoot);
    const target = targetForApp(input, app);
    if (target !== input.target) ctx.emit({ type: 'target', target });
    const claim = await claimService(target, input.origin, input.opts, ctx);
    const others = ws.apps.length > 1 ? ` (1 of ${ws.apps.length} apps)` : '';
    // What will break on Cloud Run, in the stage's detail; no server stops here, before anything is built.
    const findings = [...warningLines(app), needsLine(openNeeds(app, input.opts))].filter((l): l is string => !!l);
    const gate = await readinessGate(app, input.opts, ctx.ui, ctx.signal);
    const detail = [`${analysisKit().describeApp(app).summary}${others}${claim.note}`, ...findings.map((l) => `⚠ ${l}`), ...gate.notes].join('\n');
    return { out: { ...input, opts: gate.opts, app, target, takenOver: claim.takenOver }, detail };
  },
};
