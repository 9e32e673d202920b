import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analysisKit } from '../../analysis/lazyAnalysis';
import { DevgemError } from '../../base/errors';
import { warningLines } from '../readinessGate';
import type { Stage } from '../stage';
import type { Analyzed } from './analyze';

/** The Dockerfile the build uses is on disk. */
export interface WithDockerfile extends Analyzed {
  /** Its path relative to the build context (POSIX), as `docker build -f` takes it. */
  dockerfile: string;
}

/** Uses the app's own Dockerfile, or writes a generated one after the user saw it. */
export const dockerfileStage: Stage<Analyzed, WithDockerfile, 'dockerfile'> = {
  name: 'dockerfile',
  async run(input, ctx) {
    const { app } = input;
    const { workspaceRoot: root, gitHub } = input.opts;
    const contextDir = path.join(root, app.context);
    if (app.dockerfile) {
      const file = path.join(root, app.dockerfile);
      ctx.emit({ type: 'dockerfile', path: file, generated: false, content: await fs.readFile(file, 'utf8') });
      return { out: { ...input, dockerfile: toPosix(path.relative(contextDir, file)) }, detail: `Using ${app.dockerfile}` };
    }
    const files = analysisKit().generateFiles(app);
    const file = path.join(root, app.path, 'Dockerfile');
    const relativePath = toPosix(path.join(app.path, 'Dockerfile'));
    if (!(await ctx.ui.reviewDockerfile({ path: file, relativePath, content: files.dockerfile, gitHub, warnings: warningLines(app) }, ctx.signal))) {
      throw new DevgemError('cancelled', 'The generated Dockerfile was not accepted, so nothing was deployed.', {
        fix: 'Deploy again and accept it, or write your own Dockerfile (Devgem uses an existing one as it is).',
      });
    }
    await fs.writeFile(file, files.dockerfile, { flag: 'wx' });
    // Docker reads .dockerignore at the root of the build context; never overwrite the user's.
    await fs.writeFile(path.join(contextDir, '.dockerignore'), files.dockerignore, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    ctx.emit({ type: 'dockerfile', path: file, generated: true, content: files.dockerfile });
    return { out: { ...input, dockerfile: toPosix(path.relative(contextDir, file)) }, detail: `Wrote ${relativePath}` };
  },
};

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
