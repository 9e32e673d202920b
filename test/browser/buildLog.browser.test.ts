// The build log pane in headless Chromium: 100k streamed lines, follow/pause,
// find, inert text, and a failed build's highlighting and actions.
// Run: npx tsc -p . && npx mocha --no-config out/test/browser/buildLog.browser.test.js
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { DeployState, HostMessage, Problem } from '../../src/shared/protocol';
import { deployEvents, failedBuild, finalState, snapshot } from './deployFixtures';
import { clearPosted, posted, pwned, sendSnapshots, sendToWebview } from './harness';
import { pageSession } from './pageSession';

/** What the page exposes to these tests (this file has no DOM lib). */
interface PageGlobals {
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  requestAnimationFrame(callback: () => void): number;
  document: {
    activeElement: { id: string } | null;
    querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null;
  };
}

/** Waits (bounded) until the pane's data-following is `value`. */
async function waitFollowing(page: Page, value: boolean): Promise<void> {
  await page.waitForFunction(
    (v) => (globalThis as unknown as PageGlobals).document.querySelector('#log-section')?.getAttribute('data-following') === String(v),
    value,
    { timeout: 5000 },
  );
}

describe('build log pane (browser)', function () {
  this.timeout(60_000);
  const session = pageSession({ ready: '#deploy-button' });
  let page: Page;

  /** Opens the view with a deploy in its build stage and no log lines yet. */
  async function openBuilding(): Promise<DeployState> {
    page = await session.open({}, { width: 360 });
    const running = finalState(deployEvents(Date.now() - 30_000, { upTo: 'build', buildLog: [] }));
    await sendSnapshots(page, snapshot(1, running));
    await clearPosted(page);
    return running;
  }

  /**
   * Streams lines `from`..`from + count - 1` as the host does (`log` messages
   * of `batch` lines), made in the page to keep 100k lines off the wire; line
   * i reads `line <i + 1>`, every `needleEvery`-th one also `needle`.
   */
  async function stream(deployId: string, from: number, count: number, options: { batch?: number; needleEvery?: number } = {}): Promise<void> {
    await page.evaluate(
      async ({ deployId, from, count, batch, needleEvery }) => {
        const g = globalThis as unknown as PageGlobals;
        for (let at = from; at < from + count; at += batch) {
          const lines: string[] = [];
          for (let i = at; i < Math.min(at + batch, from + count); i++)
            lines.push(needleEvery && (i + 1) % needleEvery === 0 ? `line ${i + 1} npm WARN needle ${i + 1}` : `line ${i + 1}`);
          g.postMessage({ type: 'log', deployId, from: at, lines }, '*');
        }
        const sentinel = `__sentinel_${Math.random()}`;
        await new Promise<void>((resolve) => {
          const on = (e: { data: unknown }) => {
            if (e.data !== sentinel) return;
            g.removeEventListener('message', on);
            resolve();
          };
          g.addEventListener('message', on);
          g.postMessage(sentinel, '*');
        });
        await new Promise<void>((resolve) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => resolve())));
      },
      { deployId, from, count, batch: options.batch ?? 2000, needleEvery: options.needleEvery ?? 0 },
    );
    // The pane ingests a burst over several frames (a time budget per frame).
    await page.waitForFunction(
      (text) => (globalThis as unknown as PageGlobals).document.querySelector('#log-line-count')?.textContent === text,
      `${(from + count).toLocaleString('en-US')} lines`,
      { timeout: 10_000 },
    );
    await frames();
  }

  const frames = () =>
    page.evaluate(
      () =>
        new Promise<void>((r) =>
          (globalThis as unknown as PageGlobals).requestAnimationFrame(() => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => r())),
        ),
    );
  const rows = () => page.locator('#build-log .log-line');
  const rowNumbers = () => rows().evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));
  /** Line numbers whose rows are inside the log's visible box. */
  const visibleLines = () =>
    page.locator('#build-log').evaluate((log) => {
      const box = log.getBoundingClientRect();
      return [...log.querySelectorAll('.log-line')]
        .filter((r) => {
          const b = r.getBoundingClientRect();
          return b.bottom > box.top + 1 && b.top < box.bottom - 1;
        })
        .map((r) => Number(r.getAttribute('data-line')));
    });
  const atBottom = () => page.locator('#build-log').evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 4);
  const scrollLogTo = async (top: number) => {
    await page.locator('#build-log').evaluate((el, t) => (el.scrollTop = t), top);
    await frames();
  };

  it('holds 100k streamed lines with a few dozen rows in the DOM; top shows line 1, the bottom the newest', async () => {
    const running = await openBuilding();
    await stream(running.deployId, 0, 100_000, { batch: 5000 });
    assert.equal(await page.locator('#log-line-count').textContent(), '100,000 lines');
    const n = await rows().count();
    assert.ok(n > 5 && n < 100, `${n} rows in the DOM for 100k lines`);
    assert.ok(await atBottom(), 'it follows the tail');
    assert.ok((await visibleLines()).includes(100_000), 'the newest line is in view');
    assert.equal(await page.locator('#dropped-log-lines').isVisible(), false);

    await scrollLogTo(0);
    assert.equal((await visibleLines())[0], 1);
    assert.equal(await rows().first().textContent(), 'line 1');
    assert.equal(await page.locator('#log-section').getAttribute('data-following'), 'false', 'scrolling up pauses');

    // Past MAX_VIEW_LOG_LINES the oldest go; the top is the first kept line.
    await stream(running.deployId, 100_000, 250);
    assert.equal(await page.locator('#log-line-count').textContent(), '100,250 lines');
    assert.equal(await page.locator('#dropped-log-lines').textContent(), '250 earlier lines not shown.');
    await scrollLogTo(0);
    assert.equal((await visibleLines())[0], 251);
    assert.equal(await rows().first().textContent(), 'line 251');
    assert.ok((await rows().count()) < 100);
  });

  it('follows the tail; Pause stops scrolling and counts new lines; Follow and the new-lines button jump back', async () => {
    const running = await openBuilding();
    await stream(running.deployId, 0, 1000);
    assert.ok(await atBottom());
    assert.equal(await page.locator('#log-follow').textContent(), 'Pause');

    await page.locator('#log-follow').click();
    await frames();
    assert.equal(await page.locator('#log-follow').textContent(), 'Follow');
    const top = await page.locator('#build-log').evaluate((el) => el.scrollTop);
    await stream(running.deployId, 1000, 500);
    assert.equal(await page.locator('#build-log').evaluate((el) => el.scrollTop), top, 'paused: the view stays put');
    assert.equal(await page.locator('#log-line-count').textContent(), '1,500 lines', 'lines still arrive');
    assert.equal(await page.locator('#log-new-lines').textContent(), '500 new lines ↓');

    await page.locator('#log-new-lines').click();
    await frames();
    assert.ok(await atBottom());
    assert.ok((await visibleLines()).includes(1500));
    assert.equal(await page.locator('#log-new-lines').isVisible(), false);
    assert.equal(await page.locator('#log-follow').textContent(), 'Pause');

    // Scrolling up with the wheel pauses; End (the log focused) follows again.
    await page.locator('#build-log').hover();
    await page.mouse.wheel(0, -400);
    await waitFollowing(page, false);
    await stream(running.deployId, 1500, 10);
    assert.ok(!(await atBottom()));
    await page.locator('#build-log').focus();
    await page.keyboard.press('End');
    await waitFollowing(page, true);
    await stream(running.deployId, 1510, 10);
    assert.ok((await visibleLines()).includes(1520));

    await page.locator('#log-follow').click();
    await page.locator('#log-follow').click();
    await frames();
    assert.ok(await atBottom(), 'Follow jumps to the newest line');
  });

  it('find: counts matches, Enter / Shift+Enter step through them (wrapping), highlights them, Escape clears', async () => {
    const running = await openBuilding();
    await stream(running.deployId, 0, 1000, { needleEvery: 10 });
    await scrollLogTo(0);
    const search = page.locator('#log-search');
    await search.fill('NEEDLE');
    await frames();
    assert.equal(await page.locator('#log-match-count').textContent(), '100 matches');
    await search.press('Enter');
    await frames();
    assert.equal(await page.locator('#log-match-count').textContent(), '1 of 100');
    const current = page.locator('#build-log .log-line.current-match');
    assert.equal(await current.getAttribute('data-line'), '10');
    assert.equal(await current.locator('mark.log-match').textContent(), 'needle');
    await search.press('Enter');
    await frames();
    assert.equal(await page.locator('#log-match-count').textContent(), '2 of 100');
    assert.equal(await current.getAttribute('data-line'), '20');
    await search.press('Shift+Enter');
    await search.press('Shift+Enter');
    await frames();
    assert.equal(await page.locator('#log-match-count').textContent(), '100 of 100', 'Previous wraps to the last match');
    assert.equal(await current.getAttribute('data-line'), '1000');
    assert.ok((await visibleLines()).includes(1000), 'the match is scrolled into view');
    assert.equal(await page.locator('#log-section').getAttribute('data-following'), 'false', 'moving to a match stops following');
    await page.locator('#log-next').click();
    await frames();
    assert.equal(await page.locator('#log-match-count').textContent(), '1 of 100');
    const marks = await page.locator('#build-log mark.log-match').count();
    assert.ok(marks > 0);

    // Lines arriving during a search are searched too.
    await stream(running.deployId, 1000, 100, { needleEvery: 10 });
    assert.equal(await page.locator('#log-match-count').textContent(), '1 of 110');

    await search.press('Escape');
    await frames();
    assert.equal(await search.inputValue(), '');
    assert.equal(await page.locator('#log-match-count').textContent(), '');
    assert.equal(await page.locator('#build-log mark').count(), 0);

    await search.fill('no such text');
    await frames();
    assert.equal(await page.locator('#log-match-count').textContent(), 'No results');

    // Ctrl+F in the pane goes to the find box.
    await page.locator('#build-log').focus();
    await page.keyboard.press('Control+f');
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id), 'log-search');
  });

  it('renders lines as text: markup stays inert, ANSI colours are stripped', async () => {
    const running = await openBuilding();
    const xss = ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=1</script>', '\x1b[1;31mred\x1b[0m and \x1b[32mgreen\x1b[0m'];
    await sendToWebview(page, { type: 'log', deployId: running.deployId, from: 0, lines: xss } satisfies HostMessage);
    assert.deepEqual(await rows().allTextContents(), [xss[0], xss[1], 'red and green']);
    await page.locator('#log-search').fill('<img');
    await frames();
    assert.equal(await page.locator('#build-log mark').textContent(), '<img');
    assert.equal(await page.locator('#app img, #app script').count(), 0, 'no element was made from a log line');
    assert.equal(await pwned(page), undefined);
  });

  it('takes the host replay after a reload (snapshot tail first, then every line from 0) as one range', async () => {
    const running = finalState(deployEvents(Date.now() - 30_000, { upTo: 'build', buildLog: [] }));
    const tail = Array.from({ length: 2000 }, (_, i) => `line ${48_001 + i}`);
    const restored = { ...running, log: tail, droppedLogLines: 48_000 };
    page = await session.open({ state: { snapshot: snapshot(9, restored) } }, { width: 360 });
    await frames();
    assert.equal(await page.locator('#log-line-count').textContent(), '50,000 lines');
    assert.equal(await page.locator('#dropped-log-lines').textContent(), '48,000 earlier lines not shown.');
    await sendSnapshots(page, snapshot(1, restored));
    await stream(running.deployId, 0, 50_000, { batch: 5000 });
    assert.equal(await page.locator('#log-line-count').textContent(), '50,000 lines');
    assert.equal(await page.locator('#dropped-log-lines').isVisible(), false);
    assert.ok((await visibleLines()).includes(50_000));
    await scrollLogTo(0);
    assert.deepEqual((await rowNumbers()).slice(0, 3), [1, 2, 3]);
  });

  it('ignores log messages for another deploy and malformed ones', async () => {
    const running = await openBuilding();
    await stream(running.deployId, 0, 3);
    await page.evaluate((id) => {
      const g = globalThis as unknown as PageGlobals;
      g.postMessage({ type: 'log', deployId: 'someone-else', from: 3, lines: ['other deploy'] }, '*');
      g.postMessage({ type: 'log', deployId: id, from: -1, lines: ['negative'] }, '*');
      g.postMessage({ type: 'log', deployId: id, from: 3, lines: [42] }, '*');
      g.postMessage({ type: 'log', deployId: id, from: 1.5, lines: ['fraction'] }, '*');
    }, running.deployId);
    await stream(running.deployId, 3, 1);
    assert.deepEqual(await rows().allTextContents(), ['line 1', 'line 2', 'line 3', 'line 4']);
  });

  describe('a failed deploy', () => {
    const tail = [
      'Step 4/6 : RUN npm run build',
      'npm ERR! Missing script: "build"',
      'npm ERR! A complete log of this run can be found in: /root/.npm/_logs/debug.log',
      "The command '/bin/sh -c npm run build' returned a non-zero code: 1",
    ];
    const problem: Problem = {
      message: 'Cloud Build failed: Build step 0 failed',
      fix: 'Fix the error shown in the build log, then deploy again.',
      logTail: tail,
    };
    const CONSOLE = 'https://console.cloud.google.com/cloud-build/builds;region=us-central1/b-1?project=devgem-demo';

    /** 3000 lines with an innocent early "error" and the failure at 2001..2004, then 300 lines of Cloud Build teardown. */
    async function failIn(stage: 'build' | 'deploy', consoleUrl?: string, aiOn = true): Promise<void> {
      const running = await openBuilding();
      const before = Array.from({ length: 2000 }, (_, i) => (i === 99 ? 'npm WARN deprecated error-ex@1.3.2' : `line ${i + 1}`));
      const after = Array.from({ length: 300 }, (_, i) => `Finished Step #${i}`);
      await sendToWebview(page, { type: 'log', deployId: running.deployId, from: 0, lines: [...before, ...tail, ...after] } satisfies HostMessage);
      let failed = failedBuild(running, Date.now(), problem);
      if (stage === 'deploy' && failed.result?.outcome === 'failed') failed = { ...failed, result: { ...failed.result, stage: 'deploy' } };
      if (consoleUrl) failed = { ...failed, build: { id: 'b-1', consoleUrl } };
      await sendSnapshots(page, { ...snapshot(2, failed), agent: { busy: false, mode: aiOn ? 'gemini' : 'offline' } });
      await clearPosted(page);
    }

    it('highlights the failing lines and scrolls to the first one of the failure', async () => {
      await failIn('build', CONSOLE);
      const visible = await visibleLines();
      assert.ok(visible.includes(2002), `the first error of the tail is in view (${visible[0]}..${visible.at(-1)})`);
      assert.ok(!visible.includes(2304), 'not simply scrolled to the bottom');
      assert.equal(await page.locator('#log-section').getAttribute('data-following'), 'false');
      const failing = await page.locator('#build-log .log-line.failing').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));
      for (const line of [2001, 2002, 2003, 2004]) assert.ok(failing.includes(line), `line ${line} is highlighted (${failing.join(',')})`);
      assert.ok(!failing.includes(2000) && !failing.includes(2005), 'ordinary lines are not');
      await scrollLogTo(0);
      await page.locator('#build-log').evaluate((el) => (el.scrollTop = (100 - 3) * el.querySelector('.log-line')!.getBoundingClientRect().height));
      await frames();
      assert.equal(
        await page.locator('#build-log .log-line[data-line="100"]').getAttribute('class'),
        'log-line failing',
        'an error-looking line elsewhere is marked too',
      );
    });

    it('does not offer Fix with AI when the AI is off', async () => {
      await failIn('build', CONSOLE, false);
      assert.equal(await page.locator('#action-fix').count(), 0);
      assert.equal(await page.locator('#action-retry').count(), 1);
    });

    it('offers Fix with AI, Retry, Show full log and Open in Cloud Console, each posting its message', async () => {
      await failIn('build', CONSOLE);
      assert.match((await page.locator('#action-fix').textContent()) ?? '', /Fix with AI \(build log\)/);
      for (const id of ['#action-fix', '#action-retry', '#action-show-log', '#action-console']) await page.locator(id).click();
      await page.locator('#log-open-editor').click();
      assert.deepEqual(await posted(page), [
        { type: 'fixWithAi' },
        { type: 'retry' },
        { type: 'openLogInEditor' },
        { type: 'openBuildInConsole' },
        { type: 'openLogInEditor' },
      ]);
    });

    it('has no Cloud Console button without a build link, and no highlighting for a failure the build log does not explain', async () => {
      await failIn('deploy');
      assert.equal(await page.locator('#action-console').count(), 0);
      assert.equal(await page.locator('#action-retry').count(), 1);
      assert.equal(await page.locator('#action-fix').count(), 1);
      assert.match((await page.locator('#action-fix').textContent()) ?? '', /Fix with AI \(startup logs\)/, 'a runtime failure: the startup logs');
      assert.equal(await page.locator('#action-show-log').count(), 1);
      assert.equal(await page.locator('#build-log .log-line.failing').count(), 0);
      assert.ok(await atBottom(), 'still at the tail');
    });
  });
});
