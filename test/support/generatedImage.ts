// Builds a fixture app from the Dockerfile and .dockerignore that Devgem
// generates for it (the same analysis and generator a deploy uses), with the
// emulator's real builder, runs the image with a PORT and fetches `/`.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeWorkspace, generateFiles } from '../../src/core/analysis/analysisKit';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { startContainer } from '../../emulator/src/docker/containerApp';
import { runDockerBuild } from '../../emulator/src/docker/dockerBuild';
import type { Docker } from '../../emulator/src/docker/dockerCli';

const BUILD_MS = 15 * 60_000;
const START_MS = 60_000;
const FETCH_MS = 20_000;

export interface Generated {
  app: AppAnalysis;
  dockerfile: string;
  dockerignore: string;
}

/** The analysis of `dir` and the files Devgem would write for its first app. */
export async function generatedFor(dir: string): Promise<Generated> {
  const analysis = await analyzeWorkspace(dir);
  const app = analysis.apps[0];
  if (!app) throw new Error(`no app found in ${dir}: ${analysis.unrecognised?.message ?? ''}`);
  const files = generateFiles(app);
  return { app, dockerfile: files.dockerfile, dockerignore: files.dockerignore };
}

export interface Served extends Generated {
  status: number;
  body: string;
  port: number;
  buildMs: number;
  /** From `docker run` to the first HTTP answer. */
  answerMs: number;
}

function tail(lines: string[], n = 60): string {
  return lines.slice(-n).join('\n');
}

/** Copies `fixture`, writes the generated Dockerfile and .dockerignore, builds, runs and GETs `/`. Always removes the container and the tag. */
export async function buildAndServe(docker: Docker, fixture: string, tag: string): Promise<Served> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-ctr-'));
  const log: string[] = [];
  try {
    await fs.cp(fixture, dir, { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
    const gen = await generatedFor(dir);
    await fs.writeFile(path.join(dir, 'Dockerfile'), gen.dockerfile);
    await fs.writeFile(path.join(dir, '.dockerignore'), gen.dockerignore);
    const t0 = Date.now();
    const build = runDockerBuild(docker, dir, { dockerfile: 'Dockerfile', tags: [tag], buildArgs: [], context: '.' }, (l) => log.push(l));
    const bound = setTimeout(() => build.stop('timedOut'), BUILD_MS);
    const outcome = await build.done.finally(() => clearTimeout(bound));
    const buildMs = Date.now() - t0;
    if (!outcome.ok) throw new Error(`docker build failed${outcome.timedOut ? ` (over ${BUILD_MS / 60_000} min)` : ''}:\n${tail(log)}`);
    const out: string[] = [];
    const t1 = Date.now();
    // An app that honours PORT gets a random one; one that does not gets its own, as Cloud Run would give it.
    const app = await startContainer(docker, {
      image: outcome.imageId,
      env: { K_SERVICE: 'suite', K_REVISION: 'suite-00001-abc', K_CONFIGURATION: 'suite' },
      ...(gen.app.port.honoursPortEnv ? {} : { port: gen.app.port.port }),
      label: `suite/${path.basename(fixture)}`,
      timeoutMs: START_MS,
      log: () => undefined,
      onLine: (_s, l) => out.push(l),
    }).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; container output:\n${tail(out)}`);
    });
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/`, { signal: AbortSignal.timeout(FETCH_MS) });
      const body = await res.text();
      return { ...gen, status: res.status, body, port: app.port, buildMs, answerMs: Date.now() - t1 };
    } finally {
      await app.stop();
    }
  } finally {
    await docker.exec(['rmi', '--no-prune', '-f', tag], 60_000);
    await fs.rm(dir, { recursive: true, force: true });
  }
}
