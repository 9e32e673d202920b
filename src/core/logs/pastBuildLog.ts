// A past deploy's Cloud Build log, read back from Google: the history keeps the
// build's id, Cloud Build knows the bucket its log went to (BuildPort.readLog).
import { stripAnsi } from '../../shared/ansi';
import type { DeployRecord } from '../../shared/protocol';
import { DevgemError } from '../base/errors';
import type { BuildLogTail, BuildPort } from '../cloud/ports';
import { redactText } from '../base/redact';
import { bounded } from '../base/wait';

const READ_MS = 60_000;

/**
 * The record's build: its id, else the one in its Cloud Console link (records
 * kept before the id was), in the target's project and region.
 */
export function recordBuild(r: DeployRecord): { project: string; region: string; id: string } | undefined {
  if (!r.target) return undefined;
  const id = r.buildId ?? /\/cloud-build\/builds(?:;region=[^/]*)?\/([0-9a-f-]{8,64})(?:[?#]|$)/.exec(r.buildConsoleUrl ?? '')?.[1];
  return id ? { project: r.target.project, region: r.target.region, id } : undefined;
}

/** The record `deployId` names in the history, or an error listing the ones that have a build. */
export function findDeploy(history: readonly DeployRecord[], deployId: string): DeployRecord {
  const r = history.find((h) => h.deployId === deployId);
  if (r) return r;
  const withBuild = history
    .filter((h) => recordBuild(h))
    .slice(0, 5)
    .map((h) => h.deployId);
  throw new DevgemError('not-found', `There is no deploy "${deployId}" in this workspace's history.`, {
    fix: withBuild.length ? `Use one of: ${withBuild.join(', ')} (get_deploy_history lists them all).` : 'No past deploy of this workspace ran a build.',
  });
}

/** The last `maxLines` lines of the build log of a past deploy; an error saying why when it ran no build. */
export async function readPastBuildLog(build: BuildPort, r: DeployRecord, maxLines: number, signal: AbortSignal): Promise<BuildLogTail & { buildId: string }> {
  const at = recordBuild(r);
  if (!at) {
    const why =
      r.stages?.build?.status === 'skipped'
        ? 'it reused the image of an earlier build (unchanged source)'
        : r.stage && ['preflight', 'analyze', 'dockerfile', 'package', 'upload'].includes(r.stage)
          ? `it ended at the ${r.stage} stage, before any build`
          : 'no build was recorded for it';
    throw new DevgemError('failed-precondition', `Deploy ${r.deployId} has no Cloud Build log: ${why}.`, { fix: 'Pick a deploy that ran a build.' });
  }
  const tail = await bounded(`Reading the log of build ${at.id}`, READ_MS, signal, (s) => build.readLog({ ...at, maxLines }, s));
  return { ...tail, buildId: at.id };
}

/** The log as an editor shows it, redacted: a first line saying whose build it is and where it was read. */
export function pastBuildLogDocument(r: DeployRecord, tail: BuildLogTail & { buildId: string }): string {
  const target = r.target ? ` (${r.target.service} in ${r.target.region}, ${r.target.project})` : '';
  const head = [`[Devgem] Build ${tail.buildId} of deploy ${r.deployId}${target}: ${tail.state}, read from ${tail.logUri}`];
  const cut = tail.totalLines - tail.lines.length;
  if (cut > 0) head.push(`[Devgem] The first ${cut} ${cut === 1 ? 'line is' : 'lines are'} left out.`);
  if (!tail.lines.length) head.push('[Devgem] The log is empty.');
  return `${head.concat(tail.lines.map((l) => redactText(stripAnsi(l)))).join('\n')}\n`;
}
