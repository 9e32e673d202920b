/**
 * Memory of the deploying process across consecutive deploys (goal: flat).
 * The emulator runs in a child of its own (emulatorChild.js), the deploys in
 * another (memoryDeploys.js, --expose-gc), so neither this process nor the
 * emulator's memory counts. Reported: heap, RSS, external and active handles
 * after a forced GC, first vs last, and the least-squares slope over deploys
 * 3..N (the first two load the SDKs and warm the JIT). Then the steady state:
 * 20 deploys after 30 warm-up ones, between two samples taken once the SDK's
 * per-call timers have run out, and what heap snapshots at those two points
 * differ in (JIT code vs data).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bytesByType, diffByType, JIT_TYPES } from './heapTypes';
import type { MemorySample } from './memoryDeploys';
import { MiB, median, ms, table } from './stats';

const DEPLOYS = 20;
/**
 * Steady state (cached ports, as extension.ts runs): warm up until the JIT has
 * settled and the history holds its 30 records, wait out the SDK's per-call
 * deadline timers, then 20 more deploys and the same wait. The difference of the
 * two idle samples is what 20 consecutive deploys leave behind.
 */
const WARM = 30;
const STEADY = 20;
/** Short cloud times: the bench is about the host's memory, not the wait. */
const KNOBS = { buildSeconds: 1, deploySeconds: 0.2 };

interface Result {
  samples: MemorySample[];
  snapshotBytes: number;
  historyLength: number;
  manifests: number;
  posted: number;
}

/** Slope of y over x by least squares. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

function startEmulatorChild(): Promise<{ host: string; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'emulatorChild.js'), JSON.stringify(KNOBS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`emulator child exited ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ host: (JSON.parse(line) as { host: string }).host, stop: () => child.stdin.end() });
    });
  });
}

function runDeploys(host: string, mode: string, count = DEPLOYS, idleAfter: number[] = [], snapshotDir?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const args = [path.join(__dirname, 'memoryDeploys.js'), host, String(count), mode, idleAfter.join(','), '65000', ...(snapshotDir ? [snapshotDir] : [])];
    const child = spawn(process.execPath, ['--expose-gc', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => process.stdout.write(`    [${mode}] ${d.toString()}`));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`memoryDeploys ${mode} exited ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Result);
    });
  });
}

const kibPerDeploy = (v: number) => `${(v / 1024).toFixed(1)} KiB/deploy`;

/** The steady-state part of the cached run: deploys WARM+1 … WARM+STEADY, between two idle samples. */
async function steadyState(all: MemorySample[], snapshots: string): Promise<void> {
  const idleAt = (n: number) => all.find((x) => x.idle && x.deploy === n);
  const a = idleAt(WARM);
  const b = idleAt(WARM + STEADY);
  if (!a || !b) throw new Error('the cached run has no idle samples');
  const run = all.filter((x) => !x.idle && x.deploy > WARM);
  const xs = run.map((x) => x.deploy);
  const kib = (v: number) => `${v >= 0 ? '+' : ''}${(v / 1024).toFixed(0)} KiB`;
  const mib = (v: number) => `${(v / MiB).toFixed(2)} MiB`;
  const data = (x: MemorySample) => x.heapUsed - x.codeSpace;
  const row = (what: string, get: (x: MemorySample) => number, fmt = mib) => [
    what,
    fmt(get(a)),
    fmt(get(b)),
    kib(get(b) - get(a)),
    kibPerDeploy((get(b) - get(a)) / STEADY),
    kibPerDeploy(slope(xs, run.map(get))),
  ];
  console.log(
    `\n### steady state: deploys ${WARM + 1}–${WARM + STEADY} after ${WARM} warm-up deploys (cached ports); load now ${os.loadavg()[0].toFixed(2)}\n`,
  );
  console.log(
    table(
      [
        'after GC',
        `idle after deploy ${WARM}`,
        `idle after deploy ${WARM + STEADY}`,
        'difference',
        'per deploy',
        `slope right after deploys ${WARM + 1}–${WARM + STEADY}`,
      ],
      [
        row('heapUsed', (x) => x.heapUsed),
        row('  code space (JIT)', (x) => x.codeSpace),
        row('  everything else', data),
        row('external', (x) => x.external),
        ['active handles', String(a.handles), String(b.handles), String(b.handles - a.handles), '', ''],
      ],
    ),
  );
  // RSS is left out: writing the first snapshot costs the process about 130 MiB that the allocator keeps.
  console.log(
    `\nActive resources at the last idle sample: ${JSON.stringify(b.resources)}. RSS is not compared: writing the heap snapshot at deploy ${WARM} grows it by itself.`,
  );
  // What the difference is made of, from heap snapshots taken at the two idle samples.
  const d = diffByType(
    await bytesByType(path.join(snapshots, `heap-${WARM}.heapsnapshot`)),
    await bytesByType(path.join(snapshots, `heap-${WARM + STEADY}.heapsnapshot`)),
  );
  console.log(
    `\nHeap snapshots, idle after deploy ${WARM} → ${WARM + STEADY}, self size by node type: JIT (${[...JIT_TYPES].join(', ')}) ${kib(d.jit)}; data (everything else) ${kib(d.data)}, ${kibPerDeploy(d.data / STEADY)}.`,
  );
  console.log(
    d.byType
      .filter(([, v]) => Math.abs(v) >= 512)
      .map(([t, v]) => `- ${t}: ${kib(v)}`)
      .join('\n'),
  );
}

export async function memoryBench(): Promise<void> {
  console.log(
    `Load before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; knobs ${JSON.stringify(KNOBS)}; ${DEPLOYS} deploys with ports per deploy, ${WARM + STEADY} with cached ports (idle samples after ${WARM} and ${WARM + STEADY})\n`,
  );
  const emu = await startEmulatorChild();
  const snapshots = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-bench-heap-'));
  try {
    for (const mode of ['per-deploy', 'cached']) {
      const r = mode === 'cached' ? await runDeploys(emu.host, mode, WARM + STEADY, [WARM, WARM + STEADY], snapshots) : await runDeploys(emu.host, mode);
      const s = r.samples.filter((x) => !x.idle && x.deploy <= DEPLOYS);
      const tail = s.filter((x) => x.deploy >= 3);
      const xs = tail.map((x) => x.deploy);
      const late = s.filter((x) => x.deploy > DEPLOYS / 2);
      const row = (what: string, get: (x: MemorySample) => number, fmt: (v: number) => string, per: (v: number) => string) => [
        what,
        fmt(get(s[0])),
        fmt(get(s[1])),
        fmt(get(s[2])),
        fmt(get(s[s.length - 1])),
        per(slope(xs, tail.map(get))),
        per(
          slope(
            late.map((x) => x.deploy),
            late.map(get),
          ),
        ),
      ];
      const mib = (v: number) => `${(v / MiB).toFixed(1)} MiB`;
      console.log(
        `\n### ports ${mode === 'per-deploy' ? 'built per deploy (extension.ts before the fix)' : 'cached per configuration (cachedPorts, extension.ts now)'}; load now ${os.loadavg()[0].toFixed(2)}\n`,
      );
      console.log(
        table(
          [
            'after GC',
            'before any deploy',
            'after deploy 1',
            'after deploy 2',
            `after deploy ${DEPLOYS}`,
            `slope, deploys 3–${DEPLOYS}`,
            `slope, deploys ${DEPLOYS / 2 + 1}–${DEPLOYS}`,
          ],
          [
            row('heapUsed', (x) => x.heapUsed, mib, kibPerDeploy),
            row('  of which code space', (x) => x.codeSpace, mib, kibPerDeploy),
            row('rss', (x) => x.rss, mib, kibPerDeploy),
            row('external', (x) => x.external, mib, kibPerDeploy),
            row('arrayBuffers', (x) => x.arrayBuffers, mib, kibPerDeploy),
            row(
              'active handles',
              (x) => x.handles,
              String,
              (v) => `${v.toFixed(2)}/deploy`,
            ),
          ],
        ),
      );
      const last = s[s.length - 1];
      console.log(`\nActive resources after the last deploy: ${JSON.stringify(last.resources)}`);
      console.log(
        `Deploy wall: median ${ms(median(s.slice(1).map((x) => x.wallMs)))}; snapshot ${(r.snapshotBytes / 1024).toFixed(1)} KiB with ${r.historyLength} history records; ${r.manifests} manifests kept`,
      );
      if (mode === 'cached') await steadyState(r.samples, snapshots);
    }
  } finally {
    emu.stop();
    await fs.rm(snapshots, { recursive: true, force: true });
  }
}
