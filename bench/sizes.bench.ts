/**
 * What the user downloads and what the extension host loads: production bundle
 * sizes, the .vsix size, and which packages make up the two host files.
 */
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import { buildProduction, packageVsix } from './bundles';
import { kib, mib, MiB, table } from './stats';

const HOST_GOAL = 5 * MiB;
const VSIX_GOAL = 3 * MiB;

/** `node_modules/@scope/name/...` -> `@scope/name`; the innermost node_modules wins (nested copies count as their own package). */
export function packageOf(input: string): string {
  const parts = input.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return input.startsWith('src/') ? '(devgem src/)' : '(other)';
  return parts[i + 1]?.startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
}

/** Minified bytes each package contributes to one output file. */
function shareByPackage(meta: Metafile, outFile: string): Map<string, number> {
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith(outFile));
  if (!output) throw new Error(`${outFile} is not in the metafile outputs`);
  const byPkg = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const pkg = packageOf(input);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + bytesInOutput);
  }
  return byPkg;
}

const verdict = (bytes: number, goal: number) => (bytes <= goal ? `meets ≤ ${mib(goal, 0)}` : `OVER ${mib(goal, 0)} goal`);
const TOP = 10;

function shareTable(meta: Metafile, outFile: string): string {
  const shares = [...shareByPackage(meta, outFile)].sort((a, b) => b[1] - a[1]);
  const total = shares.reduce((n, [, b]) => n + b, 0);
  const pct = (b: number) => `${((100 * b) / total).toFixed(1)} %`;
  const rows = shares.slice(0, TOP).map(([pkg, b]) => [pkg, kib(b), pct(b)]);
  if (shares.length > TOP) {
    const rest = shares.slice(TOP).reduce((n, [, b]) => n + b, 0);
    rows.push([`(${shares.length - TOP} others)`, kib(rest), pct(rest)]);
  }
  return `\`${outFile}\` by package (${shares.length} packages; minified bytes in output, from esbuild's metafile):\n\n${table(['package', 'bytes in bundle', 'share'], rows)}`;
}

export async function sizesBench(): Promise<void> {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'devgem-bench-sizes-'));
  try {
    const builds = await buildProduction(stage);
    const size = async (f: string) => (await fs.stat(path.join(builds.dist, f))).size;
    const host = await size('extension.js');
    const gcp = await size('gcp.js');
    const webviewFiles = Object.keys(builds.webview.outputs)
      .map((f) => path.basename(f))
      .filter((f) => !f.endsWith('.map'))
      .sort();
    const vsix = (await fs.stat(await packageVsix(stage))).size;

    const rows = [
      ['host `dist/extension.js` (loaded at activation)', kib(host), ''],
      ['host `dist/gcp.js` (loaded at the first deploy)', kib(gcp), ''],
      ['host side, the two together', kib(host + gcp), verdict(host + gcp, HOST_GOAL)],
      ...(await Promise.all(webviewFiles.map(async (f) => [`webview \`dist/${f}\``, kib(await size(f)), '']))),
      ['`.vsix`', kib(vsix), verdict(vsix, VSIX_GOAL)],
    ];
    console.log('Production build (minified, no source maps), from the options esbuild.mjs exports.\n');
    console.log(table(['artifact', 'size', 'goal'], rows));
    console.log(`\n${shareTable(builds.host, 'extension.js')}`);
    console.log(`\n${shareTable(builds.gcp, 'gcp.js')}`);
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}
