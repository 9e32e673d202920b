import * as assert from 'node:assert/strict';
import { parseDotenv } from '../../src/core/env/dotenv';
import {
  applyEnvImport,
  foreignSecrets,
  describePlan,
  importChanges,
  importSummary,
  planEnvImport,
  retarget,
  SECRET_ACCESSOR_ROLE,
  secretIdFor,
  type EnvImportItem,
} from '../../src/core/env/envImport';
import { DevgemError, isCancelled } from '../../src/core/base/errors';
import type { CloudPorts, ServiceRef } from '../../src/core/cloud/ports';
import { FakeCloud } from '../support/fakes';

const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'api' };
const COMPUTE = 'serviceAccount:123456789012-compute@developer.gserviceaccount.com';
const never = new AbortController().signal;

// Planted values: none of them may show up in a plan, a progress line, a summary, an error or a call log.
const DB_PASSWORD = 'pl4nted-db-pw-Qx7';
const STRIPE = 'sk_test_planted_Zz91Kq';
const REDIS_PW = 'pl4nted-redis-pw';
const ENV = [
  '# app settings',
  'GREETING=hello there',
  `DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/shop`,
  `export STRIPE_SECRET_KEY="${STRIPE}"`,
  `CACHE=redis://:${REDIS_PW}@cache:6379`,
  'PORT=9000',
  'my.flag=1',
  'API_TOKEN=',
].join('\n');
const PLANTED = [DB_PASSWORD, STRIPE, REDIS_PW];

function assertNoValue(text: string, what: string): void {
  for (const v of PLANTED) assert.ok(!text.includes(v), `${what} holds a planted value`);
}

function byKey(items: EnvImportItem[]): Record<string, string> {
  return Object.fromEntries(items.map((i) => [i.key, i.target === 'secret' ? `secret:${i.secretId}` : i.target]));
}

describe('planEnvImport and describePlan', () => {
  const parsed = parseDotenv(ENV);

  it('sends secret-looking keys (by name or a URL with a password) to Secret Manager and rejects names Cloud Run refuses', () => {
    assert.deepEqual(byKey(planEnvImport(parsed, 'api')), {
      GREETING: 'plain',
      DATABASE_URL: 'secret:api-database-url',
      STRIPE_SECRET_KEY: 'secret:api-stripe-secret-key',
      CACHE: 'secret:api-cache',
      PORT: 'rejected',
      'my.flag': 'rejected',
      API_TOKEN: 'rejected',
    });
    const reasons = Object.fromEntries(planEnvImport(parsed, 'api').map((i) => [i.key, i.reason]));
    assert.match(reasons.PORT!, /reserved by Cloud Run/);
    assert.match(reasons['my.flag']!, /not a valid variable name/);
    assert.match(reasons.API_TOKEN!, /no value.*Secret Manager stores no empty secret/);
  });

  it('a choice forces keys plain or secret; an empty value still cannot be a secret, and a rejected name stays rejected', () => {
    const items = planEnvImport(parsed, 'api', { plain: ['CACHE'], secret: ['GREETING', 'API_TOKEN', 'PORT'] });
    assert.deepEqual(byKey(items), {
      GREETING: 'secret:api-greeting',
      DATABASE_URL: 'secret:api-database-url',
      STRIPE_SECRET_KEY: 'secret:api-stripe-secret-key',
      CACHE: 'plain',
      PORT: 'rejected',
      'my.flag': 'rejected',
      API_TOKEN: 'rejected',
    });
  });

  it('two keys that would share a secret id: the second is rejected instead of overwriting the first', () => {
    const items = planEnvImport(parseDotenv('Api_Key=a1\nAPI_KEY=b2\n'), 'api');
    assert.equal(secretIdFor('api', 'Api_Key'), secretIdFor('api', 'API_KEY'));
    assert.deepEqual(byKey(items), { Api_Key: 'secret:api-api-key', API_KEY: 'rejected' });
    assert.match(items[1].reason!, /api-api-key is already Api_Key's/);
  });

  it('retarget toggles a key between plain and secret, and keeps a refused name refused', () => {
    const [g, , , , port, , empty] = planEnvImport(parsed, 'api');
    assert.deepEqual(retarget(g, 'secret', 'api'), { key: 'GREETING', target: 'secret', secretId: 'api-greeting' });
    assert.deepEqual(retarget(retarget(g, 'secret', 'api'), 'plain', 'api'), { key: 'GREETING', target: 'plain' });
    assert.equal(retarget(port, 'plain', 'api').target, 'rejected');
    assert.deepEqual(retarget(empty, 'plain', 'api'), { key: 'API_TOKEN', target: 'plain' }, 'an empty secret-looking key may go plain');
  });

  it('secret ids: lowercase, "_" and other signs become "-", at most 255 characters', () => {
    assert.equal(secretIdFor('my-api', 'STRIPE_KEY'), 'my-api-stripe-key');
    assert.equal(secretIdFor('s', 'K'.repeat(300)).length, 255);
    assert.match(secretIdFor('s', 'A__B9'), /^[a-z0-9-]+$/);
  });

  it('describes each key and where it goes, never a value', () => {
    const lines = describePlan(planEnvImport(parsed, 'api'));
    assert.deepEqual(lines.slice(0, 4), [
      'GREETING → plain env',
      'DATABASE_URL → Secret Manager (api-database-url)',
      'STRIPE_SECRET_KEY → Secret Manager (api-stripe-secret-key)',
      'CACHE → Secret Manager (api-cache)',
    ]);
    assert.match(lines[4], /^PORT → skipped: /);
    assertNoValue(lines.join('\n'), 'the plan');
    assert.ok(!lines.join('\n').includes('hello there'));
  });
});

describe('applyEnvImport against the fake cloud', () => {
  let cloud: FakeCloud;
  let ports: CloudPorts;
  let progress: string[];

  beforeEach(() => {
    cloud = new FakeCloud();
    cloud.seedService('api', { env: { KEEP: 'me' } });
    ports = cloud.ports();
    progress = [];
  });

  const run = (text: string, opts: { approveRisky?: boolean; signal?: AbortSignal; items?: EnvImportItem[] } = {}) => {
    const parsed = parseDotenv(text);
    return applyEnvImport(ports, REF, parsed, opts.items ?? planEnvImport(parsed, REF.service), {
      signal: opts.signal ?? never,
      progress: (l) => progress.push(l),
      approveRisky: opts.approveRisky,
    });
  };

  /** Everything the import said or logged, for the no-value checks. */
  const everything = (extra = ''): string => [...progress, ...cloud.calls, ...cloud.secretManager.calls, extra].join('\n');

  it('creates each secret with a version holding the value, grants the runtime account access, and references it from the service', async () => {
    const r = await run(ENV.split('\n').slice(0, 5).join('\n'));
    assert.deepEqual([...r.created].sort(), ['api-cache', 'api-database-url', 'api-stripe-secret-key']);
    assert.deepEqual([r.updated, r.unchanged, r.plain], [[], [], ['GREETING']]);
    assert.equal(r.serviceAccount, '123456789012-compute@developer.gserviceaccount.com', 'no service account on the service: the compute default');
    const sm = cloud.secretManager;
    assert.deepEqual(sm.get('demo-project', 'api-database-url')?.versions, [`postgres://app:${DB_PASSWORD}@db.internal:5432/shop`]);
    assert.deepEqual(sm.get('demo-project', 'api-stripe-secret-key')?.versions, [STRIPE]);
    for (const id of r.created) {
      assert.deepEqual(sm.get('demo-project', id)?.bindings.get(SECRET_ACCESSOR_ROLE), [COMPUTE], id);
      assert.deepEqual(sm.get('demo-project', id)?.labels, { 'managed-by': 'devgem' });
    }
    const svc = cloud.services.get('api')!;
    assert.deepEqual(
      [...svc.env].sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'CACHE', secret: { secret: 'api-cache', version: '1' } },
        { name: 'DATABASE_URL', secret: { secret: 'api-database-url', version: '1' } },
        { name: 'GREETING', value: 'hello there' },
        { name: 'KEEP', value: 'me' },
        { name: 'STRIPE_SECRET_KEY', secret: { secret: 'api-stripe-secret-key', version: '1' } },
      ],
    );
    assert.equal(r.revision, svc.latestReadyRevision);
    assert.equal(cloud.calls.filter((c) => c.startsWith('runAdmin.updateEnv')).length, 1, 'one service update');
    assert.ok(
      progress.some((l) => l === `Granted ${SECRET_ACCESSOR_ROLE} on api-database-url to 123456789012-compute@developer.gserviceaccount.com`),
      progress.join('\n'),
    );
    const summary = importSummary(r);
    assert.match(summary, /^Imported \.env \(revision api-00002-def\): created api-database-url, api-stripe-secret-key, api-cache; plain GREETING\.$/);
    assertNoValue(everything(summary), 'progress, calls or the summary');
  });

  it('a second import adds a version only where the value changed, and grants nothing twice', async () => {
    await run(`DATABASE_URL=postgres://app:${DB_PASSWORD}@db/shop\nSTRIPE_SECRET_KEY=${STRIPE}\n`);
    progress = [];
    const r = await run(`DATABASE_URL=postgres://app:${DB_PASSWORD}@db/shop\nSTRIPE_SECRET_KEY=${STRIPE}-rotated\n`);
    assert.deepEqual([r.created, r.updated, r.unchanged], [[], ['api-stripe-secret-key'], ['api-database-url']]);
    const sm = cloud.secretManager;
    assert.deepEqual(sm.get('demo-project', 'api-stripe-secret-key')?.versions, [STRIPE, `${STRIPE}-rotated`]);
    assert.equal(sm.get('demo-project', 'api-database-url')?.versions.length, 1);
    assert.ok(!progress.some((l) => l.startsWith('Granted')), 'the account already had access');
    assert.ok(progress.includes('Added version 2 to secret api-stripe-secret-key for STRIPE_SECRET_KEY'), progress.join('\n'));
    assert.ok(progress.includes('Secret api-database-url already holds the value of DATABASE_URL (version 1)'));
    // Pinned versions: the new one makes a new revision (Cloud Run reads secrets when a revision starts).
    const env = cloud.services.get('api')!.env;
    assert.deepEqual(env.find((e) => e.name === 'STRIPE_SECRET_KEY')?.secret, { secret: 'api-stripe-secret-key', version: '2' });
    assert.deepEqual(env.find((e) => e.name === 'DATABASE_URL')?.secret, { secret: 'api-database-url', version: '1' });
    assert.equal(r.revision, 'api-00003-def');
    assert.match(importSummary(r), /new version of api-stripe-secret-key; unchanged api-database-url/);
    assertNoValue(everything(importSummary(r)), 'a second import');
  });

  it("grants the service's own runtime account when it has one, and a secret that exists without a version gets one", async () => {
    const base = ports.runAdmin;
    ports = {
      ...ports,
      runAdmin: {
        ...base,
        describeService: async (ref, s) => ({ ...(await base.describeService(ref, s))!, serviceAccount: 'runner@demo-project.iam.gserviceaccount.com' }),
      },
    };
    // Devgem's own (an earlier import created it, then its versions were destroyed).
    cloud.secretManager.seed('demo-project', 'api-stripe-secret-key', [], [], { 'managed-by': 'devgem' });
    const r = await run(`STRIPE_SECRET_KEY=${STRIPE}\n`);
    assert.deepEqual([r.created, r.updated], [[], ['api-stripe-secret-key']]);
    assert.deepEqual(cloud.secretManager.get('demo-project', 'api-stripe-secret-key')?.bindings.get(SECRET_ACCESSOR_ROLE), [
      'serviceAccount:runner@demo-project.iam.gserviceaccount.com',
    ]);
  });

  it('never versions or grants a secret Devgem did not create, unless the user agreed for that secret', async () => {
    cloud.secretManager.seed('demo-project', 'api-stripe-secret-key', ['theirs'], ['serviceAccount:billing@example.com'], { team: 'payments' });
    const parsed = parseDotenv(`STRIPE_SECRET_KEY=${STRIPE}\nDB_PASSWORD=${DB_PASSWORD}\n`);
    const items = planEnvImport(parsed, 'api');
    assert.deepEqual(await foreignSecrets(ports, REF, items, never), [
      { key: 'STRIPE_SECRET_KEY', secretId: 'api-stripe-secret-key', labels: { team: 'payments' } },
    ]);
    await assert.rejects(applyEnvImport(ports, REF, parsed, items, { signal: never }), (e: DevgemError) =>
      /Devgem did not create it \(labels: team: payments\)/.test(e.message),
    );
    assert.deepEqual(
      cloud.secretManager.calls.filter((c) => !c.startsWith('secretLabels')),
      [],
      'nothing created, versioned or granted',
    );
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.updateEnv')));
    const r = await applyEnvImport(ports, REF, parsed, items, { signal: never, takeOverSecrets: ['api-stripe-secret-key'] });
    assert.deepEqual([r.created, r.updated], [['api-db-password'], ['api-stripe-secret-key']]);
    assert.deepEqual(cloud.secretManager.get('demo-project', 'api-stripe-secret-key')?.labels, { team: 'payments' });
  });

  it('the diff guard refuses to turn a live secret reference into a plain value unless approveRisky, and touches nothing', async () => {
    cloud.services.get('api')!.env.push({ name: 'DATABASE_URL', secret: { secret: 'api-database-url', version: 'latest' } });
    const parsed = parseDotenv(`DATABASE_URL=postgres://app:${DB_PASSWORD}@db/shop\nGREETING=hi\n`);
    const items = planEnvImport(parsed, 'api', { plain: ['DATABASE_URL'] });
    assert.deepEqual(
      importChanges(cloud.services.get('api')!.env, items, 'api').map((c) => c.message),
      ['Drops the secret reference DATABASE_URL → api-database-url:latest (DATABASE_URL becomes a plain value)'],
    );
    const refused = await applyEnvImport(ports, REF, parsed, items, { signal: never, progress: (l) => progress.push(l) }).then(
      () => assert.fail('expected the guard to refuse'),
      (e: unknown) => e,
    );
    assert.ok(refused instanceof DevgemError && refused.kind === 'failed-precondition', String(refused));
    assert.match(refused.message, /Drops the secret reference DATABASE_URL → api-database-url:latest/);
    assert.deepEqual(cloud.secretManager.calls, [], 'no secret was touched');
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.updateEnv')), 'the service was not updated');
    assertNoValue(`${refused.message} ${refused.fix ?? ''}`, 'the refusal');

    const r = await applyEnvImport(ports, REF, parsed, items, { signal: never, approveRisky: true });
    assert.deepEqual(r.plain.sort(), ['DATABASE_URL', 'GREETING']);
    assert.deepEqual(
      cloud.services.get('api')!.env.find((e) => e.name === 'DATABASE_URL'),
      { name: 'DATABASE_URL', value: `postgres://app:${DB_PASSWORD}@db/shop` },
    );
  });

  it('importing into a live secret reference of the same secret is no change to approve; a plain var becoming a secret is none either', async () => {
    const svc = cloud.services.get('api')!;
    svc.env.push(
      { name: 'STRIPE_SECRET_KEY', secret: { secret: 'projects/demo-project/secrets/api-stripe-secret-key', version: '3' } },
      { name: 'DATABASE_URL', value: 'sqlite://local' },
    );
    const items = planEnvImport(parseDotenv(`STRIPE_SECRET_KEY=${STRIPE}\nDATABASE_URL=postgres://u:${DB_PASSWORD}@h/db\n`), 'api');
    assert.deepEqual(importChanges(svc.env, items, 'api'), []);
    // A reference to another secret is a change to approve.
    const other = [{ name: 'STRIPE_SECRET_KEY', secret: { secret: 'stripe-key', version: '3' } }];
    assert.deepEqual(
      importChanges(other, items, 'api').map((c) => c.message),
      ['Replaces the secret reference STRIPE_SECRET_KEY → stripe-key:3 with api-stripe-secret-key:latest'],
    );
    const r = await run(`STRIPE_SECRET_KEY=${STRIPE}\nDATABASE_URL=postgres://u:${DB_PASSWORD}@h/db\n`);
    assert.deepEqual(r.created.sort(), ['api-database-url', 'api-stripe-secret-key']);
  });

  it('refuses a chosen name Cloud Run rejects or an empty secret before creating anything', async () => {
    const parsed = parseDotenv(`PORT=1\nSTRIPE_SECRET_KEY=${STRIPE}\nAPI_TOKEN=\n`);
    const items: EnvImportItem[] = [
      { key: 'STRIPE_SECRET_KEY', target: 'secret', secretId: 'api-stripe-secret-key' },
      { key: 'PORT', target: 'plain' },
      { key: 'API_TOKEN', target: 'secret' },
    ];
    const err = await applyEnvImport(ports, REF, parsed, items, { signal: never }).then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DevgemError && err.kind === 'invalid-argument');
    assert.match(err.message, /PORT is reserved by Cloud Run/);
    assert.match(err.message, /API_TOKEN: it has no value/);
    assert.deepEqual([cloud.secretManager.calls, cloud.calls], [[], []]);
    assertNoValue(err.message, 'the refusal');
  });

  it('nothing chosen, or no such service: a clear error and no Secret Manager call', async () => {
    const parsed = parseDotenv(`STRIPE_SECRET_KEY=${STRIPE}\n`);
    await assert.rejects(applyEnvImport(ports, REF, parsed, [{ key: 'STRIPE_SECRET_KEY', target: 'rejected' }], { signal: never }), /Nothing to import/);
    await assert.rejects(applyEnvImport(ports, { ...REF, service: 'ghost' }, parsed, planEnvImport(parsed, 'ghost'), { signal: never }), (e: unknown) => {
      assert.ok(e instanceof DevgemError && e.kind === 'not-found');
      assert.match(e.message, /no Cloud Run service "ghost"/);
      assert.match(e.fix ?? '', /Deploy the service first/);
      return true;
    });
    assert.deepEqual(cloud.secretManager.calls, []);
  });

  it('cancelled after the first secret: stops there, the service is not updated, and the error is a cancellation', async () => {
    const controller = new AbortController();
    const parsed = parseDotenv(`DATABASE_URL=postgres://u:${DB_PASSWORD}@h/db\nSTRIPE_SECRET_KEY=${STRIPE}\n`);
    const err = await applyEnvImport(ports, REF, parsed, planEnvImport(parsed, 'api'), {
      signal: controller.signal,
      progress: (l) => {
        progress.push(l);
        if (l.startsWith('Granted')) controller.abort();
      },
    }).then(
      () => assert.fail('expected a cancellation'),
      (e: unknown) => e,
    );
    assert.ok(isCancelled(err), String(err));
    assert.equal(cloud.secretManager.get('demo-project', 'api-stripe-secret-key'), undefined, 'the second secret was never created');
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.updateEnv')));
  });

  it('a Secret Manager failure stops the import before the service update and carries no value', async () => {
    cloud.secretManager.failNext = {
      method: 'grantRole',
      error: new DevgemError('permission-denied', 'Permission denied granting roles/secretmanager.secretAccessor on api-stripe-secret-key.', {
        fix: 'Ask for roles/secretmanager.admin.',
      }),
    };
    const err = await run(`STRIPE_SECRET_KEY=${STRIPE}\n`).then(
      () => assert.fail('expected the failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DevgemError && err.kind === 'permission-denied');
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.updateEnv')));
    assertNoValue(everything(err.message), 'the failure');
  });
});
