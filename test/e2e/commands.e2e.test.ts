// Three palette commands in a real VS Code (code-server with the packaged .vsix),
// each driven through its pickers and dialogs as a user would, checked through
// the emulator's REST APIs: Deploy GitHub Repository…, Import .env File…, and
// Show Build Log of a Past Deploy….
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { GITHUB_TEST_TOKEN, type SeedGitHubFile } from '../../emulator/src/server';
import {
  activeEditorText,
  answerDialog,
  findWebviewFrame,
  openViewContainer,
  openWorkbench,
  pickQuickItem,
  quickPickRow,
  runCommand,
  screenshot,
  SELECTORS,
  waitForQuickInput,
} from './harness';
import { startE2ESession, waitUntil, type E2ESession } from './session';

const PROJECT = 'e2e-project';
const REGION = 'europe-west1';

/** A dependency-free Node app the emulator really runs; it answers with `text`. */
const shopApp = (text: string): SeedGitHubFile[] => [
  { path: 'package.json', content: JSON.stringify({ name: 'e2e-shop', scripts: { start: 'node server.js' } }) },
  { path: 'server.js', content: `require('http').createServer((q, s) => s.end(${JSON.stringify(text)})).listen(Number(process.env.PORT));\n` },
];

interface EnvVar {
  name: string;
  value?: string;
  valueSource?: { secretKeyRef?: { secret: string; version: string } };
}

describe('Devgem commands in a real VS Code (code-server)', function () {
  this.timeout(240_000);
  let s: E2ESession;
  let sampleUrl: string | undefined;

  before(async () => {
    s = await startE2ESession({
      name: 'e2e-commands',
      knobs: { buildSeconds: 1, deploySeconds: 0.2 },
      settings: { 'devgem.project': PROJECT, 'devgem.region': REGION, 'devgem.ai.provider': 'off' },
    });
    await openWorkbench(s.page, s.server.url, 'Devgem');
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !s) return;
    // What the window showed when the test failed, and the notifications' text (errors often land there).
    await screenshot(s.page, `e2e-commands-failed-${this.currentTest.title.slice(0, 40)}`).catch(() => undefined);
    const toasts = await s.page
      .locator('.notifications-toasts')
      .innerText()
      .catch(() => '');
    if (toasts.trim()) console.log(`notifications at failure:\n${toasts}`);
    await s.page.keyboard.press('Escape').catch(() => undefined);
  });

  after(async () => {
    await s?.close();
  });

  async function api<T>(p: string): Promise<T> {
    const res = await fetch(`${s.emu.baseUrl}${p}`);
    assert.equal(res.status, 200, `GET ${p}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  async function deployView(): Promise<FrameLocator> {
    await openViewContainer(s.page, 'Devgem');
    return findWebviewFrame(s.page, 'Deploy', 60_000);
  }

  /** The tracker's result for a deploy other than `before` (the one shown when it started). */
  async function deployResult(view: FrameLocator, before: string | null): Promise<{ outcome: string | null; url: string; text: string }> {
    await waitUntil('the tracker to show a new deploy', 90_000, async () => {
      const id = await view
        .locator('#tracker')
        .getAttribute('data-deploy-id', { timeout: 1_000 })
        .catch(() => null);
      return id !== null && id !== before;
    });
    const result = view.locator('#result');
    await result.waitFor({ state: 'visible', timeout: 150_000 });
    const outcome = await result.getAttribute('data-outcome');
    const url = outcome === 'success' ? (await view.locator('#service-url').innerText()).trim() : '';
    return { outcome, url, text: await result.innerText() };
  }

  async function shownDeployId(): Promise<string | null> {
    const view = await deployView();
    return view
      .locator('#tracker')
      .getAttribute('data-deploy-id', { timeout: 2_000 })
      .catch(() => null);
  }

  /** Deploys the sample workspace once (Devgem: Deploy, the generated Dockerfile accepted); later callers reuse it. */
  async function sampleDeployed(): Promise<string> {
    if (sampleUrl) return sampleUrl;
    const before = await shownDeployId();
    await runCommand(s.page, 'Devgem: Deploy', { timeoutMs: 60_000 });
    await answerDialog(s.page, 'Write and Deploy', 60_000);
    const r = await deployResult(await deployView(), before);
    assert.equal(r.outcome, 'success', r.text);
    sampleUrl = r.url;
    return r.url;
  }

  it('Deploy GitHub Repository…: searches, picks a private repository and a tag, deploys it to a URL serving that tag; the history names the repository', async () => {
    const page = s.page;
    // 100 repositories fill the first list (its limit), so the target is found only by searching GitHub as one types.
    for (let i = 0; i < 100; i++)
      s.emu.github.seedRepo({ fullName: `devgem-tester/tool-${String(i).padStart(3, '0')}`, description: 'an internal tool', branches: { main: [] } });
    s.emu.github.seedRepo({
      fullName: 'acme/e2e-shop',
      private: true,
      description: 'the shop front',
      branches: { main: shopApp('shop on main') },
      tags: { 'v1.0.0': shopApp('shop at v1.0.0') },
    });
    const tags = (await (
      await fetch(`${s.emu.baseUrl}/github/repos/acme/e2e-shop/tags`, { headers: { authorization: `token ${GITHUB_TEST_TOKEN}` } })
    ).json()) as { name: string; commit: { sha: string } }[];
    const tagSha = tags.find((t) => t.name === 'v1.0.0')?.commit.sha;
    assert.ok(tagSha, 'the seeded tag has a commit');
    const before = await shownDeployId();

    await runCommand(page, 'Devgem: Deploy GitHub Repository…', { timeoutMs: 60_000 });
    await waitForQuickInput(page, 'Deploy GitHub Repository (1/2)');
    // The user's own list first (no sign-in: the emulator's token)…
    await quickPickRow(page, 'devgem-tester/tool-000').waitFor({ timeout: 30_000 });
    // …then typing searches GitHub.
    await page.locator(SELECTORS.quickInputBox).fill('shop');
    const repoRow = await pickQuickItem(page, 'acme/e2e-shop', 30_000);
    assert.match(repoRow, /private/, 'a private repository is marked');
    assert.ok(
      s.emu.faults.requests().some((r) => r.method === 'GET' && r.path === '/github/search/repositories'),
      'the picker searched GitHub',
    );

    await waitForQuickInput(page, 'Deploy acme/e2e-shop (2/2)');
    await quickPickRow(page, /default branch/).waitFor({ timeout: 30_000 });
    await screenshot(page, 'e2e-commands-github-refs');
    await pickQuickItem(page, 'v1.0.0');

    // The downloaded repository has no Dockerfile: the generated one is shown first, as for a workspace,
    // in words about the repository (this deploy only), never about the download's temporary folder.
    const review = await answerDialog(page, 'Deploy with It', 90_000);
    assert.match(review, new RegExp(`acme/e2e-shop \\(v1\\.0\\.0, ${tagSha.slice(0, 7)}\\) has no Dockerfile`));
    assert.doesNotMatch(review, /devgem-gh|\/tmp\//);
    const view = await deployView();
    const r = await deployResult(view, before);
    await screenshot(page, 'e2e-commands-github-deployed');
    assert.equal(r.outcome, 'success', r.text);
    assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+/);
    const res = await fetch(r.url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'shop at v1.0.0', 'the tag picked is what runs, not the default branch');
    // The download's folder is gone once the deploy ends: no editor is left open on its Dockerfile.
    const tabs = (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.trim());
    assert.ok(!tabs.includes('Dockerfile'), `no tab on the temporary Dockerfile (tabs: ${JSON.stringify(tabs)})`);
    const state = await api<{ services: { name: string }[] }>('/__emulator/state');
    assert.ok(
      state.services.some((x) => x.name.endsWith('/services/e2e-shop')),
      'a service named after the repository',
    );

    // The history records the repository, the short commit and the ref.
    const toggle = view.locator('#history-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const item = view.locator('.history-item', { has: view.locator('.history-source', { hasText: 'acme/e2e-shop' }) }).first();
    await item.waitFor({ timeout: 15_000 });
    const source = (await item.locator('.history-source').innerText()).replace(/\s+/g, ' ').trim();
    assert.equal(source, `acme/e2e-shop ${tagSha.slice(0, 7)} on v1.0.0`);
    assert.equal(await item.getAttribute('data-outcome'), 'success');
    await toggle.click();
  });

  it('Import .env File…: the secret-looking key goes to Secret Manager (secretKeyRef), the other stays plain, and the value is never in the Devgem log', async () => {
    const page = s.page;
    await sampleDeployed();
    const secret = `e2e-${randomBytes(16).toString('hex')}`;
    await fs.writeFile(path.join(s.workspace, '.env'), `GREETING=hello from e2e\nAPI_TOKEN=${secret}\n`);

    await runCommand(page, 'Devgem: Import .env File…', { timeoutMs: 60_000 });
    await waitForQuickInput(page, /Import \.env into hello-node/);
    const tokenRow = quickPickRow(page, 'API_TOKEN');
    await tokenRow.waitFor({ timeout: 15_000 });
    assert.match(await tokenRow.innerText(), /Secret Manager \(hello-node-api-token\)/);
    assert.match(await quickPickRow(page, 'GREETING').innerText(), /plain env var/);
    await screenshot(page, 'e2e-commands-env-keys');
    // Both keys are ticked: accept them as they are.
    await page.locator(SELECTORS.quickInputBox).press('Enter');

    const confirm = await answerDialog(page, 'Import', 30_000);
    assert.match(confirm, /API_TOKEN → Secret Manager/);
    assert.match(confirm, /GREETING → plain/);
    assert.ok(!confirm.includes(secret), 'the confirmation shows no value');

    const log = await waitUntil('the import summary in the Devgem log', 90_000, async () => {
      const text = await s.devgemLog();
      return text.includes('Imported .env') ? text : undefined;
    });
    assert.match(log, /Imported \.env \(revision [^)]+\): created hello-node-api-token; plain GREETING\./);
    assert.ok(!log.includes(secret), 'the secret value is not in the Devgem log');

    // The service now reads the key from Secret Manager, by version; the other is a plain value.
    const svc = await api<{ template: { containers: { env?: EnvVar[] }[] } }>(`/v2/projects/${PROJECT}/locations/${REGION}/services/hello-node`);
    const env = svc.template.containers[0].env ?? [];
    const token = env.find((e) => e.name === 'API_TOKEN');
    assert.equal(token?.value, undefined, 'no plain value for the secret');
    assert.match(token?.valueSource?.secretKeyRef?.secret ?? '', /^(projects\/[^/]+\/secrets\/)?hello-node-api-token$/);
    const version = token?.valueSource?.secretKeyRef?.version ?? '';
    assert.match(version, /^\d+$/, 'the ref pins a version');
    assert.deepEqual(
      env.find((e) => e.name === 'GREETING'),
      { name: 'GREETING', value: 'hello from e2e' },
    );
    const accessed = await api<{ payload: { data: string } }>(`/v1/projects/${PROJECT}/secrets/hello-node-api-token/versions/${version}:access`);
    assert.equal(Buffer.from(accessed.payload.data, 'base64').toString('utf8'), secret);

    // The output channel as the user sees it (Devgem: Show Log) names the keys, never the value.
    await runCommand(page, 'Devgem: Show Log', { timeoutMs: 30_000 });
    const output = page.locator('.part.panel .monaco-editor .view-lines').first();
    await output.filter({ hasText: 'Imported .env' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'e2e-commands-env-imported');
    const shown = (await output.innerText()).replace(/\u00a0/g, ' ');
    assert.ok(!shown.includes(secret), 'the Output view shows no value');
    assert.ok(
      !(
        await page
          .locator('.notifications-toasts')
          .innerText()
          .catch(() => '')
      ).includes(secret),
      'no notification shows the value',
    );
    await runCommand(page, 'View: Hide Panel', { timeoutMs: 30_000 });
  });

  it('Edit Environment Variables…: adds a plain variable, refuses a secret-looking one, and removes one with the trash button, each after a modal', async () => {
    const page = s.page;
    await sampleDeployed();
    const SERVICE = `/v2/projects/${PROJECT}/locations/${REGION}/services/hello-node`;
    const envOf = async () => (await api<{ template: { containers: { env?: EnvVar[] }[] } }>(SERVICE)).template.containers[0].env ?? [];
    const revisionOf = async () => (await api<{ latestReadyRevision?: string }>(SERVICE)).latestReadyRevision;
    const start = async () => {
      await runCommand(page, 'Devgem: Edit Environment Variables…', { timeoutMs: 60_000 });
      await waitForQuickInput(page, 'Environment variables of hello-node', 60_000);
    };

    // Add LOG_LEVEL=debug.
    const before = await revisionOf();
    await start();
    await pickQuickItem(page, 'Add a variable…');
    await waitForQuickInput(page, 'Add an environment variable');
    // A secret-looking value is refused while typing, with where it belongs instead.
    await page.locator(SELECTORS.quickInputBox).fill('DB_PASSWORD=e2e-not-stored');
    const refusal = page.locator(`${SELECTORS.quickInput} .quick-input-message`);
    await refusal.filter({ hasText: 'looks like a secret' }).waitFor({ timeout: 10_000 });
    assert.match(await refusal.innerText(), /Import \.env File/);
    await page.locator(SELECTORS.quickInputBox).press('Enter');
    await page.waitForTimeout(500);
    assert.ok(await page.locator(SELECTORS.quickInput).isVisible(), 'Enter on a refused value keeps the input open');
    await page.locator(SELECTORS.quickInputBox).fill('LOG_LEVEL=debug');
    await page.locator(SELECTORS.quickInputBox).press('Enter');
    const setConfirm = await answerDialog(page, 'Apply', 30_000);
    assert.match(setConfirm, /Set LOG_LEVEL on hello-node\?/);
    const withVar = await waitUntil('LOG_LEVEL on the service', 90_000, async () => {
      const env = await envOf();
      return env.some((e) => e.name === 'LOG_LEVEL') ? env : undefined;
    });
    assert.deepEqual(
      withVar.find((e) => e.name === 'LOG_LEVEL'),
      { name: 'LOG_LEVEL', value: 'debug' },
    );
    assert.ok(!withVar.some((e) => e.name === 'DB_PASSWORD'), 'the refused variable was never sent');
    await waitUntil('a new ready revision', 60_000, async () => {
      const now = await revisionOf();
      return now && now !== before ? now : undefined;
    });

    // Remove it again with the row's trash button.
    await start();
    const row = quickPickRow(page, 'LOG_LEVEL');
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /debug/, 'a plain variable shows its value');
    await screenshot(page, 'e2e-commands-env-vars');
    await row.hover();
    await row.locator('.action-label.codicon-trash').click({ timeout: 5_000 });
    const removeConfirm = await answerDialog(page, 'Remove', 30_000);
    assert.match(removeConfirm, /Remove LOG_LEVEL from hello-node\?/);
    await waitUntil('LOG_LEVEL gone from the service', 90_000, async () => ((await envOf()).some((e) => e.name === 'LOG_LEVEL') ? undefined : true));
    const log = await waitUntil('the removal in the Devgem log', 30_000, async () => {
      const text = await s.devgemLog();
      return text.includes('Removed LOG_LEVEL') ? text : undefined;
    });
    assert.match(log, /Set LOG_LEVEL on hello-node \(europe-west1\)/);
    assert.ok(!log.includes('e2e-not-stored'), 'the refused value is not in the log');
  });

  it('Show Build Log of a Past Deploy…: picking the deploy opens an editor with that build’s log', async () => {
    const page = s.page;
    await sampleDeployed();
    await runCommand(page, 'Devgem: Show Build Log of a Past Deploy…', { timeoutMs: 60_000 });
    await waitForQuickInput(page, 'Show the build log of which deploy?');
    const row = await pickQuickItem(page, /hello-node/);
    const buildId = /build ([\w-]+)/.exec(row)?.[1];
    assert.ok(buildId, `the row names its build: ${row}`);

    const build = (await api<{ builds: { id: string; logsBucket?: string }[] }>('/__emulator/state')).builds.find((b) => b.id === buildId);
    assert.ok(build?.logsBucket, `the emulator ran build ${buildId}`);
    const bucket = build.logsBucket.replace(/^gs:\/\//, '');
    const stored = await (await fetch(`${s.emu.baseUrl}/storage/v1/b/${bucket}/o/${encodeURIComponent(`log-${buildId}.txt`)}?alt=media`)).text();
    const logLines = stored.split('\n').filter((l) => l.trim());
    assert.ok(logLines.length > 5, 'the build wrote a log');

    const text = await activeEditorText(page, 'build.log', 30_000);
    await screenshot(page, 'e2e-commands-build-log');
    assert.match(text, new RegExp(`\\[Devgem\\] Build ${buildId} of deploy \\S+ \\(hello-node in ${REGION}, ${PROJECT}\\)`));
    for (const line of logLines.slice(0, 5)) assert.ok(text.includes(line.trim()), `the editor shows the build's line ${JSON.stringify(line)}`);
    await page.locator('.notification-toast', { hasText: 'Reading the build log' }).first().waitFor({ state: 'hidden', timeout: 10_000 });
  });
});
