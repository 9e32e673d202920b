// How Devgem asks Cloud Build for an image: BuildKit with an inline layer cache
// in the service's repository, the machine type setting, and Google's
// buildpacks when the strategy, the review or an unknown stack says so.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { buildConfig, CACHE_TAG, DOCKER_BUILDER, earlierStages, GOOGLE_BUILDPACKS, PACK_BUILDER } from '../../src/core/cloud/buildConfig';
import type { BuildRequest } from '../../src/core/cloud/ports';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { unattendedUi, type DeployUiPort } from '../../src/core/deploy/deployUi';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent } from '../../src/shared/protocol';
import { FakeClock, FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const REPO = 'europe-west1-docker.pkg.dev/p/devgem/shop';
const REQ: BuildRequest = {
  project: 'p',
  region: 'europe-west1',
  bucket: 'b',
  object: 'source/shop.tar.gz',
  image: `${REPO}:20261207-1`,
  extraTags: ['src-abc'],
  dockerfile: 'Dockerfile',
  logsBucket: 'gs://b',
  timeoutSeconds: 1200,
};

describe('the Cloud Build request', () => {
  it('builds the Dockerfile with BuildKit, reading and writing an inline layer cache at <repo>/<service>:buildcache', () => {
    const c = buildConfig(REQ);
    assert.equal(c.steps.length, 1);
    const [step] = c.steps;
    assert.equal(step.name, DOCKER_BUILDER);
    assert.deepEqual(step.env, ['DOCKER_BUILDKIT=1']);
    const args = step.args.join(' ');
    assert.match(args, /^build --network=cloudbuild /);
    assert.match(args, / --build-arg BUILDKIT_INLINE_CACHE=1 /);
    assert.match(args, new RegExp(` --cache-from ${REPO}:${CACHE_TAG} `));
    assert.match(args, / -f Dockerfile /);
    for (const tag of [`${REPO}:20261207-1`, `${REPO}:src-abc`, `${REPO}:${CACHE_TAG}`]) assert.ok(args.includes(` -t ${tag}`), tag);
    assert.ok(args.endsWith(' .'));
    assert.deepEqual(c.images, [`${REPO}:20261207-1`, `${REPO}:src-abc`, `${REPO}:${CACHE_TAG}`], 'the cache tag is pushed with the image');
    assert.deepEqual(c.options, { logging: 'GCS_ONLY' }, 'no machine type unless set');
  });

  it('caches each earlier stage of a multi-stage Dockerfile in its own image, built first with --target; the full build reads them all', () => {
    const dockerfile =
      'FROM node:24-slim AS deps\nRUN npm ci\nFROM --platform=linux/amd64 node:24-slim AS Build\nRUN x\nFROM node:24-slim AS runtime\nCOPY --from=build /app ./\n';
    assert.deepEqual(earlierStages(dockerfile), ['deps', 'build'], 'named stages before the last one');
    assert.deepEqual(earlierStages('FROM python:3.14-slim\nCOPY . .\n'), []);
    const c = buildConfig({ ...REQ, cacheStages: ['deps', 'build'] });
    assert.deepEqual(
      c.steps.map((s) => s.id),
      ['cache deps', 'cache build', undefined],
    );
    const from = ['deps', 'build'].map((st) => `--cache-from ${REPO}:${CACHE_TAG}-${st}`).join(' ') + ` --cache-from ${REPO}:${CACHE_TAG} `;
    for (const step of c.steps) assert.ok(step.args.join(' ').includes(from), step.args.join(' '));
    assert.match(c.steps[0].args.join(' '), new RegExp(`--target deps -t ${REPO}:${CACHE_TAG}-deps \\.$`));
    assert.doesNotMatch(c.steps[2].args.join(' '), /--target/);
    assert.deepEqual(c.images.slice(-3), [`${REPO}:${CACHE_TAG}`, `${REPO}:${CACHE_TAG}-deps`, `${REPO}:${CACHE_TAG}-build`]);
  });

  it('sends the machine type setting as options.machineType', () => {
    assert.deepEqual(buildConfig({ ...REQ, machineType: 'E2_HIGHCPU_8' }).options, { logging: 'GCS_ONLY', machineType: 'E2_HIGHCPU_8' });
    assert.equal(buildConfig({ ...REQ, builder: 'buildpacks', machineType: 'E2_HIGHCPU_32' }).options.machineType, 'E2_HIGHCPU_32');
  });

  it("builds with Google's buildpacks as gcloud run deploy --source does: pack, Google's builder, Cloud Build's network, every tag", () => {
    const c = buildConfig({ ...REQ, builder: 'buildpacks', dockerfile: '' });
    assert.deepEqual(c.steps, [
      {
        name: PACK_BUILDER,
        entrypoint: 'pack',
        args: ['build', `${REPO}:20261207-1`, '--builder', GOOGLE_BUILDPACKS, '--network', 'cloudbuild', '--path', '.', '--tag', `${REPO}:src-abc`],
      },
    ]);
    assert.deepEqual(c.images, [`${REPO}:20261207-1`, `${REPO}:src-abc`], 'pushed to the same repository by Cloud Build');
  });
});

describe('choosing between a Dockerfile and buildpacks', () => {
  async function deploy(files: Record<string, string>, overrides: Partial<DeployOptions> = {}, ui: DeployUiPort = unattendedUi) {
    const ws = await makeWorkspace(files);
    const cloud = await new FakeCloud().ownedBy(ws.root);
    const events: DeployEvent[] = [];
    try {
      const opts = testDeployOptions(ws.root, { service: 'svc', deployId: '20261207-120000-abcd', ...overrides });
      const result = await runDeploy(
        opts,
        { ports: cloud.ports(), clock: new FakeClock(), buildPollMs: 10, ui, emit: (e) => events.push(e) },
        new AbortController().signal,
      );
      const written = await fs.readdir(ws.root);
      return { result, events, requests: cloud.buildRequests(), written };
    } finally {
      await ws.cleanup();
    }
  }
  const details = (events: DeployEvent[]) => events.flatMap((e) => (e.type === 'stage' && e.detail ? [`${e.stage}: ${e.detail}`] : []));

  it('a known stack with the default strategy: a Dockerfile build with the cache flags and the machine type setting', async () => {
    const { result, requests } = await deploy(NODE_APP, { buildMachineType: 'E2_HIGHCPU_8' });
    assert.equal(result.outcome, 'success');
    assert.equal(requests.length, 1);
    assert.equal(requests[0].builder, undefined);
    assert.equal(requests[0].dockerfile, 'Dockerfile');
    assert.equal(requests[0].machineType, 'E2_HIGHCPU_8');
    const typescript = await deploy({
      ...NODE_APP,
      'package.json': JSON.stringify({ name: 'ts', scripts: { build: 'tsc', start: 'node dist/server.js' }, devDependencies: { typescript: '5.9.3' } }),
    });
    assert.deepEqual(typescript.requests[0].cacheStages, ['build'], "the generated Dockerfile's build stage is cached apart");
  });

  it("a stack no rule knows (strategy auto): Google's buildpacks build the folder, and the tracker says they chose the runtime", async () => {
    const { result, requests, events, written } = await deploy({ 'Main.java': 'class Main {}\n', 'README.md': '# hi\n' });
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    assert.equal(requests[0].builder, 'buildpacks');
    assert.ok(!written.includes('Dockerfile'), 'no Dockerfile is written');
    const said = details(events).join('\n');
    assert.match(said, /dockerfile: Google's buildpacks build the app on Cloud Build and choose its runtime \(no Devgem rule knows this stack\)/);
    assert.match(said, /build: Built .* with Google's buildpacks, which chose the runtime/);
  });

  it('a stack no rule knows with strategy "dockerfile": stops at analyze, naming the setting that lets buildpacks try', async () => {
    const { result, requests } = await deploy({ 'Main.java': 'class Main {}\n' }, { buildStrategy: 'dockerfile' });
    assert.equal(result.outcome === 'failed' && result.stage, 'analyze');
    assert.match(result.outcome === 'failed' ? (result.problem.fix ?? '') : '', /devgem\.build\.strategy/);
    assert.equal(requests.length, 0);
  });

  it('strategy auto does not send buildpacks what they cannot build: only docs, a language they do not know, a broken manifest', async () => {
    const cases: Record<string, string>[] = [{ 'README.md': '# hi' }, { 'main.cob': 'DISPLAY "hi".' }, { 'package.json': '{"name": ' }];
    for (const files of cases) {
      const { result, requests } = await deploy(files);
      assert.equal(result.outcome === 'failed' && result.stage, 'analyze', JSON.stringify(files));
      assert.equal(requests.length, 0);
    }
  });

  it('strategy "buildpacks" uses them even for a stack Devgem knows, and writes no Dockerfile', async () => {
    const { result, requests, written, events } = await deploy(NODE_APP, { buildStrategy: 'buildpacks' });
    assert.equal(result.outcome, 'success');
    assert.equal(requests[0].builder, 'buildpacks');
    assert.ok(!written.includes('Dockerfile'));
    assert.match(details(events).join('\n'), /devgem\.build\.strategy is "buildpacks"/);
  });

  it("the review's buildpacks choice is offered with strategy auto and taken; with strategy dockerfile it is not offered", async () => {
    const offered: (boolean | undefined)[] = [];
    const ui: DeployUiPort = {
      ...unattendedUi,
      reviewDockerfile: async (file) => {
        offered.push(file.offerBuildpacks);
        return file.offerBuildpacks ? 'buildpacks' : true;
      },
    };
    const picked = await deploy(NODE_APP, {}, ui);
    assert.equal(picked.requests[0].builder, 'buildpacks');
    assert.ok(!picked.written.includes('Dockerfile'));
    assert.match(details(picked.events).join('\n'), /chosen in the Dockerfile review/);
    const kept = await deploy(NODE_APP, { buildStrategy: 'dockerfile' }, ui);
    assert.equal(kept.requests[0].builder, undefined);
    assert.ok(kept.written.includes('Dockerfile'));
    assert.deepEqual(offered, [true, false]);
  });

  it('the same source built with buildpacks and with a Dockerfile is not the same image (incremental deploys tell them apart)', async () => {
    const a = await deploy(NODE_APP, { buildStrategy: 'buildpacks' });
    const b = await deploy(NODE_APP, { buildStrategy: 'dockerfile' });
    assert.notDeepEqual(a.requests[0].extraTags, b.requests[0].extraTags);
  });
});
