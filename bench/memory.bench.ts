/**
 * Memory of the deploying process across consecutive deploys (goal: flat).
 * The emulator runs in a child of its own (emulatorChild.js), the deploys in
 * another (memoryDeploys.js, --expose-gc), so neither this process nor the
 * emulator's memory counts. Reported: heap, RSS, external and active handles
 * after a forced GC, first vs last, and the least-squares slope over deploys
 * 3..N (the first two load the SDKs and warm the JIT).
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MemorySample } from './memoryDeploys';
import { MiB, median, ms, table } from './stats';

const DEPLOYS = 20;
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

function runDeploys(host: string, mode: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'memoryDeploys.js'), host, String(DEPLOYS), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
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

export async function memoryBench(): Promise<void> {
  console.log(`Load before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; knobs ${JSON.stringify(KNOBS)}; ${DEPLOYS} deploys per mode\n`);
  const emu = await startEmulatorChild();
  try {
    for (const mode of ['per-deploy', 'cached']) {
      const r = await runDeploys(emu.host, mode);
      const s = r.samples;
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
        per(slope(late.map((x) => x.deploy), late.map(get))),
      ];
      const mib = (v: number) => `${(v / MiB).toFixed(1)} MiB`;
      console.log(`\n### ports ${mode === 'per-deploy' ? 'built per deploy (extension.ts before the fix)' : 'cached per configuration (cachedPorts, extension.ts now)'}; load now ${os.loadavg()[0].toFixed(2)}\n`);
      console.log(
        table(
          ['after GC', 'before any deploy', 'after deploy 1', 'after deploy 2', `after deploy ${DEPLOYS}`, `slope, deploys 3–${DEPLOYS}`, `slope, deploys ${DEPLOYS / 2 + 1}–${DEPLOYS}`],
          [
            row('heapUsed', (x) => x.heapUsed, mib, kibPerDeploy),
            row('  of which code space', (x) => x.codeSpace, mib, kibPerDeploy),
            row('rss', (x) => x.rss, mib, kibPerDeploy),
            row('external', (x) => x.external, mib, kibPerDeploy),
            row('arrayBuffers', (x) => x.arrayBuffers, mib, kibPerDeploy),
            row('active handles', (x) => x.handles, String, (v) => `${v.toFixed(2)}/deploy`),
          ],
        ),
      );
      const last = s[s.length - 1];
      console.log(`\nActive resources after the last deploy: ${JSON.stringify(last.resources)}`);
      console.log(`Deploy wall: median ${ms(median(s.slice(1).map((x) => x.wallMs)))}; snapshot ${(r.snapshotBytes / 1024).toFixed(1)} KiB with ${r.historyLength} history records; ${r.manifests} manifests kept`);
    }
  } finally {
    emu.stop();
  }
}
