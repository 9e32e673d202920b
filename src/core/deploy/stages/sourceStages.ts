import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeployEvent } from '../../../shared/protocol';
import type { AppAnalysis } from '../../analysis/types';
import { analysisKit } from '../../analysis/lazyAnalysis';
import { DevgemError, CancelledError } from '../../base/errors';
import { listSourceFiles, previewManifest, writeSourceTarball } from '../../packaging/packageSource';
import { describeRedFlags } from '../../packaging/uploadPreview';
import type { GitHubSource } from '../../github/gitHubPort';
import type { DeployUiPort } from '../deployUi';
import { hashFiles } from '../../git/sourceChanges';

// The stages that work on the user's files: analyze, dockerfile, package.

export interface SourceStageContext {
  workspaceRoot: string;
  /** The app to deploy in a monorepo (relative path); asked for when several are found. */
  appPath?: string;
  ui: DeployUiPort;
  /** The source is this repository's download, not a folder of the user's. */
  gitHub?: GitHubSource;
  emit(event: DeployEvent): void;
  signal: AbortSignal;
}

/** Finds the deployable app (asking which one when there are several) and offers a port fix. */
export async function analyzeStage(ctx: SourceStageContext): Promise<{ app: AppAnalysis; detail: string }> {
  const ws = await analysisKit().analyzeWorkspace(ctx.workspaceRoot, { signal: ctx.signal });
  if (ws.apps.length === 0) {
    throw new DevgemError('failed-precondition', ws.unrecognised?.message ?? 'Devgem does not recognise this app.', {
      fix: 'Add a Dockerfile that builds the app and starts it on $PORT, then deploy again.',
    });
  }
  let app: AppAnalysis | undefined;
  if (ctx.appPath !== undefined) {
    const wanted = ctx.appPath.replace(/^\.?\/+|\/+$/g, '');
    app = ws.apps.find((a) => a.path === wanted);
    if (!app) {
      throw new DevgemError('invalid-argument', `There is no deployable app at "${ctx.appPath}".`, {
        fix: `Choose one of: ${ws.apps.map((a) => a.path || '.').join(', ')}.`,
      });
    }
  } else {
    app = ws.apps.length === 1 ? ws.apps[0] : await ctx.ui.chooseApp(ws.apps, ctx.signal);
    if (!app) throw new CancelledError();
  }
  // An edit to a downloaded repository would be lost with the download: only the user's own folder gets the offer.
  if (app.port.fix && !ctx.gitHub) ctx.ui.offerPortFix(app.port.fix, ctx.workspaceRoot);
  const others = ws.apps.length > 1 ? ` (1 of ${ws.apps.length} apps)` : '';
  return { app, detail: `${analysisKit().describeApp(app).summary}${others}` };
}

/** Uses the app's own Dockerfile, or writes a generated one after the user saw it. Returns its path relative to the build context. */
export async function dockerfileStage(ctx: SourceStageContext, app: AppAnalysis): Promise<{ dockerfile: string; detail: string; generated: boolean }> {
  const contextDir = path.join(ctx.workspaceRoot, app.context);
  if (app.dockerfile) {
    const file = path.join(ctx.workspaceRoot, app.dockerfile);
    ctx.emit({ type: 'dockerfile', path: file, generated: false, content: await fs.readFile(file, 'utf8') });
    return { dockerfile: toPosix(path.relative(contextDir, file)), detail: `Using ${app.dockerfile}`, generated: false };
  }
  const files = analysisKit().generateFiles(app);
  const file = path.join(ctx.workspaceRoot, app.path, 'Dockerfile');
  if (
    !(await ctx.ui.reviewDockerfile(
      { path: file, relativePath: toPosix(path.join(app.path, 'Dockerfile')), content: files.dockerfile, gitHub: ctx.gitHub },
      ctx.signal,
    ))
  ) {
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
  return { dockerfile: toPosix(path.relative(contextDir, file)), detail: `Wrote ${toPosix(path.join(app.path, 'Dockerfile'))}`, generated: true };
}

/** Packs the build context into `tarball`, after showing what will be uploaded when anything looks wrong. */
export async function packageStage(
  ctx: SourceStageContext,
  app: AppAnalysis,
  tarball: string,
): Promise<{ sha256: string; detail: string; files: Record<string, string>; truncated: boolean }> {
  const root = path.join(ctx.workspaceRoot, app.context);
  const manifest = await listSourceFiles(root, ctx.signal);
  const preview = await previewManifest(root, manifest);
  if (preview.redFlags.length && !(await ctx.ui.confirmUpload(preview, ctx.signal))) {
    throw new DevgemError('cancelled', `The upload was stopped: ${describeRedFlags(preview)}.`, {
      fix: 'Exclude those files in .gcloudignore (or .gitignore), then deploy again.',
    });
  }
  const { bytes, sha256 } = await writeSourceTarball(root, manifest, tarball, ctx.signal);
  // File by file, so "what changed since the last deploy?" can be answered later.
  const hashed = await hashFiles(root, manifest.files, ctx.signal);
  const secrets = manifest.secretsExcluded.length
    ? ` · left out as secrets: ${manifest.secretsExcluded.slice(0, 3).join(', ')}${manifest.secretsExcluded.length > 3 ? ', …' : ''}`
    : '';
  const biggest = preview.largest[0] ? ` · largest ${preview.largest[0].path} (${formatBytes(preview.largest[0].bytes)})` : '';
  return {
    sha256,
    ...hashed,
    detail: `${preview.fileCount} files, ${formatBytes(preview.totalBytes)} → ${formatBytes(bytes)} compressed · rules: ${manifest.rulesFrom}${secrets}${biggest} · hash ${sha256.slice(0, 12)}`,
  };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
