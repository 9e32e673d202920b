/**
 * Rebuild time of the sample apps with Devgem's Cloud Build request, built for
 * real by the emulator's builder (the container suite's fixtures, the Docker
 * daemon of scripts/containers/setup.sh): a cold build (a fresh worker, no
 * cache image yet), then a source-only change and a dependency change, each
 * with the layer cache (the steps of core/cloud/buildConfig.ts, as the
 * emulator maps them: --cache-from the previous image) and without it (the
 * request before the cache: a fresh worker reuses nothing). Ratios against
 * the cold build of the same run. Skipped, with the reason, without a daemon.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeWorkspace } from '../src/core/analysis/analyzeWorkspace';
import { buildConfig, earlierStages } from '../src/core/cloud/buildConfig';
import { generateFiles } from '../src/core/dockerfiles/generate';
import { Docker } from '../emulator/src/docker/dockerCli';
import { parseBuildArgs, runDockerBuild } from '../emulator/src/docker/dockerBuild';
import { DOCKER_HOST, dockerSkipReason, REPO } from '../test/support/docker';
import { ms, table } from './stats';

/** Fixture, a source file to touch, a dependency manifest to change (a change every install re-reads). */
const APPS: [fixture: string, source: string, manifest: string][] = [
  ['node-express-npm', 'server.js', 'package.json'],
  ['node-typescript-build', 'src/server.ts', 'package.json'],
  ['python-flask-gunicorn', 'app.py', 'requirements.txt'],
];
const BUILD_MS = 10 * 60_000;

async function build(docker: Docker, dir: string, steps: string[][], cache: boolean): Promise<number> {
  const t0 = performance.now();
  for (const stepArgs of steps) {
    const args = parseBuildArgs(stepArgs);
    const log: string[] = [];
    const run = runDockerBuild(docker, dir, cache ? args : { ...args, cacheFrom: [] }, (l) => log.push(l));
    const bound = setTimeout(() => run.stop('timedOut'), BUILD_MS);
    const outcome = await run.done.finally(() => clearTimeout(bound));
    if (!outcome.ok) throw new Error(`build failed in ${dir}:\n${log.slice(-20).join('\n')}`);
  }
  return performance.now() - t0;
}

async function changeManifest(file: string): Promise<void> {
  const text = await fs.readFile(file, 'utf8');
  if (file.endsWith('.json')) {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    // A changed manifest invalidates the install layer as a new dependency would, without the network.
    await fs.writeFile(file, JSON.stringify({ ...pkg, description: `changed ${Date.now()}` }, null, 2));
  } else await fs.appendFile(file, `\n# changed ${Date.now()}\n`);
}

async function one(docker: Docker, fixture: string, source: string, manifest: string, run: string): Promise<string[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-rebuild-'));
  const repo = `bench-rebuild/${fixture}-${run}`;
  try {
    await fs.cp(path.join(REPO, 'test', 'fixtures', 'containers', fixture), dir, { recursive: true });
    const app = (await analyzeWorkspace(dir)).apps[0];
    const files = generateFiles(app);
    await fs.writeFile(path.join(dir, 'Dockerfile'), files.dockerfile);
    await fs.writeFile(path.join(dir, '.dockerignore'), files.dockerignore);
    const req = { project: 'p', region: 'r', bucket: 'b', object: 'o', logsBucket: 'gs://b', timeoutSeconds: 600, dockerfile: 'Dockerfile' };
    const stages = earlierStages(files.dockerfile);
    const steps = (tag: string) => buildConfig({ ...req, image: `${repo}:${tag}`, cacheStages: stages }).steps.map((s) => s.args);
    const cold = await build(docker, dir, steps('v1'), true);
    await fs.appendFile(path.join(dir, source), `\n// changed ${Date.now()}\n`.replace('//', source.endsWith('.py') ? '#' : '//'));
    const srcCached = await build(docker, dir, steps('v2'), true);
    const srcUncached = await build(docker, dir, steps('v2b'), false);
    await changeManifest(path.join(dir, manifest));
    const depCached = await build(docker, dir, steps('v3'), true);
    const depUncached = await build(docker, dir, steps('v3b'), false);
    const r = (v: number) => `${(v / cold).toFixed(2)}×`;
    return [fixture, ms(cold), `${r(srcCached)} (${ms(srcCached)})`, r(srcUncached), `${r(depCached)} (${ms(depCached)})`, r(depUncached)];
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    const tags = await docker.exec(['images', '--format', '{{.Repository}}:{{.Tag}}', repo], 30_000);
    const names = tags.stdout.split('\n').filter(Boolean);
    if (names.length) await docker.exec(['rmi', '-f', ...names], 60_000);
  }
}

export async function rebuildBench(): Promise<void> {
  const skip = dockerSkipReason();
  if (skip) {
    console.log(`skipped: ${skip}`);
    return;
  }
  const docker = new Docker(DOCKER_HOST);
  const run = Date.now().toString(36);
  const rows: string[][] = [];
  for (const [fixture, source, manifest] of APPS) rows.push(await one(docker, fixture, source, manifest, run));
  console.log(table(['app', 'cold build', 'source change, cache', 'source change, no cache', 'dependency change, cache', 'dependency change, no cache'], rows));
}
