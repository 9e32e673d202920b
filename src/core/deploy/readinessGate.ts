import type { AppAnalysis, EnvNeed, Warning } from '../analysis/types';
import { DevgemError } from '../base/errors';
import type { DeployOptions } from './deployOptions';
import type { DeployUiPort } from './deployUi';

// "Will it run on Cloud Run?" acted on before the build: a blocking finding (no server that
// listens) stops the deploy unless the user insists, and the env vars the code reads without a
// default are asked for (a plain value now, or the .env → Secret Manager flow).

/** One line per warning, with where it was found and the one-line fix. */
export function warningLines(app: Pick<AppAnalysis, 'warnings'>): string[] {
  return app.warnings.map((w) => `${w.blocking ? 'Stops the deploy: ' : ''}${w.message}${w.fix ? ` Fix: ${w.fix}` : ''}`);
}

/** The needs not set by this deploy's options already. */
export function openNeeds(app: Pick<AppAnalysis, 'needs'>, opts: Pick<DeployOptions, 'runtime'>): EnvNeed[] {
  const set = new Set([...Object.keys(opts.runtime?.env ?? {}), ...Object.keys(opts.runtime?.secrets ?? {})]);
  return app.needs.filter((n) => !set.has(n.name));
}

/** "needs PGDATABASE, PGUSER (app/settings.py:12)": the tracker's short form. */
export function needsLine(needs: EnvNeed[]): string | undefined {
  if (!needs.length) return undefined;
  const first = needs[0].evidence[0];
  const where = first ? ` (${first.file}${first.line ? `:${first.line}` : ''})` : '';
  return `reads env vars with no default: ${needs.map((n) => n.name).join(', ')}${where}`;
}

/**
 * Stops before the build when the app cannot serve (no listening server found), unless the
 * options say deploy anyway (`--force`, the chat's deploy_anyway) or the user chooses so;
 * then asks for the needed env vars. Returns the options to go on with and notes for the tracker.
 */
export async function readinessGate(
  app: AppAnalysis,
  opts: DeployOptions,
  ui: DeployUiPort,
  signal: AbortSignal,
): Promise<{ opts: DeployOptions; notes: string[] }> {
  const notes: string[] = [];
  const blocking = app.warnings.find((w): w is Warning => !!w.blocking);
  if (blocking) {
    const insisted = opts.deployAnyway || (ui.confirmNoServer ? await ui.confirmNoServer(blocking, signal) : false);
    if (!insisted) {
      throw new DevgemError('failed-precondition', `Stopped before the build: ${blocking.message}`, {
        fix: 'Make the app start a web server that listens on $PORT; or, if it does, deploy anyway ("Deploy Anyway", `devgem deploy --force`, or tell the chat to deploy anyway).',
      });
    }
    notes.push(`deployed anyway: ${blocking.message}`);
  }
  const needs = openNeeds(app, opts);
  if (!needs.length || !ui.askEnvNeeds) return { opts, notes };
  const answer = await ui.askEnvNeeds(needs, signal);
  const given = Object.keys(answer.env);
  if (!given.length) return { opts, notes };
  notes.push(`env set now: ${given.join(', ')}`);
  return { opts: { ...opts, runtime: { ...opts.runtime, env: { ...opts.runtime?.env, ...answer.env } } }, notes };
}
