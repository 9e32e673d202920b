/**
 * Production builds of the three bundles into a directory of the benchmark's own,
 * so a concurrent `node esbuild.mjs` writing dist/ cannot change what is measured.
 * The options come from esbuild.mjs's own builders, so this is the shipped build.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(__dirname, '..', '..');

interface BuilderArgs {
  production?: boolean;
  outdir?: string;
  absWorkingDir?: string;
}

/** What esbuild.mjs exports (it builds only when run as the main script, so importing it is side-effect free). */
interface BuildConfig {
  hostOptions(args: BuilderArgs): esbuild.BuildOptions;
  gcpOptions(args: BuilderArgs): esbuild.BuildOptions;
  webviewOptions(args: BuilderArgs): esbuild.BuildOptions;
}

export interface ProductionOptions {
  /** `<outdir>/extension.js`, with `./adapters/gcp/cloudPorts` left external as `./gcp.js`. */
  host: esbuild.BuildOptions;
  /** `<outdir>/gcp.js`: the Google Cloud adapters and SDKs, required at the first deploy. */
  gcp: esbuild.BuildOptions;
  /** `<outdir>/webview.js` plus its css and font. */
  webview: esbuild.BuildOptions;
}

/** esbuild.mjs's production options for an output directory of our own. */
export async function productionOptions(outdir: string): Promise<ProductionOptions> {
  // tsc (module node16) keeps import() as is in this CommonJS file, so Node loads the ES module.
  const config = (await import(pathToFileURL(path.join(ROOT, 'esbuild.mjs')).href)) as BuildConfig;
  const args: BuilderArgs = { production: true, outdir, absWorkingDir: ROOT };
  // Only the log level is the bench's own: it keeps the output to errors.
  const quiet = (o: esbuild.BuildOptions): esbuild.BuildOptions => ({ ...o, logLevel: 'error' });
  return { host: quiet(config.hostOptions(args)), gcp: quiet(config.gcpOptions(args)), webview: quiet(config.webviewOptions(args)) };
}

export interface Builds {
  dist: string;
  host: esbuild.Metafile;
  gcp: esbuild.Metafile;
  webview: esbuild.Metafile;
}

/** Builds the three bundles into `<stage>/dist/`, like the real dist/. */
export async function buildProduction(stage: string): Promise<Builds> {
  const dist = path.join(stage, 'dist');
  const options = await productionOptions(dist);
  const [host, gcp, webview] = await Promise.all([esbuild.build(options.host), esbuild.build(options.gcp), esbuild.build(options.webview)]);
  return { dist, host: host.metafile!, gcp: gcp.metafile!, webview: webview.metafile! };
}

/**
 * Packages the staged bundles into a .vsix with vsce, in a copy of the
 * extension's manifest files. The copy's package.json drops
 * `vscode:prepublish`, which would rebuild into the real dist/.
 */
export async function packageVsix(stage: string): Promise<string> {
  for (const f of ['README.md', 'LICENSE', '.vscodeignore']) await fs.copyFile(path.join(ROOT, f), path.join(stage, f));
  await fs.cp(path.join(ROOT, 'media'), path.join(stage, 'media'), { recursive: true });
  const manifest = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  delete manifest.scripts?.['vscode:prepublish'];
  await fs.writeFile(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  const out = path.join(stage, 'devgem.vsix');
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  await promisify(execFile)(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--out', out], { cwd: stage });
  return out;
}
