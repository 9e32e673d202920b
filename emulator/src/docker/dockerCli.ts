// The emulator's one way to talk to a Docker daemon: Debian's `docker` client
// (it has the classic builder, whose "Step 1/6 : FROM …" output is what Cloud
// Build's docker step prints), pointed at the daemon the emulator was given.
// Every call is bounded: a hung daemon must not hang a deploy or a test.
import { spawn, type ChildProcess } from 'node:child_process';

/** Debian's client: /usr/local/bin/docker (a newer one without BuildKit's classic mode) may come first on PATH. */
export const DOCKER_BINARY = '/usr/bin/docker';

/** Lines that only describe the emulator's host-network daemon, not the build: Cloud Build never prints them. */
const HOST_NOISE = /^\s*(---> )?\[Warning\] IPv4 forwarding is disabled\. Networking will not work\.\s*$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export class Docker {
  constructor(
    /** DOCKER_HOST, e.g. unix:///run/devgem-docker.sock */
    readonly host: string,
    readonly binary: string = DOCKER_BINARY,
  ) {}

  /**
   * Starts the client. `env` is added to a minimal environment (values of `-e NAME`
   * flags travel this way, so secrets never appear in a process listing).
   */
  spawn(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess {
    return spawn(this.binary, args, {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: this.host, DOCKER_BUILDKIT: '0', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Runs the client to completion, killing it after `timeoutMs`. */
  exec(args: string[], timeoutMs: number, opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<ExecResult> {
    return new Promise((resolve) => {
      const child = this.spawn(args, opts);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ code: null, stdout, stderr: stderr + e.message, timedOut });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, timedOut });
      });
    });
  }

  /** True when the daemon answers within a few seconds. */
  async available(): Promise<boolean> {
    const r = await this.exec(['version', '--format', '{{.Server.Version}}'], 10_000);
    return r.code === 0 && r.stdout.trim() !== '';
  }
}

/** Calls `fn` with each line of `stream`, colour codes and the host network's noise removed. */
export function eachLine(stream: NodeJS.ReadableStream | null | undefined, fn: (line: string) => void): void {
  if (!stream) return;
  let buf = '';
  const emit = (raw: string): void => {
    const line = raw.replace(/\r$/, '').replace(ANSI, '');
    if (!HOST_NOISE.test(line)) fn(line);
  };
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      emit(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf) emit(buf);
    buf = '';
  });
}

/** The daemon to use: `unix:///…` or `tcp://…`, or a bare socket path; undefined when none is configured. */
export function dockerFrom(value: string | undefined): Docker | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  return new Docker(v.startsWith('/') ? `unix://${v}` : v);
}
