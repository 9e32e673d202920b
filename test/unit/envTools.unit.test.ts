// The agent's import_env_file and set_env_vars's secret refusal, through the
// registry (validation, confirmation, run) over the fake cloud, and the
// offline chat's "import .env".
import * as assert from 'node:assert/strict';
import { answerOffline } from '../../src/core/chat/offline';
import { REDACTED, redactText } from '../../src/core/base/redact';
import { envFilePath } from '../../src/core/agent/tools/envTools';
import { createToolRegistry } from '../../src/core/agent/tools';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';
import { SECRET_ACCESSOR_ROLE } from '../../src/core/env/envImport';
import { TestConfirm, testAgentContext, type TestContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace } from '../support/workspace';

const never = new AbortController().signal;
const DB_PASSWORD = 'pl4nted-db-pw-Qx7';
const STRIPE = 'sk_test_planted_Zz91Kq';
const ENV = `GREETING=hello\nDATABASE_URL=postgres://app:${DB_PASSWORD}@db/shop\nSTRIPE_SECRET_KEY=${STRIPE}\nPORT=1\nbroken line\n`;

function assertNoValue(value: unknown, what: string): void {
  const text = JSON.stringify(value);
  for (const v of [DB_PASSWORD, STRIPE]) assert.ok(!text.includes(v), `${what} holds a planted value`);
}

describe('import_env_file and set_env_vars (agent tools)', () => {
  const registry = createToolRegistry();
  let cloud: FakeCloud;
  let ctx: TestContext;
  let confirm: TestConfirm;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const ws = await makeWorkspace({ '.env': ENV, 'config/prod.env': `STRIPE_SECRET_KEY=${STRIPE}-prod\n`, id_rsa: 'KEY=x\n', 'notes.txt': 'A=1\n' });
    cleanup = ws.cleanup;
    cloud = new FakeCloud();
    cloud.seedService('api');
    ctx = testAgentContext(ws.root, cloud.ports());
    confirm = new TestConfirm();
  });
  afterEach(() => cleanup());

  const call = (name: string, args: Record<string, unknown>) => registry.execute({ id: 't', name, args }, ctx, { confirm }, never);

  it('is a write tool: the confirmation lists each key and its destination, never a value; the model gets names and ids only', async () => {
    const o = await call('import_env_file', { service: 'api' });
    assert.equal(o.status, 'done', JSON.stringify(o.response));
    assert.equal(registry.riskOf('import_env_file'), 'write');
    const asked = confirm.asked[0];
    assert.equal(asked.title, 'Import .env into "api"');
    const details = Object.fromEntries(asked.details.map((d) => [d.label, d.value]));
    assert.equal(details.GREETING, 'plain env var');
    assert.equal(details.DATABASE_URL, 'Secret Manager: api-database-url');
    assert.equal(details.STRIPE_SECRET_KEY, 'Secret Manager: api-stripe-secret-key');
    assert.match(details.PORT, /^skipped: PORT is reserved/);
    assert.equal(details['Line 5'], 'not imported: line 5: expected KEY=value (no "=" found)');
    assert.match(details.Access, /roles\/secretmanager\.secretAccessor/);
    assertNoValue(asked, 'the confirmation');
    assert.ok(!JSON.stringify(asked).includes('hello'), 'not even plain values are shown');

    assert.deepEqual(o.response.created, ['api-database-url', 'api-stripe-secret-key']);
    assert.deepEqual(o.response.plain, ['GREETING']);
    assert.deepEqual(o.response.skipped, [
      {
        key: 'PORT',
        reason: 'PORT is reserved by Cloud Run (it sets PORT, K_SERVICE, K_REVISION, K_CONFIGURATION and X_GOOGLE_* itself); choose another name.',
      },
    ]);
    assert.match(o.summary, /^Imported \.env \(revision api-00002-def\): created api-database-url, api-stripe-secret-key; plain GREETING\.$/);
    assertNoValue(o, 'the tool outcome');
    assert.deepEqual(cloud.secretManager.get('demo-project', 'api-stripe-secret-key')?.versions, [STRIPE]);
    assert.deepEqual(cloud.secretManager.get('demo-project', 'api-stripe-secret-key')?.bindings.get(SECRET_ACCESSOR_ROLE), [
      'serviceAccount:123456789012-compute@developer.gserviceaccount.com',
    ]);
    assert.deepEqual(
      cloud.services.get('api')!.env.find((e) => e.name === 'DATABASE_URL'),
      { name: 'DATABASE_URL', secret: { secret: 'api-database-url', version: '1' } },
    );
    // The imported secret values are now redacted wherever they would show up.
    assert.equal(redactText(`oops ${STRIPE}`), `oops ${REDACTED}`);
  });

  it('declined: nothing is created or changed', async () => {
    confirm.answers = [false];
    const o = await call('import_env_file', { service: 'api' });
    assert.equal(o.status, 'declined');
    // The plan reads whether each secret exists and whose it is; nothing more.
    assert.deepEqual(
      cloud.secretManager.calls.filter((c) => !c.startsWith('secretLabels')),
      [],
    );
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.updateEnv')));
  });

  it('takes another env file and keys forced plain or secret; the confirmation flags a forced plain secret and the live ref it drops', async () => {
    cloud.services.get('api')!.env.push({ name: 'DATABASE_URL', secret: { secret: 'api-database-url', version: 'latest' } });
    const o = await call('import_env_file', { service: 'api', plain: ['DATABASE_URL'], secret: ['GREETING'] });
    assert.equal(o.status, 'done', JSON.stringify(o.response));
    const details = confirm.asked[0].details;
    assert.ok(details.some((d) => d.label === 'DATABASE_URL' && d.value === 'plain env var (as asked, though it looks like a secret)'));
    assert.ok(details.some((d) => d.label === 'GREETING' && d.value === 'Secret Manager: api-greeting'));
    assert.ok(
      details.some((d) => d.label === 'Changes' && /Drops the secret reference DATABASE_URL → api-database-url:latest/.test(d.value)),
      JSON.stringify(details),
    );
    assertNoValue(details, 'the confirmation');

    const prod = await call('import_env_file', { service: 'api', path: './config/prod.env' });
    assert.equal(prod.status, 'done', JSON.stringify(prod.response));
    assert.equal(prod.response.file, 'config/prod.env');
    assert.deepEqual(prod.response.newVersion, ['api-stripe-secret-key']);
    assert.match(prod.summary, /^Imported config\/prod\.env /);
  });

  it('refuses files outside the workspace or not named like an env file, unknown keys and missing files, with a fix', async () => {
    for (const [args, re] of [
      [{ path: '../.env' }, /not a file inside the workspace/],
      [{ path: '/etc/.env' }, /not a file inside the workspace/],
      [{ path: 'id_rsa' }, /not an env file/],
      [{ path: 'notes.txt' }, /not an env file/],
      [{ path: '.git/.env' }, /not an env file/],
      [{ path: 'missing.env' }, /missing\.env does not exist/],
      [{ plain: ['NOPE'] }, /\.env has no key NOPE\. Fix: Its keys are: GREETING, DATABASE_URL, STRIPE_SECRET_KEY, PORT\./],
      [{ plain: ['GREETING'], secret: ['GREETING'] }, /GREETING cannot be both plain and secret/],
      [{ plain: ['bad-name'] }, /Invalid arguments for import_env_file/],
      [{ service: 'ghost' }, /There is no service ghost .*Deploy the service first/],
    ] as const) {
      const o = await call('import_env_file', { service: 'api', ...args });
      assert.equal(o.status, 'failed', JSON.stringify(args));
      assert.match(o.response.error as string, re, JSON.stringify(args));
    }
    assert.deepEqual(cloud.secretManager.calls, []);
    assert.equal(confirm.asked.length, 0);
    assert.equal(envFilePath(undefined), '.env');
    assert.equal(envFilePath('services\\api\\.env.local'), 'services/api/.env.local');
  });

  it('set_env_vars refuses a secret-looking key or value, pointing to the .env import, before asking or sending anything', async () => {
    for (const set of [{ STRIPE_SECRET_KEY: STRIPE }, { CACHE: `redis://:${DB_PASSWORD}@cache:6379` }]) {
      const o = await call('set_env_vars', { service: 'api', set });
      assert.equal(o.status, 'failed');
      assert.match(
        o.response.error as string,
        /looks like a secret, so Devgem will not set it as a plain env var\. Fix: Put \w+=… in the workspace's \.env file and import it/,
      );
      assertNoValue(o, 'the refusal');
    }
    assert.equal(confirm.asked.length, 0);
    assert.ok(!cloud.calls.some((c) => c.startsWith('runAdmin.updateEnv')));
    const ok = await call('set_env_vars', { service: 'api', set: { GREETING: 'hi' } });
    assert.equal(ok.status, 'done');
  });

  it('the offline chat: "import .env to api" runs the tool and answers with names, skipped keys and unread lines', async () => {
    const events: string[] = [];
    const intent = parseChatIntent('import .env to api');
    const reply = await answerOffline(
      intent,
      { registry, ctx, confirm, events: { tool: (e) => events.push(`${e.name}:${e.status}`) }, cancelDeploy: () => false },
      never,
    );
    assert.match(
      reply,
      /^Imported \.env \(revision api-00002-def\): created api-database-url, api-stripe-secret-key; plain GREETING\.\n• Skipped PORT: PORT is reserved.*\n• Not read: line 5: expected KEY=value/s,
    );
    assert.deepEqual(events.at(-1), 'import_env_file:done');
    assertNoValue(reply, 'the reply');
    confirm.answers = [false];
    assert.equal(
      await answerOffline(
        parseChatIntent('import env to api'),
        { registry, ctx, confirm, events: { tool: () => undefined }, cancelDeploy: () => false },
        never,
      ),
      'OK — Nothing was imported.',
    );
  });
});
