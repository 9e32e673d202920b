// `devgem deploy` end to end: the CLI in-process (runCli) and the built
// dist/cli.js in a child process, through the real SDK clients, against the
// local emulator. The emulator host reaches the CLI through its env injection,
// never through process.env, so parallel tests do not see it.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/runCli';
import { useEmulator } from '../support/useEmulator';
import { useTempDir } from '../support/useTempDir';

const REPO = path.resolve(__dirname, '..', '..', '..');
const ENV_ECHO = path.join(REPO, 'test', 'fixtures', 'node-env-echo');
const MONOREPO = path.join(REPO, 'test', 'fixtures', 'mono-services-dockerfiles');
const DIST_CLI = path.join(REPO, 'dist', 'cli.js');
const TARGET = ['--project', 'demo-project', '--region', 'europe-west1'];

interface EmuState {
  buckets: { name: string }[];
  builds: { id: string; status: string }[];
  services: { name: string; uri: string; public: boolean }[];
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('devgem deploy against the emulator', function () {
  this.timeout(60_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.5, deploySeconds: 0.1 } });
  const tmp = useTempDir('devgem-cli-deploy-');

  /** The CLI's environment: the emulator, and a gcloud configuration folder that does not exist. */
  function cliEnv(): Record<string, string> {
    return { DEVGEM_EMULATOR_HOST: fx.emu.host, CLOUDSDK_CONFIG: path.join(tmp.path, 'no-gcloud') };
  }

  /** A copy of a fixture (a deploy may write a Dockerfile into it). */
  async function workspace(fixture: string, name: string, extra: Record<string, string> = {}): Promise<string> {
    const root = path.join(tmp.path, name);
    await fs.cp(fixture, root, { recursive: true });
    for (const [rel, content] of Object.entries(extra)) await fs.writeFile(path.join(root, rel), content);
    return root;
  }

  async function cli(argv: string[], opts: { signal?: AbortSignal; onStderr?: (s: string) => void } = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (s) => (stdout += s),
      stderr: (s) => {
        stderr += s;
        opts.onStderr?.(s);
      },
      cwd: tmp.path,
      env: cliEnv(),
      signal: opts.signal,
    });
    return { code, stdout, stderr };
  }

  async function state(): Promise<EmuState> {
    return fx.state<EmuState>();
  }

  async function get(url: string): Promise<string> {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200, url);
    return res.text();
  }

  it('deploys and prints only the URL on stdout, which answers; progress on stderr', async () => {
    const dir = await workspace(ENV_ECHO, 'echo-app');
    const r = await cli(['deploy', dir, ...TARGET, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^http:\/\/[^\s]+\n$/);
    assert.match(await get(r.stdout.trim()), /^hello nobody from v1; secret absent/);
    for (const line of [
      /^\[preflight\] done: demo-project \(--project\) · europe-west1 \(--region\)/m,
      /^\[dockerfile\] writing the generated Dockerfile \(--yes\)$/m,
      /^\[build\] running$/m,
      /^\[build\] running: Build \S+$/m,
      /^\[deploy\] done: /m,
      /^\[verify\] done/m,
    ]) {
      assert.match(r.stderr, line);
    }
    assert.ok(existsSync(path.join(dir, 'Dockerfile')), 'the generated Dockerfile was written with --yes');
    const s = await state();
    assert.deepEqual(
      s.services.map((x) => [x.name, x.public]),
      [['projects/demo-project/locations/europe-west1/services/echo-app', true]],
    );
  });

  it('--json prints one object; --env and --secret reach the app', async () => {
    const dir = await workspace(ENV_ECHO, 'echo-json');
    fx.emu.seedSecret({ project: 'demo-project', id: 'db-url', versions: ['postgres://one', 'postgres://two'] });
    const r = await cli([
      'deploy',
      dir,
      ...TARGET,
      '--service',
      'echo-svc',
      '--yes',
      '--json',
      '--env',
      'GREETING=from the cli',
      '--secret',
      'DB_URL=db-url:2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { stages: Record<string, { status: string }> };
    assert.equal(r.stdout.trim().split('\n').length, 1, 'one line of JSON');
    assert.equal(out.outcome, 'success');
    assert.match(String(out.url), /^http:\/\//);
    assert.match(String(out.revision), /^echo-svc-/);
    assert.match(String(out.image), /^europe-west1-docker\.pkg\.dev\/demo-project\/devgem\/echo-svc:/);
    assert.match(String(out.deployId), /^\d{8}-\d{6}-[0-9a-z]{4}$/);
    assert.ok(String(out.image).endsWith(`:${out.deployId}`));
    assert.deepEqual(out.target, { project: 'demo-project', region: 'europe-west1', service: 'echo-svc' });
    for (const stage of ['preflight', 'analyze', 'dockerfile', 'package', 'upload', 'build', 'deploy', 'expose', 'verify']) {
      assert.equal(out.stages[stage]?.status, 'done', `${stage}: ${JSON.stringify(out.stages[stage])}`);
    }
    assert.doesNotMatch(r.stdout + r.stderr, /from the cli/, 'env values are not echoed');
    assert.match(await get(String(out.url)), /^hello from the cli from v1; secret present/);
  });

  it('a failing build exits 1 naming the build stage, with the log tail on stderr', async () => {
    const dir = await workspace(ENV_ECHO, 'broken-app', { Dockerfile: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN exit 1\nCMD ["node","server.js"]\n' });
    const r = await cli(['deploy', dir, ...TARGET]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^\[build\] failed: /m);
    assert.match(r.stderr, /^Last \d+ log lines:\n( {2}.*\n)+/m);
    assert.match(r.stderr, /^ {2}.*(ERROR|non-zero)/m, 'the tail holds the failing lines');
    assert.match(r.stderr, /^devgem: Failed at build \(Build with Cloud Build\): Cloud Build failed/m);
    assert.match(r.stderr, /^Fix: /m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal((await state()).services.length, 0);
  });

  it('usage errors exit 2 and touch no cloud', async () => {
    const dir = await workspace(ENV_ECHO, 'usage-app');
    for (const argv of [
      ['deploy', dir, '--env', 'API_KEY=abc123'],
      ['deploy', dir, '--timeout', '-5'],
      ['deploy', dir, '--secret', 'X'],
      ['deploy', dir, dir],
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^devgem: .+\n\nUsage: devgem/);
      assert.equal(r.stdout, '');
    }
    const s = await state();
    assert.deepEqual([s.buckets.length, s.builds.length, s.services.length], [0, 0, 0]);
  });

  it('without --yes, neither writes a Dockerfile nor picks one of several apps; says what to pass', async () => {
    const dir = await workspace(ENV_ECHO, 'no-dockerfile');
    const r = await cli(['deploy', dir, ...TARGET]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /devgem: Failed at dockerfile \(Dockerfile\): The app has no Dockerfile; Devgem would write a generated one to Dockerfile\.\nFix: Pass --yes/,
    );
    assert.equal(existsSync(path.join(dir, 'Dockerfile')), false);

    const mono = await workspace(MONOREPO, 'mono');
    const m = await cli(['deploy', mono, ...TARGET, '--yes']);
    assert.equal(m.code, 1, m.stderr);
    assert.match(
      m.stderr,
      /devgem: Failed at analyze .*: This folder has 3 deployable apps: services\/api .*services\/worker .*services\/web .*\nFix: Pick one with --app/,
    );
    const s = await state();
    assert.deepEqual([s.builds.length, s.services.length], [0, 0]);
  });

  it('with no project anywhere, exits 1 saying to pass --project', async () => {
    const dir = await workspace(ENV_ECHO, 'no-project', { Dockerfile: 'FROM node:22-slim\n' });
    const r = await cli(['deploy', dir, '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /devgem: Failed at preflight .*: No Google Cloud project is set\.\nFix: Pass --project PROJECT_ID \(or set GOOGLE_CLOUD_PROJECT\)/);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual([out.outcome, out.stage, out.message], ['failed', 'preflight', 'No Google Cloud project is set.']);
    assert.match(String(out.fix), /--project/);
  });

  it('an abort during the build exits 130 and cancels the Cloud Build build', async () => {
    fx.emu.configure({ buildSeconds: 8 });
    const dir = await workspace(ENV_ECHO, 'cancel-app', { Dockerfile: 'FROM node:22-slim\nCOPY . .\nCMD ["node","server.js"]\n' });
    const controller = new AbortController();
    const started = Date.now();
    const r = await cli(['deploy', dir, ...TARGET], {
      signal: controller.signal,
      onStderr: (s) => {
        if (/^\[build\] running: Build /m.test(s)) setTimeout(() => controller.abort(), 300);
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.ok(Date.now() - started < 8_000, 'did not wait for the build to finish');
    assert.match(r.stderr, /Cancelling the deploy \(and its Cloud Build build\)/);
    assert.match(r.stderr, /^\[build\] cancelled$/m);
    assert.match(r.stderr, /devgem: Cancelled at build/);
    assert.equal(r.stdout, '');
    const s = await state();
    assert.deepEqual(
      s.builds.map((b) => b.status),
      ['CANCELLED'],
    );
    assert.equal(s.services.length, 0);
  });

  it('--timeout cancels the whole deploy, build included, and exits 1', async () => {
    fx.emu.configure({ buildSeconds: 8 });
    const dir = await workspace(ENV_ECHO, 'slow-app', { Dockerfile: 'FROM node:22-slim\nCOPY . .\nCMD ["node","server.js"]\n' });
    const r = await cli(['deploy', dir, ...TARGET, '--timeout', '2']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /devgem: Timed out after 2 s at build; the deploy was cancelled\.\nFix: Pass a longer --timeout/);
    assert.deepEqual(
      (await state()).builds.map((b) => b.status),
      ['CANCELLED'],
    );
  });

  describe('the built dist/cli.js in a child process', () => {
    before(function () {
      if (!existsSync(DIST_CLI)) {
        console.log(`    (skipped: ${DIST_CLI} is missing; \`npm test\` builds it, or run \`npm run build\`)`);
        this.skip();
      }
    });

    function node(argv: string[], onStderr?: (s: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [DIST_CLI, ...argv], { cwd: tmp.path, env: { ...process.env, ...cliEnv() }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
          onStderr?.(b.toString(), child);
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr });
        });
      });
    }

    it('deploys with --json and exits 0 by itself', async () => {
      const dir = await workspace(ENV_ECHO, 'child-app');
      const r = await node(['deploy', dir, ...TARGET, '--yes', '--json', '--env', 'GREETING=child']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { outcome: string; url: string };
      assert.equal(out.outcome, 'success');
      assert.match(await get(out.url), /^hello child from v1/);
      assert.match(r.stderr, /^\[build\] running: Build /m);
    });

    it('Ctrl-C (SIGINT) during the build cancels it and exits 130', async () => {
      fx.emu.configure({ buildSeconds: 8 });
      const dir = await workspace(ENV_ECHO, 'child-cancel', { Dockerfile: 'FROM node:22-slim\nCOPY . .\nCMD ["node","server.js"]\n' });
      let sent = false;
      const r = await node(['deploy', dir, ...TARGET], (s, child) => {
        if (!sent && /^\[build\] running: Build /m.test(s)) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      });
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /devgem: Cancelled at build/);
      assert.deepEqual(
        (await state()).builds.map((b) => b.status),
        ['CANCELLED'],
      );
    });
  });
});
