// A revision's container run for real: `docker run -d --network=host` with its
// own free PORT on the host, Cloud Run's env, the template's env and resolved
// secrets, and its command/args. Its stdout/stderr lines go to Cloud Logging;
// it is "started" once something accepts connections on PORT, within a bound.
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { HeldLines, PORT_TRIES, freePort, type RunningApp } from '../appRunner';
import { eachLine, type Docker } from './dockerCli';
import { listensOnLoopbackOnly, loopbackReason } from '../listenAddress';

/** Every container the emulator starts carries this label, so a test or a cleanup can find them. */
export const CONTAINER_LABEL = 'devgem.emulator';

export interface ContainerSpec {
  /** The image id or tag in the daemon. */
  image: string;
  /** Env the container gets (PORT is added). */
  env: Record<string, string>;
  /**
   * The PORT to give when it is free on the host (Cloud Run's PORT is the container port, so an
   * app that ignores PORT still works there); otherwise, or when absent, any free port.
   */
  port?: number;
  /** Cloud Run's `command` (replaces ENTRYPOINT) and `args` (replace CMD). */
  command?: string[];
  args?: string[];
  /** e.g. shop/shop-00001-abc: names the container and prefixes the emulator's log lines. */
  label: string;
  timeoutMs: number;
  log: (line: string) => void;
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  /** The container ended on its own (after it started, or while starting): exit code or signal. */
  onExit?: (code: number | undefined) => void;
}

/** Why a container did not start: it exited first, or never listened within the bound. */
export class ContainerStartError extends Error {
  constructor(
    readonly why: 'exited' | 'timeout' | 'docker',
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
  }
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

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Names the docker client reads itself: such a variable of the app must not steer the client. */
const CLIENT_ENV = /^(DOCKER_\w*|PATH|HOME)$/;

function runArgs(spec: ContainerSpec, name: string, port: number): { args: string[]; env: Record<string, string> } {
  const all: Record<string, string> = { ...spec.env, PORT: String(port) };
  const env = Object.fromEntries(Object.entries(all).filter(([k]) => !CLIENT_ENV.test(k)));
  // `-e NAME` takes the value from the client's environment: values stay out of the process list.
  const flags = Object.entries(all).flatMap(([k, v]) => ['-e', CLIENT_ENV.test(k) ? `${k}=${v}` : k]);
  const args = ['run', '-d', '--network=host', '--name', name, '--label', `${CONTAINER_LABEL}=${process.pid}`, ...flags];
  const [entry, ...entryRest] = spec.command ?? [];
  if (entry) args.push('--entrypoint', entry);
  args.push(spec.image, ...entryRest, ...(spec.args ?? []));
  return { args, env };
}

/**
 * Starts the container and waits (bounded) until it listens on its PORT; stops it and throws
 * ContainerStartError otherwise. With --network=host every container shares the host's ports, so
 * one that finds its PORT taken by another process first is started again on another port (as
 * startApp does), and that attempt's output and exit are not the revision's.
 */
export async function startContainer(docker: Docker, spec: ContainerSpec): Promise<RunningApp> {
  const deadline = Date.now() + spec.timeoutMs;
  let port = spec.port && (await isFree(spec.port)) ? spec.port : await freePort();
  for (let attempt = 1; ; attempt++) {
    const tried = await startOnce(docker, spec, port, deadline);
    if ('app' in tried) return tried.app;
    if (!(tried.clash && attempt < PORT_TRIES && Date.now() < deadline)) {
      tried.report();
      throw tried.error;
    }
    spec.log(`[${spec.label}] port ${port} was taken by another process first; starting again on another port`);
    port = await freePort();
  }
}

type Attempt = { app: RunningApp } | { error: ContainerStartError; clash: boolean; report(): void };

async function startOnce(docker: Docker, spec: ContainerSpec, port: number, deadline: number): Promise<Attempt> {
  const name = `devgem-emu-${spec.label.replace(/[^a-zA-Z0-9_.-]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const { args, env } = runArgs(spec, name, port);
  const started = await docker.exec(args, 60_000, { env });
  if (started.code !== 0) {
    await docker.exec(['rm', '-f', name], 20_000);
    const error = new ContainerStartError('docker', (started.stderr || started.stdout).trim() || 'docker run failed');
    return { error, clash: false, report: () => undefined };
  }
  const id = started.stdout.trim();
  const held = new HeldLines(spec.onLine);
  const logs = docker.spawn(['logs', '-f', id]);
  const logsDone = new Promise<void>((resolve) => logs.on('close', () => resolve()));
  eachLine(logs.stdout, (l) => {
    spec.log(`[${spec.label} stdout] ${l}`);
    held.add('stdout', l);
  });
  eachLine(logs.stderr, (l) => {
    spec.log(`[${spec.label} stderr] ${l}`);
    held.add('stderr', l);
  });
  // null while running; a number (or undefined when unknown) once the container ended on its own.
  const state: { exited: number | undefined | null } = { exited: null };
  let starting = true;
  let stopping = false;
  const waiter = docker.spawn(['wait', id]);
  let waitOut = '';
  waiter.stdout?.on('data', (d: Buffer) => (waitOut += d.toString()));
  waiter.on('close', () => {
    if (stopping) return;
    const code = Number(waitOut.trim());
    state.exited = Number.isFinite(code) && waitOut.trim() !== '' ? code : undefined;
    spec.log(`[${spec.label}] container exited with ${state.exited === undefined ? 'an unknown status' : `code ${state.exited}`}`);
    // While starting, the exit is reported with the start's outcome (not at all after a port clash).
    if (!starting) spec.onExit?.(state.exited);
  });
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    waiter.kill();
    await docker.exec(['rm', '-f', id], 20_000);
    logs.kill();
  };
  const app: RunningApp = { port, pid: undefined, containerId: id, stop };
  let loopback = false;
  while (Date.now() < deadline && state.exited === null) {
    if (await canConnect(port)) {
      if (await listensOnLoopbackOnly(port)) {
        spec.log(`[${spec.label}] ${loopbackReason(port)}`);
        loopback = true;
        break;
      }
      spec.log(`[${spec.label}] container ${id.slice(0, 12)} listening on 127.0.0.1:${port}`);
      starting = false;
      held.flush();
      return { app };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const code = state.exited;
  // A container that ended: its last lines (the crash) are read before it is removed.
  if (code !== null) await Promise.race([logsDone, new Promise((r) => setTimeout(r, 3000))]);
  await stop();
  const error =
    code !== null
      ? new ContainerStartError('exited', `container exited with code ${String(code)}`, code)
      : new ContainerStartError('timeout', loopback ? loopbackReason(port) : `did not listen on PORT=${port} within ${spec.timeoutMs} ms`);
  return {
    error,
    clash: code !== null && held.clash,
    report: () => {
      held.flush();
      if (code !== null) spec.onExit?.(code);
    },
  };
}
