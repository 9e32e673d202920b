/**
 * Activation cost: `require()` of the production host bundle and `activate()`
 * in fresh Node processes against a vscode stub, and which packages' module
 * code runs by then. The Cloud SDKs are meant to load on first deploy, not here.
 */
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { ActivationMeasurement } from './activateOnce';
import { hostOptions } from './bundles';
import { runNodeJson } from './child';
import { packageOf } from './sizes.bench';
import { median, ms, table } from './stats';

const RUNS = 10;
const GOAL_MS = 50;
const ACTIVATE_ONCE = path.join(__dirname, 'activateOnce.js');
const CLOUD_SDK = /^(@google-cloud\/|google-gax$|google-auth-library$|gaxios$|gcp-metadata$|gtoken$|@grpc\/|protobufjs$|proto3-json-serializer$)/;
const MARK = '__devgemBenchEvaluated';
/** The SDK entry points src/adapters/gcp requires lazily. */
const SDK_EXTERNALS = ['@google-cloud/*', 'google-auth-library', 'google-gax'];

/** Where a leading 'use strict' directive ends (0 if none), so a prepended statement keeps the module strict. */
function afterUseStrict(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('//', i)) i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) < 0 ? text.length : text.indexOf('*/', i) + 2;
    else break;
  }
  const m = /^(['"])use strict\1;?/.exec(text.slice(i, i + 14));
  return m ? i + m[0].length : 0;
}

/**
 * Prepends to every node_modules module a statement recording its package in a
 * global set. A module's statement runs exactly when esbuild's bundle evaluates
 * that module (eagerly for hoisted ESM, on first require() for wrapped CommonJS),
 * so the set after activate() is the packages whose code actually ran.
 */
const instrument: esbuild.Plugin = {
  name: 'record-evaluated-packages',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async (args) => {
      let text = await fs.readFile(args.path, 'utf8');
      if (text.startsWith('#!')) text = `//${text}`;
      const pkg = packageOf(args.path.split(path.sep).join('/'));
      const mark = `(globalThis.${MARK} ??= new Set()).add(${JSON.stringify(pkg)});\n`;
      const at = afterUseStrict(text);
      return { contents: `${text.slice(0, at)}\n${mark}${text.slice(at)}`, loader: 'js' };
    });
  },
};

interface Variant {
  label: string;
  file: string;
  runs: ActivationMeasurement[];
  compileMs: number[];
}

async function measure(label: string, file: string): Promise<Variant> {
  await runNodeJson<ActivationMeasurement>(ACTIVATE_ONCE, [file]); // warm-up: page cache
  const runs: ActivationMeasurement[] = [];
  const compileMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await runNodeJson<ActivationMeasurement>(ACTIVATE_ONCE, [file]));
    compileMs.push((await runNodeJson<{ compileMs: number }>(ACTIVATE_ONCE, ['--compile-only', file])).compileMs);
  }
  return { label, file, runs, compileMs };
}

export async function activationBench(): Promise<void> {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'devgem-bench-activation-'));
  try {
    const plain = path.join(stage, 'dist', 'extension.js');
    const split = path.join(stage, 'split', 'extension.js');
    const instrumented = path.join(stage, 'instrumented', 'extension.js');
    await esbuild.build(hostOptions(plain));
    // What-if: the same bundle with the Cloud SDKs left out (as if they lived in a chunk loaded on first deploy).
    await esbuild.build({ ...hostOptions(split), external: ['vscode', ...SDK_EXTERNALS] });
    await esbuild.build({ ...hostOptions(instrumented), plugins: [instrument] });
    const inBundle = [...new Set([...(await fs.readFile(instrumented, 'utf8')).matchAll(/\.add\("([^"]+)"\)/g)].map((m) => m[1]))].sort();

    const variants = [await measure('production bundle (as shipped)', plain), await measure('what-if: Cloud SDKs split out', split)];
    const probe = await runNodeJson<ActivationMeasurement>(ACTIVATE_ONCE, [instrumented]);

    const cell = (xs: number[]) => `${ms(median(xs))} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
    console.log(`Median (min–max) of ${RUNS} fresh \`node\` processes per column after 1 warm-up; vscode is a stub.\n`);
    const rows: string[][] = [];
    for (const v of variants) {
      rows.push([
        v.label,
        `${((await fs.stat(v.file)).size / 1024).toFixed(0)} KiB`,
        cell(v.runs.map((r) => r.requireMs)),
        cell(v.compileMs),
        cell(v.runs.map((r) => r.activateMs)),
        cell(v.runs.map((r) => r.requireMs + r.activateMs)),
      ]);
    }
    console.log(table(['bundle', 'size', '`require()`', 'of which parse/compile', '`activate()`', 'require + activate'], rows));
    const total = median(variants[0].runs.map((r) => r.requireMs + r.activateMs));
    console.log(`\nGoal < ${GOAL_MS} ms (shipped bundle): ${total < GOAL_MS ? 'met' : 'NOT met'} (median ${ms(total)}).`);
    console.log(`activate() registered ${variants[0].runs[0].subscriptions} disposables.`);
    const missing = variants[0].runs[0].missing;
    if (missing.length) console.log(`Stub lacks members the extension read (timings may be off): ${missing.join(', ')}`);

    const evaluated = probe.evaluated ?? [];
    const sdkInBundle = inBundle.filter((p) => CLOUD_SDK.test(p));
    const sdkEvaluated = evaluated.filter((p) => CLOUD_SDK.test(p));
    console.log(`\nPackages in the bundle: ${inBundle.length}; module code evaluated by the end of activate(): ${evaluated.join(', ') || 'none'}.`);
    console.log(`Google Cloud SDK packages in the bundle: ${sdkInBundle.length} (${sdkInBundle.join(', ')}).`);
    console.log(`Google Cloud SDK code evaluated during activation: ${sdkEvaluated.length ? `YES — ${sdkEvaluated.join(', ')}` : 'none'}.`);
    // A missed time goal is a finding to report; SDK code running at activation is a broken promise of cloudPorts.ts.
    if (sdkEvaluated.length) process.exitCode = 1;
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}
