// The Cloud Build request body Devgem sends for one BuildRequest: which steps
// make the image, where its layer cache lives and on which machine it runs.
// Pure data, so the adapter stays a thin SDK call and the shape is unit-tested.
import type { BuildMachineType, BuildRequest } from './ports';

/** Cloud Build's docker builder. */
export const DOCKER_BUILDER = 'gcr.io/cloud-builders/docker';
/** The `pack` CLI image that `gcloud builds submit --pack` (and so `gcloud run deploy --source`) runs. */
export const PACK_BUILDER = 'gcr.io/k8s-skaffold/pack';
/** Google Cloud's buildpacks builder, the one `gcloud run deploy --source` uses by default. */
export const GOOGLE_BUILDPACKS = 'gcr.io/buildpacks/builder:latest';
/** The tag every build also pushes; the next build reads its layers back (inline cache). */
export const CACHE_TAG = 'buildcache';

export interface BuildStep {
  name: string;
  args: string[];
  entrypoint?: string;
  env?: string[];
  id?: string;
}

export interface BuildConfig {
  steps: BuildStep[];
  /** Pushed by Cloud Build after the steps. */
  images: string[];
  options: { logging: 'GCS_ONLY'; machineType?: BuildMachineType };
}

/** `repo/service:tag` → `repo/service` (a registry port's colon is not a tag). */
export function imageRepository(image: string): string {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(0, colon) : image;
}

/** The image under all its tags: the deploy's, then the extra ones (e.g. the source hash). */
export function imageNames(req: Pick<BuildRequest, 'image' | 'extraTags'>): string[] {
  const repo = imageRepository(req.image);
  return [req.image, ...(req.extraTags ?? []).map((t) => `${repo}:${t}`)];
}

/** At most this many earlier stages get their own cache image (each is one more build step and push). */
const MAX_CACHED_STAGES = 3;

/**
 * The named stages before the last one (`FROM … AS build`), whose layers (e.g. `npm ci`
 * with dev dependencies, `pip install` into a venv) an inline cache of the final image
 * does not hold: each gets its own cache image. Names that cannot be a tag are left out.
 */
export function earlierStages(dockerfile: string): string[] {
  const stages = [...dockerfile.matchAll(/^\s*FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?\s*$/gim)].map((m) => m[1]?.toLowerCase());
  const named = stages.slice(0, -1).filter((n): n is string => !!n && /^[a-z0-9][a-z0-9_.-]{0,100}$/.test(n));
  return [...new Set(named)].slice(0, MAX_CACHED_STAGES);
}

/**
 * A Dockerfile build with BuildKit and an inline layer cache: the image carries
 * its cache metadata (BUILDKIT_INLINE_CACHE) and is also pushed as
 * `<repo>/<service>:buildcache`, which the next build names in `--cache-from`,
 * so a source-only change re-runs only the layers after `COPY . .`. Inline,
 * not `--cache-to type=registry,mode=max`: Cloud Build's docker step uses the
 * daemon's default builder, which exports no registry cache (that needs a
 * buildx docker-container builder), while inline cache and registry
 * `--cache-from` work with it. Inline cache holds the final stage only, so each
 * earlier stage is built first (`--target`) and pushed as `buildcache-<stage>`
 * with its own inline cache; the full build then finds those layers in the
 * worker's cache. A missing cache image (the first build) is only a warning.
 */
function dockerfileSteps(req: BuildRequest, images: string[], cacheImage: string): BuildStep[] {
  const stageImages = (req.cacheStages ?? []).map((stage) => ({ stage, image: `${cacheImage}-${stage}` }));
  const from = [...stageImages.map((s) => s.image), cacheImage].flatMap((i) => ['--cache-from', i]);
  const build = (target: string | undefined, tags: string[]): BuildStep => ({
    name: DOCKER_BUILDER,
    env: ['DOCKER_BUILDKIT=1'],
    args: [
      'build',
      '--network=cloudbuild',
      '--build-arg',
      'BUILDKIT_INLINE_CACHE=1',
      ...from,
      '-f',
      req.dockerfile,
      ...(target ? ['--target', target] : []),
      ...tags.flatMap((i) => ['-t', i]),
      '.',
    ],
  });
  return [...stageImages.map((s) => ({ ...build(s.stage, [s.image]), id: `cache ${s.stage}` })), build(undefined, [...images, cacheImage])];
}

/**
 * Google's buildpacks as `gcloud builds submit --pack` runs them: `pack build`
 * with Google's builder on Cloud Build's network, the image left in the
 * worker's daemon for Cloud Build to push (`images`) like a docker step's.
 */
function buildpacksSteps(images: string[]): BuildStep[] {
  const [image, ...more] = images;
  return [
    {
      name: PACK_BUILDER,
      entrypoint: 'pack',
      args: ['build', image, '--builder', GOOGLE_BUILDPACKS, '--network', 'cloudbuild', '--path', '.', ...more.flatMap((t) => ['--tag', t])],
    },
  ];
}

/** Steps, images and options of the build for `req` (source, logs bucket and timeout are the adapter's). */
export function buildConfig(req: BuildRequest): BuildConfig {
  const images = imageNames(req);
  const buildpacks = req.builder === 'buildpacks';
  const cacheImage = `${imageRepository(req.image)}:${CACHE_TAG}`;
  return {
    steps: buildpacks ? buildpacksSteps(images) : dockerfileSteps(req, images, cacheImage),
    images: buildpacks ? images : [...images, cacheImage, ...(req.cacheStages ?? []).map((stage) => `${cacheImage}-${stage}`)],
    options: { logging: 'GCS_ONLY', ...(req.machineType ? { machineType: req.machineType } : {}) },
  };
}
