// Cloud Build with a real builder: the docker step of the build runs for real
// (dockerBuild.ts; a buildpacks step fails honestly, buildpacksStep.ts) and its output is the build log, framed as Cloud Build frames
// it (FETCHSOURCE, BUILD, PUSH, DONE; `Step #N:` prefixes when a build has
// several steps). The images stay in the daemon under every requested tag, for
// Cloud Run (containerRevision.ts) to run.
import type { BuildRecord } from '../cloudBuild';
import { STEP_FAILED } from '../buildLog';
import { BUILDPACKS_OFFLINE, buildpacksOfflineLines, isBuildpacksStep } from '../buildpacksStep';
import { parseBuildArgs, runDockerBuild, type RunningBuild } from './dockerBuild';
import type { Docker } from './dockerCli';

/** What the real build needs from the build runner. */
export interface BuildHost {
  docker: Docker;
  /** Appends lines to the build's log object (buffered by the caller). */
  append(lines: string[]): void;
  /** Ends the build. */
  finish(status: 'SUCCESS' | 'FAILURE' | 'TIMEOUT' | 'CANCELLED' | 'INTERNAL_ERROR', detail?: string): void;
  /** Records the pushed images (all tags of one image share its id as digest). */
  pushed(images: string[], digest: string, dir: string): void;
}

interface Step {
  name?: string;
  entrypoint?: string;
  args?: string[];
  id?: string;
}

/** Builds the lines of one step: without a prefix when the build has one step, as Cloud Build prints it. */
function stepWriter(host: BuildHost, steps: Step[], i: number): (line: string) => void {
  if (steps.length === 1) return (line) => host.append([line]);
  const id = steps[i].id ? ` - "${steps[i].id}"` : '';
  return (line) => host.append([`Step #${i}${id}: ${line}`]);
}

function pushLines(image: string, digest: string, layers: string[]): string[] {
  const colon = image.lastIndexOf(':');
  const hasTag = colon > image.lastIndexOf('/');
  const repo = hasTag ? image.slice(0, colon) : image;
  const tag = hasTag ? image.slice(colon + 1) : 'latest';
  const pushed = [...layers].reverse().map((l) => `${l.replace(/^sha256:/, '').slice(0, 12)}: Pushed`);
  return [`Pushing ${image}`, `The push refers to repository [${repo}]`, ...pushed, `${tag}: digest: ${digest} size: ${528 + 525 * layers.length}`];
}

/**
 * Runs the build's steps in `dir` (the unpacked source): the docker build step for
 * real, any other step as already done. Returns a stop function (cancel, timeout).
 */
export function startRealBuild(host: BuildHost, rec: BuildRecord, dir: string): (why: 'cancelled' | 'timedOut') => void {
  const steps = (rec.build.steps as Step[]) ?? [];
  const images = Array.isArray(rec.build.images) ? (rec.build.images as string[]) : [];
  let running: RunningBuild | undefined;
  let stopped: 'cancelled' | 'timedOut' | undefined;
  const run = async (): Promise<void> => {
    host.append(['BUILD']);
    let built: { id: string; layers: string[] } | undefined;
    const tagged: string[] = [];
    /** Each tag's image: a build with several docker steps (e.g. a cached stage first) makes several. */
    const imageOf = new Map<string, { id: string; layers: string[] }>();
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const write = stepWriter(host, steps, i);
      if (steps.length > 1) host.append([`Starting Step #${i}${s.id ? ` - "${s.id}"` : ''}`]);
      write(`Already have image (with digest): ${String(s.name)}`);
      if (isBuildpacksStep(s)) {
        for (const l of buildpacksOfflineLines(s)) write(l);
        const detail = STEP_FAILED(i, String(s.name));
        host.append(['ERROR', `ERROR: ${detail}`]);
        host.finish('FAILURE', `${BUILDPACKS_OFFLINE} (${detail})`);
        return;
      }
      const isDockerBuild = String(s.name ?? '').includes('docker') && (s.args ?? [])[0] === 'build';
      if (isDockerBuild) {
        const args = parseBuildArgs(s.args ?? []);
        tagged.push(...args.tags);
        running = runDockerBuild(host.docker, dir, args, write);
        if (stopped) running.stop(stopped);
        const outcome = await running.done;
        if (!outcome.ok) {
          if (outcome.timedOut || outcome.cancelled) return;
          const detail = STEP_FAILED(i, String(s.name));
          host.append(['ERROR', `ERROR: ${detail}`]);
          host.finish('FAILURE', `Build step failure: ${detail}`);
          return;
        }
        built = { id: outcome.imageId, layers: outcome.layers };
        for (const t of args.tags) imageOf.set(t, built);
      }
      if (steps.length > 1) host.append([`Finished Step #${i}`]);
    }
    if (stopped) return;
    const missing = images.filter((img) => !tagged.includes(img));
    if (missing.length || (images.length && !built)) {
      const detail = `failed to find one or more images after execution of build steps: [${(missing.length ? missing : images).join(' ')}]`;
      host.append(['ERROR', `ERROR: ${detail}`]);
      host.finish('FAILURE', detail);
      return;
    }
    if (built && images.length) {
      const last = built;
      const of = (img: string) => imageOf.get(img) ?? last;
      host.append(['PUSH', ...images.flatMap((img) => pushLines(img, of(img).id, of(img).layers))]);
      for (const id of new Set(images.map((img) => of(img).id)))
        host.pushed(
          images.filter((img) => of(img).id === id),
          id,
          dir,
        );
    }
    host.append(['DONE']);
    host.finish('SUCCESS');
  };
  run().catch((e: unknown) => {
    host.append([`ERROR: ${e instanceof Error ? e.message : String(e)}`]);
    host.finish('INTERNAL_ERROR', 'internal error');
  });
  return (why) => {
    stopped ??= why;
    running?.stop(why);
  };
}
