// The saved per-app deploy configuration (.devgem/deploy.json): round trip, clear errors
// naming the field with nothing lost, never a secret value, applied to the deploy options.
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DEPLOY_CONFIG_FIELDS,
  DEPLOY_CONFIG_FILE,
  applyDeployConfig,
  parseDeployConfig,
  readDeployConfig,
  serializeDeployConfig,
  updateDeployConfig,
  type DeployConfig,
} from '../../src/core/deploy/deployConfig';
import { deployOptionsFor } from '../../src/core/deploy/deployRequest';
import { DEFAULT_OPTIONS, type DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { useTempDir } from '../support/useTempDir';
import { parseArgs } from '../../src/cli/args';
import { deployRequestFrom } from '../../src/cli/deployArgs';

const FULL: DeployConfig = {
  app: 'apps/api',
  service: 'api',
  region: 'europe-west1',
  cpu: '2',
  memory: '1Gi',
  minInstances: 1,
  maxInstances: 5,
  concurrency: 40,
  timeoutSeconds: 120,
  ingress: 'internal-and-cloud-load-balancing',
  serviceAccount: 'api-runner@my-project.iam.gserviceaccount.com',
  env: { LOG_LEVEL: 'info', FEATURE_X: 'on' },
  secrets: { DB_PASSWORD: 'db-password:3', STRIPE_KEY: 'stripe-key' },
  vpcConnector: 'my-connector',
  cloudSqlInstances: ['my-project:europe-west1:main-db'],
};

const base: DeployOptions = { ...DEFAULT_OPTIONS, workspaceRoot: '/w', service: 'from-settings', region: 'us-central1', env: {} };

function rejects(source: string, field: RegExp): DevgemError {
  let caught: unknown;
  try {
    parseDeployConfig(source);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DevgemError, `refused: ${source}`);
  assert.match(caught.message, field);
  assert.ok(caught.message.startsWith(DEPLOY_CONFIG_FILE), caught.message);
  assert.ok(caught.fix, 'says what to do');
  return caught;
}

describe('saved deploy configuration (.devgem/deploy.json)', () => {
  const dir = useTempDir('devgem-config-');
  const file = () => path.join(dir.path, '.devgem', 'deploy.json');

  it('round-trips every field through the file, in a stable order', async () => {
    assert.deepEqual([...DEPLOY_CONFIG_FIELDS].sort(), Object.keys(FULL).sort(), 'the fixture sets every field');
    const saved = await updateDeployConfig(dir.path, FULL);
    assert.deepEqual(saved, FULL);
    assert.deepEqual(await readDeployConfig(dir.path), FULL);
    const text = readFileSync(file(), 'utf8');
    assert.equal(text, serializeDeployConfig(FULL));
    assert.deepEqual(Object.keys(JSON.parse(text)), [...DEPLOY_CONFIG_FIELDS]);
    assert.equal(serializeDeployConfig(parseDeployConfig(text)), text, 'parse ∘ serialize is the identity');
  });

  it('changes only the fields asked for, and removes one set to empty', async () => {
    await updateDeployConfig(dir.path, FULL);
    const next = await updateDeployConfig(dir.path, { memory: '2Gi', vpcConnector: '' });
    assert.equal(next.memory, '2Gi');
    assert.equal(next.vpcConnector, undefined);
    assert.deepEqual({ ...next, memory: FULL.memory, vpcConnector: FULL.vpcConnector }, FULL);
  });

  it('no file: no configuration, and the options are the settings', async () => {
    assert.equal(await readDeployConfig(dir.path), undefined);
    assert.equal(applyDeployConfig(base, undefined), base);
  });

  it('a bad file gives a clear error naming the field, and an update leaves it byte for byte', async () => {
    const broken = '{ "service": "api", "memory": "lots" }\n';
    await fs.mkdir(path.dirname(file()), { recursive: true });
    await fs.writeFile(file(), broken);
    await assert.rejects(readDeployConfig(dir.path), /"memory" must be a memory limit such as "512Mi"/);
    await assert.rejects(updateDeployConfig(dir.path, { cpu: '1' }), /"memory"/);
    assert.equal(readFileSync(file(), 'utf8'), broken, 'nothing lost');
    await fs.writeFile(file(), '{ "service": "api", }');
    await assert.rejects(readDeployConfig(dir.path), /deploy\.json is not valid JSON/);
    await assert.rejects(updateDeployConfig(dir.path, { cpu: '1' }), /not valid JSON/);
    assert.equal(readFileSync(file(), 'utf8'), '{ "service": "api", }');
  });

  it('an invalid change is refused before anything is written', async () => {
    await updateDeployConfig(dir.path, FULL);
    const before = readFileSync(file(), 'utf8');
    await assert.rejects(updateDeployConfig(dir.path, { minInstances: 9 }), /"minInstances" \(9\) is more than "maxInstances" \(5\)/);
    assert.equal(readFileSync(file(), 'utf8'), before);
  });

  it('names each bad field', () => {
    rejects('[]', /must be a JSON object/);
    rejects('{"memroy": "1Gi"}', /"memroy" is not a Devgem deploy setting/);
    rejects('{"service": "My_Service"}', /"service" must be a Cloud Run service name/);
    rejects('{"region": "mars"}', /"region"/);
    rejects('{"cpu": "fast"}', /"cpu"/);
    rejects('{"maxInstances": 0}', /"maxInstances" must be a whole number from 1 to 1000/);
    rejects('{"concurrency": 1.5}', /"concurrency"/);
    rejects('{"timeoutSeconds": 7200}', /"timeoutSeconds" must be a whole number from 1 to 3600/);
    rejects('{"ingress": "public"}', /"ingress" must be one of "all", "internal"/);
    rejects('{"serviceAccount": "me@gmail.com"}', /"serviceAccount"/);
    rejects('{"env": {"PORT": "8080"}}', /"env\.PORT" is not an env var name Cloud Run takes/);
    rejects('{"env": {"N": 3}}', /"env\.N" must be a string/);
    rejects('{"cloudSqlInstances": ["main-db"]}', /"cloudSqlInstances\[0\]"/);
    rejects('{"app": "../other"}', /"app" must be a folder inside/);
  });

  it('never holds a secret value: secret-looking env values and inline secrets are refused', () => {
    const err = rejects('{"env": {"API_TOKEN": "abc"}}', /"env\.API_TOKEN" looks like a secret/);
    assert.match(err.fix ?? '', /"secrets"/);
    rejects('{"env": {"DATABASE_URL": "postgres://app:hunter2@db/app"}}', /"env\.DATABASE_URL" looks like a secret/);
    rejects('{"env": {"UPSTREAM": "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"}}', /"env\.UPSTREAM" looks like a secret/);
    const inline = rejects('{"secrets": {"DB_PASSWORD": "correct horse battery staple"}}', /"secrets\.DB_PASSWORD" must name a Secret Manager secret/);
    assert.doesNotMatch(inline.message, /horse/, 'the error does not repeat the value');
  });

  it('applies over the settings, and a deploy request goes over it field by field', () => {
    const opts = applyDeployConfig(base, FULL);
    assert.equal(opts.service, 'api');
    assert.equal(opts.region, 'europe-west1');
    assert.equal(opts.appPath, 'apps/api');
    assert.equal(opts.savedConfig, DEPLOY_CONFIG_FILE);
    assert.deepEqual(opts.runtime, {
      env: FULL.env,
      secrets: { DB_PASSWORD: { secret: 'db-password', version: '3' }, STRIPE_KEY: { secret: 'stripe-key', version: 'latest' } },
      minInstances: 1,
      maxInstances: 5,
      cpu: '2',
      memory: '1Gi',
      concurrency: 40,
      timeoutSeconds: 120,
      ingress: 'internal-and-cloud-load-balancing',
      serviceAccount: FULL.serviceAccount,
      vpcConnector: 'my-connector',
      cloudSqlInstances: FULL.cloudSqlInstances,
    });
    const asked = deployOptionsFor(opts, { memory: '4Gi', env: { LOG_LEVEL: 'debug' }, service: 'api-canary' });
    assert.equal(asked.service, 'api-canary');
    assert.equal(asked.runtime?.memory, '4Gi');
    assert.equal(asked.runtime?.cpu, '2', 'the saved CPU stays');
    assert.deepEqual(asked.runtime?.env, { LOG_LEVEL: 'debug', FEATURE_X: 'on' });
    assert.equal(asked.runtime?.concurrency, 40);
  });
});

describe('devgem deploy reads the saved configuration too', () => {
  const dir = useTempDir('devgem-config-cli-');

  it('applies .devgem/deploy.json under the flags', async () => {
    await updateDeployConfig(dir.path, { service: 'saved', region: 'europe-west1', memory: '1Gi', app: 'apps/api' });
    const saved = deployRequestFrom(parseArgs(['deploy', dir.path]), '/', {}).opts;
    assert.deepEqual([saved.service, saved.region, saved.appPath, saved.runtime?.memory], ['saved', 'europe-west1', 'apps/api', '1Gi']);
    const flagged = deployRequestFrom(parseArgs(['deploy', dir.path, '--service', 'from-flag', '--region', 'asia-east1']), '/', {}).opts;
    assert.deepEqual([flagged.service, flagged.region, flagged.runtime?.memory], ['from-flag', 'asia-east1', '1Gi']);
  });

  it('stops with a usage error naming the field when the file is bad', async () => {
    await fs.mkdir(path.join(dir.path, '.devgem'));
    await fs.writeFile(path.join(dir.path, '.devgem', 'deploy.json'), '{"ingress": "everyone"}');
    assert.throws(() => deployRequestFrom(parseArgs(['deploy', dir.path]), '/', {}), /"ingress" must be one of/);
  });
});
