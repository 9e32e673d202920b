/**
 * One process of the memory benchmark (run with --expose-gc):
 * `node --expose-gc memoryDeploys.js <emulator host> <deploys> <ports: per-deploy|cached> [idle after: deploy numbers, comma-separated] [idle ms] [heap snapshot dir]`.
 * Deploys a small app, with changed source each time, through what the VS
 * Code host runs (DeploySession, its snapshot store, LogDeltaStream to a view,
 * the manifest store; no vscode), forces GC after each deploy and records the
 * process's memory and its active handles. After the deploys named in "idle
 * after" it also waits `idle ms` (65 s by default: longer than the 60 s the SDK
 * clients may keep a finished call's deadline timer, see clientConfig.ts), and
 * records an `idle` sample: what the deploys left behind for good (and, given a
 * directory, writes a heap snapshot there: heap-<deploy>.heapsnapshot). Prints
 * one JSON line at the end.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { createCloudPorts } from '../src/adapters/gcp/cloudPorts';
import { DeploySession, type SnapshotStore } from '../src/core/deploy/deploySession';
import { LogDeltaStream } from '../src/core/logs/logStream';
import { runDeploy } from '../src/core/deploy/pipeline';
import type { CloudPorts } from '../src/core/cloud/ports';
import { cachedPorts } from '../src/core/cloud/portsCache';
import { memoryManifestStore } from '../src/core/git/sourceChanges';
import type { ViewSnapshot } from '../src/shared/protocol';
import { benchDeployOptions, writeSmallApp } from './deployHarness';

export interface MemorySample {
  deploy: number;
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  /** V8's code space: compiled and optimised code, which grows while the JIT warms up. */
  codeSpace: number;
  handles: number;
  /** Active resources by type (process.getActiveResourcesInfo()). */
  resources: Record<string, number>;
  wallMs: number;
  /** Taken after the idle wait that followed this deploy, not right after it. */
  idle?: boolean;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** workspaceState keeps JSON: the store holds what a reload would read back. */
function jsonStore(): SnapshotStore & { bytes(): number } {
  let saved: string | undefined;
  return {
    load: () => (saved ? (JSON.parse(saved) as ViewSnapshot) : undefined),
    save: (s) => {
      saved = JSON.stringify(s);
    },
    bytes: () => saved?.length ?? 0,
  };
}

async function settle(): Promise<void> {
  // Let sockets close and timers that end by themselves end, then collect twice
  // (the second pass frees what finalizers of the first released).
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  await new Promise((r) => setImmediate(r));
  gc?.();
}

function sample(deploy: number, wallMs: number): MemorySample {
  const m = process.memoryUsage();
  const info = process.getActiveResourcesInfo();
  const resources: Record<string, number> = {};
  for (const r of info) resources[r] = (resources[r] ?? 0) + 1;
  const codeSpace = v8.getHeapSpaceStatistics().find((sp) => sp.space_name === 'code_space')?.space_used_size ?? 0;
  return { deploy, heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, codeSpace, handles: info.length, resources, wallMs };
}

async function main(): Promise<void> {
  if (!gc) throw new Error('Run with --expose-gc.');
  const [host, countArg, mode, idleArg = '', idleMsArg = '65000', snapshotDir] = process.argv.slice(2);
  const count = Number(countArg);
  const idleAfter = new Set(idleArg.split(',').filter(Boolean).map(Number));
  const idleMs = Number(idleMsArg);
  if (!host || !(count > 0) || (mode !== 'per-deploy' && mode !== 'cached') || [...idleAfter].some((n) => !(n >= 0 && n <= count)) || !(idleMs >= 0)) {
    throw new Error('usage: memoryDeploys.js <host> <deploys> <per-deploy|cached> [idle after: n,m,…] [idle ms]');
  }
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-bench-memory-'));
  const root = path.join(parent, 'app');
  const store = jsonStore();
  const session = new DeploySession(store);
  const manifests = memoryManifestStore();
  // The view's side: every snapshot is posted (serialised), log lines go out batched.
  let posted = 0;
  const view = session.onDidChange((s) => (posted += JSON.stringify(s).length));
  const logStream = new LogDeltaStream(session.buildLog, (d) => (posted += d.lines.length));
  const logSub = session.onDidLog(() => logStream.notify());
  // `cached`: what extension.ts does (cachedPorts); `per-deploy`: what it did before, new clients per use.
  const ports: () => CloudPorts =
    mode === 'cached' ? cachedPorts(() => ({ emulatorHost: host }), createCloudPorts) : () => createCloudPorts({ emulatorHost: host });
  const samples: MemorySample[] = [];
  try {
    const idle = async (deploy: number) => {
      await new Promise((r) => setTimeout(r, idleMs));
      await settle();
      const x = { ...sample(deploy, 0), idle: true };
      samples.push(x);
      if (snapshotDir) v8.writeHeapSnapshot(path.join(snapshotDir, `heap-${deploy}.heapsnapshot`));
      console.error(
        `idle ${idleMs / 1000} s after deploy ${deploy}: heap ${(x.heapUsed / 2 ** 20).toFixed(2)} MiB, code ${(x.codeSpace / 2 ** 20).toFixed(2)} MiB, handles ${x.handles}`,
      );
    };
    await settle();
    samples.push(sample(0, 0));
    if (idleAfter.has(0)) await idle(0);
    for (let i = 1; i <= count; i++) {
      await writeSmallApp(root, i);
      const t0 = Date.now();
      const r = await session.run((emit, signal) => runDeploy(benchDeployOptions(root, `memory-${mode}`), { ports: ports(), emit, manifests }, signal));
      const wallMs = Date.now() - t0;
      if (r.outcome !== 'success') throw new Error(`deploy ${i} ended ${r.outcome}: ${JSON.stringify(r)}`);
      await settle();
      const x = sample(i, wallMs);
      samples.push(x);
      console.error(`deploy ${i}: ${wallMs} ms, heap ${(x.heapUsed / 2 ** 20).toFixed(2)} MiB, rss ${(x.rss / 2 ** 20).toFixed(1)} MiB, handles ${x.handles}`);
      if (idleAfter.has(i)) await idle(i);
    }
  } finally {
    view.dispose();
    logSub.dispose();
    logStream.dispose();
    await fs.rm(parent, { recursive: true, force: true });
  }
  console.log(
    JSON.stringify({ samples, snapshotBytes: store.bytes(), historyLength: session.current.history?.length ?? 0, manifests: manifests.list().length, posted }),
  );
  // Ports built per deploy may leave keep-alive sockets; exit without waiting for them.
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
