import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { listensOnLoopbackOnly, loopbackReason } from './listenAddress';

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

/** What a program prints when the port it was given is taken (Node, Python, Go, Ruby, Java …). */
export const PORT_CLASH = /EADDRINUSE|address already in use/i;

/** At most this many ports are tried when another process takes the chosen one first. */
export const PORT_TRIES = 3;

/**
 * Spawns `argv` in `cwd` with PORT set to a free port and waits (up to `timeoutMs`) until it accepts
 * connections. Rejects with StartupError when it exits first or never listens (it is then stopped).
 * Cloud Run gives each instance its own network; here all share the host's, so a port that another
 * process took between `freePort` and the app's listen is the emulator's clash, not the app's fault:
 * the app is started again on another port, and the clash's output is not the revision's log.
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
  const deadline = Date.now() + opts.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const tried = await startOnce(opts, deadline);
    if ('app' in tried) return tried.app;
    const retry = tried.clash && attempt < PORT_TRIES && Date.now() < deadline;
    if (!retry) {
      tried.flush();
      throw new StartupError(tried.why);
    }
    opts.log(`[${opts.label}] port ${tried.port} was taken by another process first; starting again on another port`);
  }
}

/**
 * An app's output while it starts: held until it listens or has surely failed, so that the output of
 * a start that failed on a port clash is dropped rather than shown as the revision's log.
 */
export class HeldLines {
  private held: ['stdout' | 'stderr', string][] | undefined = [];
  /** A line said the port was taken. */
  clash = false;

  constructor(private readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void) {}

  add(stream: 'stdout' | 'stderr', line: string): void {
    if (PORT_CLASH.test(line)) this.clash = true;
    if (this.held) this.held.push([stream, line]);
    else this.onLine?.(stream, line);
  }

  /** Delivers what was held, and from now on each line as it comes. */
  flush(): void {
    const lines = this.held ?? [];
    this.held = undefined;
    for (const [stream, line] of lines) this.onLine?.(stream, line);
  }
}

type Attempt = { app: RunningApp } | { why: string; port: number; clash: boolean; flush(): void };

async function startOnce(opts: Parameters<typeof startApp>[0], deadline: number): Promise<Attempt> {
  const port = await freePort();
  const child = spawn(opts.argv[0], opts.argv.slice(1), {
    cwd: opts.cwd,
    env: containerEnv(opts.env, port, opts.label.split('/')[0]),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const held = new HeldLines(opts.onLine);
  const pipeLines = (stream: NodeJS.ReadableStream | null, tag: 'stdout' | 'stderr'): void => {
    if (!stream) return;
    let buf = '';
    const emit = (line: string): void => {
      opts.log(`[${opts.label} ${tag}] ${line}`);
      held.add(tag, line);
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
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.on('exit', (code, sig) => {
    exited = `exited with ${sig ?? `code ${String(code)}`}`;
    opts.log(`[${opts.label}] process ${exited}`);
  });
  child.on('error', (e) => {
    exited = `failed to start: ${e.message}`;
    opts.log(`[${opts.label}] ${exited}`);
  });
  const app: RunningApp = { port, pid: child.pid, stop: () => stopChild(child) };
  while (Date.now() < deadline) {
    if (exited) break;
    if (await canConnect(port)) {
      if (await listensOnLoopbackOnly(port)) {
        opts.log(`[${opts.label}] ${loopbackReason(port)}`);
        await app.stop();
        return { why: loopbackReason(port), port, clash: false, flush: () => held.flush() };
      }
      opts.log(`[${opts.label}] listening on 127.0.0.1:${port} (pid ${String(child.pid)})`);
      held.flush();
      return { app };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Its last lines (what it printed as it ended) are read before deciding whether the port clashed.
  if (exited) await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
  await app.stop();
  return {
    why: exited ?? `did not listen on PORT=${port} within ${opts.timeoutMs} ms`,
    port,
    clash: held.clash && exited !== undefined,
    flush: () => held.flush(),
  };
}
