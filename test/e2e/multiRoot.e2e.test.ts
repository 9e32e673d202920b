// A multi-root workspace (.code-workspace with two folders whose settings name
// different services and regions) in a real VS Code (code-server): once
// "Devgem: Choose Folder" picks the second folder, the chat's deploy plan,
// Deploy, the Cloud Run explorer and the env commands all act on it.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { answerDialog, findWebviewFrame, openViewContainer, openWorkbench, pickQuickItem, runCommand, screenshot, waitForQuickInput } from './harness';
import { SAMPLE, startE2ESession, waitUntil, type E2ESession } from './session';

const PROJECT = 'e2e-project';
const A = { name: 'shop-a', region: 'europe-west1', service: 'svc-a' };
const B = { name: 'shop-b', region: 'asia-east1', service: 'svc-b' };

/** The Cloud Run explorer's rows, expanded until one matches `text` (bounded). */
async function explorerRows(page: Page, text: RegExp, timeoutMs = 30_000): Promise<string[]> {
  const pane = page
    .locator('.pane')
    .filter({ has: page.locator('.pane-header', { hasText: 'Cloud Run' }) })
    .first();
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return waitUntil(`an explorer row matching ${text}`, timeoutMs, async () => {
    const rows = await pane.locator('.monaco-list-row').allInnerTexts();
    if (rows.some((t) => text.test(t))) return rows;
    const closed = pane.locator('.monaco-list-row[aria-expanded="false"]').first();
    if (await closed.count()) await closed.click();
    return undefined;
  });
}

describe('a multi-root workspace in a real VS Code (code-server)', function () {
  this.timeout(300_000);
  let s: E2ESession;
  let folderA: string;
  let folderB: string;

  before(async () => {
    s = await startE2ESession({
      name: 'e2e-multiroot',
      knobs: { buildSeconds: 1, deploySeconds: 0.2 },
      settings: { 'devgem.ai.provider': 'off' },
    });
    folderA = s.workspace;
    folderB = path.join(s.dataDir, B.name);
    await fs.cp(SAMPLE, folderB, { recursive: true });
    for (const [dir, f] of [
      [folderA, A],
      [folderB, B],
    ] as const) {
      await fs.mkdir(path.join(dir, '.vscode'), { recursive: true });
      const settings = { 'devgem.project': PROJECT, 'devgem.region': f.region, 'devgem.serviceName': f.service };
      await fs.writeFile(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
    }
    await fs.writeFile(path.join(folderB, '.env'), 'GREETING=hello from B\n');
    const workspaceFile = path.join(s.dataDir, 'shops.code-workspace');
    await fs.writeFile(
      workspaceFile,
      JSON.stringify(
        {
          folders: [
            { path: folderA, name: A.name },
            { path: folderB, name: B.name },
          ],
        },
        null,
        2,
      ),
    );
    const url = new URL(s.server.url);
    url.search = `?workspace=${encodeURIComponent(workspaceFile)}`;
    await openWorkbench(s.page, url.toString(), 'Devgem');
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !s) return;
    await screenshot(s.page, `e2e-multiroot-failed-${this.currentTest.title.slice(0, 40)}`).catch(() => undefined);
    await s.page.keyboard.press('Escape').catch(() => undefined);
  });

  after(async () => {
    await s?.close();
  });

  async function deployView(): Promise<FrameLocator> {
    await openViewContainer(s.page, 'Devgem');
    return findWebviewFrame(s.page, 'Deploy', 60_000);
  }

  it('after "Devgem: Choose Folder" picks shop-b, the chat, Deploy, the explorer and the env commands all use shop-b', async () => {
    const page = s.page;
    await runCommand(page, 'Devgem: Choose Folder', { timeoutMs: 60_000 });
    await pickQuickItem(page, B.name);

    // The chat (offline intents): its deploy plan names shop-b's service and region.
    const view = await deployView();
    const input = view.locator('#chat-input textarea');
    await input.fill('deploy');
    await input.press('Enter');
    const card = view.locator('#confirmation');
    await card.waitFor({ timeout: 60_000 });
    const plan = await card.innerText();
    assert.match(plan, new RegExp(B.service));
    assert.match(plan, new RegExp(B.region));
    assert.doesNotMatch(plan, new RegExp(`${A.service}|${A.region}`));
    await view.locator('#confirm-decline').click();
    await card.waitFor({ state: 'hidden', timeout: 10_000 });

    // Deploy: no folder question (the choice stands), and the service of shop-b appears in its region.
    await runCommand(page, 'Devgem: Deploy', { timeoutMs: 60_000 });
    await answerDialog(page, 'Write and Deploy', 60_000);
    await waitUntil(`${B.service} in ${B.region}`, 180_000, async () => {
      const res = await fetch(`${s.emu.baseUrl}/v2/projects/${PROJECT}/locations/${B.region}/services/${B.service}`);
      return res.status === 200;
    });
    await view.locator('#result[data-outcome="success"]').waitFor({ timeout: 120_000 });
    await fs.access(path.join(folderB, 'Dockerfile'));
    await assert.rejects(fs.access(path.join(folderA, 'Dockerfile')), 'nothing was written into shop-a');

    // The explorer lists shop-b's region, with the new service.
    const rows = await explorerRows(page, new RegExp(B.service));
    assert.ok(
      rows.some((r) => r.includes(B.region)),
      `rows: ${JSON.stringify(rows)}`,
    );

    // The env commands: both open on shop-b's service (and the .env of shop-b).
    await runCommand(page, 'Devgem: Edit Environment Variables…', { timeoutMs: 60_000 });
    await waitForQuickInput(page, `Environment variables of ${B.service} (${B.region})`, 60_000);
    await page.keyboard.press('Escape');
    await runCommand(page, 'Devgem: Import .env File…', { timeoutMs: 60_000 });
    await waitForQuickInput(page, `Import .env into ${B.service} (${B.region})`, 60_000);
    await screenshot(page, 'e2e-multiroot-import');
    await page.keyboard.press('Escape');
  });
});
