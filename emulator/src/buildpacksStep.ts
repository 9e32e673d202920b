// A Cloud Build step that runs Google Cloud's buildpacks (`pack build` in
// gcr.io/k8s-skaffold/pack, as `gcloud builds submit --pack` and `gcloud run
// deploy --source` send it). Without a real builder the emulator plays it as
// done (its placeholder image serves the revision, as for every simulated
// build); with a real builder it fails: the builder image and the buildpacks'
// runtimes come from the internet, which the emulator's daemon does not have,
// and a success here would be a fake one.

interface Step {
  name?: string;
  entrypoint?: string;
  args?: string[];
}

/** The step runs `pack build` (the pack image, or any image with `pack` as entrypoint). */
export function isBuildpacksStep(s: Step): boolean {
  const args = s.args ?? [];
  const pack = String(s.name ?? '').includes('/pack') || s.entrypoint === 'pack';
  return pack && (args[0] === 'build' || (args[0] === 'pack' && args[1] === 'build'));
}

/** What the real builder prints and reports for a buildpacks step. */
export const BUILDPACKS_OFFLINE = 'buildpacks cannot run offline in the emulator';

export function buildpacksOfflineLines(s: Step): string[] {
  const builder = builderOf(s) ?? 'gcr.io/buildpacks/builder:latest';
  return [
    `ERROR: ${BUILDPACKS_OFFLINE}: pack needs the builder image ${builder} and the runtimes its buildpacks download, and the emulator's Docker daemon has no internet.`,
    'Build this app with a Dockerfile in the emulator (devgem.build.strategy "dockerfile"), or against Google Cloud.',
  ];
}

/** The lines a simulated buildpacks build prints: pack's phases, then the image it made. */
export function buildpacksLines(s: Step): string[] {
  const args = s.args ?? [];
  const image = args[args.indexOf('build') + 1] ?? 'image';
  return [
    `Already have image (with digest): ${String(s.name)}`,
    `latest: Pulling from ${(builderOf(s) ?? 'gcr.io/buildpacks/builder:latest').replace(/:[^:/]*$/, '')}`,
    '===> ANALYZING',
    '===> DETECTING',
    '===> RESTORING',
    '===> BUILDING',
    '===> EXPORTING',
    `Successfully built image '${image}'`,
  ];
}

function builderOf(s: Step): string | undefined {
  const args = s.args ?? [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--builder' || args[i] === '-B') return args[i + 1];
    if (args[i].startsWith('--builder=')) return args[i].slice('--builder='.length);
  }
  return undefined;
}
