// The deploy history in the webview bundle, in headless Chromium under the host's CSP.
// Run: npx tsc -p . && npx mocha out/test/browser/history.browser.test.js
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { DEPLOY_STAGES, type DeployRecord, type DeployStage, type StageState, type ViewSnapshot } from '../../src/shared/protocol';
import { SERVICE_URL, deployEvents, finalState, snapshot } from './deployFixtures';
import { REPO_ROOT, clearPosted, posted, pwned, sendSnapshots, type PageOptions } from './harness';
import { pageSession } from './pageSession';
import type { ThemeName } from './themes';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const XSS_IMG = '<img src=x onerror="window.__pwned=1">';
const XSS_SCRIPT = '<script>window.__pwned=1</script>';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const MIN = 60_000;
const TARGET = { project: 'devgem-demo', region: 'us-central1', service: 'hello-world' };

function stages(t0: number, failAt?: DeployStage): Record<DeployStage, StageState> {
  const out = {} as Record<DeployStage, StageState>;
  let at = t0;
  let reached = false;
  for (const stage of DEPLOY_STAGES) {
    if (reached) out[stage] = { status: 'pending' };
    else if (stage === failAt) {
      out[stage] = { status: 'failed', detail: `${XSS_IMG} step 4 failed`, startedAt: at, endedAt: (at += 65_000) };
      reached = true;
    } else out[stage] = { status: 'done', detail: `${stage} ok`, startedAt: at, endedAt: (at += 2_000) };
  }
  return out;
}

/** Four finished deploys, newest first, one of each outcome. */
function records(now: number): DeployRecord[] {
  return [
    {
      deployId: 'd4',
      target: TARGET,
      startedAt: now - 5 * MIN,
      endedAt: now - 3 * MIN - 10_000,
      outcome: 'success',
      url: SERVICE_URL,
      revision: 'hello-world-00004-abc',
      commit: COMMIT,
      branch: 'main',
      stages: stages(now - 5 * MIN),
      buildConsoleUrl: 'https://console.cloud.google.com/cloud-build/builds;region=us-central1/b4?project=devgem-demo',
    },
    {
      deployId: 'd3',
      target: TARGET,
      startedAt: now - 125 * MIN,
      endedAt: now - 2 * 60 * MIN - 30_000,
      outcome: 'failed',
      stage: 'build',
      message: `npm ci failed ${XSS_IMG}`,
      fix: `Run npm install ${XSS_SCRIPT}`,
      logTail: ['npm ERR! code ERESOLVE', XSS_SCRIPT, 'npm ERR! peer react@"^17"'],
      commit: 'fedcba9876543210fedcba9876543210fedcba98',
      branch: `feature/${XSS_IMG}`,
      dirty: true,
      stages: stages(now - 125 * MIN, 'build'),
    },
    {
      deployId: 'd2',
      target: TARGET,
      startedAt: now - 26 * 60 * MIN,
      endedAt: now - 26 * 60 * MIN + 90_000,
      outcome: 'private',
      url: SERVICE_URL,
      message: 'The organization policy blocks allUsers.',
      commit: COMMIT,
      branch: 'main',
    },
    { deployId: 'd1', target: TARGET, startedAt: now - 3 * 24 * 60 * MIN - MIN, endedAt: now - 3 * 24 * 60 * MIN, outcome: 'cancelled', stage: 'upload' },
  ];
}

function withHistory(version: number, history: DeployRecord[], current = finalState(deployEvents(Date.now() - 10 * MIN))): ViewSnapshot {
  return { ...snapshot(version, current), history };
}

describe('deploy history (browser)', function () {
  this.timeout(60_000);
  const session = pageSession({ ready: '#deploy-button' });
  let page: Page;

  async function open(options: PageOptions = {}, width = 320): Promise<Page> {
    page = await session.open(options, { width });
    return page;
  }

  /** A page showing the four records, the list expanded. */
  async function openWithHistory(options: PageOptions = {}): Promise<Page> {
    await open(options);
    await sendSnapshots(page, withHistory(1, records(Date.now())));
    await page.locator('#history-toggle').click();
    return page;
  }

  const items = () => page.locator('#history .history-item');
  const focusedDeploy = () => page.locator(':focus').getAttribute('data-deploy-id');

  it('is hidden without history, then collapsed by default showing the count', async () => {
    await open();
    await sendSnapshots(page, withHistory(1, []));
    assert.equal(await page.locator('#history').isVisible(), false);
    await sendSnapshots(page, withHistory(2, records(Date.now())));
    assert.equal(await page.locator('#history').isVisible(), true);
    assert.equal(await page.locator('#history-toggle').textContent(), 'History (4)');
    assert.equal(await page.locator('#history-toggle').getAttribute('aria-expanded'), 'false');
    assert.equal(await items().first().isVisible(), false, 'collapsed: no entries shown');
    await page.locator('#history-toggle').click();
    assert.equal(await page.locator('#history-toggle').getAttribute('aria-expanded'), 'true');
    assert.equal(await items().count(), 4);
    assert.equal(await items().first().isVisible(), true);
  });

  it('lists deploys newest first with outcome icons, relative times, commit and branch, URL or failing stage', async () => {
    await openWithHistory();
    const rows = await items().evaluateAll((els) =>
      els.map((el) => ({
        id: el.getAttribute('data-deploy-id'),
        outcome: el.getAttribute('data-outcome'),
        icon: [...el.querySelector('.history-line .codicon')!.classList].find((c) => c !== 'codicon'),
        service: el.querySelector('.history-service')?.textContent,
        time: el.querySelector('.history-time')?.textContent,
        title: el.querySelector('.history-time')?.getAttribute('title'),
        source: el.querySelector('.history-source')?.textContent ?? null,
        summary: el.querySelector('.history-summary')?.textContent,
      })),
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r.outcome, r.icon]),
      [
        ['d4', 'success', 'codicon-pass'],
        ['d3', 'failed', 'codicon-error'],
        ['d2', 'private', 'codicon-warning'],
        ['d1', 'cancelled', 'codicon-stop-circle'],
      ],
    );
    assert.deepEqual(
      rows.map((r) => r.time),
      ['3 min ago', '2 hours ago', 'yesterday', '3 days ago'],
    );
    for (const r of rows) {
      assert.equal(r.service, 'hello-world');
      assert.match(r.title ?? '', /\d{4}|\d{1,2}[/.]\d{1,2}/, 'the absolute time is in the title');
    }
    assert.equal(rows[0].source, '0123456 on main');
    assert.equal(rows[1].source, `fedcba9 on feature/${XSS_IMG} (uncommitted changes)`);
    assert.equal(rows[3].source, null, 'no git line outside a repository');
    assert.equal(rows[0].summary, SERVICE_URL);
    assert.equal(rows[1].summary, 'Failed at: Build with Cloud Build');
    assert.equal(rows[3].summary, 'Cancelled during: Upload to Cloud Storage');
    assert.equal(await items().nth(0).locator('.history-source').getAttribute('title'), COMMIT, 'the full SHA on hover');
  });

  it('opens a URL from the list without opening the detail', async () => {
    await openWithHistory();
    await clearPosted(page);
    await items().first().locator('.history-url').click();
    assert.deepEqual(await posted(page), [{ type: 'openUrl', url: SERVICE_URL }]);
    assert.equal(await page.locator('#history-detail').isVisible(), false);
  });

  it("opens a record's read-only detail in place of the current deploy, and goes back", async () => {
    await openWithHistory();
    assert.equal(await page.locator('#tracker').isVisible(), true);
    await items().nth(1).click();
    const detail = page.locator('#history-detail');
    assert.equal(await detail.isVisible(), true);
    assert.equal(await detail.getAttribute('data-outcome'), 'failed');
    assert.equal(await page.locator('#tracker').isVisible(), false, 'the current deploy steps aside');
    assert.equal(await page.locator('#result').isVisible(), false);
    assert.equal(await page.locator('#history').isVisible(), true);
    assert.equal(await items().nth(1).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator(':focus').getAttribute('id'), 'history-detail-heading');
    const stageRows = await detail
      .locator('.history-stage')
      .evaluateAll((els) =>
        els.map((el) => [el.getAttribute('data-stage'), el.getAttribute('data-status'), el.querySelector('.history-stage-elapsed')?.textContent]),
      );
    assert.deepEqual(
      stageRows.map(([s]) => s),
      [...DEPLOY_STAGES],
    );
    assert.deepEqual(stageRows.slice(4, 7), [
      ['upload', 'done', '2s'],
      ['build', 'failed', '1m 05s'],
      ['deploy', 'pending', ''],
    ]);
    assert.equal(await detail.locator('[data-stage="build"] .history-stage-detail').textContent(), `${XSS_IMG} step 4 failed`);
    assert.equal(await page.locator('#history-message').textContent(), `npm ci failed ${XSS_IMG}`);
    assert.equal(await page.locator('#history-fix').textContent(), `Fix: Run npm install ${XSS_SCRIPT}`);
    assert.deepEqual(await detail.locator('.history-log-tail .log-line').allTextContents(), [
      'npm ERR! code ERESOLVE\n',
      `${XSS_SCRIPT}\n`,
      'npm ERR! peer react@"^17"\n',
    ]);
    assert.equal(await detail.locator('.history-source').textContent(), `fedcba9 on feature/${XSS_IMG} (uncommitted changes)`);

    await page.locator('#history-back').click();
    assert.equal(await detail.isVisible(), false);
    assert.equal(await page.locator('#tracker').isVisible(), true);
    assert.equal(await focusedDeploy(), 'd3', 'focus returns to the entry');
    assert.equal(await items().nth(1).getAttribute('aria-selected'), 'false');
  });

  it('a successful record shows its URL, revision and build console link; both open through the host', async () => {
    await openWithHistory();
    await items().first().click();
    assert.equal(await page.locator('#history-url').textContent(), SERVICE_URL);
    assert.match((await page.locator('.history-detail-url').textContent()) ?? '', /hello-world-00004-abc/);
    assert.equal(await page.locator('#history-message').count(), 0);
    await clearPosted(page);
    await page.locator('#history-open-url').click();
    await page.locator('#history-open-build').click();
    const urls = (await posted(page)).map((m) => (m.type === 'openUrl' ? m.url : m.type));
    assert.deepEqual(urls, [SERVICE_URL, records(0)[0].buildConsoleUrl]);
    // The log itself is read back by the host: the webview only names the deploy.
    await clearPosted(page);
    await page.locator('#history-build-log').click();
    assert.deepEqual(await posted(page), [{ type: 'showPastBuildLog', deployId: records(0)[0].deployId }]);
  });

  it('moves with the arrow keys, Home and End, opens with Enter, and Escape goes back', async () => {
    await openWithHistory();
    assert.deepEqual(await items().evaluateAll((els) => els.map((el) => el.getAttribute('tabindex'))), ['0', '-1', '-1', '-1'], 'one tab stop');
    await page.locator('#history-toggle').focus();
    await page.keyboard.press('Tab');
    assert.equal(await focusedDeploy(), 'd4');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedDeploy(), 'd3');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedDeploy(), 'd1', 'stops at the last entry');
    await page.keyboard.press('Home');
    assert.equal(await focusedDeploy(), 'd4');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedDeploy(), 'd2');
    assert.deepEqual(await items().evaluateAll((els) => els.map((el) => el.getAttribute('tabindex'))), ['-1', '-1', '0', '-1'], 'the tab stop follows focus');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#history-detail').getAttribute('data-outcome'), 'private');
    assert.equal(await page.locator('#history-message').textContent(), 'The organization policy blocks allUsers.');
    assert.match((await page.locator('#history-detail').textContent()) ?? '', /Stage details were not kept/);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#history-detail').isVisible(), false);
    assert.equal(await focusedDeploy(), 'd2');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press(' ');
    assert.equal(await page.locator('#history-detail').getAttribute('data-outcome'), 'failed');
    await page.locator('#history-back').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#history-detail').isVisible(), false);
  });

  it('keeps every message, branch and log line inert', async () => {
    await openWithHistory();
    await items().nth(1).click();
    assert.equal(await pwned(page), undefined);
    assert.equal(await page.locator('#history img, #history-detail img, #history-detail script').count(), 0);
  });

  it('closes the detail when a new deploy starts, and survives malformed records', async () => {
    await openWithHistory();
    await items().nth(1).click();
    const next = finalState(deployEvents(Date.now(), { upTo: 'build' }));
    await sendSnapshots(page, withHistory(2, records(Date.now()), next));
    assert.equal(await page.locator('#history-detail').isVisible(), false);
    assert.equal(await page.locator('#tracker').isVisible(), true);
    const junk = [
      null,
      5,
      { deployId: 'x' },
      { ...records(Date.now())[0], deployId: 'ok', commit: 42, logTail: 'no', stages: { preflight: null } },
    ] as unknown as DeployRecord[];
    await sendSnapshots(page, withHistory(3, junk, next));
    assert.deepEqual(await items().evaluateAll((els) => els.map((el) => el.getAttribute('data-deploy-id'))), ['ok']);
    await items().first().click();
    assert.match((await page.locator('#history-detail').textContent()) ?? '', /Stage details were not kept/);
  });

  describe('screenshots', () => {
    for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
      it(`list and a failed deploy's detail in ${theme}`, async () => {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await openWithHistory({ theme });
        const list = path.join(ARTIFACTS, `history-list-${theme}.png`);
        await page.locator('#history').screenshot({ path: list });
        await items().nth(1).click();
        const file = path.join(ARTIFACTS, `history-detail-${theme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 5_000 && fs.statSync(list).size > 2_000);
      });
    }
  });
});
