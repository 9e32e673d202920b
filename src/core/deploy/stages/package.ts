import * as path from 'node:path';
import { DevgemError } from '../../base/errors';
import { MAX_MANIFEST_FILES, type DeployManifest } from '../../git/sourceChanges';
import { listSourceFiles, previewManifest, startSourceTarball } from '../../packaging/packageSource';
import { hashSource } from '../../packaging/sourceHash';
import type { TarballSpool } from '../../packaging/tarballSpool';
import { describeRedFlags, describeSkipped } from '../../packaging/uploadPreview';
import type { Stage } from '../stage';
import type { WithDockerfile } from './dockerfile';

/** The build context is packed into a tarball in the run's folder. */
export interface Packaged extends WithDockerfile {
  tarball: string;
  /**
   * The tarball as it is being compressed (into `tarball`): the upload streams
   * it while it grows, or cancels it when the image already exists.
   */
  spool: TarballSpool;
  /** sha256 of what the tarball holds (sourceHash.ts), known before compression ends: same tree, same hash. */
  contentHash: string;
  /** The files packed, file by file, so "what changed since the last deploy?" can be answered later. */
  manifest: DeployManifest;
}

/** Packs the build context, after showing what will be uploaded when anything looks wrong. */
export const packageStage: Stage<WithDockerfile, Packaged, 'package'> = {
  name: 'package',
  async run(input, ctx) {
    const { app, git } = input;
    const root = path.join(input.opts.workspaceRoot, app.context);
    const manifest = await listSourceFiles(root, ctx.signal);
    const preview = await previewManifest(root, manifest);
    if (preview.redFlags.length && !(await ctx.ui.confirmUpload(preview, ctx.signal))) {
      throw new DevgemError('cancelled', `The upload was stopped: ${describeRedFlags(preview)}.`, {
        fix: 'Exclude those files in .gcloudignore (or .gitignore), then deploy again.',
      });
    }
    const tarball = path.join(input.workDir, 'source.tar.gz');
    // Compression starts now, on worker threads; the hash pass runs beside it, so the upload can start before it ends.
    const spool = startSourceTarball(root, manifest, tarball, ctx.signal);
    let hashed;
    try {
      hashed = await hashSource(root, manifest.files, MAX_MANIFEST_FILES, ctx.signal);
    } catch (err) {
      spool.cancel();
      throw err;
    }
    const { contentHash, files, truncated } = hashed;
    const secrets = manifest.secretsExcluded.length
      ? ` · left out as secrets: ${manifest.secretsExcluded.slice(0, 3).join(', ')}${manifest.secretsExcluded.length > 3 ? ', …' : ''}`
      : '';
    // Left out silently, a FIFO or a name that is not UTF-8 would leave the user wondering where the file went.
    const skipped = preview.skipped?.length ? ` · left out: ${describeSkipped(preview)}` : '';
    const biggest = preview.largest[0] ? ` · largest ${preview.largest[0].path} (${formatBytes(preview.largest[0].bytes)})` : '';
    return {
      out: {
        ...input,
        tarball,
        spool,
        contentHash,
        manifest: {
          deployId: input.deployId,
          context: app.context,
          at: ctx.clock.now(),
          commit: git?.commit,
          branch: git?.branch,
          files,
          ...(truncated ? { truncated: true } : {}),
        },
      },
      detail: `${preview.fileCount} files, ${formatBytes(preview.totalBytes)} · rules: ${manifest.rulesFrom}${secrets}${skipped}${biggest} · hash ${contentHash.slice(0, 12)}`,
    };
  },
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
