// A Cloud Build `docker build` step run for real: the step's own arguments
// (Dockerfile, tags, build args, target, cache sources), with the host's
// network instead of Cloud Build's `cloudbuild` network, in the unpacked
// source. Its output is streamed as docker prints it, with the temp folder
// shown as /workspace.
//
// The layer cache, as on Cloud Build, where every build runs on a fresh worker:
// a step without `--cache-from` reuses nothing (`--no-cache`, although this
// daemon keeps every earlier build); a step with `--cache-from <image>` reuses
// exactly that image's layers (the classic builder's `--cache-from` restricts
// its cache to the named images; `type=registry,ref=<image>` is read as
// <image>). BuildKit (`DOCKER_BUILDKIT=1` in the step's env) is mapped to the
// classic builder: its `Step N/M` log is what the emulator's tests read, and
// BuildKit's inline cache (mode=min) reuses the same layers (those of the final
// stage) that the classic builder finds in the cache image.
import { isAbsolute, relative, resolve } from 'node:path';
import { eachLine, type Docker } from './dockerCli';

export interface BuildArgs {
  dockerfile: string;
  tags: string[];
  buildArgs: string[];
  target?: string;
  context: string;
  /**
   * Images whose layers the build may reuse (`--cache-from`); empty: a fresh worker's empty cache
   * (what a Cloud Build step gets); absent: the daemon's own cache (direct callers, e.g. the container suite).
   */
  cacheFrom?: string[];
}

/** `--cache-from` as BuildKit also writes it (`type=registry,ref=<image>`) → the image; other cache types → undefined. */
export function cacheImage(value: string): string | undefined {
  if (!value.includes('=')) return value;
  const fields = new Map(value.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
  return fields.get('type') === 'registry' ? fields.get('ref') : undefined;
}

/** The parts of `docker build …` the emulator honours; other flags (--network, --cache-to …) are dropped. */
export function parseBuildArgs(args: string[]): BuildArgs {
  const out: BuildArgs = { dockerfile: 'Dockerfile', tags: [], buildArgs: [], context: '.', cacheFrom: [] };
  const positional: string[] = [];
  const takesValue = new Set([
    '-f',
    '--file',
    '-t',
    '--tag',
    '--build-arg',
    '--target',
    '--network',
    '--cache-from',
    '--cache-to',
    '--platform',
    '--label',
    '--progress',
  ]);
  for (let i = args[0] === 'build' ? 1 : 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (!flag.startsWith('-')) {
      positional.push(a);
      continue;
    }
    const value = inline ?? (takesValue.has(flag) ? args[++i] : undefined);
    if (value === undefined) continue;
    if (flag === '-f' || flag === '--file') out.dockerfile = value;
    else if (flag === '-t' || flag === '--tag') out.tags.push(value);
    else if (flag === '--build-arg') out.buildArgs.push(value);
    else if (flag === '--target') out.target = value;
    else if (flag === '--cache-from') {
      const image = cacheImage(value);
      if (image) out.cacheFrom?.push(image);
    }
  }
  if (positional.length) out.context = positional[positional.length - 1];
  return out;
}

/** `p` inside `root` (no `..` escape, no absolute path elsewhere). */
function inside(root: string, p: string): string | undefined {
  const full = resolve(root, p);
  const rel = relative(root, full);
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : full;
}

export type BuildOutcome = { ok: true; imageId: string; layers: string[] } | { ok: false; timedOut?: boolean; cancelled?: boolean };

export interface RunningBuild {
  done: Promise<BuildOutcome>;
  /** Stops the build (cancel or timeout). */
  stop(why: 'cancelled' | 'timedOut'): void;
}

/**
 * Runs `docker build` in `dir` for `args`, streaming each output line to `onLine`.
 * The build is stopped (and its outcome says so) when `stop` is called.
 */
export function runDockerBuild(docker: Docker, dir: string, args: BuildArgs, onLine: (line: string) => void): RunningBuild {
  const context = inside(dir, args.context);
  const dockerfile = context ? inside(dir, args.dockerfile) : undefined;
  if (!context || !dockerfile) {
    onLine(`unable to prepare context: path "${args.context}" or Dockerfile "${args.dockerfile}" is outside /workspace`);
    return { done: Promise.resolve({ ok: false }), stop: () => undefined };
  }
  const cache = !args.cacheFrom ? [] : args.cacheFrom.length ? args.cacheFrom.flatMap((c) => ['--cache-from', c]) : ['--no-cache'];
  const flags = ['build', '--network=host', '--rm', '--force-rm', ...cache, '-f', dockerfile, ...args.tags.flatMap((t) => ['-t', t])];
  flags.push(...args.buildArgs.flatMap((b) => ['--build-arg', b]), ...(args.target ? ['--target', args.target] : []), context);
  const child = docker.spawn(flags, { cwd: dir });
  const shown = (line: string): string => line.split(dir).join('/workspace');
  eachLine(child.stdout, (l) => onLine(shown(l)));
  eachLine(child.stderr, (l) => onLine(shown(l)));
  let stoppedAs: 'cancelled' | 'timedOut' | undefined;
  const exited = new Promise<number | null>((res) => {
    child.on('error', (e) => {
      onLine(`ERROR: ${e.message}`);
      res(null);
    });
    child.on('close', (code) => res(code));
  });
  const done = exited.then(async (code): Promise<BuildOutcome> => {
    if (stoppedAs) return { ok: false, [stoppedAs]: true };
    if (code !== 0 || !args.tags.length) return code === 0 ? { ok: true, imageId: '', layers: [] } : { ok: false };
    const inspect = await docker.exec(['image', 'inspect', '-f', '{{.Id}}{{range .RootFS.Layers}} {{.}}{{end}}', args.tags[0]], 30_000);
    const [imageId, ...layers] = inspect.stdout.trim().split(/\s+/);
    return inspect.code === 0 && imageId ? { ok: true, imageId, layers } : { ok: false };
  });
  return {
    done,
    stop: (why) => {
      stoppedAs ??= why;
      // The client going away makes the daemon cancel the build.
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    },
  };
}
