import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analysisKit } from '../../analysis/lazyAnalysis';
import { DevgemError } from '../../base/errors';
import { earlierStages } from '../../cloud/buildConfig';
import { BUILDPACKS_CHOSE, checkBuildpacksContext } from '../buildpacks';
import { warningLines } from '../readinessGate';
import type { Stage } from '../stage';
import type { Analyzed } from './analyze';

/** The Dockerfile the build uses is on disk (or Google's buildpacks build the app). */
export interface WithDockerfile extends Analyzed {
  /** Its path relative to the build context (POSIX), as `docker build -f` takes it; '' with buildpacks. */
  dockerfile: string;
  /** Google's buildpacks make the image (buildpacks.ts): the setting, the user's choice, or no rule for the stack. */
  builder?: 'buildpacks';
  /** Its stages before the last, each cached apart (buildConfig.ts). */
  cacheStages?: string[];
}

type DockerfileRun = Awaited<ReturnType<Stage<Analyzed, WithDockerfile, 'dockerfile'>['run']>>;

function withBuildpacks(input: Analyzed, why: string): DockerfileRun {
  checkBuildpacksContext(input.app);
  return { out: { ...input, dockerfile: '', builder: 'buildpacks' }, detail: `${BUILDPACKS_CHOSE} (${why})` };
}

/**
 * Uses the app's own Dockerfile, or writes a generated one after the user saw it;
 * or leaves the image to Google's buildpacks ("devgem.build.strategy", the review's
 * choice, or a stack no rule knows when the strategy is `auto`).
 */
export const dockerfileStage: Stage<Analyzed, WithDockerfile, 'dockerfile'> = {
  name: 'dockerfile',
  async run(input, ctx) {
    const { app } = input;
    const { workspaceRoot: root, gitHub } = input.opts;
    const strategy = input.opts.buildStrategy ?? 'auto';
    const contextDir = path.join(root, app.context);
    if (strategy === 'buildpacks') return withBuildpacks(input, 'devgem.build.strategy is "buildpacks"');
    if (app.stack === 'buildpacks') return withBuildpacks(input, 'no Devgem rule knows this stack');
    if (app.dockerfile) {
      const file = path.join(root, app.dockerfile);
      const content = await fs.readFile(file, 'utf8');
      ctx.emit({ type: 'dockerfile', path: file, generated: false, content });
      return { out: { ...input, dockerfile: toPosix(path.relative(contextDir, file)), ...stagesOf(content) }, detail: `Using ${app.dockerfile}` };
    }
    const fallback = strategy === 'auto' && app.context === app.path;
    let files;
    try {
      files = analysisKit().generateFiles(app);
    } catch (err) {
      if (!fallback || !(err instanceof DevgemError) || err.kind !== 'failed-precondition') throw err;
      return withBuildpacks(input, `Devgem writes no Dockerfile for ${app.stack} apps`);
    }
    const file = path.join(root, app.path, 'Dockerfile');
    const relativePath = toPosix(path.join(app.path, 'Dockerfile'));
    const dockerignore = path.join(contextDir, '.dockerignore');
    const review = {
      path: file,
      relativePath,
      content: files.dockerfile,
      gitHub,
      dockerignore: (await exists(dockerignore)) ? undefined : toPosix(path.join(app.context, '.dockerignore')),
      // An edit to a downloaded repository would be lost with the download: only the user's own folder gets the offer.
      portFix: app.port.fix && !gitHub ? { fix: app.port.fix, workspaceRoot: root } : undefined,
      offerBuildpacks: fallback,
      warnings: warningLines(app),
    };
    const answer = await ctx.ui.reviewDockerfile(review, ctx.signal);
    if (answer === 'buildpacks' && fallback) return withBuildpacks(input, 'chosen in the Dockerfile review');
    if (answer !== true) {
      throw new DevgemError('cancelled', 'The generated Dockerfile was not accepted, so nothing was deployed.', {
        fix: 'Deploy again and accept it, or write your own Dockerfile (Devgem uses an existing one as it is).',
      });
    }
    await fs.writeFile(file, files.dockerfile, { flag: 'wx' });
    // Docker reads .dockerignore at the root of the build context; never overwrite the user's.
    await fs.writeFile(dockerignore, files.dockerignore, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    ctx.emit({ type: 'dockerfile', path: file, generated: true, content: files.dockerfile });
    return { out: { ...input, dockerfile: toPosix(path.relative(contextDir, file)), ...stagesOf(files.dockerfile) }, detail: `Wrote ${relativePath}` };
  },
};

function stagesOf(dockerfile: string): { cacheStages?: string[] } {
  const stages = earlierStages(dockerfile);
  return stages.length ? { cacheStages: stages } : {};
}

function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
