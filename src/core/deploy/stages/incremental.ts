import { createHash } from 'node:crypto';
import { isCancelled, toProblem } from '../../base/errors';
import type { RegistryPort } from '../../cloud/ports';
import { bounded } from '../../base/wait';

// Incremental deploys: the image a build pushes also carries a tag derived from
// the source and the build configuration, so "was this exact source built
// before?" is one Artifact Registry lookup, from any machine. Project, region,
// repository and service are in the image path itself; the Dockerfile's
// content is inside the tarball, hashed by the package stage.

/** `src-` + 40 hex of sha256 over the tarball's hash, the Dockerfile path and the build context. */
export function sourceTag(contentHash: string, dockerfile: string, context: string): string {
  const key = createHash('sha256').update(`${contentHash}\n${dockerfile}\n${context}`).digest('hex');
  return `src-${key.slice(0, 40)}`;
}

export interface ImageLookup {
  /** `repo/service@sha256:…` (or `repo/service:src-…`) when this source was built before. */
  image?: string;
  /** Why the lookup could not tell: the deploy builds as usual and shows this. */
  problem?: string;
}

/** A lookup that hangs must not hold a deploy that can simply build instead. */
const LOOKUP_MS = 15_000;

/**
 * Asks the registry whether `imageRepo:tag` exists. Never throws except on
 * cancel: a permission or network problem only means building as usual.
 */
export async function findBuiltImage(
  registry: RegistryPort,
  where: { project: string; location: string; repository: string; service: string; imageRepo: string; tag: string },
  signal: AbortSignal,
  callMs = LOOKUP_MS,
): Promise<ImageLookup> {
  try {
    const found = await bounded('Looking for an image of this source', Math.min(LOOKUP_MS, callMs), signal, (s) =>
      registry.findImageByTag({ project: where.project, location: where.location, repository: where.repository, image: where.service, tag: where.tag }, s),
    );
    if (!found) return {};
    // The digest pins the exact image even if the tag is moved later.
    return { image: found.digest?.startsWith('sha256:') ? `${where.imageRepo}@${found.digest}` : `${where.imageRepo}:${where.tag}` };
  } catch (err) {
    if (isCancelled(err, signal)) throw err;
    return { problem: `could not check for an image of this source (${toProblem(err).message}); building it` };
  }
}
