// The emulator as ownership tests need it: services and secrets someone else
// made (labels, image, IAM, creator), labels that round-trip, and Google's
// label rule enforced on every API that stores labels. Real SDK clients.
import * as assert from 'node:assert/strict';
import { ArtifactRegistryClient } from '@google-cloud/artifact-registry';
import { ServicesClient } from '@google-cloud/run';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { OAuth2Client } from 'google-auth-library';
import { useEmulator } from '../support/useEmulator';

const PROJECT = 'demo-project';
const REGION = 'europe-west1';
const PARENT = `projects/${PROJECT}/locations/${REGION}`;

describe('emulator: what others made, and labels', function () {
  this.timeout(30_000);
  const fx = useEmulator();
  let services: ServicesClient;
  let secrets: SecretManagerServiceClient;
  let registry: ArtifactRegistryClient;

  before(() => {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'test', expiry_date: Date.now() + 3600e3 });
    const opts = { fallback: true, apiEndpoint: '127.0.0.1', port: fx.emu.port, protocol: 'http', authClient };
    services = new ServicesClient(opts);
    secrets = new SecretManagerServiceClient(opts);
    registry = new ArtifactRegistryClient(opts);
  });
  after(() => Promise.all([services.close(), secrets.close(), registry.close()]));

  it('seeds a private service of someone else with its labels, image, creator and last deploy time', async () => {
    const { uri } = await fx.emu.seedService({
      project: PROJECT,
      region: REGION,
      service: 'api',
      image: 'europe-docker.pkg.dev/payments/app/api:v7',
      labels: { team: 'payments' },
      invokers: ['group:payments@example.com'],
      updateTime: '2026-01-02T03:04:05.000Z',
    });
    const [s] = await services.getService({ name: `${PARENT}/services/api` });
    assert.deepEqual(s.labels, { team: 'payments' });
    assert.equal(s.template?.containers?.[0]?.image, 'europe-docker.pkg.dev/payments/app/api:v7');
    assert.equal(s.creator, 'payments-team@example.com');
    assert.equal(s.invokerIamDisabled, false);
    assert.match(String(s.latestReadyRevision), /\/revisions\/api-00001-/);
    const [policy] = await services.getIamPolicy({ resource: `${PARENT}/services/api` });
    assert.deepEqual(
      policy.bindings?.map((b) => [b.role, b.members]),
      [['roles/run.invoker', ['group:payments@example.com']]],
    );
    assert.equal((await fetch(uri)).status, 403, 'a private service does not answer the public');
    const details = await fx.ports.runAdmin.describeService({ project: PROJECT, region: REGION, service: 'api' }, AbortSignal.timeout(10_000));
    assert.equal(details?.updateTime, '2026-01-02T03:04:05.000Z');
  });

  it('seeds a public service (allUsers) whose URL lets anyone past the IAM check', async () => {
    const { uri } = await fx.emu.seedService({ project: PROJECT, region: REGION, service: 'www', access: 'all-users' });
    // What answers behind the check is the emulator's stand-in for an image it cannot run; the access is the point.
    assert.notEqual((await fetch(uri)).status, 403);
    const [policy] = await services.getIamPolicy({ resource: `${PARENT}/services/www` });
    assert.deepEqual(
      policy.bindings?.map((b) => b.members),
      [['allUsers']],
    );
  });

  it('keeps service labels through an update and refuses labels Google refuses', async () => {
    await fx.emu.seedService({ project: PROJECT, region: REGION, service: 'api', labels: { team: 'payments' } });
    const name = `${PARENT}/services/api`;
    const [live] = await services.getService({ name });
    const [op] = await services.updateService({ service: { ...live, labels: { ...live.labels, 'managed-by': 'devgem' } } });
    await op.promise();
    assert.deepEqual((await services.getService({ name }))[0].labels, { team: 'payments', 'managed-by': 'devgem' });
    const bad: Record<string, string>[] = [{ Team: 'x' }, { team: 'Payments' }, { '1team': 'x' }, { team: 'x'.repeat(64) }, { 'a.b': 'x' }];
    for (const labels of bad) {
      await assert.rejects(
        services.updateService({ service: { ...live, labels } }),
        (e: { code?: number; message?: string }) => e.code === 3 || /Invalid label/.test(String(e.message)),
        JSON.stringify(labels),
      );
    }
    assert.deepEqual((await services.getService({ name }))[0].labels, { team: 'payments', 'managed-by': 'devgem' }, 'a refused update changes nothing');
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    await assert.rejects(services.updateService({ service: { ...live, labels: many } }), /at most 64 labels/);
    await assert.doesNotReject(
      services.updateService({ service: { ...live, labels: { ...live.labels, équipe: 'paiements', empty: '' } } }).then(([o]) => o.promise()),
    );
  });

  it('stores secret labels, seeds secrets with labels, and refuses bad ones', async () => {
    fx.emu.seedSecret({ project: PROJECT, id: 'api-key', versions: ['v1'], labels: { team: 'payments' } });
    const [got] = await secrets.getSecret({ name: `projects/${PROJECT}/secrets/api-key` });
    assert.deepEqual(got.labels, { team: 'payments' });
    const [made] = await secrets.createSecret({
      parent: `projects/${PROJECT}`,
      secretId: 'mine',
      secret: { replication: { automatic: {} }, labels: { 'managed-by': 'devgem', 'devgem-origin': 'abc123' } },
    });
    assert.deepEqual(made.labels, { 'managed-by': 'devgem', 'devgem-origin': 'abc123' });
    await assert.rejects(
      secrets.createSecret({ parent: `projects/${PROJECT}`, secretId: 'bad', secret: { replication: { automatic: {} }, labels: { Owner: 'me' } } }),
      /Invalid label key/,
    );
  });

  it('stores repository and bucket labels, and refuses bad ones', async () => {
    const [op] = await registry.createRepository({
      parent: PARENT,
      repositoryId: 'devgem',
      repository: { format: 'DOCKER', labels: { 'managed-by': 'devgem' } },
    });
    await op.promise();
    const [repo] = await registry.getRepository({ name: `${PARENT}/repositories/devgem` });
    assert.deepEqual(repo.labels, { 'managed-by': 'devgem' });
    await assert.rejects(
      registry.createRepository({ parent: PARENT, repositoryId: 'other', repository: { format: 'DOCKER', labels: { 'Managed-By': 'x' } } }),
      /Invalid label key/,
    );
    const create = (labels: Record<string, string>, name: string) =>
      fetch(`${fx.emu.baseUrl}/storage/v1/b?project=${PROJECT}`, { method: 'POST', body: JSON.stringify({ name, labels }) });
    assert.equal((await create({ 'managed-by': 'devgem' }, 'labelled-bucket')).status, 200);
    const bucket = (await (await fetch(`${fx.emu.baseUrl}/storage/v1/b/labelled-bucket`)).json()) as { labels?: Record<string, string> };
    assert.deepEqual(bucket.labels, { 'managed-by': 'devgem' });
    assert.equal((await create({ 'managed-by': 'Devgem' }, 'bad-bucket')).status, 400);
  });
});
