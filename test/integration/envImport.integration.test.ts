// A .env import through the real Secret Manager and Cloud Run SDK clients
// (createCloudPorts) against the emulator: secrets and versions, the accessor
// grant, secretKeyRef on the live service, the value reaching the app, and no
// planted value in anything the import or the emulator writes down.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseDotenv } from '../../src/core/env/dotenv';
import { applyEnvImport, importSummary, planEnvImport, SECRET_ACCESSOR_ROLE, type EnvImportResult } from '../../src/core/env/envImport';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { CloudPorts, ServiceRef } from '../../src/core/cloud/ports';
import { type Emulator } from '../../emulator/src/server';
import { makeWorkspace, testDeployOptions } from '../support/workspace';
import { DATABASE_URL, DB_PASSWORD, SECRET_APP, STRIPE } from '../support/secretApp';
import { useEmulator } from '../support/useEmulator';

const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'shop' };
const never = new AbortController().signal;

// The planted values (secretApp.ts) must reach Secret Manager and the app, and nothing else.
const sha = (v: string) => createHash('sha256').update(v).digest('hex');

function planted(): string[] {
  // The raw values, the password alone and the base64 the SDK sends.
  return [DB_PASSWORD, STRIPE, `${STRIPE}-rotated`, Buffer.from(STRIPE).toString('base64'), Buffer.from(DATABASE_URL).toString('base64').slice(0, 24)];
}

function assertClean(text: string, what: string): void {
  for (const v of planted()) assert.ok(!text.includes(v), `${what} holds a planted secret value`);
}

describe('.env import through the real Secret Manager and Cloud Run SDKs against the emulator', function () {
  this.timeout(120_000);
  const fx = useEmulator();
  let emu: Emulator;
  let ports: CloudPorts;
  before(() => ({ emu, ports } = fx));

  async function deploy(): Promise<string> {
    const ws = await makeWorkspace(SECRET_APP, REF.service);
    try {
      const result = await runDeploy(
        testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, runtime: { env: { GREETING: 'before' } } }),
        { ports, buildPollMs: 100, emit: () => undefined },
        never,
      );
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      return result.outcome === 'success' ? result.url : '';
    } finally {
      await ws.cleanup();
    }
  }

  async function seen(url: string): Promise<{ greeting: string | null; db: string | null; stripe: string | null }> {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    return (await res.json()) as { greeting: string | null; db: string | null; stripe: string | null };
  }

  /** Versions of a secret as the emulator's REST API lists them (newest first). */
  async function versionCount(id: string): Promise<number> {
    const res = await fetch(`${emu.baseUrl}/v1/projects/${REF.project}/secrets/${id}/versions`, { headers: { authorization: 'Bearer test' } });
    assert.equal(res.status, 200, `listing the versions of ${id}`);
    return ((await res.json()) as { versions: unknown[] }).versions.length;
  }

  async function importEnv(text: string, progress: string[]): Promise<EnvImportResult> {
    const parsed = parseDotenv(text);
    return applyEnvImport(ports, REF, parsed, planEnvImport(parsed, REF.service), { signal: never, progress: (l) => progress.push(l) });
  }

  it('creates the secrets, grants the runtime account, references them from the service, the app sees the values; a re-import versions only what changed', async () => {
    const url = await deploy();
    assert.deepEqual(await seen(url), { greeting: 'before', db: null, stripe: null });
    const said: string[] = [];
    const envText = `# shop\nGREETING=hello\nDATABASE_URL=${DATABASE_URL}\nSTRIPE_SECRET_KEY="${STRIPE}"\n`;

    const first = await importEnv(envText, said);
    assert.deepEqual([first.created, first.updated, first.unchanged, first.plain], [['shop-database-url', 'shop-stripe-secret-key'], [], [], ['GREETING']]);
    const d = await ports.runAdmin.describeService(REF, never);
    assert.ok(d, 'the service exists');
    // No account on the service: its revisions run as the project's compute default.
    const account = d.serviceAccount ?? `${await ports.preflight.projectNumber(REF.project)}-compute@developer.gserviceaccount.com`;
    assert.equal(first.serviceAccount, account);
    for (const [id, value] of [
      ['shop-database-url', DATABASE_URL],
      ['shop-stripe-secret-key', STRIPE],
    ] as const) {
      assert.equal(await versionCount(id), 1, id);
      assert.equal(await ports.secrets.latestMatching(REF.project, id, value, never), '1', `${id}'s latest version holds the value`);
      assert.deepEqual(await ports.secrets.roleMembers(REF.project, id, SECRET_ACCESSOR_ROLE, never), [`serviceAccount:${account}`], id);
    }
    assert.deepEqual(
      [...d.env].sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'DATABASE_URL', secret: { secret: 'shop-database-url', version: '1' } },
        { name: 'GREETING', value: 'hello' },
        { name: 'STRIPE_SECRET_KEY', secret: { secret: 'shop-stripe-secret-key', version: '1' } },
      ],
      'secrets are references, not plain values',
    );
    assert.equal(d.latestReadyRevision, first.revision);
    // Cloud Run (the emulator) resolved the references when the revision started.
    assert.deepEqual(await seen(url), { greeting: 'hello', db: sha(DATABASE_URL), stripe: sha(STRIPE) });

    const second = await importEnv(envText.replace(STRIPE, `${STRIPE}-rotated`), said);
    assert.deepEqual([second.created, second.updated, second.unchanged], [[], ['shop-stripe-secret-key'], ['shop-database-url']]);
    assert.equal(await versionCount('shop-stripe-secret-key'), 2, 'exactly one new version');
    assert.equal(await versionCount('shop-database-url'), 1, 'the unchanged secret got none');
    assert.equal(await ports.secrets.latestMatching(REF.project, 'shop-stripe-secret-key', `${STRIPE}-rotated`, never), '2');
    assert.equal(await ports.secrets.latestMatching(REF.project, 'shop-stripe-secret-key', STRIPE, never), undefined, 'the old value is no longer the latest');
    assert.notEqual(second.revision, first.revision, 'a new version makes a new revision, which reads it');
    const d2 = (await ports.runAdmin.describeService(REF, never))!;
    assert.deepEqual(d2.env.find((e) => e.name === 'STRIPE_SECRET_KEY')?.secret, { secret: 'shop-stripe-secret-key', version: '2' });
    assert.deepEqual(d2.env.find((e) => e.name === 'DATABASE_URL')?.secret, { secret: 'shop-database-url', version: '1' });
    assert.deepEqual(await seen(url), { greeting: 'hello', db: sha(DATABASE_URL), stripe: sha(`${STRIPE}-rotated`) });

    // Errors: a service that does not exist, and Secret Manager turned off.
    const errors: string[] = [];
    const collect = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => assert.fail('expected a failure'),
        (err: unknown) => err,
      );
      assert.ok(e instanceof DevgemError, String(e));
      errors.push(`${e.message} ${e.fix ?? ''}`);
      return e;
    };
    const parsed = parseDotenv(envText);
    await collect(applyEnvImport(ports, { ...REF, service: 'ghost' }, parsed, planEnvImport(parsed, 'ghost'), { signal: never }));
    emu.configure({ disabledServices: ['secretmanager.googleapis.com'] });
    const off = await collect(
      applyEnvImport(
        ports,
        { ...REF, service: 'shop' },
        parseDotenv(`NEW_API_KEY=${STRIPE}\n`),
        planEnvImport(parseDotenv(`NEW_API_KEY=${STRIPE}\n`), 'shop'),
        { signal: never },
      ),
    );
    assert.match(off.message, /Secret Manager|secretmanager/i, off.message);
    emu.configure({ disabledServices: [] });

    // Nothing the import or the emulator wrote down holds a value.
    const logs = await ports.logging.readServiceLogs({ ...REF, limit: 500 }, never);
    assert.ok(
      logs.some((l) => /listening/.test(l.text)),
      'the app log was captured',
    );
    assert.ok(
      said.length >= 6 && fx.log.some((l) => /\[secretmanager\] shop-stripe-secret-key: added version 2/.test(l)),
      'progress and the emulator log were captured',
    );
    assertClean(said.join('\n'), 'a progress line');
    assertClean(`${importSummary(first)}\n${importSummary(second)}`, 'a summary');
    assertClean(errors.join('\n'), 'an error');
    assertClean(fx.log.join('\n'), 'the emulator log');
    assertClean(logs.map((l) => l.text).join('\n'), 'the service log');
  });
});
