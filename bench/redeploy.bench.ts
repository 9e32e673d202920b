/**
 * Redeploying unchanged source: wall time of `runDeploy` through the real SDK
 * clients against the local emulator, with incremental deploys on (the image
 * of the first build is found by its source tag and deployed again) and off
 * (upload and build every time), median of RUNS each. Bytes uploaded and
 * builds started come from the emulator's own state, not from the pipeline.
 * Goal for the incremental redeploy: < 3 s wall, zero bytes, zero builds.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCloudPorts } from '../src/adapters/gcp/cloudPorts';
import { DEFAULT_OPTIONS, type DeployOptions } from '../src/core/deploy/deployOptions';
import { runDeploy } from '../src/core/deploy/pipeline';
import type { DeployEvent } from '../src/shared/protocol';
import { startEmulator, type Emulator } from '../emulator/src/server';
import { kib, median, ms, table } from './stats';

const RUNS = 7;
/** Small knobs: the build still costs something, as a real one would cost minutes. */
const KNOBS = { buildSeconds: 2, deploySeconds: 0.2 };

const APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'redeploy', scripts: { start: 'node server.js' } }),
  'server.js': "require('http').createServer((q, s) => s.end('hello redeploy')).listen(Number(process.env.PORT));\n",
  // Some weight that does not compress away (hex of a hash chain), so a skipped upload shows in bytes.
  ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`src/module${i}.js`, `module.exports = ${JSON.stringify(hexChain(i, 80))};\n`])),
};

/** `n` sha256 digests in hex, chained from `seed`: deterministic and incompressible beyond hex. */
function hexChain(seed: number, n: number): string {
  let h = String(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((h = createHash('sha256').update(h).digest('hex')));
  return out.join('');
}

interface Totals {
  builds: number;
  uploadedBytes: number;
}

/** Builds started and bytes of source objects stored, as the emulator saw them. */
async function totals(emu: Emulator): Promise<Totals> {
  const state = (await (await fetch(`${emu.baseUrl}/__emulator/state`)).json()) as { buckets: { name: string }[]; builds: unknown[] };
  let uploadedBytes = 0;
  for (const b of state.buckets) {
    const list = (await (await fetch(`${emu.baseUrl}/storage/v1/b/${b.name}/o?prefix=source/`)).json()) as { items?: { size: string }[] };
    for (const o of list.items ?? []) uploadedBytes += Number(o.size);
  }
  return { builds: state.builds.length, uploadedBytes };
}

/** Wall time per stage, from the pipeline's own running/ended events. */
type StageMs = Record<string, number>;

async function deployOnce(emu: Emulator, root: string, incremental: boolean): Promise<{ wallMs: number; skipped: string[]; stages: StageMs }> {
  const opts: DeployOptions = {
    ...DEFAULT_OPTIONS,
    workspaceRoot: root,
    project: 'bench-project',
    region: 'europe-west1',
    service: 'redeploy',
    env: {},
    gcloudConfigDir: path.join(root, 'no-gcloud'),
    verifyTimeoutSeconds: 30,
    incremental,
  };
  const skipped: string[] = [];
  const started: StageMs = {};
  const stages: StageMs = {};
  const emit = (e: DeployEvent) => {
    if (e.type !== 'stage') return;
    if (e.status === 'skipped') skipped.push(e.stage);
    if (e.status === 'running') started[e.stage] ??= e.at;
    else stages[e.stage] = e.at - started[e.stage];
  };
  const t0 = performance.now();
  const r = await runDeploy(opts, { ports: createCloudPorts({ emulatorHost: emu.host }), buildPollMs: 250, emit }, new AbortController().signal);
  const wallMs = performance.now() - t0;
  if (r.outcome !== 'success') throw new Error(`deploy ended ${r.outcome}: ${JSON.stringify(r)}`);
  return { wallMs, skipped, stages };
}

export async function redeployBench(): Promise<void> {
  const emu = await startEmulator({ knobs: KNOBS });
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-bench-redeploy-'));
  const root = path.join(parent, 'redeploy');
  try {
    for (const [rel, content] of Object.entries(APP)) {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), content);
    }
    const first = await deployOnce(emu, root, true);
    console.log(`First deploy (builds, writes the Dockerfile): ${ms(first.wallMs)}; emulator knobs ${JSON.stringify(KNOBS)}, ${RUNS} redeploys each.\n`);

    const rows: string[][] = [];
    const problems: string[] = [];
    for (const incremental of [true, false]) {
      const walls: number[] = [];
      const perStage: StageMs[] = [];
      const before = await totals(emu);
      for (let i = 0; i < RUNS; i++) {
        const r = await deployOnce(emu, root, incremental);
        walls.push(r.wallMs);
        perStage.push(r.stages);
        if (incremental && r.skipped.join() !== 'upload,build')
          problems.push(`incremental run ${i + 1} skipped [${r.skipped.join(', ')}], not upload and build`);
      }
      const after = await totals(emu);
      const builds = after.builds - before.builds;
      const bytes = after.uploadedBytes - before.uploadedBytes;
      rows.push([
        incremental ? 'unchanged source, incremental (default)' : 'unchanged source, devgem.incrementalDeploys off',
        ms(median(walls)),
        `${ms(Math.min(...walls))} – ${ms(Math.max(...walls))}`,
        `${kib(bytes / RUNS)} (${bytes} B in all)`,
        `${builds / RUNS} (${builds} in all)`,
        Object.keys(perStage[0])
          .map((s) => `${s} ${Math.round(median(perStage.map((p) => p[s] ?? 0)))}`)
          .join(' · '),
      ]);
      if (incremental) {
        if (median(walls) >= 3000) problems.push(`median ${ms(median(walls))} is not under 3 s`);
        if (bytes !== 0) problems.push(`${bytes} bytes uploaded`);
        if (builds !== 0) problems.push(`${builds} builds started`);
      }
    }
    console.log(table(['redeploy', 'median wall', 'min – max', 'uploaded per deploy', 'builds per deploy', 'median ms per stage'], rows));
    console.log(problems.length ? `\nGoal (< 3 s, 0 bytes, 0 builds) NOT met: ${problems.join('; ')}` : '\nGoal (< 3 s, 0 bytes, 0 builds): met.');
  } finally {
    await emu.close();
    await fs.rm(parent, { recursive: true, force: true });
  }
}
