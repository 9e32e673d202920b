// The chat's save_deploy_config tool: a plan of each field before → after, written only
// after the user's click, and a bad file or a secret value refused with the file untouched.
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createToolRegistry } from '../../src/core/agent/tools';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { DEPLOY_CONFIG_FILE, parseDeployConfig, serializeDeployConfig } from '../../src/core/deploy/deployConfig';
import { TestConfirm, testAgentContext } from '../support/agentHarness';
import { useTempDir } from '../support/useTempDir';

describe('save_deploy_config (the chat edits .devgem/deploy.json)', () => {
  const dir = useTempDir('devgem-config-tool-');
  const registry = createToolRegistry();
  const file = () => path.join(dir.path, '.devgem', 'deploy.json');
  const save = async (args: Record<string, unknown>, confirm = new TestConfirm()) => {
    const ctx = testAgentContext(dir.path, {} as CloudPorts);
    const outcome = await registry.execute({ name: 'save_deploy_config', args }, ctx, { confirm }, new AbortController().signal);
    return { outcome, confirm };
  };
  const seed = async (text: string) => {
    await fs.mkdir(path.dirname(file()), { recursive: true });
    await fs.writeFile(file(), text);
  };

  it('is a write tool: the plan shows each field before → after, and the file is written after the click', async () => {
    await seed(serializeDeployConfig({ service: 'api', memory: '512Mi' }));
    const { outcome, confirm } = await save({ memory: '1Gi', concurrency: 20, secrets: { DB_PASSWORD: 'db-password:2' } });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    assert.equal(confirm.asked.length, 1);
    const asked = confirm.asked[0];
    assert.equal(asked.risk, 'write');
    assert.equal(asked.title, `Update ${DEPLOY_CONFIG_FILE}`);
    assert.deepEqual(asked.details, [
      { label: 'memory', value: '512Mi → 1Gi' },
      { label: 'concurrency', value: '(not set) → 20' },
      { label: 'secrets', value: '(not set) → {"DB_PASSWORD":"db-password:2"}' },
    ]);
    assert.deepEqual(parseDeployConfig(readFileSync(file(), 'utf8')), {
      service: 'api',
      memory: '1Gi',
      concurrency: 20,
      secrets: { DB_PASSWORD: 'db-password:2' },
    });
  });

  it('writes nothing when the user declines', async () => {
    const { outcome } = await save({ service: 'web' }, new TestConfirm([false]));
    assert.equal(outcome.status, 'declined');
    await assert.rejects(fs.stat(file()), { code: 'ENOENT' });
  });

  it('creates the file when there is none', async () => {
    const { outcome, confirm } = await save({ app: 'apps/api', region: 'europe-west1' });
    assert.equal(outcome.status, 'done');
    assert.equal(confirm.asked[0].title, `Create ${DEPLOY_CONFIG_FILE}`);
    assert.equal(readFileSync(file(), 'utf8'), serializeDeployConfig({ app: 'apps/api', region: 'europe-west1' }));
  });

  it('refuses a secret value, and a bad file, naming the field and leaving the file as it was', async () => {
    await seed(serializeDeployConfig({ service: 'api' }));
    const secret = await save({ env: { API_KEY: 'AIzaSyA-1234567890abcdefghijklmnopqrstu' } });
    assert.equal(secret.outcome.status, 'failed');
    assert.match(JSON.stringify(secret.outcome.response), /env\.API_KEY\\?" looks like a secret/);
    assert.doesNotMatch(JSON.stringify(secret.outcome.response), /AIzaSy/);
    assert.equal(secret.confirm.asked.length, 0, 'nothing to approve');
    const broken = '{ "service": "api", "ingress": "everyone" }';
    await seed(broken);
    const bad = await save({ memory: '1Gi' });
    assert.equal(bad.outcome.status, 'failed');
    assert.match(JSON.stringify(bad.outcome.response), /"ingress\\?" must be one of/);
    assert.equal(readFileSync(file(), 'utf8'), broken, 'nothing lost');
  });
});
