import { bounded } from '../../base/wait';
import type { BuildMachineType } from '../../cloud/ports';
import { defaultSourceBucket } from '../deployOptions';
import { devgemLabels } from '../ownership';
import type { AfterUpload, ReleasePlan } from '../releasePlan';
import type { Stage } from '../stage';
import type { FollowFrom } from './cloudBuild';
import { findBuiltImage, sourceTag, type ImageLookup } from './incremental';
import { formatBytes, type Packaged } from './package';

/** How the build stage comes by the image. */
export type BuildOrder =
  /** Build the uploaded source; `extraTags` mark the image with its source (incremental.ts). */
  | {
      kind: 'start';
      repository: string;
      object: string;
      dockerfile: string;
      extraTags?: string[];
      /** Google's buildpacks instead of the Dockerfile. */
      builder?: 'buildpacks';
      cacheStages?: string[];
      machineType?: BuildMachineType;
    }
  /** An image of this exact source and build configuration exists: deploy it again. */
  | { kind: 'reuse'; detail: string }
  /** A window that closed started this build; Cloud Build went on with it (resume.ts). */
  | { kind: 'follow'; buildId: string; logObject: string; from: FollowFrom };

/** The source is in Cloud Storage (or needs not be): from here on only the plan counts, the same after a reload. */
export interface Uploaded extends AfterUpload {
  build: BuildOrder;
}

/**
 * Uploads the tarball to the source bucket, unless an image built from this
 * exact source and build configuration exists: then it is deployed again
 * instead of uploading and building (incremental.ts).
 */
export const uploadStage: Stage<Packaged, Uploaded, 'upload'> = {
  name: 'upload',
  async run(input, ctx) {
    const { opts, target, deployId, contentHash, dockerfile, manifest, builder, cacheStages } = input;
    const { ports, signal, callMs } = ctx;
    const bucket = opts.sourceBucket || defaultSourceBucket(target.project, target.region);
    const object = `source/${target.service}-${deployId}.tar.gz`;
    const imageRepo = `${target.region}-docker.pkg.dev/${target.project}/${opts.repository}/${target.service}`;
    const srcTag = opts.incremental === false ? undefined : sourceTag(contentHash, builder === 'buildpacks' ? 'buildpacks:' : dockerfile, input.app.context);
    const where = { project: target.project, location: target.region, repository: opts.repository, service: target.service, imageRepo };
    const built: ImageLookup = srcTag ? await findBuiltImage(ports.registry, { ...where, tag: srcTag }, signal, callMs) : {};
    const plan = releasePlan(input, bucket, built.image ?? `${imageRepo}:${deployId}`);
    if (built.image) {
      input.spool.cancel();
      const detail = `Unchanged source (hash ${contentHash.slice(0, 12)}): reusing ${built.image}`;
      return { out: { plan, manifest, build: { kind: 'reuse', detail } }, detail: { status: 'skipped', detail } };
    }
    let compressed;
    let created: boolean;
    try {
      ({ created } = await bounded('Preparing the source bucket', 2 * callMs, signal, (s) =>
        ports.storage.ensureBucket({ project: target.project, bucket, location: target.region, labels: plan.labels }, s),
      ));
      // The tarball streams from its spool file while it is still being compressed: the wait is the longer of the two, not their sum.
      await bounded('Uploading the source', 10 * callMs, signal, (s) =>
        ports.storage.upload({ project: target.project, bucket, object, source: input.spool.reader(), contentType: 'application/gzip' }, s),
      );
      compressed = await input.spool.done;
    } catch (err) {
      input.spool.cancel();
      throw err;
    }
    return {
      out: {
        plan,
        manifest,
        build: {
          kind: 'start',
          repository: opts.repository,
          object,
          dockerfile,
          extraTags: srcTag ? [srcTag] : undefined,
          ...(builder ? { builder } : {}),
          ...(cacheStages?.length ? { cacheStages } : {}),
          ...(opts.buildMachineType ? { machineType: opts.buildMachineType } : {}),
        },
      },
      detail: `gs://${bucket}/${object} (${formatBytes(compressed.bytes)})${created ? ' (bucket created)' : ''}${built.problem ? ` · ${built.problem}` : ''}`,
    };
  },
};

/** What the stages after the upload need of the options, the app and the source. */
function releasePlan(input: Packaged, bucket: string, image: string): ReleasePlan {
  const { opts, git } = input;
  return {
    target: input.target,
    bucket,
    image,
    port: input.app.port.port,
    allowUnauthenticated: opts.allowUnauthenticated,
    buildTimeoutSeconds: opts.buildTimeoutSeconds,
    deployTimeoutSeconds: opts.deployTimeoutSeconds,
    verifyTimeoutSeconds: opts.verifyTimeoutSeconds,
    contentHash: input.contentHash,
    runtime: opts.runtime,
    autoRollback: opts.autoRollback !== false,
    ...(opts.noTraffic ? { noTraffic: opts.noTraffic } : {}),
    // Recorded on the new revision, so its commit can be listed later (revisionSource.ts in the Run adapter).
    ...(git?.commit
      ? { source: { commit: git.commit, ...(git.dirty ? { dirty: true } : {}), ...(opts.gitHub ? { repository: opts.gitHub.repository } : {}) } }
      : {}),
    labels: devgemLabels(input.origin.label),
    ...(input.takenOver ? { takenOver: true } : {}),
  };
}
