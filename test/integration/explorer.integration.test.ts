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
  });

  it('an unreachable Cloud Run API becomes one error node with a fix, within the call bound', async () => {
    const m = new ExplorerModel({
      runAdmin: () => createCloudPorts({ emulatorHost: '127.0.0.1:1' }).runAdmin,
      target: async () => ({ project: REF.project, region: REF.region }),
      timeoutMs: 3000,
    });
    const nodes = await serviceNodes(m);
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
