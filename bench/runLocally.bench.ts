/**
 * Run Locally: wall time from "Devgem: Run Locally" (core's LocalRun.start with
 * the CLI engine: detect, analysis, staged context, build, run, health check)
 * to the first HTTP answer of samples/hello-node, against a plain
 * `docker build && docker run` of the same generated Dockerfile in the same
 * run, polled the same way. Needs a Docker daemon: DOCKER_HOST, else the private
 * one scripts/containers/setup.sh starts. Runs alternate so load hits both alike.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContainerCli } from '../src/adapters/local/containerCli';
import { freeLoopbackPort, probeHttp } from '../src/adapters/local/localHttp';
import { generateFiles, analyzeWorkspace } from '../src/core/analysis/analysisKit';
import { LocalRun } from '../src/core/local/localRun';
import { median, ms, table } from './stats';

const RUNS = 5;
const SAMPLE = path.resolve(__dirname, '..', '..', 'samples', 'hello-node');
const DOCKER_HOST = process.env.DOCKER_HOST ?? 'unix:///run/devgem-docker.sock';

function docker(args: string[], cwd?: string): string {
  const r = spawnSync('docker', args, { cwd, env: { ...process.env, DOCKER_HOST }, encoding: 'utf8', timeout: 10 * 60_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function firstAnswer(url: string, deadlineMs = 90_000): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (performance.now() < end) {
    if ((await probeHttp(url, AbortSignal.timeout(5_000))) !== undefined) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never answered`);
}

async function devgemOnce(): Promise<number> {
  const engine = new ContainerCli({ env: { ...process.env, DOCKER_HOST } });
  const run = new LocalRun(
    { workspaceRoot: SAMPLE, name: 'bench-run-locally', env: {} },
    { engine, probe: probeHttp, freePort: freeLoopbackPort, chooseApp: async (a) => a[0] },
    { step: () => undefined, log: () => undefined },
  );
  const t0 = performance.now();
  try {
    await run.start(AbortSignal.timeout(10 * 60_000));
    return performance.now() - t0;
  } finally {
    await run.stop();
  }
}

/** The same Dockerfile and .dockerignore, already on disk: only `docker build`, `docker run` and the polling are timed. */
async function plainOnce(dir: string, hostNetwork: boolean): Promise<number> {
  const port = await freeLoopbackPort();
  const t0 = performance.now();
  docker(['build', '-q', '-t', 'devgem-bench/plain:latest', ...(hostNetwork ? ['--network=host'] : []), '.'], dir);
  const net = hostNetwork ? ['--network=host'] : ['-p', `127.0.0.1:${port}:${port}`];
  const id = docker(['run', '-d', ...net, '-e', `PORT=${port}`, 'devgem-bench/plain:latest']);
  try {
    await firstAnswer(`http://127.0.0.1:${port}/`);
    return performance.now() - t0;
  } finally {
    docker(['rm', '-f', id]);
  }
}

export async function runLocallyBench(): Promise<void> {
  const info = await new ContainerCli({ env: { ...process.env, DOCKER_HOST } }).detect(AbortSignal.timeout(30_000));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-bench-local-'));
  try {
    await fs.cp(SAMPLE, dir, { recursive: true, filter: (src) => path.basename(src) !== '.env' });
    const app = (await analyzeWorkspace(dir)).apps[0];
    const files = generateFiles(app);
    await fs.writeFile(path.join(dir, 'Dockerfile'), files.dockerfile);
    await fs.writeFile(path.join(dir, '.dockerignore'), files.dockerignore);
    // One untimed round each: base image and layers in the daemon's cache, as on a developer's machine after the first run.
    await devgemOnce();
    await plainOnce(dir, info.hostNetworkOnly);
    const devgem: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      devgem.push(await devgemOnce());
      plain.push(await plainOnce(dir, info.hostNetworkOnly));
    }
    const d = median(devgem);
    const p = median(plain);
    console.log(`${info.name} ${info.version}${info.hostNetworkOnly ? ', host network' : ''}; ${RUNS} runs each after one warm-up, median (min–max)`);
    console.log(
      table(
        ['to the first HTTP answer of samples/hello-node', 'median', 'min–max'],
        [
          ['Devgem: Run Locally (core + CLI adapter)', ms(d), `${ms(Math.min(...devgem))}–${ms(Math.max(...devgem))}`],
          ['plain `docker build && docker run`, same Dockerfile', ms(p), `${ms(Math.min(...plain))}–${ms(Math.max(...plain))}`],
          ['ratio Devgem / plain', `${(d / p).toFixed(2)}×`, ''],
        ],
      ),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    spawnSync('docker', ['rmi', '-f', 'devgem-bench/plain:latest', 'devgem-local/bench-run-locally:latest'], {
      env: { ...process.env, DOCKER_HOST },
      timeout: 60_000,
    });
  }
}
