// Automatic rollback and preview deploys through the real Cloud Run SDK against
// the emulator: a new revision that answers 500 loses the traffic to the one
// that served before, and a no-traffic deploy is reachable only through its tag's URL.
import * as assert from 'node:assert/strict';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployResult } from '../../src/shared/protocol';
import { sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const REF = { project: 'demo-project', region: 'europe-west1', service: 'rolling' };

/** A dependency-free node app answering `body` with `status` on every path. */
function app(body: string, status = 200): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'rolling', scripts: { start: 'node server.js' } }),
    'server.js': `require('http').createServer((q, s) => { s.statusCode = ${status}; s.end(${JSON.stringify(body)}); }).listen(Number(process.env.PORT));\n`,
  };
}

async function body(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

describe('automatic rollback and preview deploys with the real SDKs against the emulator', function () {
  this.timeout(90_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.3, deploySeconds: 0.1 } });

  async function deploy(files: Record<string, string>, overrides: Partial<DeployOptions> = {}): Promise<DeployResult> {
    // Redeploys come from the same folder, as a user's do (ownership.ts asks otherwise).
    const ws = await sameWorkspace(files, REF.service);
    try {
      return await runDeploy(
        testDeployOptions(ws.root, { service: REF.service, verifyTimeoutSeconds: 3, ...overrides }),
        {
          ports: fx.ports,
          buildPollMs: 100,
          emit: () => undefined,
        },
        new AbortController().signal,
      );
    } finally {
      await ws.cleanup();
    }
  }

  it('a v2 that answers 500 is rolled back: the URL still answers with v1 and the deploy says so', async () => {
    const v1 = await deploy(app('v1'));
    assert.ok(v1.outcome === 'success', JSON.stringify(v1));
    const bad = await deploy(app('broken', 500));
    assert.ok(bad.outcome === 'failed', JSON.stringify(bad));
    assert.equal(bad.stage, 'verify');
    assert.match(
      bad.problem.message,
      new RegExp(`^The new revision rolling-\\S+ failed its health check \\(HTTP 500[^)]*\\); traffic is back on ${v1.revision}\\.$`),
    );
    assert.deepEqual(await body(v1.url), { status: 200, text: 'v1' });
    const live = await fx.ports.runAdmin.describeService(REF, new AbortController().signal);
    assert.deepEqual(
      live?.traffic.map((t) => [t.revision, t.percent]),
      [[v1.revision, 100]],
    );
  });

  it('a v2 that never starts is rolled back too, failing at the deploy stage', async () => {
    const v1 = await deploy(app('v1'));
    assert.ok(v1.outcome === 'success', JSON.stringify(v1));
    const crash = { ...app('never'), 'server.js': "console.error('boom'); process.exit(1);\n" };
    // No server in it, so the analysis would stop before the build (readinessGate.ts): insist, to reach the rollout.
    const bad = await deploy(crash, { deployAnyway: true });
    assert.ok(bad.outcome === 'failed', JSON.stringify(bad));
    assert.equal(bad.stage, 'deploy');
    assert.match(bad.problem.message, new RegExp(`^The new revision rolling-\\S+ did not become ready \\(.+\\); traffic is back on ${v1.revision}\\.$`));
    assert.deepEqual(await body(v1.url), { status: 200, text: 'v1' });
    const live = await fx.ports.runAdmin.describeService(REF, new AbortController().signal);
    assert.deepEqual(
      live?.traffic.map((t) => [t.revision, t.percent, t.latest]),
      [[v1.revision, 100, false]],
    );
  });

  it('with autoRollback off, the broken revision keeps the traffic', async () => {
    const v1 = await deploy(app('v1'));
    assert.ok(v1.outcome === 'success', JSON.stringify(v1));
    const bad = await deploy(app('broken', 500), { autoRollback: false });
    assert.ok(bad.outcome === 'failed' && /Automatic rollback is off/.test(bad.problem.fix ?? ''), JSON.stringify(bad));
    assert.equal((await body(v1.url)).status, 500);
  });

  it('a preview deploy with a tag leaves the main URL on v1 and the tagged URL serves v2', async () => {
    const v1 = await deploy(app('v1'));
    assert.ok(v1.outcome === 'success', JSON.stringify(v1));
    const preview = await deploy(app('v2'), { noTraffic: { tag: 'pr-7' } });
    assert.ok(preview.outcome === 'success', JSON.stringify(preview));
    assert.deepEqual(preview.preview, { tag: 'pr-7', serviceUrl: v1.url, servingRevision: v1.revision });
    assert.notEqual(preview.url, v1.url);
    assert.notEqual(preview.revision, v1.revision);
    assert.deepEqual(await body(preview.url), { status: 200, text: 'v2' });
    assert.deepEqual(await body(v1.url), { status: 200, text: 'v1' });
    const revisions = await fx.ports.runAdmin.listRevisions(REF, new AbortController().signal);
    const byName = new Map(revisions.map((r) => [r.revision, r]));
    assert.equal(byName.get(v1.revision!)?.percent, 100);
    assert.deepEqual([byName.get(preview.revision!)?.percent, byName.get(preview.revision!)?.tags], [0, ['pr-7']]);

    // The next plain deploy serves the new code to everyone; the tag stays a URL.
    const v3 = await deploy(app('v3'));
    assert.ok(v3.outcome === 'success', JSON.stringify(v3));
    assert.deepEqual(await body(v1.url), { status: 200, text: 'v3' });
    assert.deepEqual(await body(preview.url), { status: 200, text: 'v2' });
  });
});
