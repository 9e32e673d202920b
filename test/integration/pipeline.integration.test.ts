// The deploy pipeline through the real Google Cloud SDK clients, against the local emulator.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent, DeployResult } from '../../src/shared/protocol';
import { sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

interface EmuState {
  buckets: { name: string; project: string; objects: string[] }[];
  builds: { id: string; status: string }[];
  services: { name: string; uri: string; public: boolean; latestReadyRevision: string; revisions: { name: string }[] }[];
}

const FIXTURE_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'fixture', scripts: { start: 'node server.js' } }),
  'server.js': "require('http').createServer((q, s) => s.end('hello from fixture ' + (process.env.GREETING || ''))).listen(Number(process.env.PORT));\n",
  '.git/config': '[core]\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  'node_modules/left-pad/index.js': 'module.exports = 1;\n',
  'lib/node_modules/x.js': 'nested node_modules too\n',
  '.env': 'API_KEY=super-secret-value\n',
  '.env.local': 'TOKEN=another-secret\n',
  'config/.env.production': 'DB_PASSWORD=hunter2\n',
  'dist/ignored.txt': 'ignored by .gitignore\n',
  '.gitignore': 'dist/\n',
};

describe('deploy pipeline with the real SDKs against the emulator', function () {
  this.timeout(60_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.8, deploySeconds: 0.1 } });

  async function state(): Promise<EmuState> {
    return fx.state<EmuState>();
  }

  async function deploy(files: Record<string, string>, overrides: Partial<DeployOptions> = {}, onEvent?: (e: DeployEvent, abort: () => void) => void) {
    // Redeploys come from the same folder, as a user's do (ownership.ts asks otherwise).
    const ws = await sameWorkspace(files, 'fixture-app');
    const events: DeployEvent[] = [];
    const controller = new AbortController();
    const opts = testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, ...overrides });
    try {
      const result: DeployResult = await runDeploy(
        opts,
        {
          ports: fx.ports,
          buildPollMs: 150,
          emit: (e) => {
            events.push(e);
            onEvent?.(e, () => controller.abort());
          },
        },
        controller.signal,
      );
      return { result, events, root: ws.root };
    } finally {
      await ws.cleanup();
    }
  }

  it('first deploy creates the service, whose URL serves the app', async () => {
    const { result, events } = await deploy(FIXTURE_APP);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') return;
    const body = await (await fetch(result.url)).text();
    assert.match(body, /hello from fixture/);
    const s = await state();
    assert.equal(s.services.length, 1);
    assert.equal(s.services[0].name, 'projects/demo-project/locations/europe-west1/services/fixture-app');
    assert.equal(s.services[0].public, true);
    assert.match(result.image, /^europe-west1-docker\.pkg\.dev\/demo-project\/devgem\/fixture-app:/);
    assert.ok(
      events.some((e) => e.type === 'log' && e.lines.some((l) => /Step 1\/\d+ : FROM node/.test(l))),
      'build log streamed into events',
    );
  });

  it('an app the emulator cannot run (no Docker daemon) ends with "not started by the emulator", not a passed health check', async () => {
    const files = {
      ...FIXTURE_APP,
      'package.json': JSON.stringify({ name: 'fixture', scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.2' } }),
    };
    const { result, events } = await deploy(files);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    const verify = events.filter((e) => e.type === 'stage' && e.stage === 'verify').pop();
    assert.equal(verify?.type === 'stage' && verify.status, 'warning');
    assert.match(verify?.type === 'stage' ? (verify.detail ?? '') : '', /^Not started by the emulator: http:\/\/127\.0\.0\.1:\d+ runs no app/);
  });

  it('second deploy updates the same service with a new revision at the same URL', async () => {
    const first = await deploy(FIXTURE_APP);
    const second = await deploy(FIXTURE_APP);
    assert.equal(first.result.outcome, 'success');
    assert.equal(second.result.outcome, 'success');
    if (first.result.outcome !== 'success' || second.result.outcome !== 'success') return;
    assert.equal(second.result.url, first.result.url);
    assert.notEqual(second.result.revision, first.result.revision);
    assert.match(second.result.revision ?? '', /-00002-/);
    const s = await state();
    assert.equal(s.services.length, 1);
    assert.ok(s.services[0].revisions.length >= 2);
    assert.match(await (await fetch(second.result.url)).text(), /hello from fixture/);
  });

  it('the uploaded tarball never holds .git, node_modules or .env files, and honours .gitignore', async () => {
    const { result } = await deploy(FIXTURE_APP);
    assert.equal(result.outcome, 'success');
    const s = await state();
    const bucket = s.buckets.find((b) => b.objects.some((o) => o.startsWith('source/')))!;
    const object = bucket.objects.find((o) => o.startsWith('source/'))!;
    const data = Buffer.from(await (await fetch(`${fx.emu.baseUrl}/storage/v1/b/${bucket.name}/o/${encodeURIComponent(object)}?alt=media`)).arrayBuffer());
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-tar-'));
    try {
      const file = path.join(dir, 'src.tgz');
      await fs.writeFile(file, data);
      const entries: string[] = [];
      await tar.list({ file, onReadEntry: (e) => entries.push(e.path) });
      assert.ok(entries.includes('server.js') && entries.includes('Dockerfile') && entries.includes('package.json'), entries.join(','));
      for (const e of entries) {
        assert.ok(!/(^|\/)\.git(\/|$)/.test(e), `no .git: ${e}`);
        assert.ok(!/(^|\/)node_modules(\/|$)/.test(e), `no node_modules: ${e}`);
        assert.ok(!/(^|\/)\.env(\.|$)/.test(e), `no .env: ${e}`);
        assert.ok(!e.startsWith('dist/'), `.gitignore honoured: ${e}`);
      }
      assert.ok(!data.toString('latin1').includes('super-secret-value'));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a failing build reports the failing log lines and deploys nothing', async () => {
    const files = { ...FIXTURE_APP, Dockerfile: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm run lint || exit 1\nCMD ["node","server.js"]\n' };
    const { result, events } = await deploy(files);
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'build');
    assert.match(result.problem.message, /Cloud Build failed/);
    assert.ok(
      result.problem.logTail?.some((l) => /ERROR|non-zero/.test(l)),
      result.problem.logTail?.join('\n'),
    );
    assert.ok(
      events.some((e) => e.type === 'log'),
      'log lines streamed',
    );
    assert.equal((await state()).services.length, 0);
  });

  it("an app that never listens fails the deploy with Cloud Run's reason and the fix", async () => {
    const files = { ...FIXTURE_APP, 'server.js': "console.error('boom: missing config'); process.exit(1);\n" };
    // The analysis sees no server and would stop before the build (readinessGate.ts): insist, to reach Cloud Run.
    const { result } = await deploy(files, { deployAnyway: true });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'deploy');
    assert.match(result.problem.message, /failed to start and listen on the port/);
    assert.match(result.problem.fix ?? '', /PORT/);
  });

  it('IAM refused both ways ends as "deployed but private" with the fix, not success', async () => {
    fx.emu.configure({ refuseInvokerIamDisabled: true, refusePublicIam: true });
    const { result } = await deploy(FIXTURE_APP);
    assert.equal(result.outcome, 'private');
    if (result.outcome !== 'private') return;
    assert.match(result.problem.fix ?? '', /add-iam-policy-binding fixture-app/);
    assert.equal((await fetch(result.url)).status, 403, 'the service really is private');
  });

  it('falls back to an allUsers binding when invokerIamDisabled is refused', async () => {
    fx.emu.configure({ refuseInvokerIamDisabled: true });
    const { result } = await deploy(FIXTURE_APP);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    const s = await state();
    assert.equal(s.services[0].public, true);
  });

  it('refuses to upload into a bucket another project owns', async () => {
    fx.emu.seedBucket('devgem-demo-project-europe-west1', 'someone-else');
    const { result } = await deploy(FIXTURE_APP);
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'upload');
    assert.match(result.problem.fix ?? '', /devgem\.sourceBucket/);
    const s = await state();
    assert.deepEqual(s.buckets.find((b) => b.project === 'someone-else')?.objects, []);
  });

  it('missing Application Default Credentials end in a clear fix, not a stack trace', async () => {
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(os.tmpdir(), 'devgem-no-such-key.json');
    try {
      const ports = createCloudPorts({});
      const err = await ports.credentials.check(new AbortController().signal).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof DevgemError, String(err));
      assert.equal(err.kind, 'credentials');
      assert.match(err.fix ?? '', /gcloud auth application-default login/);
      assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace in the message');
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });

  it('cancel during the build cancels the Cloud Build build and creates no service', async () => {
    fx.emu.configure({ buildSeconds: 5 });
    const { result } = await deploy(FIXTURE_APP, {}, (e, abort) => {
      if (e.type === 'stage' && e.stage === 'build' && e.status === 'running' && e.detail) setTimeout(abort, 300);
    });
    assert.equal(result.outcome, 'cancelled');
    const s = await state();
    assert.equal(s.builds.length, 1);
    assert.equal(s.builds[0].status, 'CANCELLED');
    assert.equal(s.services.length, 0);
  });
});
