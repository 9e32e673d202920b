// The user's Docker or Podman through its command-line client. Found on PATH
// (Docker first, or whichever DOCKER_HOST points to); every call is a bounded
// child process that the AbortSignal kills. Env values travel in the client's
// own environment (`-e NAME` without a value), never in its argv, a file or a log.
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DevgemError } from '../../core/base/errors';
import type { BuildRequest, ContainerEnginePort, EngineInfo, RunRequest } from '../../core/local/containerEngine';

const CALL_MS = 30_000;
/** The label every container Devgem starts carries, so one left behind by a crash can be found. */
export const LOCAL_LABEL = 'dev.devgem.local=1';

interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ContainerCliOptions {
  /** The environment to look in (PATH, DOCKER_HOST); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** A client binary to use instead of searching PATH (tests). */
  binary?: string;
}

export class ContainerCli implements ContainerEnginePort {
  private found?: { name: 'docker' | 'podman'; binary: string };
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: ContainerCliOptions = {}) {
    this.env = opts.env ?? process.env;
  }

  async detect(signal: AbortSignal): Promise<EngineInfo> {
    const found = await this.find();
    const r = await this.exec(['version', '--format', '{{.Server.Version}}'], signal, CALL_MS).catch((e: Error) => ({
      code: 1,
      stdout: '',
      stderr: e.message,
    }));
    if (r.code !== 0 || !r.stdout.trim()) throw notRunning(found.name, r.stderr, this.env.DOCKER_HOST);
    let hostNetworkOnly = false;
    if (found.name === 'docker') {
      const nets = await this.exec(['network', 'ls', '--format', '{{.Name}}'], signal, CALL_MS);
      hostNetworkOnly = nets.code === 0 && !nets.stdout.split('\n').includes('bridge');
    }
    return { ...found, version: r.stdout.trim().split('\n')[0], hostNetworkOnly };
  }

  async build(req: BuildRequest, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const args = ['build', '-f', req.dockerfile, '-t', req.tag, '--label', LOCAL_LABEL, ...(req.hostNetwork ? ['--network=host'] : []), '.'];
    const tail: string[] = [];
    const r = await this.exec(args, signal, undefined, {
      cwd: req.contextDir,
      onLine: (l) => {
        tail.push(l);
        if (tail.length > 40) tail.shift();
        onLine(l);
      },
    });
    if (r.code !== 0) {
      throw new DevgemError('build-failed', `The local build failed (exit ${r.code}).`, {
        fix: 'Read the build log: the same Dockerfile fails in Cloud Build too. Fix it and choose Rebuild.',
        logTail: tail.slice(-20),
      });
    }
  }

  async run(req: RunRequest, signal: AbortSignal): Promise<string> {
    const names = Object.keys(req.env);
    const network = req.hostNetwork ? ['--network=host'] : ['-p', `127.0.0.1:${req.port}:${req.port}`];
    const args = ['run', '-d', '--name', req.name, '--label', LOCAL_LABEL, ...network, ...names.flatMap((n) => ['-e', n]), req.image];
    const r = await this.exec(args, signal, CALL_MS, { env: req.env });
    if (r.code !== 0)
      throw new DevgemError('failed-precondition', `The container did not start: ${firstLine(r.stderr)}`, {
        fix: 'Check that the port is free and the image was built, then choose Rebuild.',
      });
    return r.stdout.trim().split('\n').pop()!;
  }

  async followLogs(id: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    await this.exec(['logs', '-f', id], signal, undefined, { onLine }).catch(() => undefined);
  }

  async isRunning(id: string, signal: AbortSignal): Promise<boolean> {
    const r = await this.exec(['inspect', '-f', '{{.State.Running}}', id], signal, CALL_MS);
    return r.code === 0 && r.stdout.trim() === 'true';
  }

  async remove(id: string, signal: AbortSignal): Promise<void> {
    await this.exec(['rm', '-f', id], signal, CALL_MS);
  }

  /** Docker when DOCKER_HOST is set or it is on PATH, else Podman. */
  private async find(): Promise<{ name: 'docker' | 'podman'; binary: string }> {
    if (this.found) return this.found;
    if (this.opts.binary) return (this.found = { name: /podman/.test(path.basename(this.opts.binary)) ? 'podman' : 'docker', binary: this.opts.binary });
    for (const name of ['docker', 'podman'] as const) {
      const binary = await onPath(name, this.env.PATH ?? '');
      if (binary) return (this.found = { name, binary });
    }
    throw new DevgemError('failed-precondition', 'No container engine found: Run Locally needs Docker or Podman.', {
      fix: 'Install Docker Desktop (docs.docker.com/get-docker) or Podman (podman.io), make sure `docker` or `podman` is on your PATH, then reload the window.',
    });
  }

  private async exec(
    args: string[],
    signal: AbortSignal,
    timeoutMs: number | undefined,
    opts: { cwd?: string; env?: Record<string, string>; onLine?: (line: string) => void } = {},
  ): Promise<Exec> {
    const { binary } = await this.find();
    return new Promise<Exec>((resolve, reject) => {
      const child = spawn(binary, args, {
        cwd: opts.cwd,
        env: { ...this.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
      });
      let stdout = '';
      let stderr = '';
      const lines = (chunk: string, buf: { rest: string }) => {
        if (!opts.onLine) return;
        const parts = (buf.rest + chunk).split(/\r?\n/);
        buf.rest = parts.pop() ?? '';
        for (const p of parts) opts.onLine(p);
      };
      const outBuf = { rest: '' };
      const errBuf = { rest: '' };
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        if (stdout.length < 1_000_000) stdout += c;
        lines(c, outBuf);
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        if (stderr.length < 100_000) stderr += c;
        lines(c, errBuf);
      });
      child.on('error', (e: NodeJS.ErrnoException) => (e.name === 'AbortError' ? resolve({ code: null, stdout, stderr }) : reject(e)));
      child.on('close', (code) => {
        for (const b of [outBuf, errBuf]) if (b.rest) opts.onLine?.(b.rest);
        resolve({ code, stdout, stderr });
      });
    });
  }
}

async function onPath(name: string, pathVar: string): Promise<string | undefined> {
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, process.platform === 'win32' ? `${name}.exe` : name);
    if (
      await fs.access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 300) ?? '';
}

function notRunning(name: string, stderr: string, host: string | undefined): DevgemError {
  const where = host ? ` at ${host}` : '';
  if (/permission denied/i.test(stderr)) {
    return new DevgemError('permission-denied', `${name} is installed but you may not use its daemon${where}.`, {
      fix: 'Add your user to the docker group (sudo usermod -aG docker $USER, then log in again), or use rootless Docker or Podman.',
    });
  }
  return new DevgemError('unavailable', `${name} is installed but its daemon is not running${where}.`, {
    fix:
      name === 'podman'
        ? 'Start it with `podman machine start` (macOS/Windows) or check `podman info`, then run it again.'
        : 'Start Docker Desktop, or the Docker service (sudo systemctl start docker), check `docker version`, then run it again.',
  });
}
