// The revision-diff guard through the real Cloud Run SDK (and the v1 domain
// mappings REST call) against the emulator: a deploy that would change what the
// live service relies on asks first, and a "no" leaves the service as it was.
import * as assert from 'node:assert/strict';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { SpecChange } from '../../src/core/cloud/ports';
import { unattendedUi } from '../../src/core/deploy/deployUi';
import type { DeployResult } from '../../src/shared/protocol';
import { sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'guarded', scripts: { start: 'node server.js' } }),
  'server.js': "require('http').createServer((q, s) => s.end('guarded')).listen(Number(process.env.PORT));\n",
};
const REF = { project: 'demo-project', region: 'europe-west1', service: 'guarded' };

interface EmuState {
  services: { name: string; public: boolean; revisions: { name: string }[] }[];
}

describe('revision-diff guard with the real SDKs against the emulator', function () {
  this.timeout(60_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.3, deploySeconds: 0.1 } });

  async function revisions(): Promise<number> {
    const s = await fx.state<EmuState>();
    return s.services.find((x) => x.name.endsWith(`/services/${REF.service}`))?.revisions.length ?? 0;
  }

  /** One deploy; `answer` undefined = unattended (no one to ask). */
  async function deploy(overrides: Partial<DeployOptions>, answer?: boolean): Promise<{ result: DeployResult; asked: SpecChange[] | undefined }> {
    // Redeploys come from the same folder, as a user's do (ownership.ts asks otherwise).
    const ws = await sameWorkspace(APP, REF.service);
    let asked: SpecChange[] | undefined;
    const ui = answer === undefined ? undefined : { ...unattendedUi, confirmSpecChanges: async (c: SpecChange[]) => ((asked = c), answer) };
    try {
      const result = await runDeploy(
        testDeployOptions(ws.root, { service: REF.service, verifyTimeoutSeconds: 20, ...overrides }),
        {
          ports: fx.ports,
          ui,
          buildPollMs: 100,
          emit: () => undefined,
        },
        new AbortController().signal,
      );
      return { result, asked };
    } finally {
      await ws.cleanup();
    }
  }

  it('min instances 1 → 0 asks first; "no" changes nothing, "yes" deploys', async () => {
    const first = await deploy({ runtime: { minInstances: 1 } }, true);
    assert.equal(first.result.outcome, 'success', JSON.stringify(first.result));
    assert.equal(first.asked, undefined, 'creating a service asks nothing');

    const plain = await deploy({}, true);
    assert.equal(plain.result.outcome, 'success');
    assert.equal(plain.asked, undefined, 'a plain redeploy keeps min instances: no question');
    const before = await revisions();

    const refused = await deploy({ runtime: { minInstances: 0 } }, false);
    assert.deepEqual(
      refused.asked?.map((c) => c.message),
      ['Min instances 1 → 0 (cold starts return)'],
    );
    assert.ok(refused.result.outcome === 'failed' && refused.result.stage === 'deploy', JSON.stringify(refused.result));
    assert.equal(await revisions(), before, 'no new revision');
    const live = await fx.ports.runAdmin.describeService(REF, new AbortController().signal);
    assert.equal(live?.minInstances, 1);

    const unattended = await deploy({ runtime: { minInstances: 0 } });
    assert.ok(unattended.result.outcome === 'failed' && /--yes/.test(unattended.result.problem.fix ?? ''), JSON.stringify(unattended.result));

    const approved = await deploy({ runtime: { minInstances: 0 } }, true);
    assert.equal(approved.result.outcome, 'success', JSON.stringify(approved.result));
    assert.equal(await revisions(), before + 1);
    const after = await fx.ports.runAdmin.describeService(REF, new AbortController().signal);
    assert.equal(after?.minInstances, 0);
  });

  it('lists the domain mappings of the service in its region through the v1 REST API', async () => {
    fx.emu.seedDomainMapping({ ...REF, domain: 'shop.example.com' });
    fx.emu.seedDomainMapping({ ...REF, service: 'other', domain: 'other.example.com' });
    fx.emu.seedDomainMapping({ ...REF, region: 'us-central1', domain: 'us.example.com' });
    const mappings = await fx.ports.run.listDomainMappings(REF, new AbortController().signal);
    assert.deepEqual(mappings, [{ domain: 'shop.example.com', service: REF.service }]);
  });

  it('a public service with a custom domain asks before a private deploy', async () => {
    fx.emu.seedDomainMapping({ ...REF, domain: 'shop.example.com' });
    const first = await deploy({}, true);
    assert.equal(first.result.outcome, 'success', JSON.stringify(first.result));

    const refused = await deploy({ allowUnauthenticated: false }, false);
    assert.deepEqual(
      refused.asked?.map((c) => c.kind),
      ['domain-private'],
    );
    assert.match(refused.asked?.[0].message ?? '', /shop\.example\.com/);
    assert.equal(refused.result.outcome, 'failed');
  });

  it('a private deploy of a service no custom domain maps to asks nothing', async () => {
    fx.emu.seedDomainMapping({ ...REF, service: 'other', domain: 'other.example.com' });
    assert.equal((await deploy({}, true)).result.outcome, 'success');
    const privateDeploy = await deploy({ allowUnauthenticated: false }, true);
    assert.equal(privateDeploy.asked, undefined);
    assert.equal(privateDeploy.result.outcome, 'success', JSON.stringify(privateDeploy.result));
  });
});
