import * as path from 'node:path';
import { DevgemError } from '../../base/errors';
import { hashFiles, type DeployManifest } from '../../git/sourceChanges';
import { listSourceFiles, previewManifest, writeSourceTarball } from '../../packaging/packageSource';
import { describeRedFlags, describeSkipped } from '../../packaging/uploadPreview';
import type { Stage } from '../stage';
import type { WithDockerfile } from './dockerfile';

/** The build context is packed into a tarball in the run's folder. */
export interface Packaged extends WithDockerfile {
  tarball: string;
  /** sha256 of the tarball (deterministic: same tree, same hash). */
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
    const { bytes, sha256 } = await writeSourceTarball(root, manifest, tarball, ctx.signal);
    const { files, truncated } = await hashFiles(root, manifest.files, ctx.signal);
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
        contentHash: sha256,
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
      detail: `${preview.fileCount} files, ${formatBytes(preview.totalBytes)} → ${formatBytes(bytes)} compressed · rules: ${manifest.rulesFrom}${secrets}${skipped}${biggest} · hash ${sha256.slice(0, 12)}`,
    };
  },
};

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
