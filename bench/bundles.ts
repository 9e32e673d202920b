/**
 * Production builds of the two bundles into a directory of the benchmark's own,
 * so a concurrent `node esbuild.mjs` writing dist/ cannot change what is measured.
 * The options mirror esbuild.mjs with `--production`; keep them in step with it.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(__dirname, '..', '..');

export function hostOptions(outfile: string): esbuild.BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    external: ['vscode'],
    minify: true,
    sourcemap: false,
    logOverride: { 'require-resolve-not-external': 'silent', 'empty-import-meta': 'silent' },
    logLevel: 'error',
    metafile: true,
  };
}

export function webviewOptions(outfile: string): esbuild.BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: ['webview-ui/src/main.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outfile,
    loader: { '.ttf': 'file' },
    minify: true,
    sourcemap: false,
    logLevel: 'error',
    metafile: true,
  };
}

export interface Builds {
  host: esbuild.Metafile;
  webview: esbuild.Metafile;
}

/** Builds both bundles into `<stage>/dist/`, like the real dist/. */
export async function buildProduction(stage: string): Promise<Builds> {
  const dist = path.join(stage, 'dist');
  const [host, webview] = await Promise.all([
    esbuild.build(hostOptions(path.join(dist, 'extension.js'))),
    esbuild.build(webviewOptions(path.join(dist, 'webview.js'))),
  ]);
  return { host: host.metafile!, webview: webview.metafile! };
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
