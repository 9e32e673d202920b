// Lockfile-respecting install commands per package manager, and the image
// lines that copy the manifests first so the dependency layer stays cached.
import type { AppAnalysis } from '../analysis/types';

export type InstallMode = 'all' | 'production';

/** Node 25 stopped shipping corepack, and the official node:25+ images stopped shipping yarn 1 with it. */
const bareNode = (app: AppAnalysis): boolean => Number(app.version?.value ?? '0') >= 25;

function corepack(app: AppAnalysis): string {
  return bareNode(app) ? 'npm install -g corepack && corepack enable' : 'corepack enable';
}

/** Yarn 1 is final at 1.22.22: installed from npm where the image no longer has it. */
function yarnClassic(app: AppAnalysis): string {
  return bareNode(app) ? 'npm install -g yarn@1.22.22 && yarn' : 'yarn';
}

/** The install command; `production` leaves out devDependencies where the manager can. */
export function installCommand(app: AppAnalysis, mode: InstallMode): string {
  const pm = app.packageManager?.value ?? 'npm';
  const locked = Boolean(app.hints.lockfile);
  const prod = mode === 'production';
  switch (pm) {
    case 'yarn':
      return `${yarnClassic(app)} install${locked ? ' --frozen-lockfile' : ''}${prod ? ' --production' : ''}`;
    case 'yarn-berry':
      // Berry has no portable production-only install (workspaces focus needs a plugin before v4).
      return `${corepack(app)} && yarn install${locked ? ' --immutable' : ''}`;
    case 'pnpm':
      return `${corepack(app)} && pnpm install${locked ? ' --frozen-lockfile' : ''}${prod ? ' --prod' : ''}`;
    case 'bun':
      return `bun install${locked ? ' --frozen-lockfile' : ''}${prod ? ' --production' : ''}`;
    default:
      return `${locked ? 'npm ci' : 'npm install'}${prod ? ' --omit=dev' : ''}`;
  }
}

/** After a build: drop devDependencies from node_modules; undefined when the manager cannot. */
export function pruneCommand(app: AppAnalysis): string | undefined {
  switch (app.packageManager?.value ?? 'npm') {
    case 'yarn':
      return installCommand(app, 'production');
    case 'yarn-berry':
      return undefined;
    case 'pnpm':
      return 'pnpm prune --prod';
    case 'bun':
      return `rm -rf node_modules && ${installCommand(app, 'production')}`;
    default:
      return 'npm prune --omit=dev';
  }
}

/** COPY lines for package.json, the lockfile and package-manager config, before any source. */
export function copyManifests(app: AppAnalysis): string[] {
  const manifests = Array.isArray(app.hints.manifests) ? app.hints.manifests : ['package.json'];
  const files = manifests.filter((m) => m !== '.yarn/releases');
  const lines = [`COPY ${files.join(' ')} ./`];
  if (manifests.includes('.yarn/releases')) lines.push('COPY .yarn/releases ./.yarn/releases');
  return lines;
}

/**
 * COPY lines for a member built from the workspace root: the root manifests, then each
 * member's package.json into its folder (hints.workspaceManifests, from the analysis).
 * Undefined when the analysis listed none: then the whole workspace goes in before the install.
 */
export function copyWorkspaceManifests(app: AppAnalysis): string[] | undefined {
  const files = app.hints.workspaceManifests;
  if (!Array.isArray(files) || !files.length) return undefined;
  const root = files.filter((f) => !f.includes('/'));
  const lines = root.length ? [`COPY ${root.join(' ')} ./`] : [];
  for (const f of files.filter((x) => x.includes('/'))) {
    lines.push(f === '.yarn/releases' ? 'COPY .yarn/releases ./.yarn/releases' : `COPY ${f} ./${f.slice(0, f.lastIndexOf('/') + 1)}`);
  }
  return lines;
}

/** Bun as the package manager on a Node image: copy the binary from Bun's image. */
export const BUN_BINARY = 'COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun';
