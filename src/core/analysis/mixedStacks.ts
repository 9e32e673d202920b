// A folder several detectors recognise. Mostly the best match wins, but a
// PHP, Ruby or Python app with a package.json that only builds front-end assets
// (Vite, Laravel Mix, jsbundling, Tailwind) is that backend app: its Node part
// becomes a build step inside the same image (hints asset*), not a second app.
import { describeNames } from './describeNames';
import type { AppAnalysis, Confidence } from './types';

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
/** Stacks whose apps commonly carry a package.json for their assets. */
const BACKENDS = new Set<AppAnalysis['stack']>(['php', 'ruby', 'python']);

/** The Node match only builds files: a static build, or no server of its own to start. */
function buildsAssetsOnly(node: AppAnalysis): boolean {
  return node.stack === 'node-static' || !node.start || node.confidence === 'low';
}

/** The backend app, with the Node part's build carried along as an asset stage. */
function withAssets(backend: AppAnalysis, node: AppAnalysis): AppAnalysis {
  if (!node.build) {
    backend.notes.push(`${node.packageManager?.evidence[0]?.file ?? 'package.json'} has no build script, so the image builds no front-end assets.`);
    return backend;
  }
  const hints = { ...backend.hints, assetBuild: node.build.value, assetNode: node.version?.value ?? '', assetPm: node.packageManager?.value ?? 'npm' };
  const manifests = node.hints.manifests;
  if (Array.isArray(manifests)) Object.assign(hints, { assetManifests: manifests });
  if (typeof node.hints.lockfile === 'string') Object.assign(hints, { assetLockfile: node.hints.lockfile });
  const tool = node.framework?.value ?? node.packageManager?.value ?? 'Node';
  return {
    ...backend,
    hints,
    // The assets' Node version is the image's too: its end-of-life warnings apply.
    warnings: [...backend.warnings, ...node.warnings],
    notes: [
      ...backend.notes,
      `package.json builds front-end assets (${describeNames.framework(tool)}): the image runs \`${node.build.value}\` with Node.js ${node.version?.value ?? ''} in a build stage and ships the output with the ${describeNames.framework(backend.framework?.value ?? backend.stack)} app.`,
    ],
  };
}

/** The folder's app: the backend when Node only builds its assets, else the best match (by confidence, then detector order). */
export function chooseMatch(matches: AppAnalysis[]): AppAnalysis | undefined {
  const node = matches.find((m) => m.stack === 'node' || m.stack === 'node-static');
  const backend = matches.filter((m) => BACKENDS.has(m.stack)).sort((a, b) => RANK[a.confidence] - RANK[b.confidence])[0];
  if (node && backend && buildsAssetsOnly(node)) return withAssets(backend, node);
  let best: AppAnalysis | undefined;
  for (const m of matches) if (!best || RANK[m.confidence] < RANK[best.confidence]) best = m;
  return best;
}
