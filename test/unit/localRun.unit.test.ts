// "Devgem: Run Locally" in core (src/core/local/localRun.ts) against a fake
// container engine: what is built (the deploy's Dockerfile and ignore rules),
// what the container gets (PORT, env, secrets only when opted in), the health
// check, and that nothing is left running after a stop, a failure or a cancel.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CancelledError, DevgemError } from '../../src/core/base/errors';
import type { BuildRequest, ContainerEnginePort, EngineInfo, RunRequest } from '../../src/core/local/containerEngine';
import { LocalRun, type LocalRunDeps, type LocalRunEvents } from '../../src/core/local/localRun';
import { REPO } from '../support/docker';

const SAMPLE = path.join(REPO, 'samples', 'hello-node');

class FakeEngine implements ContainerEnginePort {
  builds: (BuildRequest & { files: string[]; dockerfileText: string })[] = [];
  runs: RunRequest[] = [];
  removed: string[] = [];
  running = new Set<string>();
  detectError?: Error;
  buildFails = false;
  exitsAtOnce = false;
  async detect(): Promise<EngineInfo> {
    if (this.detectError) throw this.detectError;
    return { name: 'docker', binary: '/usr/bin/docker', version: '27.0', hostNetworkOnly: false };
  }
  async build(req: BuildRequest, onLine: (l: string) => void): Promise<void> {
    const files = await fs.readdir(req.contextDir, { recursive: true });
    this.builds.push({ ...req, files: files.map(String).sort(), dockerfileText: await fs.readFile(path.join(req.contextDir, req.dockerfile), 'utf8') });
    onLine('Step 1/5 : FROM node:22-slim');
    onLine('token ghp_' + 'a1B2c3D4e5'.repeat(4));
    if (this.buildFails) throw new DevgemError('build-failed', 'The local build failed (exit 1).');
  }
  async run(req: RunRequest): Promise<string> {
    this.runs.push(req);
    const id = `c${this.runs.length}`;
    if (!this.exitsAtOnce) this.running.add(id);
    return id;
  }
  async followLogs(id: string, onLine: (l: string) => void, signal: AbortSignal): Promise<void> {
    onLine(`listening on ${id}`);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  }
  async isRunning(id: string): Promise<boolean> {
    return this.running.has(id);
  }
  async remove(id: string): Promise<void> {
    this.removed.push(id);
    this.running.delete(id);
  }
}

function setup(opts: { answerAfter?: number; secrets?: Record<string, string>; abortOnProbe?: AbortController } = {}) {
  const engine = new FakeEngine();
  const steps: string[] = [];
  const logs: string[] = [];
  let probes = 0;
  let port = 41000;
  const deps: LocalRunDeps = {
    engine,
    probe: async () => {
      opts.abortOnProbe?.abort();
      return ++probes > (opts.answerAfter ?? 2) ? 200 : undefined;
    },
    freePort: async () => ++port,
    chooseApp: async (apps) => apps[0],
    clock: { now: () => probes * 250, sleep: async () => undefined },
    limits: { healthMs: 5_000 },
  };
  const events: LocalRunEvents = { step: (s, status) => steps.push(`${s}:${status}`), log: (l, src) => logs.push(`${src}: ${l}`) };
  const run = new LocalRun(
    { workspaceRoot: SAMPLE, name: 'Hello Node', env: { GREETING: 'hi' }, secrets: opts.secrets ? async () => opts.secrets! : undefined },
    deps,
    events,
  );
  return { engine, run, steps, logs, probes: () => probes };
}

describe('LocalRun (Run Locally in core, fake engine)', () => {
  it('builds the generated Dockerfile from the deploy’s files, runs with PORT and the env, and reports the loopback URL', async () => {
    const t = setup();
    const r = await t.run.start(new AbortController().signal);
    assert.equal(r.url, 'http://127.0.0.1:41001/');
    const b = t.engine.builds[0];
    assert.equal(b.tag, 'devgem-local/hello-node:latest');
    assert.equal(b.dockerfile, 'Dockerfile');
    assert.match(b.dockerfileText, /^FROM node/m);
    assert.ok(b.files.includes('server.js') && b.files.includes('.dockerignore'), b.files.join(','));
    // Secret-looking files stay out, as in a deploy.
    assert.ok(!b.files.includes('.env'), b.files.join(','));
    // Staged in a temp folder: the workspace gets no Dockerfile.
    assert.ok(!existsSync(path.join(SAMPLE, 'Dockerfile')));
    assert.ok(!existsSync(b.contextDir), 'the staged context is removed after the build');
    assert.deepEqual(t.engine.runs[0].env, { GREETING: 'hi', PORT: '41001' });
    assert.equal(t.engine.runs[0].hostNetwork, false);
    assert.deepEqual(
      t.steps.filter((s) => s.endsWith(':done')),
      ['engine:done', 'analyze:done', 'context:done', 'build:done', 'start:done', 'health:done'],
    );
    assert.ok(t.logs.some((l) => l === 'build: Step 1/5 : FROM node:22-slim'));
    assert.ok(!t.logs.some((l) => l.includes('ghp_')), 'log lines are redacted');
    assert.ok(t.logs.includes('container: listening on c1'));
    await t.run.stop();
    assert.deepEqual(t.engine.removed, ['c1']);
  });

  it('passes secrets only when the user opted in', async () => {
    const t = setup({ secrets: { DB_PASSWORD: 's3cret' } });
    await t.run.start(new AbortController().signal);
    assert.equal(t.engine.runs[0].env.DB_PASSWORD, 's3cret');
    await t.run.stop();
    const u = setup();
    await u.run.start(new AbortController().signal);
    assert.equal(u.engine.runs[0].env.DB_PASSWORD, undefined);
    await u.run.stop();
  });

  it('rebuild replaces the container; the old one is removed before the new one starts', async () => {
    const t = setup();
    await t.run.start(new AbortController().signal);
    await t.run.rebuild(new AbortController().signal);
    assert.equal(t.engine.builds.length, 2);
    assert.deepEqual(t.engine.removed, ['c1']);
    assert.deepEqual([...t.engine.running], ['c2']);
    await t.run.stop();
    assert.deepEqual([...t.engine.running], []);
  });

  it('says what to do when there is no engine, and runs nothing', async () => {
    const t = setup();
    t.engine.detectError = new DevgemError('unavailable', 'docker is installed but its daemon is not running.', { fix: 'Start Docker Desktop' });
    await assert.rejects(t.run.start(new AbortController().signal), /daemon is not running/);
    assert.equal(t.engine.builds.length, 0);
    assert.equal(t.engine.runs.length, 0);
  });

  it('a failed build starts nothing and leaves no staged folder', async () => {
    const t = setup();
    t.engine.buildFails = true;
    await assert.rejects(t.run.start(new AbortController().signal), /build failed/);
    assert.equal(t.engine.runs.length, 0);
    assert.ok(!existsSync(t.engine.builds[0].contextDir));
  });

  it('a container that exits is reported, and removed', async () => {
    const t = setup({ answerAfter: 1000 });
    t.engine.exitsAtOnce = true;
    await assert.rejects(t.run.start(new AbortController().signal), /exited before it answered/);
    assert.deepEqual(t.engine.removed, ['c1']);
  });

  it('gives up after the health deadline, removing the container', async () => {
    const t = setup({ answerAfter: 1000 });
    await assert.rejects(t.run.start(new AbortController().signal), /Nothing answered on http:\/\/127\.0\.0\.1:41001\//);
    assert.deepEqual(t.engine.removed, ['c1']);
    assert.ok(t.probes() <= 25, String(t.probes()));
  });

  it('cancel during the health check removes the container', async () => {
    const ac = new AbortController();
    const t = setup({ answerAfter: 1000, abortOnProbe: ac });
    await assert.rejects(t.run.start(ac.signal), (e: unknown) => e instanceof CancelledError);
    assert.deepEqual(t.engine.removed, ['c1']);
  });
});
