import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { sourceTag } from '../../src/core/deploy/stages/incremental';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent, DeployResult, DeployStage } from '../../src/shared/protocol';
import { FakeClock, FakeCloud, type FakeCloudScript } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const REPO = 'europe-west1-docker.pkg.dev/demo-project/devgem/svc';

/** Deploys the workspace into one FakeCloud several times, as a user deploying again would. */
async function session(script: FakeCloudScript = {}, files = NODE_APP) {
  const ws = await makeWorkspace(files);
  const cloud = new FakeCloud(script);
  let n = 0;
  const deploy = async (overrides: Partial<DeployOptions> = {}) => {
    const events: DeployEvent[] = [];
    const opts = testDeployOptions(ws.root, { service: 'svc', deployId: `20261125-12000${n++}-abcd`, ...overrides });
    const result = await runDeploy(
      opts,
      { ports: cloud.ports(), clock: new FakeClock(), buildPollMs: 10, emit: (e) => events.push(e) },
      new AbortController().signal,
    );
    const stages = new Map<DeployStage, { status: string; detail?: string }>();
    for (const e of events) if (e.type === 'stage') stages.set(e.stage, { status: e.status, detail: e.detail });
    return { result, events, stages };
  };
  return { ws, cloud, deploy };
}

const builds = (cloud: FakeCloud) => cloud.calls.filter((c) => c.startsWith('build.start')).length;
const uploads = (cloud: FakeCloud) => cloud.calls.filter((c) => c.startsWith('storage.upload')).length;
const deployedImage = (r: DeployResult) => (r.outcome === 'success' ? r.image : undefined);

describe('incremental deploys (fakes)', () => {
  it('deploys unchanged source again without uploading or building, on the image of the first build', async () => {
    const { ws, cloud, deploy } = await session();
    try {
      const first = await deploy();
      assert.equal(first.result.outcome, 'success');
      assert.equal(builds(cloud), 1);
      const hash = first.result.outcome === 'success' ? first.result.contentHash : undefined;
      assert.ok(hash, 'the first deploy reports its content hash');
      const tag = sourceTag(hash, 'Dockerfile', '');
      assert.ok(cloud.images.has(`${REPO}:${tag}`), `the build pushed the source tag too: ${[...cloud.images.keys()].join(', ')}`);
      const digest = cloud.images.get(`${REPO}:20261125-120000-abcd`);
      assert.equal(cloud.images.get(`${REPO}:${tag}`), digest, 'both tags name one image');

      const second = await deploy();
      assert.equal(second.result.outcome, 'success');
      assert.equal(builds(cloud), 1, 'no second build');
      assert.equal(uploads(cloud), 1, 'no second upload');
      assert.ok(!cloud.calls.slice(-8).some((c) => c.startsWith('storage.ensureBucket') || c.startsWith('registry.ensure')));
      assert.equal(deployedImage(second.result), `${REPO}@${digest}`);
      assert.equal(cloud.services.get('svc')?.spec.image, `${REPO}@${digest}`, 'the service runs the first build');
      for (const s of ['upload', 'build'] as const) {
        assert.equal(second.stages.get(s)?.status, 'skipped', s);
        assert.match(second.stages.get(s)?.detail ?? '', new RegExp(`^Unchanged source \\(hash ${hash.slice(0, 12)}\\): reusing ${REPO}@sha256:`));
      }
      assert.ok(!second.events.some((e) => e.type === 'build'), 'no build event');
      const resume = second.events.find((e) => e.type === 'resume');
      assert.equal(resume?.type === 'resume' && resume.data.image, `${REPO}@${digest}`, 'a reload during the release resumes with the reused image');
      assert.equal(second.stages.get('verify')?.status, 'done');
    } finally {
      await ws.cleanup();
    }
  });

  it('rebuilds after a file changed', async () => {
    const { ws, cloud, deploy } = await session();
    try {
      await deploy();
      await fs.appendFile(path.join(ws.root, 'server.js'), '// changed\n');
      const second = await deploy();
      assert.equal(second.result.outcome, 'success');
      assert.equal(builds(cloud), 2);
      assert.equal(uploads(cloud), 2);
      assert.equal(second.stages.get('build')?.status, 'done');
      assert.equal(deployedImage(second.result), `${REPO}:20261125-120001-abcd`);
      // And the changed tree is reused in its turn.
      await deploy();
      assert.equal(builds(cloud), 2);
    } finally {
      await ws.cleanup();
    }
  });

  it('keys the image on the Dockerfile path and build context too, so a moved Dockerfile rebuilds', async () => {
    const hash = 'a'.repeat(64);
    const tag = sourceTag(hash, 'Dockerfile', 'apps/api');
    assert.match(tag, /^src-[0-9a-f]{40}$/);
    assert.equal(sourceTag(hash, 'Dockerfile', 'apps/api'), tag, 'deterministic');
    assert.notEqual(sourceTag(hash, 'docker/Dockerfile', 'apps/api'), tag);
    assert.notEqual(sourceTag(hash, 'Dockerfile', '.'), tag);
    assert.notEqual(sourceTag('b'.repeat(64), 'Dockerfile', 'apps/api'), tag);

    // In the pipeline: an image built from the same tarball with another Dockerfile path is not reused.
    const { ws, cloud, deploy } = await session({}, { ...NODE_APP, Dockerfile: 'FROM node:22-slim\nCOPY . .\nCMD ["node","server.js"]\n' });
    try {
      const first = await deploy();
      const h = first.result.outcome === 'success' ? first.result.contentHash! : '';
      for (const key of [...cloud.images.keys()].filter((k) => k.includes(':src-'))) cloud.images.delete(key);
      cloud.images.set(`${REPO}:${sourceTag(h, 'docker/Dockerfile', '')}`, 'sha256:' + 'c'.repeat(64));
      await deploy();
      assert.equal(builds(cloud), 2, 'an image of another Dockerfile path is not this build');
      assert.deepEqual(cloud.tagLookups, [`svc:${sourceTag(h, 'Dockerfile', '')}`, `svc:${sourceTag(h, 'Dockerfile', '')}`]);
    } finally {
      await ws.cleanup();
    }
  });

  it('builds as usual when the lookup fails, and says why', async () => {
    const { ws, cloud, deploy } = await session({ registryLookupError: new DevgemError('permission-denied', 'Permission artifactregistry.tags.get denied') });
    try {
      await deploy();
      const second = await deploy();
      assert.equal(second.result.outcome, 'success');
      assert.equal(builds(cloud), 2);
      assert.equal(cloud.tagLookups.length, 2, 'it did ask');
      assert.equal(second.stages.get('upload')?.status, 'done');
      assert.match(
        second.stages.get('upload')?.detail ?? '',
        /could not check for an image of this source \(Permission artifactregistry\.tags\.get denied\); building it/,
      );
    } finally {
      await ws.cleanup();
    }
  });

  it('always builds with incremental deploys off, and does not even ask', async () => {
    const { ws, cloud, deploy } = await session();
    try {
      await deploy({ incremental: false });
      await deploy({ incremental: false });
      assert.equal(builds(cloud), 2);
      assert.equal(uploads(cloud), 2);
      assert.deepEqual(cloud.tagLookups, []);
      assert.ok(![...cloud.images.keys()].some((k) => k.includes(':src-')), 'no source tag pushed either');
    } finally {
      await ws.cleanup();
    }
  });
});
