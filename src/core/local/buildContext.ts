// The build context a local run builds: the files a deploy would upload (the
// same ignore and secret-file rules), copied into a temporary folder with the
// Dockerfile the deploy would use. The workspace itself is never written to.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analysisKit } from '../analysis/lazyAnalysis';
import type { AppAnalysis } from '../analysis/types';
import { CancelledError, DevgemError } from '../base/errors';
import { throwIfCancelled } from '../base/wait';
import { listSourceFiles } from '../packaging/packageSource';

export interface LocalContext {
  dir: string;
  /** Dockerfile relative to `dir`, POSIX. */
  dockerfile: string;
  /** True when Devgem generated it (the app has none). */
  generated: boolean;
  fileCount: number;
}

/** Picks the app as the deploy does: the one at `appPath`, the only one, or the user's choice. */
export async function chooseLocalApp(
  root: string,
  appPath: string | undefined,
  choose: (apps: AppAnalysis[], signal: AbortSignal) => Promise<AppAnalysis | undefined>,
  signal: AbortSignal,
): Promise<AppAnalysis> {
  const ws = await analysisKit().analyzeWorkspace(root, { signal });
  if (ws.apps.length === 0) {
    throw new DevgemError('failed-precondition', ws.unrecognised?.message ?? 'Devgem does not recognise this app.', {
      fix: 'Add a Dockerfile that builds the app and starts it on $PORT, then run it again.',
    });
  }
  if (appPath !== undefined) {
    const wanted = appPath.replace(/^\.?\/+|\/+$/g, '');
    const app = ws.apps.find((a) => a.path === wanted);
    if (!app)
      throw new DevgemError('invalid-argument', `There is no app at "${appPath}".`, { fix: `Choose one of: ${ws.apps.map((a) => a.path || '.').join(', ')}.` });
    return app;
  }
  const app = ws.apps.length === 1 ? ws.apps[0] : await choose(ws.apps, signal);
  if (!app) throw new CancelledError();
  return app;
}

/** Copies the app's build context into `dir` (which must be empty) and adds the generated Dockerfile when the app has none. */
export async function stageContext(root: string, app: AppAnalysis, dir: string, signal: AbortSignal): Promise<LocalContext> {
  const contextRoot = path.join(root, app.context);
  const listed = await listSourceFiles(contextRoot, signal);
  for (const rel of listed.files) {
    throwIfCancelled(signal);
    const to = path.join(dir, rel);
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.copyFile(path.join(contextRoot, rel), to);
  }
  if (app.dockerfile) {
    return { dir, dockerfile: toPosix(path.relative(contextRoot, path.join(root, app.dockerfile))), generated: false, fileCount: listed.files.length };
  }
  const files = analysisKit().generateFiles(app);
  const dockerfile = toPosix(path.relative(contextRoot, path.join(root, app.path, 'Dockerfile')));
  await fs.writeFile(path.join(dir, dockerfile), files.dockerfile);
  // The user's own .dockerignore wins, as in a deploy.
  await fs.writeFile(path.join(dir, '.dockerignore'), files.dockerignore, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return { dir, dockerfile, generated: true, fileCount: listed.files.length };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
