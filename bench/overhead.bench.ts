/**
 * Orchestration overhead: a deploy's wall time minus the time the (emulated)
 * cloud itself spent building and rolling out, for a small Node app through
 * `runDeploy` with the real SDK clients and the shipped defaults (no test
 * poll intervals). The emulator runs in this process and its own log says
 * when each build was queued and finished and when each rollout started and
 * was ready, so the subtraction uses what the cloud did, not its knobs.
 * Goal: < 1 s of overhead per deploy.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCloudPorts } from '../src/adapters/gcp/cloudPorts';
import { runDeploy } from '../src/core/deploy/pipeline';
import type { CloudPorts } from '../src/core/cloud/ports';
import { cachedPorts } from '../src/core/cloud/portsCache';
import type { DeployEvent, DeployStage } from '../src/shared/protocol';
import { startEmulator, type Knobs } from '../emulator/src/server';
import { benchDeployOptions, timedPorts, writeSmallApp, type PortCall } from './deployHarness';
import { median, ms, table } from './stats';

interface Scenario {
  name: string;
  knobs: Partial<Knobs>;
  /** Deploys: the first creates the service, the others update it with changed source. */
  deploys: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'fast cloud (build 2–4 s, rollout 0.5–2.5 s)', knobs: { buildSeconds: 2, deploySeconds: 0.5 }, deploys: 9 },
  { name: 'slower cloud (build 12–14 s, rollout 8–10 s)', knobs: { buildSeconds: 12, deploySeconds: 8 }, deploys: 5 },
];

/**
 * Extra simulated seconds for deploy `i`, spread over [0, 2) s (golden-ratio
 * steps): a build of exactly a multiple of the poll interval would finish in
 * step with the polls and hide the wait a real build of any length has.
 */
function spread(i: number, step: number): number {
  return ((i * step) % 1) * 2;
}

/** A timestamped emulator log line (Date.now(), the same clock as the pipeline's events). */
interface CloudLine {
  at: number;
  line: string;
}

/** What the cloud spent during one deploy, from the emulator's own log. */
function cloudTimes(lines: CloudLine[]) {
  const find = (re: RegExp) => lines.find((l) => re.test(l.line))?.at;
  const queued = find(/^\[cloudbuild\] build \S+ queued/);
  const built = find(/^\[cloudbuild\] build \S+ (SUCCESS|FAILURE|TIMEOUT|INTERNAL_ERROR|CANCELLED)/);
  const rolling = find(/^\[run\] \S+: rolling out /);
  const ready = find(/^\[run\] \S+: revision \S+ (ready|failed)/);
  if (queued === undefined || built === undefined || rolling === undefined || ready === undefined) {
    throw new Error(`The emulator log lacks a build or a rollout: ${lines.map((l) => l.line).join(' | ')}`);
  }
  return { queued, built, rolling, ready, buildMs: built - queued, rolloutMs: ready - rolling };
}

/** Where the overhead of one deploy went (ms). */
type Causes = Record<string, number>;

const CAUSES = [
  'preflight stage',
  'analyze + dockerfile + package',
  'upload stage',
  'build: repository check + start',
  'build: wait after it finished (poll)',
  '  of which log reads after it finished',
  'deploy: calls before the rollout',
  'deploy: wait after the rollout was ready (LRO poll)',
  'expose stage',
  'verify stage (health check)',
  'between stages (git, temp dir, …)',
] as const;

async function deployOnce(root: string, service: string, basePorts: CloudPorts, cloudLog: CloudLine[]) {
  const calls: PortCall[] = [];
  const stages: Partial<Record<DeployStage, { start: number; end: number }>> = {};
  const emit = (e: DeployEvent) => {
    if (e.type !== 'stage') return;
    const s = (stages[e.stage] ??= { start: e.at, end: e.at });
    if (e.status !== 'running') s.end = e.at;
  };
  const from = cloudLog.length;
  const ports = timedPorts(basePorts, calls);
  const t0 = Date.now();
  const r = await runDeploy(benchDeployOptions(root, service), { ports, emit }, new AbortController().signal);
  const t1 = Date.now();
  if (r.outcome !== 'success') throw new Error(`deploy ended ${r.outcome}: ${JSON.stringify(r)}`);
  const cloud = cloudTimes(cloudLog.slice(from));
  const wall = t1 - t0;
  const overhead = wall - cloud.buildMs - cloud.rolloutMs;
  const dur = (s: DeployStage) => (stages[s] ? stages[s].end - stages[s].start : 0);
  const epoch = (c: PortCall) => performance.timeOrigin + c.start;
  const build = stages.build!;
  const deploy = stages.deploy!;
  const logReadsAfter = calls.filter((c) => c.name === 'storage.readFrom' && epoch(c) >= cloud.built && epoch(c) <= build.end).reduce((a, c) => a + c.ms, 0);
  const staged = (['preflight', 'analyze', 'dockerfile', 'package', 'upload', 'build', 'deploy', 'expose', 'verify'] as DeployStage[]).reduce(
    (a, s) => a + dur(s),
    0,
  );
  const causes: Causes = {
    'preflight stage': dur('preflight'),
    'analyze + dockerfile + package': dur('analyze') + dur('dockerfile') + dur('package'),
    'upload stage': dur('upload'),
    'build: repository check + start': cloud.queued - build.start,
    'build: wait after it finished (poll)': build.end - cloud.built,
    '  of which log reads after it finished': logReadsAfter,
    'deploy: calls before the rollout': cloud.rolling - deploy.start,
    'deploy: wait after the rollout was ready (LRO poll)': deploy.end - cloud.ready,
    'expose stage': dur('expose'),
    'verify stage (health check)': dur('verify'),
    'between stages (git, temp dir, …)': wall - staged,
  };
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  return { wall, overhead, cloud, causes, counts };
}

export async function overheadBench(): Promise<void> {
  console.log(
    `Load before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const sc of SCENARIOS) {
    const cloudLog: CloudLine[] = [];
    const emu = await startEmulator({ knobs: sc.knobs, log: (line) => cloudLog.push({ at: Date.now(), line }) });
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-bench-overhead-'));
    const root = path.join(parent, 'app');
    const service = `overhead-${SCENARIOS.indexOf(sc)}`;
    // As extension.ts gets them: one set of clients per configuration, so the first deploy builds them.
    const ports = cachedPorts(() => ({ emulatorHost: emu.host }), createCloudPorts);
    try {
      const runs: Awaited<ReturnType<typeof deployOnce>>[] = [];
      for (let i = 0; i < sc.deploys; i++) {
        await writeSmallApp(root, i + 1);
        emu.configure({ buildSeconds: sc.knobs.buildSeconds! + spread(i, 0.618), deploySeconds: sc.knobs.deploySeconds! + spread(i, 0.382) });
        runs.push(await deployOnce(root, service, ports(), cloudLog));
        const r = runs[runs.length - 1];
        console.log(
          `  ${sc.name} #${i + 1} (${i === 0 ? 'create' : 'update'}): wall ${ms(r.wall)}, cloud build ${ms(r.cloud.buildMs)} + rollout ${ms(r.cloud.rolloutMs)}, overhead ${ms(r.overhead)}`,
        );
      }
      const updates = runs.slice(1);
      const range = (xs: number[]) => `${ms(median(xs))} (${ms(Math.min(...xs))} – ${ms(Math.max(...xs))})`;
      console.log(`\n### ${sc.name}: ${updates.length} updates after 1 create; load now ${os.loadavg()[0].toFixed(2)}\n`);
      console.log(
        table(
          ['', 'create', 'updates: median (min – max)'],
          [
            ['wall', ms(runs[0].wall), range(updates.map((r) => r.wall))],
            ['cloud: build (queued → finished)', ms(runs[0].cloud.buildMs), range(updates.map((r) => r.cloud.buildMs))],
            ['cloud: rollout (operation → ready)', ms(runs[0].cloud.rolloutMs), range(updates.map((r) => r.cloud.rolloutMs))],
            ['**overhead**', ms(runs[0].overhead), range(updates.map((r) => r.overhead))],
            ...CAUSES.map((c) => [c, ms(runs[0].causes[c]), range(updates.map((r) => r.causes[c]))]),
          ],
        ),
      );
      const names = [...new Set(runs.flatMap((r) => [...r.counts.keys()]))].sort();
      console.log(
        `\nPort calls, create / median of the updates: ${names.map((n) => `${n} ${runs[0].counts.get(n) ?? 0}/${median(updates.map((r) => r.counts.get(n) ?? 0))}`).join(', ')}`,
      );
      const med = median(updates.map((r) => r.overhead));
      console.log(med < 1000 ? `\nGoal (< 1 s overhead): met, median ${ms(med)}.` : `\nGoal (< 1 s overhead): NOT met, median ${ms(med)}.`);
    } finally {
      await emu.close();
      await fs.rm(parent, { recursive: true, force: true });
    }
  }
}
