// Two bundles: the extension host (Node, CommonJS) and the webview (browser, IIFE).
// `node esbuild.mjs [--watch] [--production]`
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const host = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/extension.js',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  // The Google Cloud SDKs reach for optional modules they do not need in REST mode.
  logOverride: { 'require-resolve-not-external': 'silent', 'empty-import-meta': 'silent' },
  metafile: true,
};

/** @type {import('esbuild').BuildOptions} */
const webview = {
  entryPoints: ['webview-ui/src/main.ts'],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  outfile: 'dist/webview.js',
  loader: { '.ttf': 'file' },
  minify: production,
  sourcemap: !production,
  metafile: true,
};

if (watch) {
  const contexts = await Promise.all([esbuild.context(host), esbuild.context(webview)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  const results = await Promise.all([esbuild.build(host), esbuild.build(webview)]);
  for (const r of results) {
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (!file.endsWith('.map')) console.log(`${file}\t${(info.bytes / 1024).toFixed(0)} KiB`);
    }
  }
}
