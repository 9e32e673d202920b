// The sidebar's Deploy settings form at the host (core/deploy/deployConfigForm.ts):
// a valid form is written to .devgem/deploy.json; a bad value or a secret-looking
// plain value is refused naming the field, and the file stays as it was.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDeployConfigForm, saveDeployConfigForm } from '../../src/core/deploy/deployConfigForm';

describe('the Deploy settings form (host)', () => {
  let root: string;
  const file = () => path.join(root, '.devgem', 'deploy.json');
  const read = () => fs.readFile(file(), 'utf8');

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-form-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('loads {} when there is no file yet', async () => {
    assert.deepEqual(await loadDeployConfigForm(root), { file: '.devgem/deploy.json', config: {} });
  });

  it('saves a valid form, creating .devgem/, and replies with the saved config', async () => {
    const form = {
      service: 'api',
      region: 'europe-west1',
      memory: '1Gi',
      maxInstances: 3,
      env: { LOG_LEVEL: 'info' },
      secrets: { DB_PASSWORD: 'db-password:latest' },
    };
    const reply = await saveDeployConfigForm(root, form);
    assert.equal(reply.error, undefined);
    assert.equal(reply.saved, true);
    assert.deepEqual(reply.config, form);
    assert.deepEqual(JSON.parse(await read()), form);
    assert.deepEqual((await loadDeployConfigForm(root)).config, form);
  });

  it('replaces the whole file: a field the form leaves empty is removed', async () => {
    await saveDeployConfigForm(root, { service: 'api', memory: '1Gi' });
    await saveDeployConfigForm(root, { service: 'api' });
    assert.deepEqual(JSON.parse(await read()), { service: 'api' });
  });

  it('refuses a bad value naming the field, and leaves the file untouched', async () => {
    await saveDeployConfigForm(root, { service: 'api' });
    const before = await read();
    const reply = await saveDeployConfigForm(root, { service: 'api', memory: 'lots' });
    assert.equal(reply.saved, undefined);
    assert.equal(reply.error?.field, 'memory');
    assert.match(reply.error?.message ?? '', /"memory" must be a memory limit/);
    assert.equal(await read(), before);
  });

  it('refuses a secret-looking plain env value (as the file validation does), and writes nothing', async () => {
    const reply = await saveDeployConfigForm(root, { env: { API_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } });
    assert.equal(reply.error?.field, 'env');
    assert.match(reply.error?.message ?? '', /"env\.API_TOKEN" looks like a secret/);
    assert.match(reply.error?.fix ?? '', /Secret Manager/);
    assert.doesNotMatch(JSON.stringify(reply), /ghp_abcdef/, 'the value is not echoed back');
    await assert.rejects(read(), { code: 'ENOENT' });
  });

  it('does not overwrite a file it cannot read', async () => {
    await fs.mkdir(path.dirname(file()), { recursive: true });
    await fs.writeFile(file(), '{ "memory": ');
    const reply = await saveDeployConfigForm(root, { memory: '1Gi' });
    assert.match(reply.error?.message ?? '', /not valid JSON/);
    assert.equal(await read(), '{ "memory": ');
    assert.match((await loadDeployConfigForm(root)).error?.message ?? '', /not valid JSON/);
  });

  it('says so when no folder is open', async () => {
    assert.match((await saveDeployConfigForm(undefined, {})).error?.message ?? '', /No folder is open/);
  });
});
