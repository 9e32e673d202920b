// A .env import never adds a version to, or grants access on, a secret Devgem
// did not create, unless the user agreed for that secret. Real Secret Manager
// and Cloud Run SDK clients against the emulator.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createToolRegistry } from '../../src/core/agent/tools';
import { parseDotenv } from '../../src/core/env/dotenv';
import { applyEnvImport, planEnvImport } from '../../src/core/env/envImport';
import { originOf } from '../../src/core/deploy/origin';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { DevgemError } from '../../src/core/base/errors';
import type { ServiceRef } from '../../src/core/cloud/ports';
import { TestConfirm, testAgentContext } from '../support/agentHarness';
import { SECRET_APP, STRIPE } from '../support/secretApp';
import { useEmulator } from '../support/useEmulator';
import { useTempDir } from '../support/useTempDir';
import { testDeployOptions } from '../support/workspace';

const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'shop' };
const never = new AbortController().signal;

interface SecretState {
  name: string;
  labels: Record<string, string>;
  versions: number;
  bindings: { role: string; members: string[] }[];
}

describe('.env import: secrets Devgem did not create', function () {
  this.timeout(90_000);
  const fx = useEmulator();
  const tmp = useTempDir('devgem-secret-owner-');

  /** The payments team's secret, which the import would name shop-stripe-secret-key. */
  const seedForeign = () =>
    fx.emu.seedSecret({
      project: REF.project,
      id: 'shop-stripe-secret-key',
      versions: ['theirs'],
      labels: { team: 'payments' },
      accessors: ['billing@demo-project.iam.gserviceaccount.com'],
    });

  async function secret(id: string): Promise<SecretState | undefined> {
    return (await fx.state<{ secrets: SecretState[] }>()).secrets.find((s) => s.name.endsWith(`/secrets/${id}`));
  }

  async function assertUntouched(): Promise<void> {
    const s = await secret('shop-stripe-secret-key');
    assert.deepEqual(s?.labels, { team: 'payments' });
    assert.equal(s?.versions, 1, 'no version was added');
    assert.deepEqual(s?.bindings, [{ role: 'roles/secretmanager.secretAccessor', members: ['serviceAccount:billing@demo-project.iam.gserviceaccount.com'] }]);
    const d = await fx.ports.runAdmin.describeService(REF, never);
    assert.ok(!d?.env.some((e) => e.name === 'STRIPE_SECRET_KEY'), 'the service does not reference it');
  }

  async function deployShop(): Promise<string> {
    const root = path.join(tmp.path, 'shop');
    await fs.mkdir(root);
    for (const [rel, content] of Object.entries(SECRET_APP)) await fs.writeFile(path.join(root, rel), content);
    await fs.writeFile(path.join(root, '.env'), `GREETING=hi\nSTRIPE_SECRET_KEY=${STRIPE}\n`);
    const result = await runDeploy(testDeployOptions(root, { verifyTimeoutSeconds: 20 }), { ports: fx.ports, buildPollMs: 100, emit: () => undefined }, never);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    return root;
  }

  it('refuses, before writing anything, to version or grant a secret it did not create', async () => {
    await deployShop();
    seedForeign();
    const parsed = parseDotenv(`GREETING=hi\nSTRIPE_SECRET_KEY=${STRIPE}\nDB_PASSWORD=pw-${Date.now()}\n`);
    await assert.rejects(
      applyEnvImport(fx.ports, REF, parsed, planEnvImport(parsed, REF.service), { signal: never }),
      (e: DevgemError) =>
        e.kind === 'failed-precondition' &&
        /^Nothing was imported: shop-stripe-secret-key \(for STRIPE_SECRET_KEY\) already exists and Devgem did not create it \(labels: team: payments\)/.test(
          e.message,
        ) &&
        !e.message.includes(STRIPE),
    );
    await assertUntouched();
    assert.equal(await secret('shop-db-password'), undefined, 'not even the other secret was created');
  });

  it("the agent's plan names the existing secret; declined, nothing changes; approved, it is used and Devgem's own are labelled", async () => {
    const root = await deployShop();
    seedForeign();
    const ctx = testAgentContext(root, fx.ports);
    const declined = new TestConfirm([false]);
    const out = await createToolRegistry().execute({ name: 'import_env_file', args: { service: 'shop' } }, ctx, { confirm: declined }, never);
    assert.equal(out.status, 'declined');
    const warning = declined.asked[0].details.find((d) => d.label === 'Warning')?.value ?? '';
    assert.match(warning, /shop-stripe-secret-key \(for STRIPE_SECRET_KEY\) already exists and Devgem did not create it \(labels: team: payments\)/);
    assert.match(warning, /changes "latest" for everyone who reads it/);
    await assertUntouched();

    await fs.writeFile(path.join(root, '.env'), `GREETING=hi\nSTRIPE_SECRET_KEY=${STRIPE}\nDB_PASSWORD=pw-${Date.now()}\n`);
    const done = await createToolRegistry().execute({ name: 'import_env_file', args: { service: 'shop' } }, ctx, { confirm: new TestConfirm([true]) }, never);
    assert.equal(done.status, 'done', JSON.stringify(done.response));
    const used = await secret('shop-stripe-secret-key');
    assert.equal(used?.versions, 2);
    assert.deepEqual(used?.labels, { team: 'payments' }, 'its labels are its own');
    const origin = (await originOf({ workspaceRoot: root })).label;
    assert.deepEqual((await secret('shop-db-password'))?.labels, { 'managed-by': 'devgem', 'devgem-origin': origin });
  });
});
