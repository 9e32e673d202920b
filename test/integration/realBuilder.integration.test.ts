// A deploy through the real SDK clients against the emulator with a real
// builder (a Docker daemon): the image is really built from Devgem's generated
// Dockerfile and really runs, and what fails, fails as on Google Cloud.
// Skipped, with the reason, where no daemon runs (scripts/containers/setup.sh).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent, DeployResult } from '../../src/shared/protocol';
import { FIXTURES } from '../support/analysisFixtures';
import { useRealBuilderEmulator } from '../support/docker';
import { makeWorkspace, testDeployOptions } from '../support/workspace';

interface RevisionState {
  name: string;
  ready: boolean;
  mode: string;
  containerId: string | null;
}

describe('deploy with the real builder (Docker) through the real SDKs', function () {
  this.timeout(5 * 60_000);
  const fx = useRealBuilderEmulator();

  async function deploy(
    files: Record<string, string>,
    name: string,
    overrides: Partial<DeployOptions> = {},
  ): Promise<{ result: DeployResult; events: DeployEvent[] }> {
    const ws = await makeWorkspace(files, name);
    const events: DeployEvent[] = [];
    try {
      const opts = testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, ...overrides });
      const result = await runDeploy(
        opts,
        { ports: createCloudPorts({ emulatorHost: fx.emu.host }), buildPollMs: 200, emit: (e) => events.push(e) },
        new AbortController().signal,
      );
      return { result, events };
    } finally {
      await ws.cleanup();
    }
  }

  async function fixtureFiles(dir: string): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const name of await fs.readdir(dir)) files[name] = await fs.readFile(path.join(dir, name), 'utf8');
    return files;
  }

  async function revisions(service: string): Promise<RevisionState[]> {
    const state = (await (await fetch(`${fx.emu.baseUrl}/__emulator/state`)).json()) as { services: { name: string; revisions: RevisionState[] }[] };
    return state.services.find((s) => s.name.endsWith(`/services/${service}`))?.revisions ?? [];
  }

  async function logTexts(service: string): Promise<string[]> {
    const res = await fetch(`${fx.emu.baseUrl}/v2/entries:list`, {
      method: 'POST',
      body: JSON.stringify({ resourceNames: ['projects/demo-project'], filter: `resource.labels.service_name="${service}"`, pageSize: 1000 }),
    });
    const { entries = [] } = (await res.json()) as { entries?: { textPayload?: string; logName: string }[] };
    return entries.map((e) => `${e.logName.split('%2F').slice(1).join('/')}: ${e.textPayload ?? ''}`);
  }

  const buildLines = (events: DeployEvent[]): string[] => events.flatMap((e) => (e.type === 'log' && e.stage === 'build' ? e.lines : []));
  const stageStatus = (events: DeployEvent[], stage: string): string | undefined =>
    events.flatMap((e) => (e.type === 'stage' && e.stage === stage ? [e.status] : [])).pop();

  it('builds an Express app with its real npm dependencies and serves it from a container', async () => {
    const { result, events } = await deploy(await fixtureFiles(path.join(FIXTURES, 'containers', 'node-express-npm')), 'shop');
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') return;
    const lines = buildLines(events);
    assert.ok(
      lines.some((l) => /^Step \d+\/\d+ : RUN npm ci --omit=dev$/.test(l)),
      lines.join('\n'),
    );
    const install = lines.findIndex((l) => /^Step \d+\/\d+ : RUN npm ci/.test(l));
    // The daemon keeps a layer cache (Cloud Build starts fresh): a repeated run may reuse the install.
    assert.match(lines.slice(install + 1, install + 40).join('\n'), /^added \d+ packages|^ ---> Using cache$/m, 'npm installed the dependencies');
    assert.equal(stageStatus(events, 'verify'), 'done');
    const res = await fetch(result.url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'express says hi');
    const [rev] = await revisions('shop');
    assert.equal(rev.mode, 'container');
    assert.match(rev.containerId ?? '', /^[0-9a-f]{64}$/);
    assert.ok((await logTexts('shop')).includes('stdout: express listening'), 'the container stdout reached Cloud Logging');
  });

  it("the container gets the revision's env and its Secret Manager secret, resolved", async () => {
    fx.emu.seedSecret({ project: 'demo-project', id: 'db-url', versions: ['postgres://old', 'postgres://db.internal/app'] });
    const runtime = { env: { GREETING: 'container' }, secrets: { DB_URL: { secret: 'db-url', version: 'latest' } } };
    const { result } = await deploy(await fixtureFiles(path.join(FIXTURES, 'node-env-echo')), 'echo', { runtime });
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') return;
    assert.equal(await (await fetch(result.url)).text(), 'hello container from v1; secret present\n');
    const logs = await logTexts('echo');
    assert.ok(logs.includes('stderr: warning: no cache configured'), logs.join('\n'));
    assert.ok(!logs.some((l) => l.includes('postgres://')), 'the secret value is not logged');
  });

  it('an app that prints and exits fails its revision as on Cloud Run, with its output and the exit in the logs', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'oneshot', scripts: { start: 'node job.js' } }),
      'job.js': "console.log('report printed'); process.exit(0);\n",
    };
    // The analysis finds no server and stops before the build; the user insists, so Cloud Run's own verdict shows.
    const { result } = await deploy(files, 'oneshot', { deployAnyway: true });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'deploy');
    assert.match(
      result.problem.message,
      /The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable/,
    );
    const logs = await logTexts('oneshot');
    assert.ok(logs.includes('stdout: report printed'), logs.join('\n'));
    assert.ok(logs.includes('varlog/system: Container called exit(0).'), logs.join('\n'));
    assert.ok(
      logs.some((l) => /^varlog\/system: Default STARTUP TCP probe failed 1 time consecutively for container "oneshot-1" on port 8080/.test(l)),
      logs.join('\n'),
    );
    assert.equal((await revisions('oneshot'))[0].containerId, null, 'the failed container is removed');
  });

  it('an app that listens on a hard-coded other port never passes the startup probe', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'stubborn', scripts: { start: 'node server.js' } }),
      // Read from a file, so the analysis cannot see it: the image says 8080, the app does not listen there.
      'port.json': '{"port": 47123}\n',
      'server.js':
        "const { port } = require('./port.json');\nrequire('http').createServer((q, s) => s.end('wrong door')).listen(port, '127.0.0.1', () => console.log('listening on ' + port));\n",
    };
    const { result } = await deploy(files, 'stubborn');
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'deploy');
    assert.match(
      result.problem.message,
      /failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout/,
    );
    const logs = await logTexts('stubborn');
    assert.ok(logs.includes('stdout: listening on 47123'), logs.join('\n'));
    assert.ok(
      logs.some((l) => /Connection failed with status DEADLINE_EXCEEDED\.$/.test(l)),
      logs.join('\n'),
    );
  });

  it('an app that listens on 127.0.0.1 only never passes the startup probe, as on Cloud Run', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'inward', scripts: { start: 'node server.js' } }),
      // Built from its own Dockerfile, so the analysis's warning about the line changes nothing: the container decides.
      Dockerfile: 'FROM node:22-slim\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n',
      'server.js': "require('http').createServer((q, s) => s.end('inside only')).listen(process.env.PORT, '127.0.0.1', () => console.log('up'));\n",
    };
    const { result } = await deploy(files, 'inward');
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'deploy');
    assert.match(result.problem.message, /failed to start and listen on the port defined provided by the PORT=8080 environment variable/);
    const logs = await logTexts('inward');
    assert.ok(
      logs.some((l) => /Connection failed with status DEADLINE_EXCEEDED\.$/.test(l)),
      logs.join('\n'),
    );
    assert.deepEqual(
      (await revisions('inward')).map((r) => r.ready),
      [false],
    );
  });

  it('a build that fails ends the deploy at the build with the real error in the log', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'broken', scripts: { build: 'node build.js', start: 'node server.js' } }),
      'build.js': "throw new Error('the build broke on purpose');\n",
      'server.js': "require('http').createServer((q, s) => s.end('never')).listen(process.env.PORT);\n",
    };
    const { result, events } = await deploy(files, 'broken');
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'build');
    const lines = buildLines(events);
    assert.ok(
      lines.some((l) => l.includes('Error: the build broke on purpose')),
      lines.join('\n'),
    );
    // The generated Dockerfile has a build stage, which Devgem builds first into its cache image (step 0, "cache build"):
    // with several steps Cloud Build prefixes each line with its step.
    assert.ok(
      lines.some((l) => /^Step #0 - "cache build": The command '\/bin\/sh -c npm run build' returned a non-zero code: 1$/.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.includes('ERROR: build step 0 "gcr.io/cloud-builders/docker" failed: step exited with non-zero status: 1'));
    assert.deepEqual(await revisions('broken'), []);
  });

  it('a Dockerfile kept in deploy/ is built from the app folder it copies, and that app is what is deployed', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'kept', scripts: { start: 'node server.js' } }),
      'server.js': "require('http').createServer((q, s) => s.end('built from the root')).listen(process.env.PORT);\n",
      'deploy/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json server.js ./\nCMD ["node", "server.js"]\n',
    };
    const { result, events } = await deploy(files, 'kept');
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') return;
    assert.equal(await (await fetch(result.url)).text(), 'built from the root');
    assert.ok(buildLines(events).some((l) => /^Step \d+\/\d+ : COPY package.json server.js \.\/$/.test(l)));
    assert.equal((await revisions('kept')).length, 1);
  });
});
