/**
 * What the user downloads and what the extension host loads: production bundle
 * sizes, the .vsix size, and which packages make up the host bundle.
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

export async function sizesBench(): Promise<void> {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'devgem-bench-sizes-'));
  try {
    const builds = await buildProduction(stage);
    const dist = path.join(stage, 'dist');
    const size = async (f: string) => (await fs.stat(path.join(dist, f))).size;
    const host = await size('extension.js');
    const webviewFiles = (await fs.readdir(dist)).filter((f) => f !== 'extension.js').sort();
    const vsix = (await fs.stat(await packageVsix(stage))).size;

    const rows = [
      ['host bundle `dist/extension.js`', kib(host), verdict(host, HOST_GOAL)],
      ...(await Promise.all(webviewFiles.map(async (f) => [`webview \`dist/${f}\``, kib(await size(f)), '']))),
      ['`.vsix`', kib(vsix), verdict(vsix, VSIX_GOAL)],
    ];
    console.log('Production build (minified, no source maps).\n');
    console.log(table(['artifact', 'size', 'goal'], rows));

    const shares = [...shareByPackage(builds.host, 'extension.js')].sort((a, b) => b[1] - a[1]);
    const total = shares.reduce((n, [, b]) => n + b, 0);
    const top = shares.slice(0, 10);
    const rest = shares.slice(10).reduce((n, [, b]) => n + b, 0);
    console.log(`\nHost bundle by package (minified bytes in output, from esbuild's metafile; ${shares.length} packages):\n`);
    console.log(
      table(
        ['package', 'bytes in bundle', 'share'],
        [
          ...top.map(([pkg, b]) => [pkg, kib(b), `${((100 * b) / total).toFixed(1)} %`]),
          [`(${shares.length - top.length} others)`, kib(rest), `${((100 * rest) / total).toFixed(1)} %`],
        ],
      ),
    );
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}
