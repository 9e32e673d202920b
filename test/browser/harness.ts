// Serves the webview the way the VS Code host does (same CSP, a per-load
// nonce, the same <main id="app"> body) with a stand-in for acquireVsCodeApi
// that records what the webview posts.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { webviewHtml } from '../../src/adapters/vscode/webview/webviewHtml';
import type { HostMessage, ViewSnapshot, WebviewMessage } from '../../src/shared/protocol';
import { THEMES, type ThemeName } from './themes';

/** Repository root, from out/test/browser or test/browser alike. */
export const REPO_ROOT = findRepoRoot(__dirname);
const DEFAULT_DIST = path.join(REPO_ROOT, 'dist');

function findRepoRoot(dir: string): string {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'webview-ui'))) return d;
  }
  throw new Error(`no repository root above ${dir}`);
}

/** Builds dist/ when dist/webview.js is missing or older than the webview or shared sources. */
export async function ensureWebviewBundle(): Promise<void> {
  const bundle = path.join(DEFAULT_DIST, 'webview.js');
  const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  const sources = [path.join(REPO_ROOT, 'webview-ui/src'), path.join(REPO_ROOT, 'src/shared')];
  const newest = Math.max(...sources.flatMap((dir) => fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).mtimeMs)));
  if (built > newest && fs.existsSync(path.join(DEFAULT_DIST, 'webview.css'))) return;
  // The project's own webview build options, so the test sees exactly what
  // ships; only the webview, so a host file mid-edit cannot fail these tests.
  const script = "import * as esbuild from 'esbuild'; import { webviewOptions } from './esbuild.mjs'; await esbuild.build(webviewOptions());";
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface PageOptions {
  theme?: ThemeName;
  /** What getState() returns on load, as VS Code does for a re-shown view. */
  state?: unknown;
  /** More script to run after the API stand-in, before the bundle (the benchmark's probes). */
  prelude?: string;
}

export interface Harness {
  origin: string;
  url(options?: PageOptions): string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** `dist`: where the bundle is served from (the benchmark builds its own); default the repository's dist/. */
export async function startHarness(options: { dist?: string } = {}): Promise<Harness> {
  const DIST = options.dist ?? DEFAULT_DIST;
  const pageOptions = new Map<string, PageOptions>();
  let next = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      const options = pageOptions.get(url.searchParams.get('page') ?? '') ?? {};
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(hostHtml(origin, options));
      return;
    }
    const file = path.join(DIST, path.normalize(url.pathname.replace(/^\/dist\//, '')));
    if (!url.pathname.startsWith('/dist/') || !file.startsWith(DIST) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url(options = {}) {
      const id = String(next++);
      pageOptions.set(id, options);
      return `${origin}/?page=${id}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The page the host's webview view provider produces (the same function), plus the API stand-in. */
function hostHtml(cspSource: string, options: PageOptions): string {
  const theme = THEMES[options.theme ?? 'dark'];
  // JSON inside <script>: escape '<' so no value can close the element.
  const json = (v: unknown) => JSON.stringify(v ?? null).replace(/</g, '\\u003c');
  const stub = `
    window.__posted = [];
    window.__cspViolations = [];
    window.__state = ${json(options.state)} ?? undefined;
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
    });
    // VS Code puts theme variables on <html> from script and a kind class on <body>.
    for (const [k, v] of Object.entries(${json(theme.vars)})) document.documentElement.style.setProperty(k, v);
    document.body.classList.add(${json(theme.bodyClass)});
    document.body.style.backgroundColor = 'var(--vscode-sideBar-background)';
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
      acquired = true;
      return Object.freeze({
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => window.__state,
        setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); return s; },
      });
    };${options.prelude ? `\n${options.prelude}` : ''}`;
  return webviewHtml({ cspSource, scriptUri: `${cspSource}/dist/webview.js`, styleUri: `${cspSource}/dist/webview.css`, prelude: stub });
}

/** What the page exposes to the test through globalThis (this file has no DOM lib). */
interface PageGlobals {
  document: {
    activeElement: { id: string } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
    fonts: { ready: Promise<unknown>; check(font: string): boolean };
  };
  __posted: WebviewMessage[];
  __cspViolations: string[];
  __state: unknown;
  __pwned?: unknown;
  postMessage(message: unknown, targetOrigin: string): void;
  requestAnimationFrame(callback: () => void): number;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}

/**
 * Posts host messages the way VS Code delivers them (window 'message' events),
 * then waits for a sentinel posted after them, so the webview's handler has run.
 */
export async function sendToWebview(page: Page, ...messages: unknown[]): Promise<void> {
  await page.evaluate(async (batch) => {
    const g = globalThis as unknown as PageGlobals;
    const sentinel = `__sentinel_${Math.random()}`;
    const seen = new Promise<void>((resolve) => {
      const onMessage = (e: { data: unknown }) => {
        if (e.data !== sentinel) return;
        g.removeEventListener('message', onMessage);
        resolve();
      };
      g.addEventListener('message', onMessage);
    });
    for (const m of batch) g.postMessage(m, '*');
    g.postMessage(sentinel, '*');
    await seen;
    // The webview draws some things (the virtual build log) at the next frame.
    await new Promise<void>((resolve) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => resolve())));
  }, messages);
}

export async function sendSnapshots(page: Page, ...snapshots: ViewSnapshot[]): Promise<void> {
  await sendToWebview(page, ...snapshots.map((snapshot): HostMessage => ({ type: 'snapshot', snapshot })));
}

export function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__posted);
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations);
}

export function savedState(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__state);
}

export function pwned(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned);
}

export async function clearPosted(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).__posted.length = 0;
  });
}

export function activeElementId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id);
}

/** How many pixels the page is wider than its viewport. */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as PageGlobals).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

export function fontLoaded(page: Page, family: string): Promise<boolean> {
  return page.evaluate(async (f) => {
    const fonts = (globalThis as unknown as PageGlobals).document.fonts;
    await fonts.ready;
    return fonts.check(`16px ${f}`);
  }, family);
}
