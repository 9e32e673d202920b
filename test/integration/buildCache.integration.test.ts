// The build request as the emulator takes it, through the real SDK clients and
// with Google's published contracts checked: the BuildKit cache flags, the
// machine type, Google's buildpacks. With a real builder (a Docker daemon), a
// source-only change rebuilds on the previous image's dependency layer, and a
// buildpacks build fails honestly, since buildpacks cannot run offline.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent, DeployResult } from '../../src/shared/protocol';
import { startEmulator, type Emulator } from '../../emulator/src/server';
import { FIXTURES } from '../support/analysisFixtures';
import { useRealBuilderEmulator } from '../support/docker';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

interface Deployed {
  result: DeployResult;
  buildLog: string[];
  details: string[];
}

async function deployIn(emu: Emulator, root: string, overrides: Partial<DeployOptions> = {}): Promise<Deployed> {
  const events: DeployEvent[] = [];
  const opts = testDeployOptions(root, { verifyTimeoutSeconds: 20, ...overrides });
  const result = await runDeploy(
    opts,
    { ports: createCloudPorts({ emulatorHost: emu.host }), buildPollMs: 200, emit: (e) => events.push(e) },
    new AbortController().signal,
  );
  return {
    result,
    buildLog: events.flatMap((e) => (e.type === 'log' && e.stage === 'build' ? e.lines : [])),
    details: events.flatMap((e) => (e.type === 'stage' && e.detail ? [`${e.stage}: ${e.detail}`] : [])),
  };
}

async function builds(
  emu: Emulator,
): Promise<{ steps: { name: string; args: string[]; env?: string[] }[]; options?: { machineType?: string | number }; images: string[] }[]> {
  const res = await fetch(`${emu.baseUrl}/v1/projects/demo-project/locations/europe-west1/builds`);
  return ((await res.json()) as { builds: never[] }).builds;
}

describe('the build request in the emulator (real SDK clients, contracts checked)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ knobs: { deploySeconds: 0.1, buildSeconds: 0.5 } });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu.reset());

  it('accepts the BuildKit cache flags and the machine type as Cloud Build takes them', async () => {
    const ws = await makeWorkspace(NODE_APP, 'shop');
    try {
      const { result } = await deployIn(emu, ws.root, { buildMachineType: 'E2_HIGHCPU_8' });
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      const [build] = await builds(emu);
      // The SDK's REST transport sends enums as numbers (BuildOptions.MachineType E2_HIGHCPU_8 = 5); the emulator keeps the body as sent.
      assert.ok(['E2_HIGHCPU_8', 5].includes(build.options?.machineType as string | number), String(build.options?.machineType));
      const step = build.steps.at(-1)!;
      assert.deepEqual(step.env, ['DOCKER_BUILDKIT=1']);
      assert.match(step.args.join(' '), /--build-arg BUILDKIT_INLINE_CACHE=1 --cache-from \S+\/shop:buildcache /);
      assert.ok(build.images.some((i) => i.endsWith('/shop:buildcache')));
    } finally {
      await ws.cleanup();
    }
  });

  it('accepts a buildpacks build and, without a real builder, deploys its placeholder, saying buildpacks chose the runtime', async () => {
    const ws = await makeWorkspace({ 'Main.java': 'class Main {}\n' }, 'legacy');
    try {
      const { result, buildLog, details } = await deployIn(emu, ws.root);
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      const [build] = await builds(emu);
      assert.equal(build.steps[0].name, 'gcr.io/k8s-skaffold/pack');
      assert.ok(
        buildLog.some((l) => l.includes('===> DETECTING')),
        buildLog.join('\n'),
      );
      assert.ok(
        details.some((d) => /^build: .* with Google's buildpacks, which chose the runtime/.test(d)),
        details.join('\n'),
      );
    } finally {
      await ws.cleanup();
    }
  });
});

describe('the build cache and buildpacks with the real builder (Docker)', function () {
  this.timeout(6 * 60_000);
  const fx = useRealBuilderEmulator();

  it('a source-only change rebuilds on the dependency layer of the previous image; the first build reuses nothing', async () => {
    const fixture = path.join(FIXTURES, 'containers', 'node-express-npm');
    const files: Record<string, string> = {};
    for (const name of await fs.readdir(fixture)) files[name] = await fs.readFile(path.join(fixture, name), 'utf8');
    const ws = await makeWorkspace(files, 'cached');
    try {
      const first = await deployIn(fx.emu, ws.root);
      assert.equal(first.result.outcome, 'success', first.buildLog.slice(-30).join('\n'));
      const install = (log: string[]) => log.findIndex((l) => /^Step \d+\/\d+ : RUN npm ci/.test(l));
      const i1 = install(first.buildLog);
      assert.ok(i1 >= 0, first.buildLog.join('\n'));
      assert.ok(!first.buildLog.some((l) => l.includes('Using cache')), 'a fresh worker has no cache');
      await fs.appendFile(path.join(ws.root, 'server.js'), '\n// a source-only change\n');
      const second = await deployIn(fx.emu, ws.root);
      assert.equal(second.result.outcome, 'success', second.buildLog.slice(-30).join('\n'));
      const i2 = install(second.buildLog);
      assert.equal(second.buildLog[i2 + 1]?.trim(), '---> Using cache', second.buildLog.slice(i2, i2 + 4).join('\n'));
      const copy = second.buildLog.findIndex((l) => /^Step \d+\/\d+ : COPY --chown=node:node \. \./.test(l));
      assert.notEqual(second.buildLog[copy + 1]?.trim(), '---> Using cache', 'the changed source is copied again');
    } finally {
      await ws.cleanup();
    }
  });

  it('a buildpacks build fails honestly: buildpacks cannot run offline in the emulator', async () => {
    const ws = await makeWorkspace({ 'Main.java': 'class Main {}\n' }, 'legacy');
    try {
      const { result, buildLog } = await deployIn(fx.emu, ws.root);
      assert.equal(result.outcome === 'failed' && result.stage, 'build', JSON.stringify(result));
      assert.match(result.outcome === 'failed' ? result.problem.message : '', /buildpacks cannot run offline in the emulator/);
      assert.ok(
        buildLog.some((l) => l.startsWith('ERROR: buildpacks cannot run offline in the emulator')),
        buildLog.join('\n'),
      );
    } finally {
      await ws.cleanup();
    }
  });
});
