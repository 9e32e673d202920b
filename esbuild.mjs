// The bundles: the extension host (Node, CommonJS), the Google Cloud adapters
// (a second Node file, required only at the first deploy so activation does not
// parse the SDKs), and the webview (browser, IIFE).
//   node esbuild.mjs [--watch] [--production]
// The option builders are exported so the benchmarks measure exactly these builds.
import * as esbuild from 'esbuild';
import { pathToFileURL } from 'node:url';

/**
 * The host requires `./adapters/gcp/cloudPorts`, `./adapters/gemini/index`,
 * `./adapters/github/index` and `./analysisKit` lazily; in the bundle those are
 * `./gcp.js`, `./model.js`, `./github.js` and `./analysis.js` beside it.
 */
const gcpAsSeparateFile = {
  name: 'gcp-as-separate-file',
  setup(build) {
    build.onResolve({ filter: /^\.\/adapters\/gcp\/cloudPorts$/ }, () => ({ path: './gcp.js', external: true }));
    build.onResolve({ filter: /^\.\/adapters\/gemini\/index$/ }, () => ({ path: './model.js', external: true }));
    build.onResolve({ filter: /^\.\/adapters\/github\/index$/ }, () => ({ path: './github.js', external: true }));
    // The analyzers and Dockerfile generators (core/analysis/lazyAnalysis.ts requires them at the first analysis).
    build.onResolve({ filter: /^\.\/analysisKit$/ }, (args) =>
      /[\\/]analysis[\\/]lazyAnalysis\.ts$/.test(args.importer) ? { path: './analysis.js', external: true } : undefined,
    );
    // GitHub archives are extracted with tar (100 KiB); github.js re-exports that code, so activation does not parse it.
    build.onResolve({ filter: /^\.\/tarball$/ }, (args) =>
      /[\\/]core[\\/]github[\\/]gitHubSource\.ts$/.test(args.importer) ? { path: './github.js', external: true } : undefined,
    );
  },
};

const node = (production) => ({
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['vscode'],
  minify: production,
  // The SDKs test constructor names (proto3-json-serializer knows a Long by
  // `constructor.name === 'Long'`); minified names broke service updates.
  keepNames: true,
  sourcemap: !production,
  // The Google Cloud SDKs reach for optional modules they do not need in REST mode.
  logOverride: { 'require-resolve-not-external': 'silent', 'empty-import-meta': 'silent' },
  metafile: true,
});

/** @returns {import('esbuild').BuildOptions} */
export function hostOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return { ...node(production), absWorkingDir, entryPoints: ['src/extension.ts'], outfile: `${outdir}/extension.js`, plugins: [gcpAsSeparateFile] };
}

/** @returns {import('esbuild').BuildOptions} */
export function gcpOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return { ...node(production), absWorkingDir, entryPoints: ['src/adapters/gcp/cloudPorts.ts'], outfile: `${outdir}/gcp.js` };
}

/** The Gemini model adapter (@google/genai), required when the agent first calls the model. */
/** @returns {import('esbuild').BuildOptions} */
export function modelOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return { ...node(production), absWorkingDir, entryPoints: ['src/adapters/gemini/index.ts'], outfile: `${outdir}/model.js` };
}

/** The GitHub adapter (@octokit/rest), required when the user first deploys a GitHub repository. */
/** @returns {import('esbuild').BuildOptions} */
export function githubOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return { ...node(production), absWorkingDir, entryPoints: ['src/adapters/github/index.ts'], outfile: `${outdir}/github.js` };
}

/** The analyzers and Dockerfile generators, required at the first analysis or deploy. */
/** @returns {import('esbuild').BuildOptions} */
export function analysisOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return { ...node(production), absWorkingDir, entryPoints: ['src/core/analysis/analysisKit.ts'], outfile: `${outdir}/analysis.js` };
}

/** The `devgem` command (analyze, dockerfile, package) for shells and CI. */
/** @returns {import('esbuild').BuildOptions} */
export function cliOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return { ...node(production), absWorkingDir, entryPoints: ['src/cli/main.ts'], outfile: `${outdir}/cli.js` };
}

/** @returns {import('esbuild').BuildOptions} */
export function webviewOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return {
    absWorkingDir,
    entryPoints: ['webview-ui/src/shell/main.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outfile: `${outdir}/webview.js`,
    loader: { '.ttf': 'file' },
    minify: production,
    sourcemap: !production,
    metafile: true,
  };
}

/** The GitHub archive extractor's worker thread (core/github/tarball.ts starts dist/extractWorker.js beside github.js). */
/** @returns {import('esbuild').BuildOptions} */
export function extractWorkerOptions({ production = false, outdir = 'dist', absWorkingDir = process.cwd() } = {}) {
  return { ...node(production), absWorkingDir, entryPoints: ['src/core/github/extractWorker.ts'], outfile: `${outdir}/extractWorker.js` };
}

export function allOptions(opts = {}) {
  return [
    hostOptions(opts),
    gcpOptions(opts),
    analysisOptions(opts),
    modelOptions(opts),
    githubOptions(opts),
    extractWorkerOptions(opts),
    cliOptions(opts),
    webviewOptions(opts),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const production = process.argv.includes('--production');
  const options = allOptions({ production });
  if (process.argv.includes('--watch')) {
    const contexts = await Promise.all(options.map((o) => esbuild.context(o)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('esbuild: watching');
  } else {
    const results = await Promise.all(options.map((o) => esbuild.build(o)));
    for (const r of results) {
      for (const [file, info] of Object.entries(r.metafile.outputs)) {
        if (!file.endsWith('.map')) console.log(`${file}\t${(info.bytes / 1024).toFixed(0)} KiB`);
      }
    }
  }
}
