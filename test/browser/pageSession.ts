// The mocha hooks every browser suite shares: one harness and one Chromium for
// the suite, a fresh page per test, and after each test the proof that the page
// ran under the host's CSP without violations or uncaught errors.
import * as assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../scripts/browser';
import { clearPosted, cspViolations, ensureWebviewBundle, startHarness, type Harness, type PageOptions } from './harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface PageSession {
  /** Opens the view in a new page and waits for `ready`; the page is checked and closed after the test. */
  open(options?: PageOptions, viewport?: { width?: number; height?: number }): Promise<Page>;
}

/**
 * Registers the suite's hooks (call it inside `describe`). `ready`: the element
 * that says the view has rendered; `clearPosted`: forget what the page posted
 * while loading (its `ready` message), so tests see only what they caused.
 */
export function pageSession(defaults: { ready: string; clearPosted?: boolean }): PageSession {
  let browser: Browser | undefined;
  let harness: Harness | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  before(async () => {
    await ensureWebviewBundle();
    harness = await startHarness();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  afterEach(async () => {
    if (!page) return;
    const closing = page;
    page = undefined;
    assert.deepEqual(await cspViolations(closing), [], 'the page must run under the host CSP without violations');
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    await closing.close();
  });

  return {
    async open(options = {}, { width = 320, height = 900 } = {}) {
      if (!browser || !harness) throw new Error('pageSession: open() before the suite started');
      page = await browser.newPage({ viewport: { width, height } });
      pageErrors.length = 0;
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(harness.url(options));
      await page.locator(defaults.ready).waitFor();
      if (defaults.clearPosted) await clearPosted(page);
      return page;
    },
  };
}
