/**
 * Helpers to drive a real VS Code workbench (code-server) with Playwright.
 *
 * The selectors here are VS Code internals (pinned code-server 4.139.1 /
 * VS Code 1.139.1); they are kept in one place so a version bump touches
 * only this file.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

export const SELECTORS = {
  workbench: '.monaco-workbench',
  activityBar: '.part.activitybar',
  /** An activity-bar entry (li[role=tab]); its title is on the inner a.action-label. */
  activityItem: '.part.activitybar li.action-item',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  /** Outer webview iframe (host page, class "ready" once its message port is set up). */
  webviewOuter: 'iframe.webview.ready',
  /** Inner iframe holding the extension's HTML. */
  webviewInner: '#active-frame',
} as const;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface OpenWorkbenchOptions {
  /** Title of an activity-bar item to wait for (e.g. 'Devgem'); its presence means the extension's contributions are in. */
  activityTitle?: string;
  /** Bound for the whole wait, default 90 000 ms. */
  timeoutMs?: number;
}

function cssString(s: string): string {
  return JSON.stringify(s);
}

/**
 * Activity-bar item (the `li`, which carries `checked`/`aria-selected`) for a
 * view container title. The label sits on the inner `a.action-label`, as the
 * title alone or followed by ` (keybinding)`; the `li`'s own aria-label is empty.
 */
export function activityBarItem(page: Page, title: string): Locator {
  const a = 'a.action-label';
  return page
    .locator(
      `${SELECTORS.activityItem}:has(> ${a}[aria-label=${cssString(title)}]), ` +
        `${SELECTORS.activityItem}:has(> ${a}[aria-label^=${cssString(title + ' (')}])`,
    )
    .first();
}

/** Loads the workbench and waits until it is usable (and, if given, until an activity-bar item is there). */
export async function openWorkbench(page: Page, url: string, opts: OpenWorkbenchOptions | string = {}): Promise<void> {
  const o: OpenWorkbenchOptions = typeof opts === 'string' ? { activityTitle: opts } : opts;
  const timeout = o.timeoutMs ?? 90_000;
  const deadline = Date.now() + timeout;
  const left = () => Math.max(1_000, deadline - Date.now());
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: left() });
  await page.locator(SELECTORS.workbench).first().waitFor({ state: 'visible', timeout: left() });
  await page.locator(SELECTORS.activityBar).first().waitFor({ state: 'visible', timeout: left() });
  if (o.activityTitle) {
    await activityBarItem(page, o.activityTitle).waitFor({ state: 'attached', timeout: left() });
  }
}

/** Clicks an activity-bar item (does not toggle it closed if it is already open). */
export async function openViewContainer(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const shown = page.locator('.part.sidebar .title-label', { hasText: new RegExp(escapeRegExp(title), 'i') }).first();
  // Right after a window reload the workbench may still be restoring the side
  // bar, so a click can race with it (a checked item's click hides the side
  // bar again): check the side bar itself and click until it shows the container.
  for (;;) {
    if (await shown.isVisible().catch(() => false)) return;
    const checked = (await item.getAttribute('aria-selected').catch(() => null)) === 'true';
    if (
      !checked ||
      !(await page
        .locator('.part.sidebar')
        .isVisible()
        .catch(() => false))
    )
      await item.click({ timeout: 5_000 }).catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`the side bar did not show ${JSON.stringify(title)} within ${timeoutMs} ms`);
    await sleep(500);
  }
}

export interface RunCommandOptions {
  /** Bound for the whole call, default 30 000 ms. */
  timeoutMs?: number;
}

/**
 * Runs a command from the palette by its full title, e.g. 'Devgem: Deploy'.
 * Retries while the palette says "No matching commands" (the extension's
 * contributions are not registered yet) or shows no exact row.
 */
export async function runCommand(page: Page, title: string, opts: RunCommandOptions = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const input = page.locator(SELECTORS.quickInputBox);
  // Rows carry the label in aria-label ("Dummy: Hello, …keybinding") and in .label-name.
  const row = page
    .locator(SELECTORS.quickInputRow)
    .filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }),
    })
    .first();
  let lastError: unknown;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      if (!(await input.isVisible())) {
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 5_000 });
      }
      await input.fill(`>${title}`);
      await row.waitFor({ state: 'visible', timeout: Math.min(5_000, Math.max(500, deadline - Date.now())) });
      await row.click({ timeout: 5_000 });
      await page
        .locator(SELECTORS.quickInput)
        .waitFor({ state: 'hidden', timeout: 5_000 })
        .catch(() => undefined);
      return;
    } catch (e) {
      lastError = e;
      // Close the palette and try again shortly: the command list is cached per opening.
      await page.keyboard.press('Escape').catch(() => undefined);
      await sleep(Math.min(1_000, 250 * attempt));
    }
  }
  throw new Error(`runCommand(${JSON.stringify(title)}): no palette row appeared in time: ${String(lastError)}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * FrameLocator for the HTML inside a webview (view or panel); lazy, so it can
 * be created before the webview exists and waits like any locator.
 * Takes the first *visible* ready webview (hidden ones keep their iframes);
 * with `viewTitle`, its inner frame must carry that title (VS Code sets it to
 * the view's `name`, e.g. 'Dummy View'). When several webviews are visible at
 * once, use findWebviewFrame() to pick one by title exactly.
 */
export function webviewFrame(page: Page, viewTitle?: string): FrameLocator {
  const inner = viewTitle ? `${SELECTORS.webviewInner}[title=${cssString(viewTitle)}]` : SELECTORS.webviewInner;
  return page.locator(SELECTORS.webviewOuter).filter({ visible: true }).first().contentFrame().frameLocator(inner);
}

/**
 * Waits (bounded) for the webview whose inner frame has title `viewTitle`
 * and returns a FrameLocator pinned to its outer iframe by its unique name.
 */
export async function findWebviewFrame(page: Page, viewTitle: string, timeoutMs = 30_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const name = frame.name();
      if (!name || frame.parentFrame() !== page.mainFrame()) continue;
      const title = await frame
        .locator(SELECTORS.webviewInner)
        .first()
        .getAttribute('title', { timeout: 250 })
        .catch(() => null);
      if (title === viewTitle) {
        return page.frameLocator(`${SELECTORS.webviewOuter}[name=${cssString(name)}]`).frameLocator(SELECTORS.webviewInner);
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview titled ${JSON.stringify(viewTitle)} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Saves a full-page PNG into `dir` (default <cwd>/test-artifacts) and returns its path. */
export async function screenshot(page: Page, name: string, dir = path.join(process.cwd(), 'test-artifacts')): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  const file = path.join(dir, safe.endsWith('.png') ? safe : `${safe}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 15_000 });
  return file;
}

/** A row of the open quick input (label, description or detail matching `text`). */
export function quickPickRow(page: Page, text: string | RegExp): Locator {
  return page.locator(SELECTORS.quickInputRow).filter({ hasText: text }).first();
}

async function shownRows(page: Page): Promise<string> {
  const rows = await page
    .locator(SELECTORS.quickInputRow)
    .allInnerTexts()
    .catch(() => []);
  return rows.length ? rows.map((r) => JSON.stringify(r.replace(/\s+/g, ' ').trim())).join(', ') : '(none)';
}

/** Waits (bounded) until the quick input with this title is open, e.g. one an extension shows after a command. */
export async function waitForQuickInput(page: Page, title: string | RegExp, timeoutMs = 30_000): Promise<void> {
  const titled = page.locator(`${SELECTORS.quickInput} .quick-input-title`, { hasText: title }).first();
  await titled.waitFor({ state: 'visible', timeout: timeoutMs }).catch(async (e: unknown) => {
    const shown = await page
      .locator(`${SELECTORS.quickInput} .quick-input-title`)
      .allInnerTexts()
      .catch(() => []);
    throw new Error(`no quick input titled ${String(title)} within ${timeoutMs} ms (titles shown: ${JSON.stringify(shown)}): ${String(e)}`);
  });
}

/** Waits for the row matching `text` and clicks it, which picks it in a single-select quick pick. Returns the row's text. */
export async function pickQuickItem(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const row = quickPickRow(page, text);
  await row.waitFor({ state: 'visible', timeout: timeoutMs }).catch(async (e: unknown) => {
    throw new Error(`no quick pick row matching ${String(text)} within ${timeoutMs} ms; rows shown: ${await shownRows(page)}: ${String(e)}`);
  });
  const shown = await row.innerText();
  await row.click({ timeout: 5_000 });
  return shown;
}

/** Waits for a (modal) dialog, clicks `button` in it and returns the dialog's text as it was. */
export async function answerDialog(page: Page, button: string, timeoutMs = 30_000): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs }).catch((e: unknown) => {
    throw new Error(`no dialog (to answer ${JSON.stringify(button)}) within ${timeoutMs} ms: ${String(e)}`);
  });
  const text = await dialog.innerText();
  await dialog.getByRole('button', { name: button, exact: true }).click({ timeout: 5_000 });
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return text;
}

/**
 * The text the active editor shows (Monaco renders only the visible lines,
 * with non-breaking spaces), once its tab is titled `tabTitle`.
 */
export async function activeEditorText(page: Page, tabTitle: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const group = page.locator('.editor-group-container.active');
  await group
    .locator('.tab.active', { hasText: tabTitle })
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs })
    .catch(async (e: unknown) => {
      const tabs = await page
        .locator('.tabs-container .tab')
        .allInnerTexts()
        .catch(() => []);
      throw new Error(`no active editor tab ${String(tabTitle)} within ${timeoutMs} ms (tabs: ${JSON.stringify(tabs)}): ${String(e)}`);
    });
  const lines = group.locator('.monaco-editor .view-lines').first();
  await lines.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}
