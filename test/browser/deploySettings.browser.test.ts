// The sidebar's Deploy settings form in headless Chromium, under the host's CSP:
// it opens from the header's gear (or the command's host message), shows the saved
// values, sends every field on Save, and shows the host's error naming the field
// without losing what was typed.
// Run: npm run build && npx tsc -p . && npx mocha --no-config out/test/browser/deploySettings.browser.test.js
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { DeployConfigData, HostMessage } from '../../src/shared/protocol';
import { clearPosted, horizontalOverflow, posted, sendToWebview } from './harness';
import { pageSession } from './pageSession';

const SAVED: DeployConfigData = {
  service: 'api',
  region: 'europe-west1',
  memory: '512Mi',
  maxInstances: 3,
  ingress: 'internal',
  env: { LOG_LEVEL: 'info' },
  secrets: { DB_PASSWORD: 'db-password:latest' },
  cloudSqlInstances: ['my-project:europe-west1:main-db'],
};

const reply = (r: Extract<HostMessage, { type: 'deployConfig' }>['reply'], open?: boolean): HostMessage => ({ type: 'deployConfig', reply: r, open });

describe('Deploy settings form (browser)', function () {
  this.timeout(60_000);
  const session = pageSession({ ready: '#settings-button', clearPosted: true });
  let page: Page;

  const value = (key: string) => page.locator(`#ds-${key}`).evaluate((el) => (el as unknown as { value: string }).value);
  const type = async (key: string, text: string) => {
    const inner = page.locator(`#ds-${key} input, #ds-${key} textarea`).first();
    await inner.fill(text);
  };

  async function openWithSaved(): Promise<void> {
    await page.locator('#settings-button').click();
    await page.locator('#deploy-settings').waitFor();
    assert.deepEqual(await posted(page), [{ type: 'getDeployConfig' }]);
    await sendToWebview(page, reply({ file: '.devgem/deploy.json', config: SAVED }));
    await clearPosted(page);
  }

  it('is closed until the gear is clicked, then shows the saved values', async () => {
    page = await session.open();
    assert.equal(await page.locator('#deploy-settings').isVisible(), false);
    await openWithSaved();
    assert.equal(await value('service'), 'api');
    assert.equal(await value('memory'), '512Mi');
    assert.equal(await value('maxInstances'), '3');
    assert.equal(await value('ingress'), 'internal');
    assert.equal(await value('env'), 'LOG_LEVEL=info');
    assert.equal(await value('secrets'), 'DB_PASSWORD=db-password:latest');
    assert.equal(await value('cloudSqlInstances'), 'my-project:europe-west1:main-db');
    assert.equal(await value('cpu'), '');
  });

  it('opens when the host asks (the Edit Deploy Settings command)', async () => {
    page = await session.open();
    await sendToWebview(page, reply({ file: '.devgem/deploy.json' }, true));
    assert.equal(await page.locator('#deploy-settings').isVisible(), true);
    assert.deepEqual(await posted(page), [{ type: 'getDeployConfig' }]);
  });

  it('saves an edited field with all the others, and says it was saved', async () => {
    page = await session.open();
    await openWithSaved();
    await type('memory', '1Gi');
    await type('env', 'LOG_LEVEL=debug\nFEATURE=on');
    await page.locator('#deploy-settings-save').click();
    const sent = await posted(page);
    assert.deepEqual(sent, [{ type: 'saveDeployConfig', config: { ...SAVED, memory: '1Gi', env: { LOG_LEVEL: 'debug', FEATURE: 'on' } } }]);
    const saved = { ...SAVED, memory: '1Gi', env: { LOG_LEVEL: 'debug', FEATURE: 'on' } };
    await sendToWebview(page, reply({ file: '.devgem/deploy.json', config: saved, saved: true }));
    assert.equal(await page.locator('#deploy-settings-status').textContent(), 'Saved to .devgem/deploy.json.');
    assert.equal(await page.locator('#deploy-settings-error').isVisible(), false);
    assert.equal(await value('memory'), '1Gi');
  });

  it('shows the host error naming the field, marks it, and keeps what was typed', async () => {
    page = await session.open();
    await openWithSaved();
    await type('memory', 'lots');
    await page.locator('#deploy-settings-save').click();
    const [sent] = await posted(page);
    assert.equal(sent.type === 'saveDeployConfig' && sent.config.memory, 'lots');
    await sendToWebview(
      page,
      reply({
        file: '.devgem/deploy.json',
        error: {
          field: 'memory',
          message: '.devgem/deploy.json: "memory" must be a memory limit such as "512Mi" or "2Gi", not "lots".',
          fix: 'Fix or remove "memory" in .devgem/deploy.json; nothing else in the file was changed.',
        },
      }),
    );
    const error = page.locator('#deploy-settings-error');
    assert.equal(await error.isVisible(), true);
    assert.match((await error.textContent()) ?? '', /"memory" must be a memory limit/);
    assert.equal(await page.locator('.ds-field[data-field="memory"]').getAttribute('class'), 'ds-field ds-invalid');
    assert.equal(await page.locator('#ds-memory').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#ds-service').getAttribute('aria-invalid'), null);
    assert.equal(await value('memory'), 'lots', 'what the user typed is still there');
    assert.equal(await page.locator('#deploy-settings-status').textContent(), 'Not saved.');
  });

  it('refuses an env line it cannot read before sending anything', async () => {
    page = await session.open();
    await openWithSaved();
    await type('env', 'LOG_LEVEL');
    await page.locator('#deploy-settings-save').click();
    assert.deepEqual(await posted(page), []);
    assert.match((await page.locator('#deploy-settings-error').textContent()) ?? '', /Environment variables: line 1 must be NAME=value/);
  });

  it('fits a narrow sidebar, the error included', async () => {
    page = await session.open({}, { width: 200 });
    await openWithSaved();
    await sendToWebview(page, reply({ file: '.devgem/deploy.json', error: { field: 'serviceAccount', message: `"serviceAccount" ${'x'.repeat(120)}` } }));
    assert.equal(await horizontalOverflow(page), 0);
  });

  it('ignores a malformed deployConfig message', async () => {
    page = await session.open();
    await openWithSaved();
    await sendToWebview(page, { type: 'deployConfig', reply: { file: '.devgem/deploy.json', config: 'x', error: 42 } });
    assert.equal(await value('service'), 'api');
    assert.equal(await page.locator('#deploy-settings-error').isVisible(), false);
  });
});
