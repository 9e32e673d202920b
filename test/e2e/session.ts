/**
 * The setup every e2e file shares: the local Cloud emulator, code-server with
 * the packaged .vsix on a copy of the sample workspace, and headless Chromium.
 * One call starts them and one close() stops them (keeping the Devgem output
 * channel as a test artifact), so a file only says what differs: knobs and settings.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/src/server';
import { launchChromium, type LaunchedChromium } from '../../scripts/browser';
import { installExtension, startCodeServer, type CodeServerHandle } from '../../scripts/codeServer';

/**
 * The checkout's root, found from this file's compiled place (out/test/e2e,
 * out-e2e/test/e2e, …) by looking for the package.json next to emulator/.
 */
function findRepoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'emulator', 'src'))) return dir;
  }
  throw new Error(`no Devgem checkout (package.json beside emulator/src) above ${__dirname}`);
}

export const REPO = findRepoRoot();
export const VSIX = path.join(REPO, 'dist', 'devgem.vsix');
export const SAMPLE = path.join(REPO, 'samples', 'hello-node');
export const ARTIFACTS = path.join(REPO, 'test-artifacts');

export interface E2ESessionOptions {
  /** Prefix of the temp dir and of the kept output-channel log (test-artifacts/<name>-devgem-output.log). */
  name: string;
  knobs?: EmulatorOptions['knobs'];
  /** A Docker daemon for the emulator's real builder (see test/support/docker.ts). */
  docker?: string;
  /** User settings over code-server's defaults (project, region, AI provider …). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server's extension host (e.g. DOCKER_HOST for Run Locally). */
  env?: Record<string, string>;
}

export interface E2ESession {
  emu: Emulator;
  server: CodeServerHandle;
  browser: LaunchedChromium;
  page: Page;
  dataDir: string;
  /** A copy of samples/hello-node (the deploy writes a Dockerfile into it). */
  workspace: string;
  /** The Devgem output channel as written so far (every window's log, oldest first). */
  devgemLog(): Promise<string>;
  close(): Promise<void>;
}

async function devgemLogFiles(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'ud', 'logs');
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && /Devgem\.log$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function readDevgemLog(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, 'ud', 'logs');
  const files = await devgemLogFiles(dataDir);
  const text = await Promise.all(files.map(async (f) => `=== ${path.relative(dir, f)}\n${await fs.readFile(f, 'utf8')}`));
  return text.join('\n');
}

/** Starts emulator, code-server (extension installed, workspace open) and Chromium; what started is stopped again if a later step fails. */
export async function startE2ESession(opts: E2ESessionOptions): Promise<E2ESession> {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first`);
  const emu = await startEmulator({ knobs: opts.knobs, docker: opts.docker });
  let dataDir: string | undefined;
  let server: CodeServerHandle | undefined;
  let browser: LaunchedChromium | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    if (dataDir) {
      const log = await readDevgemLog(dataDir).catch(() => '');
      if (log) {
        await fs.mkdir(ARTIFACTS, { recursive: true });
        await fs.writeFile(path.join(ARTIFACTS, `${opts.name}-devgem-output.log`), log);
      }
    }
    await emu.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `devgem-${opts.name}-`));
    const workspace = path.join(dataDir, 'hello-node');
    await fs.cp(SAMPLE, workspace, { recursive: true });
    await installExtension({ vsixPath: VSIX, dataDir });
    server = await startCodeServer({ dataDir, folder: workspace, env: { ...opts.env, DEVGEM_EMULATOR_HOST: emu.host }, settings: opts.settings });
    browser = await launchChromium({ artifactsDir: ARTIFACTS });
    const dir = dataDir;
    return { emu, server, browser, page: browser.page, dataDir, workspace, devgemLog: () => readDevgemLog(dir), close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** Polls `check` until it returns a value (not undefined/false), or fails naming `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
