// Incremental deploys through the real SDK clients against the emulator: the
// source tag is pushed by Cloud Build and found again through Artifact Registry.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent, DeployResult } from '../../src/shared/protocol';
import { makeWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

interface EmuState {
  buckets: { name: string; objects: string[] }[];
  images: { name: string; digest: string; buildId: string }[];
  builds: { id: string; status: string; images: string[] }[];
  services: { name: string; image: string; latestReadyRevision: string; revisions: { name: string }[] }[];
}

const APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'inc', scripts: { start: 'node server.js' } }),
  'server.js': "require('http').createServer((q, s) => s.end('hello incremental')).listen(Number(process.env.PORT));\n",
};

describe('incremental deploys with the real SDKs against the emulator', function () {
  this.timeout(60_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.5, deploySeconds: 0.1 } });

  async function state(): Promise<EmuState> {
    return fx.state<EmuState>();
  }

  async function deploy(root: string, overrides: Partial<DeployOptions> = {}) {
    const events: DeployEvent[] = [];
    const opts = testDeployOptions(root, { verifyTimeoutSeconds: 20, ...overrides });
    const result: DeployResult = await runDeploy(opts, { ports: fx.ports, buildPollMs: 100, emit: (e) => events.push(e) }, new AbortController().signal);
    const stage = (name: string) => events.filter((e) => e.type === 'stage' && e.stage === name).at(-1) as { status: string; detail?: string } | undefined;
    return { result, stage };
  }

  const sourceObjects = (s: EmuState) => s.buckets.flatMap((b) => b.objects.filter((o) => o.startsWith('source/')));

  it('deploys unchanged source twice with one upload and one build; the new revision runs the same image', async () => {
    const ws = await makeWorkspace(APP, 'inc-app');
    try {
      const first = await deploy(ws.root);
      assert.equal(first.result.outcome, 'success', JSON.stringify(first.result));
      const afterFirst = await state();
      assert.equal(afterFirst.builds.length, 1);
      // The deploy-id and the source tag, and the layer cache's tag (core/cloud/buildConfig.ts).
      assert.equal(
        afterFirst.builds[0].images.length,
        3,
        `the build pushes the deploy-id, the source and the cache tag: ${afterFirst.builds[0].images.join(', ')}`,
      );
      assert.ok(afterFirst.builds[0].images.some((i) => i.endsWith(':buildcache')));
      assert.ok(afterFirst.builds[0].images.some((i) => /:src-[0-9a-f]{40}$/.test(i)));
      const built = afterFirst.images.filter((i) => i.buildId === afterFirst.builds[0].id);
      assert.equal(new Set(built.map((i) => i.digest)).size, 1, 'all tags name one image');
      const revision1 = afterFirst.services[0].latestReadyRevision;

      const second = await deploy(ws.root);
      assert.equal(second.result.outcome, 'success', JSON.stringify(second.result));
      if (second.result.outcome !== 'success') return;
      assert.equal(second.stage('upload')?.status, 'skipped');
      assert.equal(second.stage('build')?.status, 'skipped');
      assert.match(
        second.stage('build')?.detail ?? '',
        /^Unchanged source \(hash [0-9a-f]{12}\): reusing europe-west1-docker\.pkg\.dev\/demo-project\/devgem\/inc-app@sha256:/,
      );

      const s = await state();
      assert.equal(s.builds.length, 1, 'one build in all');
      assert.equal(sourceObjects(s).length, 1, `one uploaded object in all: ${sourceObjects(s).join(', ')}`);
      const svc = s.services[0];
      assert.notEqual(svc.latestReadyRevision, revision1, 'a new revision');
      assert.equal(svc.image, `europe-west1-docker.pkg.dev/demo-project/devgem/inc-app@${built[0].digest}`, 'runs the image of the first build');
      assert.equal(await (await fetch(second.result.url)).text(), 'hello incremental');
    } finally {
      await ws.cleanup();
    }
  });

  it('rebuilds when a file changed, and always when incremental deploys are off', async () => {
    const ws = await makeWorkspace(APP, 'inc-app');
    try {
      assert.equal((await deploy(ws.root)).result.outcome, 'success');
      await fs.writeFile(path.join(ws.root, 'server.js'), "require('http').createServer((q, s) => s.end('hello again')).listen(Number(process.env.PORT));\n");
      const changed = await deploy(ws.root);
      assert.equal(changed.result.outcome, 'success');
      assert.equal(changed.stage('build')?.status, 'done');
      if (changed.result.outcome === 'success') assert.equal(await (await fetch(changed.result.url)).text(), 'hello again');
      const off = await deploy(ws.root, { incremental: false });
      assert.equal(off.stage('build')?.status, 'done');
      const s = await state();
      assert.equal(s.builds.length, 3);
      assert.equal(sourceObjects(s).length, 3);
    } finally {
      await ws.cleanup();
    }
  });
});
