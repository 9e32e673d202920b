import * as assert from 'node:assert/strict';
import { EXPLORER_CONTEXT, ExplorerModel, refOf, type ExplorerNode } from '../../src/core/explorer/explorer';
import { DevgemError } from '../../src/core/base/errors';
import type { RunAdminPort } from '../../src/core/cloud/ports';
import { FAKE_REGIONS, FakeCloud } from '../support/fakes';
import { RegionCatalog } from '../../src/core/cloud/regionCatalog';
import { CLOUD_RUN_REGIONS } from '../../src/core/cloud/regions';

const never = new AbortController().signal;
const target = async () => ({ project: 'demo-project', region: 'europe-west1' });

function model(cloud: FakeCloud, overrides: Partial<ConstructorParameters<typeof ExplorerModel>[0]> = {}): ExplorerModel {
  return new ExplorerModel({ runAdmin: () => cloud.ports().runAdmin, target, ...overrides });
}

/** project → configured region → services. */
async function services(m: ExplorerModel): Promise<ExplorerNode[]> {
  const [project] = await m.children(undefined, never);
  const [region] = await m.children(project, never);
  return m.children(region, never);
}

describe('Cloud Run explorer nodes (core)', () => {
  it('shows the configured project, its region first and a Change region item running devgem.chooseRegion', async () => {
    const m = model(new FakeCloud());
    const roots = await m.children(undefined, never);
    assert.deepEqual(
      roots.map((n) => [n.kind, n.label]),
      [['project', 'demo-project']],
    );
    const under = await m.children(roots[0], never);
    assert.deepEqual(
      under.map((n) => n.kind),
      ['region', 'changeRegion'],
    );
    assert.equal(under[0].label, 'europe-west1');
    assert.equal(under[1].command, 'devgem.chooseRegion');
    assert.equal(under[1].expandable, false);
  });

  it('says on the project root when the emulator answers instead of Google Cloud', async () => {
    const [real] = await model(new FakeCloud()).children(undefined, never);
    assert.equal(real.description, 'Google Cloud project');
    const [emulated] = await model(new FakeCloud(), { emulatorHost: () => '127.0.0.1:8123' }).children(undefined, never);
    assert.equal(`${emulated.label} ${emulated.description}`, 'demo-project (Emulator)');
    assert.match(emulated.tooltip ?? '', /local Cloud emulator at 127\.0\.0\.1:8123: nothing here is in Google Cloud/);
  });

  it('lists the services of the configured region, with URL and latest ready revision', async () => {
    const cloud = new FakeCloud();
    cloud.seedService('api', { revisions: 2 });
    cloud.seedService('web');
    cloud.seedService('elsewhere', { region: 'us-central1' });
    const nodes = await services(model(cloud));
    assert.deepEqual(
      nodes.map((n) => n.label),
      ['api', 'web'],
    );
    const api = nodes[0];
    assert.equal(api.kind, 'service');
    assert.equal(api.url, 'https://api.example');
    assert.match(api.description ?? '', /https:\/\/api\.example · api-00002-def/);
    assert.match(api.tooltip ?? '', /Latest ready revision: api-00002-def/);
    assert.equal(api.contextValue, EXPLORER_CONTEXT.service);
    assert.deepEqual(refOf(api), { project: 'demo-project', region: 'europe-west1', service: 'api' });
    assert.ok(cloud.calls.includes('runAdmin.listServices europe-west1'));
  });

  it('shows revisions newest first with traffic, ready icons, and marks only ready non-serving ones for roll back', async () => {
    const cloud = new FakeCloud();
    cloud.seedService('api', { revisions: 2 });
    cloud.addRevision('api', { ready: false });
    const [api] = await services(model(cloud));
    const revs = await model(cloud).children(api, never);
    assert.deepEqual(
      revs.map((r) => [r.label, r.description]),
      [
        ['api-00003-bad', '0%'],
        ['api-00002-def', '100%'],
        ['api-00001-abc', '0%'],
      ],
    );
    assert.deepEqual(
      revs.map((r) => r.icon),
      ['error', 'pass-filled', 'circle-outline'],
    );
    assert.deepEqual(
      revs.map((r) => r.contextValue),
      [EXPLORER_CONTEXT.revision, EXPLORER_CONTEXT.revision, EXPLORER_CONTEXT.revisionRollback],
    );
    assert.equal(revs[2].servingRevision, 'api-00002-def');
    assert.match(revs[0].tooltip ?? '', /Not ready/);
    // A roll back through the port changes what the next load shows.
    await cloud.ports().runAdmin.routeAllTraffic(refOf(revs[2]), revs[2].revision!, never);
    const after = await model(cloud).children(api, never);
    assert.deepEqual(
      after.map((r) => r.description),
      ['0%', '0%', '100%'],
    );
  });

  it('shows traffic tags next to the percentage', async () => {
    const cloud = new FakeCloud();
    const runAdmin: RunAdminPort = {
      ...cloud.ports().runAdmin,
      listRevisions: async () => [{ revision: 'api-2', ready: true, percent: 90, tags: ['blue', 'latest'] }],
    };
    const revs = await new ExplorerModel({ runAdmin: () => runAdmin, target }).children(
      { id: 's', kind: 'service', label: 'api', icon: 'cloud', expandable: true, project: 'p', region: 'r', service: 'api' },
      never,
    );
    assert.equal(revs[0].description, '90% #blue #latest');
    assert.match(revs[0].tooltip ?? '', /Tags: blue, latest/);
  });

  it('says so when the region has no services', async () => {
    const nodes = await services(model(new FakeCloud()));
    assert.deepEqual(
      nodes.map((n) => [n.kind, n.label]),
      [['empty', 'No Cloud Run services in europe-west1']],
    );
  });

  it('turns a failed target into one error node with the fix', async () => {
    const m = model(new FakeCloud(), {
      target: async () => {
        throw new DevgemError('config', 'No Google Cloud project is set.', { fix: 'Set "devgem.project" in Settings.' });
      },
    });
    const nodes = await m.children(undefined, never);
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].kind, 'error');
    assert.equal(nodes[0].label, 'No Google Cloud project is set.');
    assert.equal(nodes[0].description, 'Set "devgem.project" in Settings.');
    assert.equal(nodes[0].expandable, false);
  });

  it('turns a sign-in failure while listing into one error node with the fix', async () => {
    const cloud = new FakeCloud();
    const runAdmin: RunAdminPort = {
      ...cloud.ports().runAdmin,
      listServices: async () => {
        throw new DevgemError('credentials', 'You are not signed in to Google Cloud.', { fix: 'Run `gcloud auth application-default login`.' });
      },
    };
    const m = new ExplorerModel({ runAdmin: () => runAdmin, target });
    const [project] = await m.children(undefined, never);
    const nodes = await m.children(project, never);
    assert.deepEqual(
      nodes.map((n) => [n.kind, n.label, n.description]),
      [['error', 'You are not signed in to Google Cloud.', 'Run `gcloud auth application-default login`.']],
    );
    assert.match(nodes[0].tooltip ?? '', /not signed in[\s\S]*gcloud auth/);
  });

  it('bounds each call: a listing that never answers becomes a timeout error node', async () => {
    const cloud = new FakeCloud();
    const runAdmin: RunAdminPort = { ...cloud.ports().runAdmin, listServices: () => new Promise(() => undefined) };
    const started = Date.now();
    const m = new ExplorerModel({ runAdmin: () => runAdmin, target, timeoutMs: 50 });
    const nodes = await m.children((await m.children(undefined, never))[0], never);
    assert.equal(nodes[0].kind, 'error');
    assert.match(nodes[0].label, /timed out: no answer within \d+ ms/);
    assert.ok(Date.now() - started < 2000);
  });

  it('a cancelled load ends at once with an error node instead of waiting for Cloud Run', async () => {
    const cloud = new FakeCloud();
    const runAdmin: RunAdminPort = { ...cloud.ports().runAdmin, listServices: () => new Promise(() => undefined) };
    const m = new ExplorerModel({ runAdmin: () => runAdmin, target });
    const [project] = await m.children(undefined, never);
    const stop = new AbortController();
    const pending = m.children(project, stop.signal);
    stop.abort();
    const nodes = await pending;
    assert.equal(nodes[0].kind, 'error');
    assert.match(nodes[0].label, /cancelled/);
  });

  describe('every region', () => {
    it('groups the services by region: the configured one first (even empty), then the others with services, by id', async () => {
      const cloud = new FakeCloud();
      cloud.seedService('tokyo', { region: 'asia-northeast1' });
      cloud.seedService('api', { region: 'us-central1' });
      cloud.seedService('jobs', { region: 'us-central1' });
      cloud.seedService('new-region', { region: 'me-central2' });
      const m = model(cloud);
      const [project] = await m.children(undefined, never);
      const regions = await m.children(project, never);
      assert.deepEqual(
        regions.map((n) => [n.kind, n.label, n.description]),
        [
          ['region', 'europe-west1', 'configured region · 0 services'],
          ['region', 'asia-northeast1', '1 service'],
          ['region', 'me-central2', '1 service'],
          ['region', 'us-central1', '2 services'],
          ['changeRegion', 'Change region…', undefined],
        ],
      );
      const calls = cloud.calls.filter((c) => c.startsWith('runAdmin.listServices')).sort();
      assert.deepEqual(
        calls,
        [...new Set([...FAKE_REGIONS, 'me-central2'])].sort().map((r) => `runAdmin.listServices ${r}`),
      );
      // Opening a region shows what the project load found, without another call.
      const before = cloud.calls.length;
      const us = await m.children(regions[3], never);
      assert.deepEqual(
        us.map((n) => [n.label, n.region]),
        [
          ['api', 'us-central1'],
          ['jobs', 'us-central1'],
        ],
      );
      assert.equal(cloud.calls.length, before);
      assert.deepEqual(refOf(us[0]), { project: 'demo-project', region: 'us-central1', service: 'api' });
    });

    it("asks Cloud Run's region list once an hour, and falls back to the fixed list when it cannot answer", async () => {
      const cloud = new FakeCloud();
      let now = 0;
      let fail = false;
      const runAdmin: RunAdminPort = {
        ...cloud.ports().runAdmin,
        listRegions: async (project, s) => {
          if (fail) throw new DevgemError('unavailable', 'offline');
          return cloud.ports().runAdmin.listRegions(project, s);
        },
      };
      const catalog = new RegionCatalog({ listRegions: (p, s) => runAdmin.listRegions(p, s), now: () => now });
      const m = new ExplorerModel({ runAdmin: () => runAdmin, target, regions: catalog });
      const load = async () => m.children((await m.children(undefined, never))[0], never);
      await load();
      await load();
      assert.equal(cloud.calls.filter((c) => c === 'runAdmin.listRegions').length, 1);
      now += 61 * 60_000;
      fail = true;
      cloud.calls.length = 0;
      await load();
      const listed = cloud.calls.filter((c) => c.startsWith('runAdmin.listServices')).length;
      assert.equal(listed, CLOUD_RUN_REGIONS.length, 'every region of the fixed list');
      const list = await catalog.regions('demo-project', never);
      assert.equal(list.from, 'fixed');
      assert.equal(list.problem, 'offline');
    });

    it('a region that fails shows its error under it; the others still list', async () => {
      const cloud = new FakeCloud();
      cloud.seedService('api', { region: 'us-central1' });
      const runAdmin: RunAdminPort = {
        ...cloud.ports().runAdmin,
        listServices: async (opts, s) => {
          if (opts.region === 'asia-northeast1') throw new DevgemError('unavailable', 'asia-northeast1 is unavailable.', { fix: 'Refresh later.' });
          return cloud.ports().runAdmin.listServices(opts, s);
        },
      };
      const m = new ExplorerModel({ runAdmin: () => runAdmin, target });
      const regions = await m.children((await m.children(undefined, never))[0], never);
      assert.deepEqual(
        regions.filter((n) => n.kind === 'region').map((n) => [n.label, n.description]),
        [
          ['europe-west1', 'configured region · 0 services'],
          ['asia-northeast1', 'could not list'],
          ['us-central1', '1 service'],
        ],
      );
      const under = await m.children(regions[1], never);
      assert.deepEqual(
        under.map((n) => [n.kind, n.label, n.description]),
        [['error', 'asia-northeast1 is unavailable.', 'Refresh later.']],
      );
    });
  });
});
