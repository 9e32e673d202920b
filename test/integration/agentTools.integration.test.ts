// The SDK paths the agent's added tools use (issue 16 item 5), through the real
// clients (createCloudPorts) against the emulator: every region's services,
// config changes without a build, public ↔ private, traffic splits, domain
// mappings and log queries by window, text and revision.
import * as assert from 'node:assert/strict';
import type { ServiceRef } from '../../src/core/cloud/ports';
import { DevgemError } from '../../src/core/base/errors';
import { useEmulator } from '../support/useEmulator';
import { listServicesTool } from '../../src/core/agent/tools/serviceTools';
import { testAgentContext } from '../support/agentHarness';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { envEchoFiles, sameWorkspace, testDeployOptions } from '../support/workspace';

const never = new AbortController().signal;
const A: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'alpha' };
const B: ServiceRef = { project: 'demo-project', region: 'us-central1', service: 'beta' };

describe('agent tool SDK paths against the emulator', function () {
  this.timeout(90_000);
  const fx = useEmulator();

  beforeEach(async () => {
    await fx.emu.seedService({ ...A });
    await fx.emu.seedService({ ...B, access: 'all-users' });
  });

  it('lists the services of every region: Cloud Run’s locations API, then each region (v2 refuses "-")', async () => {
    const ctx = testAgentContext('/nonexistent-devgem-ws', fx.ports);
    const one = (await listServicesTool().run({}, ctx, never)).data as { services: { service: string }[] };
    assert.deepEqual(
      one.services.map((s) => s.service),
      ['alpha'],
    );
    const all = (await listServicesTool().run({ all_regions: true }, ctx, never)).data as {
      services: { service: string; region: string }[];
      failedRegions?: unknown;
    };
    assert.deepEqual(all.services.map((s) => `${s.service}@${s.region}`).sort(), ['alpha@europe-west1', 'beta@us-central1']);
    assert.equal(all.failedRegions, undefined);
    await assert.rejects(fx.ports.runAdmin.listServices({ project: 'demo-project', region: '-' }, never), /cannot be the "-" wildcard/);
  });

  /** A service the emulator runs (a seeded one has Google's sample image, which it cannot start). */
  async function deployed(version: string): Promise<string> {
    const ws = await sameWorkspace(await envEchoFiles(version), 'echo');
    try {
      const r = await runDeploy(
        testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, approvedSpecChanges: 'all' }),
        { ports: fx.ports, buildPollMs: 100, emit: () => undefined },
        never,
      );
      assert.equal(r.outcome, 'success', JSON.stringify(r));
      return r.outcome === 'success' ? (r.revision ?? '') : '';
    } finally {
      await ws.cleanup();
    }
  }
  const ECHO: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'echo' };

  it('splits the traffic between two ready revisions, a tag on the canary', async () => {
    const first = await deployed('1');
    const second = await deployed('2');
    await fx.ports.runAdmin.setTraffic(
      ECHO,
      [
        { revision: first, percent: 90 },
        { revision: second, percent: 10, tag: 'canary' },
      ],
      never,
    );
    const revisions = await fx.ports.runAdmin.listRevisions(ECHO, never);
    assert.deepEqual(
      revisions.map((r) => [r.revision, r.percent, r.tags]),
      [
        [second, 10, ['canary']],
        [first, 90, []],
      ],
    );
  });

  it('changes scaling, resources, concurrency and timeout as a new revision of the same image', async () => {
    await deployed('1');
    const before = await fx.ports.runAdmin.describeService(ECHO, never);
    const info = await fx.ports.runAdmin.updateConfig(
      ECHO,
      { minInstances: 1, maxInstances: 4, memory: '1Gi', cpu: '2', concurrency: 20, timeoutSeconds: 600 },
      never,
    );
    const after = await fx.ports.runAdmin.describeService(ECHO, never);
    assert.ok(after && before);
    assert.deepEqual([after.minInstances, after.maxInstances, after.memory, after.cpu, after.concurrency, after.timeoutSeconds], [1, 4, '1Gi', '2', 20, 600]);
    assert.equal(after.image, before.image, 'no build: the same image');
    assert.notEqual(info.latestCreatedRevision, before.latestCreatedRevision, 'a new revision');
  });

  it('makes a service private and public again', async () => {
    await fx.ports.runAdmin.setPublic(B, false, never);
    assert.equal((await fx.ports.run.inspectService(B, never))?.public, false);
    await fx.ports.runAdmin.setPublic(B, true, never);
    assert.equal((await fx.ports.run.inspectService(B, never))?.public, true);
  });

  it('creates a domain mapping (POST v1 domainmappings) and lists it; a second one is refused', async () => {
    const m = await fx.ports.runAdmin.createDomainMapping(A, 'api.example.com', never);
    assert.equal(m.domain, 'api.example.com');
    assert.deepEqual(m.records, [{ type: 'CNAME', name: 'api', rrdata: 'ghs.googlehosted.com.' }]);
    assert.deepEqual(await fx.ports.run.listDomainMappings(A, never), [{ domain: 'api.example.com', service: 'alpha' }]);
    const again = await fx.ports.runAdmin.createDomainMapping(A, 'api.example.com', never).catch((e: unknown) => e);
    assert.ok(again instanceof DevgemError, String(again));
  });

  it('reads logs by time window, text and revision', async () => {
    const at = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    fx.emu.seedLogs([
      { ...A, location: A.region, revision: 'alpha-00001-aaa', severity: 'ERROR', timestamp: at(90), text: 'old DB Timeout' },
      { ...A, location: A.region, revision: 'alpha-00001-aaa', severity: 'ERROR', timestamp: at(30), text: 'DB Timeout again' },
      { ...A, location: A.region, revision: 'alpha-00002-bbb', severity: 'ERROR', timestamp: at(20), text: 'timeout elsewhere' },
      { ...A, location: A.region, revision: 'alpha-00001-aaa', severity: 'INFO', timestamp: at(10), text: 'timeout config' },
    ]);
    const hits = await fx.ports.logging.readServiceLogs(
      { ...A, limit: 50, minSeverity: 'ERROR', sinceIso: at(60), untilIso: at(0), text: 'timeout', revision: 'alpha-00001-aaa' },
      never,
    );
    assert.deepEqual(
      hits.map((e) => e.text),
      ['DB Timeout again'],
    );
  });
});
