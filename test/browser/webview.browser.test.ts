// The webview bundle in headless Chromium, under the host's CSP.
// Run: npx tsc -p . && npx mocha out/test/browser/webview.browser.test.js
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { DEPLOY_STAGES, type DeployState } from '../../src/shared/protocol';
import { REVISION, SERVICE_URL, buildLogLines, chatMessage, deployEvents, failedBuild, finalState, fold, snapshot } from './deployFixtures';
import { REPO_ROOT, activeElementId, clearPosted, fontLoaded, horizontalOverflow, posted, pwned, savedState, sendSnapshots, type PageOptions } from './harness';
import { pageSession } from './pageSession';
import { needsLine, openNeeds, warningLines } from '../../src/core/deploy/readinessGate';
import type { ThemeName } from './themes';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const XSS_IMG = '<img src=x onerror="window.__pwned=1">';
const XSS_SCRIPT = '<script>window.__pwned=1</script>';

describe('webview (browser)', function () {
  this.timeout(60_000);
  const session = pageSession({ ready: '#deploy-button' });
  let page: Page;

  async function open(options: PageOptions = {}, width = 320): Promise<Page> {
    page = await session.open(options, { width });
    return page;
  }

  const statuses = (p: Page) =>
    p.locator('#tracker [data-stage]').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-stage'), r.getAttribute('data-status')]));

  it('posts ready once on load and renders an idle view', async () => {
    await open();
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    assert.equal(await page.locator('#tracker').isVisible(), false);
    assert.equal(await page.locator('#empty-hint').isVisible(), true);
    assert.equal(await page.locator('#cancel-button').isVisible(), false);
  });

  it('tracks a whole deploy to done and shows the URL', async () => {
    await open();
    const t0 = Date.now() - 60_000;
    const states = fold(deployEvents(t0));
    await sendSnapshots(page, ...states.map((s, i) => snapshot(i + 1, s)));

    const rows = await statuses(page);
    assert.deepEqual(
      rows.map(([stage]) => stage),
      [...DEPLOY_STAGES],
    );
    assert.ok(
      rows.every(([, status]) => status === 'done'),
      JSON.stringify(rows),
    );
    assert.equal(await page.locator('#service-url').textContent(), SERVICE_URL);
    assert.equal(await page.locator('#revision-name').textContent(), REVISION);
    assert.equal(await page.locator('#result').getAttribute('data-outcome'), 'success');
    assert.equal(await page.locator('#deploy-target').textContent(), 'hello-world · us-central1 · devgem-demo');
    assert.equal(await page.locator('[data-stage="build"] .stage-elapsed').textContent(), '41s');
    assert.match((await page.locator('#total-elapsed').textContent()) ?? '', /^\d+s$|^\dm \d\ds$/);
    assert.equal(await page.locator('#build-log .log-line').count(), 12);
    assert.match((await page.locator('#announcer').textContent()) ?? '', new RegExp(`Deployed: ${SERVICE_URL}`));
    assert.equal(await page.locator('#deploy-button').evaluate((b) => b.hasAttribute('disabled')), false);
    const saved = (await savedState(page)) as { snapshot: { version: number } };
    assert.equal(saved.snapshot.version, states.length, 'the rendered snapshot is saved with setState');
  });

  it('shows what will break on Cloud Run in the analyze stage, one finding per line', async () => {
    await open();
    // The detail as the analyze stage writes it (readinessGate.ts), from an analysis's warnings and needs.
    const app = {
      warnings: [
        {
          kind: 'debug-on' as const,
          message: 'shop/settings.py:7 turns debug mode on.',
          evidence: [],
          fix: 'shop/settings.py:7: DEBUG = os.environ.get("DEBUG") == "1"',
        },
        { kind: 'localhost-database' as const, message: 'shop/settings.py:20 points the database at localhost.', evidence: [] },
      ],
      needs: [{ name: 'PGDATABASE', secret: false, evidence: [{ file: 'shop/settings.py', line: 12, detail: 'os.environ["PGDATABASE"]' }] }],
    };
    const findings = [...warningLines(app), needsLine(openNeeds(app, {}))].map((l) => `⚠ ${l}`);
    const detail = ['Python 3.13, Django', ...findings].join('\n');
    const events = deployEvents(Date.now() - 60_000).map((e) => (e.type === 'stage' && e.stage === 'analyze' && e.status === 'done' ? { ...e, detail } : e));
    await sendSnapshots(page, snapshot(1, finalState(events)));
    const shown = page.locator('[data-stage="analyze"] .stage-detail');
    assert.equal(await shown.isVisible(), true);
    const lines = ((await shown.innerText()) ?? '').split('\n');
    assert.deepEqual(lines, ['Python 3.13, Django', ...findings]);
    assert.match(lines[1], /debug mode on\. Fix: shop\/settings\.py:7/);
    assert.match(lines[3], /reads env vars with no default: PGDATABASE \(shop\/settings\.py:12\)/);
  });

  it('shows a running stage with a spinner, live elapsed time and an announcement', async () => {
    await open();
    const state = finalState(deployEvents(Date.now() - 60_000, { upTo: 'build' }));
    await sendSnapshots(page, snapshot(1, state));
    const build = page.locator('[data-stage="build"]');
    assert.equal(await build.getAttribute('data-status'), 'running');
    assert.equal(await build.locator('.codicon-loading.codicon-modifier-spin').count(), 1);
    assert.equal(await page.locator('[data-stage="deploy"]').getAttribute('data-status'), 'pending');
    const before = await build.locator('.stage-elapsed').textContent();
    await page.waitForTimeout(2_100);
    const after = await build.locator('.stage-elapsed').textContent();
    assert.notEqual(after, before, `elapsed time should tick while running (${before} -> ${after})`);
    assert.match((await page.locator('#announcer').textContent()) ?? '', /Build with Cloud Build: running/);
    assert.equal(await page.locator('#cancel-button').isVisible(), true);
    assert.equal(await page.locator('#deploy-button').evaluate((b) => b.hasAttribute('disabled')), true);
  });

  it('Open and Copy post the service URL', async () => {
    await open();
    await sendSnapshots(page, snapshot(1, finalState(deployEvents(Date.now() - 60_000))));
    await clearPosted(page);
    await page.locator('#open-url').click();
    await page.locator('#copy-url').click();
    assert.deepEqual(await posted(page), [
      { type: 'openUrl', url: SERVICE_URL },
      { type: 'copyUrl', url: SERVICE_URL },
    ]);
  });

  it('ignores a snapshot older than the one rendered, and anything not a snapshot', async () => {
    await open();
    const done = finalState(deployEvents(Date.now() - 60_000));
    const early = finalState(deployEvents(Date.now() - 1_000, { upTo: 'analyze' }));
    await sendSnapshots(page, snapshot(10, done));
    await sendSnapshots(page, snapshot(9, early), snapshot(10, early));
    await page.evaluate(() => {
      const g = globalThis as unknown as { postMessage(m: unknown, o: string): void };
      g.postMessage({ type: 'snapshot', snapshot: { version: 99, busy: 'yes', chat: [] } }, '*');
      g.postMessage({ type: 'other', snapshot: { version: 100, busy: true, chat: [] } }, '*');
      g.postMessage('snapshot', '*');
    });
    await page.waitForTimeout(50);
    assert.equal(await page.locator('#result').getAttribute('data-outcome'), 'success');
    assert.equal(await page.locator('[data-stage="verify"]').getAttribute('data-status'), 'done');
    assert.equal(((await savedState(page)) as { snapshot: { version: number } }).snapshot.version, 10);
    await sendSnapshots(page, snapshot(11, early));
    assert.equal(await page.locator('[data-stage="analyze"]').getAttribute('data-status'), 'running');
    assert.equal(await page.locator('#result').isVisible(), false);
  });

  it('shows a failed build with its message, fix and log tail', async () => {
    await open();
    const t0 = Date.now() - 20_000;
    const running = finalState(deployEvents(t0, { upTo: 'build' }));
    const tail = ['npm ERR! code ENOENT', 'npm ERR! missing script: build'];
    const failed = failedBuild(running, t0 + 15_000, { message: 'The container build failed.', fix: 'npm run build', logTail: tail });
    await sendSnapshots(page, snapshot(1, running), snapshot(2, failed));
    assert.equal(await page.locator('[data-stage="build"]').getAttribute('data-status'), 'failed');
    assert.equal(await page.locator('[data-stage="build"] .codicon-error').count(), 1);
    assert.equal(await page.locator('[data-stage="deploy"]').getAttribute('data-status'), 'pending');
    const result = page.locator('#result[data-outcome="failed"]');
    assert.equal(await result.isVisible(), true);
    assert.equal(await result.locator('#problem-message').textContent(), 'The container build failed.');
    assert.equal(await result.locator('#problem-fix').textContent(), 'npm run build');
    assert.deepEqual(
      await result.locator('#log-tail .log-line').allTextContents(),
      tail.map((l) => `${l}\n`),
    );
    assert.match((await page.locator('#announcer').textContent()) ?? '', /Deploy failed: The container build failed\./);
    assert.equal(await page.locator('#cancel-button').isVisible(), false);
  });

  it('shows a private deploy as a warning with the fix and the URL', async () => {
    await open();
    const t0 = Date.now() - 60_000;
    const events = deployEvents(t0);
    events[events.length - 1] = {
      type: 'finished',
      at: t0 + 50_000,
      result: {
        outcome: 'private',
        url: SERVICE_URL,
        image: 'img',
        problem: {
          message: 'An organization policy blocks public access.',
          fix: 'gcloud run services add-iam-policy-binding hello-world --member=allUsers --role=roles/run.invoker',
        },
      },
    };
    await sendSnapshots(page, snapshot(1, finalState(events)));
    assert.equal(await page.locator('#result').getAttribute('data-outcome'), 'private');
    assert.equal(await page.locator('#service-url').textContent(), SERVICE_URL);
    assert.match((await page.locator('#problem-fix').textContent()) ?? '', /^gcloud run services add-iam-policy-binding/);
  });

  it('renders markup in log lines, chat and problems as inert text', async () => {
    await open();
    const lines = ['ok', XSS_IMG, XSS_SCRIPT];
    const state = finalState(deployEvents(Date.now() - 5_000, { upTo: 'build', buildLog: lines }));
    const chat = [chatMessage('1', 'user', XSS_IMG), chatMessage('2', 'assistant', `${XSS_SCRIPT}\nsecond line`)];
    await sendSnapshots(page, snapshot(1, state, chat));
    const failed = finalState(
      [
        {
          type: 'finished',
          at: Date.now(),
          result: { outcome: 'failed', stage: 'build', problem: { message: XSS_IMG, fix: XSS_SCRIPT, logTail: [XSS_IMG] } },
        },
      ],
      state,
    );
    await sendSnapshots(page, snapshot(2, failed, chat));
    await page.waitForTimeout(200);
    assert.deepEqual(await page.locator('#build-log .log-line').allTextContents(), lines);
    assert.deepEqual(await page.locator('#chat-log .chat-text').allTextContents(), [XSS_IMG, `${XSS_SCRIPT}\nsecond line`]);
    assert.equal(await page.locator('#problem-message').textContent(), XSS_IMG);
    assert.equal(await page.locator('#app img, #app script').count(), 0, 'no element was created from data');
    assert.equal(await pwned(page), undefined);
  });

  it('appends new log lines instead of rebuilding, and slides the window', async () => {
    await open();
    const t0 = Date.now() - 5_000;
    const base = finalState(deployEvents(t0, { upTo: 'build', buildLog: buildLogLines(3) }));
    await sendSnapshots(page, snapshot(1, base));
    await page
      .locator('#build-log .log-line')
      .first()
      .evaluate((el) => el.setAttribute('data-marker', 'kept'));
    const more = finalState([{ type: 'log', stage: 'build', lines: ['four', 'five'] }], base);
    await sendSnapshots(page, snapshot(2, more));
    assert.equal(await page.locator('#build-log .log-line').count(), 5);
    assert.equal(await page.locator('#build-log .log-line').first().getAttribute('data-marker'), 'kept');
    assert.equal(await page.locator('#dropped-log-lines').isVisible(), false);

    const big = finalState([{ type: 'log', stage: 'build', lines: buildLogLines(2_100, 6) }], more);
    assert.equal(big.droppedLogLines, 105);
    await sendSnapshots(page, snapshot(3, big));
    // The pane is virtual: only the rows in view exist, and the newest is one of them.
    const texts = await page.locator('#build-log .log-line').allTextContents();
    assert.ok(texts.length > 5 && texts.length < 100, `${texts.length} rows in the DOM`);
    assert.equal(texts[texts.length - 1], big.log[big.log.length - 1]);
    assert.equal(await page.locator('#log-line-count').textContent(), '2,105 lines');
    assert.equal(await page.locator('#dropped-log-lines').textContent(), '105 earlier lines not shown.');
    const atBottom = await page.locator('#build-log').evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 8);
    assert.ok(atBottom, 'the log follows its tail');

    await clearPosted(page);
    await page.locator('#show-full-log').click();
    assert.deepEqual(await posted(page), [{ type: 'showLog' }]);
  });

  it('Deploy and Cancel post deploy and cancel, also from the keyboard', async () => {
    await open();
    await sendSnapshots(page, snapshot(1, undefined));
    await clearPosted(page);
    await page.keyboard.press('Tab');
    assert.equal(await activeElementId(page), 'deploy-button');
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ type: 'deploy' }]);

    const running = finalState(deployEvents(Date.now() - 1_000, { upTo: 'upload' }));
    await sendSnapshots(page, snapshot(2, running));
    await clearPosted(page);
    await page.locator('#deploy-button').click({ force: true });
    await page.locator('#cancel-button').click();
    assert.deepEqual(await posted(page), [{ type: 'cancel' }], 'a disabled Deploy posts nothing');
  });

  it('chat: Enter sends trimmed text, Shift+Enter adds a line, Up recalls', async () => {
    await open();
    const input = page.locator('#chat-input textarea');
    await clearPosted(page);
    await input.click();
    await page.keyboard.press('Enter');
    await input.fill('   ');
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [], 'empty input posts nothing');

    await input.fill('  deploy my app  ');
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ type: 'chat', text: 'deploy my app' }]);
    assert.equal(await input.inputValue(), '');

    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    assert.equal(await input.inputValue(), 'line one\nline two');
    await page.locator('#chat-send').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'chat', text: 'line one\nline two' });

    await input.click();
    await page.keyboard.press('ArrowUp');
    assert.equal(await input.inputValue(), 'line one\nline two');
    await page.keyboard.press('ArrowUp');
    assert.equal(await input.inputValue(), 'deploy my app');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await input.inputValue(), '');

    await sendSnapshots(
      page,
      snapshot(1, undefined, [chatMessage('a', 'user', 'deploy my app'), chatMessage('b', 'assistant', 'On it.\nFirst I check your project.')]),
    );
    assert.deepEqual(await page.locator('#chat-log .chat-msg').evaluateAll((els) => els.map((e) => e.getAttribute('data-role'))), ['user', 'assistant']);
    const lines = await page.locator('#chat-log .chat-msg[data-role="assistant"] .chat-text').evaluate((el) => el.getClientRects()[0].height);
    assert.ok(lines > 20, 'line breaks in a message are preserved');
  });

  it('paints the saved snapshot at once, before the host answers', async () => {
    const state = finalState(deployEvents(Date.now() - 60_000));
    await open({ state: { snapshot: snapshot(57, state, [chatMessage('a', 'user', 'hi')]) } });
    assert.equal(await page.locator('#service-url').textContent(), SERVICE_URL);
    assert.equal(await page.locator('#chat-log .chat-msg').count(), 1);
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    // A restarted host counts versions from 1 again; its first snapshot still wins.
    await sendSnapshots(page, snapshot(1, undefined));
    assert.equal(await page.locator('#tracker').isVisible(), false);
  });

  describe('screenshots', () => {
    for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
      it(`tracker in ${theme}`, async () => {
        await open({ theme }, 300);
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        const t0 = Date.now() - 75_000;
        const running: DeployState = finalState(deployEvents(t0, { upTo: 'build', buildLog: buildLogLines(16) }));
        const chat = [
          chatMessage('1', 'user', 'Deploy this to Cloud Run please'),
          chatMessage('2', 'assistant', 'Deploying hello-world to us-central1.\nI generated a Dockerfile for Node.js 20.'),
        ];
        await sendSnapshots(page, snapshot(1, running, chat));
        await page.screenshot({ path: path.join(ARTIFACTS, `tracker-running-${theme}.png`), fullPage: true });

        const done = finalState(deployEvents(t0));
        await sendSnapshots(page, snapshot(2, done, chat));
        await page.screenshot({ path: path.join(ARTIFACTS, `tracker-success-${theme}.png`), fullPage: true });
        assert.ok(fs.statSync(path.join(ARTIFACTS, `tracker-success-${theme}.png`)).size > 5_000);
        assert.equal(await fontLoaded(page, 'codicon'), true, 'the codicon font loads under the CSP');
      });

      it(`failed result at the narrowest sidebar width in ${theme}`, async () => {
        await open({ theme }, 220);
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        const t0 = Date.now() - 30_000;
        const running = finalState(deployEvents(t0, { upTo: 'build', buildLog: buildLogLines(6) }));
        const failed = failedBuild(running, t0 + 25_000, {
          message: 'npm ci failed: package-lock.json is out of sync with package.json.',
          fix: 'npm install && git add package-lock.json',
          logTail: ['npm ERR! code EUSAGE', 'npm ERR! `npm ci` can only install packages when your package.json and package-lock.json are in sync.'],
        });
        await sendSnapshots(page, snapshot(1, failed));
        const file = path.join(ARTIFACTS, `result-failed-${theme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.equal(await horizontalOverflow(page), 0, 'nothing overflows a 220 px sidebar horizontally');
      });
    }
  });
});
