// The sidebar as people see it: 320 × 700 px (a 300–400 px wide, 700 px tall view). What just happened is on
// screen without scrolling; the build log never cuts a line off; a finished log offers no Pause; the emulator
// shows a badge. Screenshots in light, dark and high-contrast go to test-artifacts/ (not committed).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { ViewSnapshot } from '../../src/shared/protocol';
import { buildLogLines, chatMessage, deployEvents, finalState, fold, snapshot } from './deployFixtures';
import { REPO_ROOT, sendSnapshots } from './harness';
import { pageSession } from './pageSession';
import type { ThemeName } from './themes';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const VIEW = { width: 320, height: 700 };

/** Whether the element's box lies within the view's visible height (top and bottom). */
async function inView(el: Locator): Promise<{ top: number; bottom: number; inside: boolean }> {
  return el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    const height = node.ownerDocument.documentElement.clientHeight;
    return { top: Math.round(r.top), bottom: Math.round(r.bottom), inside: r.top >= 0 && r.bottom <= height };
  });
}

/** A long conversation above, so the page is taller than the view. */
const CHAT = Array.from({ length: 14 }, (_, i) => chatMessage(`c${i}`, i % 2 ? 'assistant' : 'user', `Message ${i}: ${'words to fill the line '.repeat(4)}`));

describe('the sidebar at 320 × 700 (browser)', function () {
  this.timeout(60_000);
  const session = pageSession({ ready: '#deploy-button' });
  let page: Page;

  it('shows the result card with its URL at the end of a deploy, though the log and chat push it below the fold', async () => {
    page = await session.open({}, VIEW);
    const t0 = Date.now() - 60_000;
    const states = fold(deployEvents(t0, { buildLog: buildLogLines(40) }));
    await sendSnapshots(page, ...states.slice(0, -1).map((s, i) => snapshot(i + 1, s, CHAT)));
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await sendSnapshots(page, snapshot(states.length, states.at(-1), CHAT));
    const url = await inView(page.locator('#service-url'));
    assert.ok(url.inside, `the URL is on screen at the end of the deploy (top ${url.top}, bottom ${url.bottom}, view 700)`);
  });

  it('brings the tracker into view when a deploy starts while the chat is scrolled down', async () => {
    page = await session.open({}, VIEW);
    await sendSnapshots(page, snapshot(1, undefined, CHAT));
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    const t0 = Date.now();
    const states = fold(deployEvents(t0, { upTo: 'analyze' }));
    await sendSnapshots(page, snapshot(2, states.at(-1), CHAT));
    const tracker = await inView(page.locator('#tracker'));
    assert.ok(tracker.top >= 0 && tracker.top < VIEW.height, `the tracker's top is on screen (top ${tracker.top})`);
  });

  it('keeps the chat input on screen after a reply to someone typing in it', async () => {
    page = await session.open({}, VIEW);
    const t0 = Date.now() - 60_000;
    const done = finalState(deployEvents(t0, { buildLog: buildLogLines(40) }));
    await sendSnapshots(page, snapshot(1, done, CHAT.slice(0, 2)));
    await page.locator('#chat-input').focus();
    // The reader looked up at the log while waiting; the reply is long.
    await page.evaluate('window.scrollTo(0, 0)');
    const reply = chatMessage('r1', 'assistant', `Here is what happened. ${'A long explanation of the build. '.repeat(30)}`);
    await sendSnapshots(page, snapshot(2, done, [...CHAT.slice(0, 2), reply]));
    const input = await inView(page.locator('#chat-input'));
    assert.ok(input.top >= 0 && input.top < VIEW.height, `the input's top is within the view (top ${input.top})`);
  });

  it('hides Pause on a finished log, and lets a long line be read by scrolling sideways', async () => {
    page = await session.open({}, VIEW);
    const t0 = Date.now() - 60_000;
    const long = `Step 3/9 : RUN npm ci --omit=dev && ${'node_modules/some-package/with/a/very/long/path '.repeat(4)}END-OF-LINE`;
    const running = finalState(deployEvents(t0, { upTo: 'build', buildLog: [...buildLogLines(5), long] }));
    await sendSnapshots(page, snapshot(1, running));
    assert.equal(await page.locator('#log-follow').isVisible(), true, 'Pause while lines still come');
    const done = finalState(deployEvents(t0, { buildLog: [...buildLogLines(5), long] }));
    await sendSnapshots(page, snapshot(2, done));
    assert.equal(await page.locator('#log-follow').isVisible(), false, 'no Pause on a finished log');
    const reach = await page.locator('#build-log').evaluate((log) => {
      const rows = log.querySelectorAll('.log-line');
      let row: typeof log | undefined;
      for (let i = 0; i < rows.length; i++) if (rows[i].textContent?.includes('END-OF-LINE')) row = rows[i] as typeof log;
      return { scrollWidth: log.scrollWidth, clientWidth: log.clientWidth, rowRight: row?.scrollWidth ?? -1, rowWidth: row?.clientWidth ?? -1 };
    });
    assert.ok(reach.rowRight <= reach.rowWidth, `the row holds its whole text (${reach.rowRight} > ${reach.rowWidth} is cut off)`);
    assert.ok(reach.scrollWidth > reach.clientWidth, 'the pane scrolls sideways to the end of the long line');
  });

  it('shows an Emulator badge while the emulator answers, and none otherwise', async () => {
    page = await session.open({}, VIEW);
    await sendSnapshots(page, { ...snapshot(1, undefined), emulator: true } as ViewSnapshot);
    assert.equal(await page.locator('#emulator-badge').isVisible(), true);
    assert.equal((await page.locator('#emulator-badge').textContent())?.trim(), 'Emulator');
    await sendSnapshots(page, snapshot(2, undefined));
    assert.equal(await page.locator('#emulator-badge').isVisible(), false);
  });

  describe('screenshots at 320 × 700', () => {
    for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
      it(`a finished deploy in ${theme}`, async () => {
        page = await session.open({ theme }, VIEW);
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        const t0 = Date.now() - 75_000;
        const states = fold(deployEvents(t0, { buildLog: buildLogLines(30) }));
        await sendSnapshots(page, ...states.map((s, i) => ({ ...snapshot(i + 1, s, CHAT.slice(0, 4)), emulator: true })));
        const file = path.join(ARTIFACTS, `sidebar-320x700-${theme}.png`);
        await page.screenshot({ path: file });
        assert.ok(fs.statSync(file).size > 5_000);
      });
    }
  });
});
