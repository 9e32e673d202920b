// The Cloud Run explorer's nodes and the log tail through the real SDK
// clients (createCloudPorts) against the local emulator, after real deploys.
import * as assert from 'node:assert/strict';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import { EXPLORER_CONTEXT, ExplorerModel, refOf, type ExplorerNode } from '../../src/core/explorer/explorer';
import { tailServiceLogs } from '../../src/core/logs/logTailer';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { LogEntryInfo, ServiceRef } from '../../src/core/cloud/ports';
import { realClock } from '../../src/core/base/wait';
import { envEchoFiles, sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';
import { devgemVersion } from '../../src/core/base/version';

const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'env-echo' };
const never = new AbortController().signal;

async function get(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  await res.text();
  assert.equal(res.status, 200, `GET ${url}`);
}

describe('Cloud Run explorer and log tail through the real SDKs against the emulator', function () {
  this.timeout(90_000);
  const fx = useEmulator();

  async function deploy(version: string): Promise<{ url: string; revision: string }> {
    // Redeploys come from the same folder, as a user's do (ownership.ts asks otherwise).
    const ws = await sameWorkspace(await envEchoFiles(version), REF.service);
    try {
      const result = await runDeploy(
        testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, approvedSpecChanges: 'all' }),
        { ports: fx.ports, buildPollMs: 100, emit: () => undefined },
        never,
      );
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      if (result.outcome !== 'success') throw new Error('unreachable');
      return { url: result.url, revision: result.revision ?? '' };
    } finally {
      await ws.cleanup();
    }
  }

  const model = () => new ExplorerModel({ runAdmin: () => fx.ports.runAdmin, target: async () => ({ project: REF.project, region: REF.region }) });

  async function serviceNodes(m: ExplorerModel): Promise<ExplorerNode[]> {
    const [project] = await m.children(undefined, never);
    const [region] = await m.children(project, never);
    return m.children(region, never);
  }

  it('shows the deployed service with its URL and two revisions at 100/0, and a roll back moves the traffic', async () => {
    const first = await deploy('1');
    const second = await deploy('2');
    assert.notEqual(first.revision, second.revision);
    const m = model();
    const services = await serviceNodes(m);
    assert.deepEqual(
      services.map((n) => [n.kind, n.label]),
      [['service', REF.service]],
    );
    assert.equal(services[0].url, second.url);
    assert.match(services[0].description ?? '', new RegExp(second.revision));
    const revs = await m.children(services[0], never);
    assert.deepEqual(
      revs.map((r) => [r.revision, r.description]),
      [
        [second.revision, '100%'],
        [first.revision, '0%'],
      ],
    );
    assert.deepEqual(
      revs.map((r) => r.contextValue),
      [EXPLORER_CONTEXT.revision, EXPLORER_CONTEXT.revisionRollback],
    );

    // What Roll Back to This Revision does after its confirmation.
    await fx.ports.runAdmin.routeAllTraffic(refOf(revs[1]), revs[1].revision!, never);
    const after = await m.children(services[0], never);
    assert.deepEqual(
      after.map((r) => r.description),
      ['0%', '100%'],
    );
    // Every write (create, update, roll back) says it was Devgem, as gcloud and Cloud Code do (Service.client/clientVersion).
    const res = await fetch(`http://${fx.emu.host}/v2/projects/${REF.project}/locations/${REF.region}/services/${REF.service}`, {
      signal: AbortSignal.timeout(5000),
    });
    const json = (await res.json()) as { client?: string; clientVersion?: string };
    assert.deepEqual([json.client, json.clientVersion], ['devgem', devgemVersion()]);
    assert.match(json.clientVersion ?? '', /^\d+\.\d+\.\d+/);
  });

  it('lists the services of every region, grouped by region, the configured one first (three regions)', async () => {
    await fx.emu.seedService({ project: REF.project, region: 'europe-west1', service: 'shop' });
    await fx.emu.seedService({ project: REF.project, region: 'us-central1', service: 'api' });
    await fx.emu.seedService({ project: REF.project, region: 'us-central1', service: 'worker' });
    await fx.emu.seedService({ project: REF.project, region: 'asia-northeast1', service: 'tokyo-web' });
    await fx.emu.seedService({ project: 'other-project', region: 'us-east1', service: 'not-ours' });
    const m = model();
    const [project] = await m.children(undefined, never);
    const regions = await m.children(project, never);
    assert.deepEqual(
      regions.map((n) => [n.kind, n.label]),
      [
        ['region', 'europe-west1'],
        ['region', 'asia-northeast1'],
        ['region', 'us-central1'],
        ['changeRegion', 'Change region…'],
      ],
    );
    assert.match(regions[0].description ?? '', /configured region · Belgium · 1 service$/);
    assert.match(regions[2].description ?? '', /^Iowa · 2 services$/);
    const byRegion = await Promise.all(regions.slice(0, 3).map(async (r) => (await m.children(r, never)).map((s) => `${s.region}/${s.label}`)));
    assert.deepEqual(byRegion, [['europe-west1/shop'], ['asia-northeast1/tokyo-web'], ['us-central1/api', 'us-central1/worker']]);
    // A service of another region is a full service node: its revisions list through its own region.
    const [api] = await m.children(regions[2], never);
    assert.deepEqual(refOf(api), { project: REF.project, region: 'us-central1', service: 'api' });
    assert.equal((await m.children(api, never)).length, 1);
  });

  it("Cloud Run's locations API lists its regions; the v2 list refuses the '-' wildcard, as Google documents", async () => {
    const regions = await fx.ports.runAdmin.listRegions(REF.project, never);
    assert.ok(regions.length > 30, `${regions.length} regions`);
    assert.deepEqual(
      regions.find((r) => r.id === 'europe-west1'),
      { id: 'europe-west1', displayName: 'Belgium' },
    );
    await assert.rejects(fx.ports.runAdmin.listServices({ project: REF.project, region: '-' }, never), /wildcard/);
  });

  it('an unreachable Cloud Run API becomes one error node with a fix, within the call bound', async () => {
    const m = new ExplorerModel({
      runAdmin: () => createCloudPorts({ emulatorHost: '127.0.0.1:1' }).runAdmin,
      target: async () => ({ project: REF.project, region: REF.region }),
      timeoutMs: 3000,
    });
    const [project] = await m.children(undefined, never);
    // Every region fails the same way: one error with its fix, not one per region.
    const nodes = await m.children(project, never);
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].kind, 'error');
    assert.ok(nodes[0].label.length > 0 && (nodes[0].description ?? '').length > 0, JSON.stringify(nodes[0]));
  });

  it("the log tail shows the app's stdout lines, then new ones as requests arrive, each once", async () => {
    const { url } = await deploy('1');
    const shown: LogEntryInfo[] = [];
    const errors: unknown[] = [];
    const stop = new AbortController();
    const waitFor = async (what: string, ok: () => boolean) => {
      for (const deadline = Date.now() + 10_000; !ok(); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) assert.fail(`${what} did not appear within 10 s: ${shown.map((e) => e.text).join(' | ')}`);
      }
    };
    const tail = tailServiceLogs(
      fx.ports.logging,
      { ref: REF, pollMs: 200 },
      { entries: (es) => shown.push(...es), error: (e) => errors.push(e) },
      realClock,
      stop.signal,
    );
    try {
      await waitFor('the start-up line', () => shown.some((e) => /^listening on \d+ \(v1\)$/.test(e.text)));
      await get(`${url}/tailed-one`);
      await waitFor('the first request', () => shown.some((e) => e.text.includes('/tailed-one')));
      await get(`${url}/tailed-two`);
      await waitFor('the second request', () => shown.some((e) => e.text.includes('/tailed-two')));
    } finally {
      stop.abort();
      await tail;
    }
    const keys = shown.map((e) => `${e.timestamp} ${e.text}`);
    assert.equal(new Set(keys).size, keys.length, 'no entry shown twice');
    assert.deepEqual(errors, []);
  });
});
