/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core,
 * fully offline: no browser download, no profile outside a temp dir.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export interface LaunchChromiumOptions {
  /** Where screenshots/traces go; created if missing. Default <cwd>/test-artifacts. */
  artifactsDir?: string;
  /** Default /usr/bin/chromium, or $CHROMIUM_PATH. */
  executablePath?: string;
  /** Default 1400x900. */
  viewport?: { width: number; height: number };
}

export interface LaunchedChromium {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  artifactsDir: string;
  /** Temp HOME/XDG dir of this browser. */
  homeDir: string;
  /** Closes the browser and removes the temp dir. */
  close(): Promise<void>;
}

export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  const executablePath = opts.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`${executablePath} not found: run scripts/install-code-server.sh (installs Debian's chromium)`);
  }
  const artifactsDir = path.resolve(opts.artifactsDir ?? path.join(process.cwd(), 'test-artifacts'));
  fs.mkdirSync(artifactsDir, { recursive: true });
  const homeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devgem-chromium-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    HOME: homeDir,
    XDG_CONFIG_HOME: path.join(homeDir, 'config'),
    XDG_CACHE_HOME: path.join(homeDir, 'cache'),
    XDG_DATA_HOME: path.join(homeDir, 'data'),
    XDG_RUNTIME_DIR: path.join(homeDir, 'runtime'),
  });
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });

  const browser = await chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS],
    env,
    timeout: 60_000,
  });
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (!closed) {
      closed = (async () => {
        await browser.close().catch(() => undefined);
        fs.rmSync(homeDir, { recursive: true, force: true });
      })();
    }
    return closed;
  };
  return { browser, context, page, artifactsDir, homeDir, close };
}
