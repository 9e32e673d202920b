// The front-end build of a PHP, Ruby or Python app that also has a
// package.json (Vite, Laravel Mix, jsbundling …): a Node stage installs and
// runs the build, and the app's own stages copy the built tree from it instead
// of the build context. Hints used (set by analysis/mixedStacks.ts):
// assetBuild, assetPm, assetNode, assetLockfile, assetManifests.
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { copyManifests, installCommand } from './nodeInstall';

export function hasAssets(app: AppAnalysis): boolean {
  return typeof app.hints.assetBuild === 'string';
}

/** The `assets` stage, first in the file; [] when the app builds no assets. */
export function assetStage(app: AppAnalysis): string[] {
  if (!hasAssets(app)) return [];
  const pm = typeof app.hints.assetPm === 'string' ? app.hints.assetPm : 'npm';
  const version = typeof app.hints.assetNode === 'string' && app.hints.assetNode ? app.hints.assetNode : undefined;
  // The install helpers read these fields of a Node app.
  const node = {
    packageManager: { value: pm, evidence: [] },
    version: version ? { value: version, evidence: [] } : undefined,
    hints: {
      manifests: app.hints.assetManifests ?? ['package.json'],
      ...(typeof app.hints.assetLockfile === 'string' ? { lockfile: app.hints.assetLockfile } : {}),
    },
  } as unknown as AppAnalysis;
  const image = pm === 'bun' ? RUNTIMES.bun.image(RUNTIMES.bun.preferred) : RUNTIMES.node.image(version ?? RUNTIMES.node.preferred);
  return [
    `FROM ${image} AS assets`,
    'WORKDIR /app',
    ...copyManifests(node),
    `RUN ${installCommand(node, 'all')}`,
    'COPY . .',
    // The built files stay; the packages that built them do not ship.
    `RUN ${String(app.hints.assetBuild)} && rm -rf node_modules`,
    '',
  ];
}

/** COPY of the app's source into `dest`: the assets stage's tree when there is one (it holds the built files). */
export function copySource(app: AppAnalysis, dest: string, chown?: string): string {
  const owner = chown ? ` --chown=${chown}` : '';
  return hasAssets(app) ? `COPY --from=assets${owner} /app ${dest}` : `COPY${owner} . ${dest}`;
}
