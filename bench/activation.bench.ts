/**
 * Activation cost of the shipped split build: `require()` of `extension.js`
 * (with `gcp.js` beside it) and `activate()` in fresh Node processes against a
 * vscode stub; whether `gcp.js` was loaded by then (it must not be: it holds
 * the Cloud SDKs, for the first deploy); and which packages' module code ran.
 */
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { ActivationMeasurement } from './activateOnce';
import { productionOptions } from './bundles';
import { runNodeJson } from './child';
import { packageOf } from './sizes.bench';
import { median, ms, table } from './stats';

const RUNS = 10;
const GOAL_MS = 50;
const ACTIVATE_ONCE = path.join(__dirname, 'activateOnce.js');
const CLOUD_SDK = /^(@google-cloud\/|google-gax$|google-auth-library$|gaxios$|gcp-metadata$|gtoken$|@grpc\/|protobufjs$|proto3-json-serializer$)/;
const MARK = '__devgemBenchEvaluated';

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

/** Packages the instrumenting plugin marked in a built file. */
async function packagesIn(file: string): Promise<string[]> {
  return [...new Set([...(await fs.readFile(file, 'utf8')).matchAll(/\.add\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
}

export async function activationBench(): Promise<void> {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'devgem-bench-activation-'));
  try {
    // As shipped: extension.js with gcp.js beside it, from esbuild.mjs's own options.
    const shipped = await productionOptions(path.join(stage, 'dist'));
    await Promise.all([esbuild.build(shipped.host), esbuild.build(shipped.gcp)]);
    // Comparison: the same host build without the plugin that makes cloudPorts ./gcp.js, i.e. one bundle as before the split.
    const single = await productionOptions(path.join(stage, 'single'));
    await esbuild.build({ ...single.host, plugins: [] });
    // Instrumented: both files record which packages' module code runs.
    const probed = await productionOptions(path.join(stage, 'instrumented'));
    await Promise.all([
      esbuild.build({ ...probed.host, plugins: [...(probed.host.plugins ?? []), instrument] }),
      esbuild.build({ ...probed.gcp, plugins: [...(probed.gcp.plugins ?? []), instrument] }),
    ]);
    const file = (o: esbuild.BuildOptions) => o.outfile!;
    const inHost = await packagesIn(file(probed.host));
    const inGcp = await packagesIn(file(probed.gcp));

    const variants = [
      await measure('split build (as shipped): `extension.js`', file(shipped.host)),
      await measure('single bundle (before the split)', path.join(stage, 'single', 'extension.js')),
    ];
    const probe = await runNodeJson<ActivationMeasurement>(ACTIVATE_ONCE, [file(probed.host)]);

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
    const runs = variants[0].runs;
    const total = median(runs.map((r) => r.requireMs + r.activateMs));
    console.log(`\nGoal < ${GOAL_MS} ms (shipped split build): ${total < GOAL_MS ? 'met' : 'NOT met'} (median ${ms(total)}).`);
    console.log(`activate() registered ${runs[0].subscriptions} disposables.`);
    const missing = runs[0].missing;
    if (missing.length) console.log(`Stub lacks members the extension read (timings may be off): ${missing.join(', ')}`);

    // gcp.js must stay out of activation; the child checks require.cache for it after activate().
    const loaded = [...runs, probe].filter((r) => !r.gcpPresent || r.gcpLoadedAtActivation).length;
    const checkValid = [...runs, probe].every((r) => r.gcpLoadedAtActivation || r.gcpCheckValid === true);
    const gcpMs = runs.flatMap((r) => (r.gcpRequireMs === undefined ? [] : [r.gcpRequireMs]));
    console.log(
      `\n\`gcp.js\` (${((await fs.stat(file(shipped.gcp))).size / 1024).toFixed(0)} KiB) in require.cache after activate(): ` +
        `${loaded ? `YES in ${loaded} of ${runs.length + 1} processes` : `no, in all ${runs.length + 1} processes`}` +
        ` (control: requiring it afterwards ${checkValid ? 'does' : 'does NOT'} put it under the key checked).`,
    );
    if (gcpMs.length) console.log(`Requiring \`gcp.js\` afterwards, as the first deploy does: median ${ms(median(gcpMs))}.`);

    const evaluated = probe.evaluated ?? [];
    const sdkInHost = inHost.filter((p) => CLOUD_SDK.test(p));
    const sdkInGcp = inGcp.filter((p) => CLOUD_SDK.test(p));
    const sdkEvaluated = evaluated.filter((p) => CLOUD_SDK.test(p));
    console.log(`\nPackages in extension.js: ${inHost.length} (${inHost.join(', ')}); in gcp.js: ${inGcp.length}.`);
    console.log(`Google Cloud SDK packages in extension.js: ${sdkInHost.length ? sdkInHost.join(', ') : 'none'}; in gcp.js: ${sdkInGcp.length}.`);
    console.log(`Module code evaluated by the end of activate() (either file): ${evaluated.join(', ') || 'none'}.`);
    console.log(`Google Cloud SDK code evaluated during activation: ${sdkEvaluated.length ? `YES — ${sdkEvaluated.join(', ')}` : 'none'}.`);
    // A missed time goal is a finding to report; gcp.js or SDK code loading at activation breaks the split.
    if (loaded || !checkValid || sdkEvaluated.length) process.exitCode = 1;
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}
