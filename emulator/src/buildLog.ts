import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile, runFails, shownCommand } from './dockerfile';

const hex12 = (): string => randomBytes(6).toString('hex');

export interface LogPlan {
  lines: string[];
  outcome: 'SUCCESS' | 'FAILURE';
  /** Build.statusDetail / failureInfo.detail on failure. */
  failureDetail?: string;
}

export const STEP_FAILED = (i: number, name: string): string => `build step ${i} "${name}" failed: step exited with non-zero status: 1`;

export function fetchLines(bucket: string, object: string, generation: string, size: number): string[] {
  const kib = (size / 1024).toFixed(1);
  return [
    'FETCHSOURCE',
    `Fetching storage object: gs://${bucket}/${object}#${generation}`,
    `Copying gs://${bucket}/${object}#${generation}...`,
    `/ [1 files][  ${kib} KiB/  ${kib} KiB]`,
    `Operation completed over 1 objects/${kib} KiB.`,
  ];
}

export function missingSourceLines(bucket: string, object: string): LogPlan {
  const detail = `failed to fetch gs://${bucket}/${object}: storage object does not exist`;
  return {
    lines: [
      'FETCHSOURCE',
      `Fetching storage object: gs://${bucket}/${object}`,
      `CommandException: No URLs matched: gs://${bucket}/${object}`,
      `ERROR: ${detail}`,
    ],
    outcome: 'FAILURE',
    failureDetail: detail,
  };
}

export interface DockerStep {
  name: string;
  args: string[];
}

/**
 * The BUILD/PUSH part of the log for the source in `dir`, as `docker build` on Cloud Build prints it.
 * `forceFailure` (buildOutcome knob) makes the first RUN step (or the last step) fail with `failureLog`.
 */
export function buildLines(dir: string, step: DockerStep, images: string[], forceFailure: string[] | undefined, digestOf: (img: string) => string): LogPlan {
  const lines: string[] = ['BUILD', `Already have image (with digest): ${step.name}`];
  const fail = (extra: string[]): LogPlan => {
    const detail = STEP_FAILED(0, step.name);
    return { lines: [...lines, ...extra, 'ERROR', `ERROR: ${detail}`], outcome: 'FAILURE', failureDetail: `Build step failure: ${detail}` };
  };
  const fIdx = step.args.findIndex((a) => a === '-f' || a === '--file');
  const dockerfileName = fIdx >= 0 && step.args[fIdx + 1] ? step.args[fIdx + 1] : 'Dockerfile';
  const dockerfilePath = join(dir, dockerfileName);
  if (!existsSync(dockerfilePath)) {
    return fail([
      `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat /workspace/${dockerfileName.replace(/^\.\//, '')}: no such file or directory`,
    ]);
  }
  const ins = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
  lines.push(`Sending build context to Docker daemon  ${(Math.max(1, dirSizeHint(dir)) / 1000).toFixed(3)}kB`);
  const firstRun = ins.findIndex((i) => i.keyword === 'RUN');
  const knobFailAt = forceFailure ? (firstRun >= 0 ? firstRun : ins.length - 1) : -1;
  for (let n = 0; n < ins.length; n++) {
    const i = ins[n];
    lines.push(`Step ${n + 1}/${ins.length} : ${i.keyword} ${i.args}`);
    if (i.keyword === 'FROM') {
      const [image] = i.args.split(/\s+/);
      const tag = image.includes(':') ? (image.split(':').pop() ?? 'latest') : 'latest';
      lines.push(`${tag}: Pulling from library/${image.split(':')[0]}`);
      for (let k = 0; k < 3; k++) lines.push(`${hex12()}: Pull complete`);
      lines.push(`Digest: sha256:${createHash('sha256').update(image).digest('hex')}`, `Status: Downloaded newer image for ${image}`);
    } else if (i.keyword === 'RUN') {
      const container = hex12();
      lines.push(` ---> Running in ${container}`);
      if (n === knobFailAt && forceFailure) return fail(forceFailure);
      if (runFails(i.args)) return fail([`The command '${shownCommand(i.args)}' returned a non-zero code: 1`]);
      lines.push(`Removing intermediate container ${container}`);
    } else if (n === knobFailAt && forceFailure) {
      return fail(forceFailure);
    }
    lines.push(` ---> ${hex12()}`);
  }
  const built = hex12();
  lines.push(`Successfully built ${built}`);
  for (const img of images) lines.push(`Successfully tagged ${img}`);
  lines.push('PUSH');
  for (const img of images) {
    const colon = img.lastIndexOf(':');
    const hasTag = colon > img.lastIndexOf('/');
    const repo = hasTag ? img.slice(0, colon) : img;
    const tag = hasTag ? img.slice(colon + 1) : 'latest';
    lines.push(`Pushing ${img}`, `The push refers to repository [${repo}]`);
    for (let k = 0; k < 3; k++) lines.push(`${hex12()}: Pushed`);
    lines.push(`${tag}: digest: ${digestOf(img)} size: 1578`);
  }
  lines.push('DONE');
  return { lines, outcome: 'SUCCESS' };
}

function dirSizeHint(dir: string): number {
  try {
    return readFileSync(join(dir, 'Dockerfile')).length * 7;
  } catch {
    return 2048;
  }
}
