import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** A user app started from a built image's source. */
export interface RunningApp {
  port: number;
  pid: number | undefined;
  /** Set when the app is a container (docker/containerApp.ts). */
  containerId?: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          /* already gone */
        }
      }
    };
    const hard = setTimeout(() => kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    kill('SIGTERM');
  });
}

export class StartupError extends Error {}

/**
 * What a container on Cloud Run sees, and nothing of the emulator's own environment (its
 * credentials, tokens, DEVGEM_* settings): the revision's env (image ENV, K_*, template env,
 * resolved secrets), PORT and K_SERVICE, plus PATH and HOME so that a local runtime starts.
 */
export function containerEnv(revisionEnv: Record<string, string>, port: number, service: string): Record<string, string> {
  const base: Record<string, string> = {};
  if (process.env.PATH) base.PATH = process.env.PATH;
  if (process.env.HOME) base.HOME = process.env.HOME;
  return { ...base, ...revisionEnv, PORT: String(port), K_SERVICE: service };
}

/**
 * Spawns `argv` in `cwd` with PORT set to a free port and waits (up to `timeoutMs`) until it accepts
 * connections. Rejects with StartupError when it exits first or never listens (it is then stopped).
 */
export async function startApp(opts: {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  log: (line: string) => void;
  label: string;
  /** Each line the app writes, as Cloud Logging would receive it. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(opts.argv[0], opts.argv.slice(1), {
    cwd: opts.cwd,
    env: containerEnv(opts.env, port, opts.label.split('/')[0]),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pipeLines = (stream: NodeJS.ReadableStream | null, tag: 'stdout' | 'stderr'): void => {
    if (!stream) return;
    let buf = '';
    const emit = (line: string): void => {
      opts.log(`[${opts.label} ${tag}] ${line}`);
      opts.onLine?.(tag, line);
    };
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        emit(buf.slice(0, i).replace(/\r$/, ''));
        buf = buf.slice(i + 1);
      }
    });
    stream.on('end', () => {
      if (buf) emit(buf);
    });
  };
  pipeLines(child.stdout, 'stdout');
  pipeLines(child.stderr, 'stderr');
  let exited: string | undefined;
  child.on('exit', (code, sig) => {
    exited = `exited with ${sig ?? `code ${String(code)}`}`;
    opts.log(`[${opts.label}] process ${exited}`);
  });
  child.on('error', (e) => {
    exited = `failed to start: ${e.message}`;
    opts.log(`[${opts.label}] ${exited}`);
  });
  const app: RunningApp = { port, pid: child.pid, stop: () => stopChild(child) };
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await canConnect(port)) {
      opts.log(`[${opts.label}] listening on 127.0.0.1:${port} (pid ${String(child.pid)})`);
      return app;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await app.stop();
  throw new StartupError(exited ?? `did not listen on PORT=${port} within ${opts.timeoutMs} ms`);
}
