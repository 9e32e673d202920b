import * as path from 'node:path';
import { analyzeWorkspace } from '../core/analysis/analyzeWorkspace';
import { describeWorkspace } from '../core/analysis/describe';
import type { AppAnalysis, WorkspaceAnalysis } from '../core/analysis/types';
import { generateFiles } from '../core/dockerfiles/generate';
import { DevgemError } from '../core/base/errors';
import { listSourceFiles, writeSourceTarball } from '../core/packaging/packageSource';
import type { ParsedArgs } from './args';
import { UsageError } from './args';

// The CLI's commands over the same core the extension uses, so what the CLI
// prints is what a deploy would do.

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
  /** Ctrl-C: cancels what is running (a deploy cancels its Cloud Build build too). */
  signal?: AbortSignal;
  /** The environment (project, region, DEVGEM_EMULATOR_HOST); process.env when absent. Tests pass their own. */
  env?: Record<string, string | undefined>;
}

function targetDir(args: ParsedArgs, io: CliIo): string {
  if (args.positionals.length > 1) throw new UsageError(`Expected at most one folder, got ${args.positionals.join(' ')}.`);
  return path.resolve(io.cwd, args.positionals[0] ?? '.');
}

function requireApps(analysis: WorkspaceAnalysis): AppAnalysis[] {
  if (!analysis.apps.length) {
    throw new DevgemError('failed-precondition', analysis.unrecognised?.message ?? 'Devgem found no app in this folder.', {
      fix: 'Add a Dockerfile that starts the server on $PORT, or point devgem at the folder that holds the app.',
    });
  }
  return analysis.apps;
}

export async function analyzeCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const analysis = await analyzeWorkspace(targetDir(args, io), { signal: io.signal });
  io.stdout(args.flags.has('--json') ? JSON.stringify(analysis, null, 2) + '\n' : describeWorkspace(analysis));
  return 0;
}

/** `--app api/`, `./api` and `api` all name the app at path `api`; '.' names the root app. */
function normaliseAppPath(p: string): string {
  return path.posix
    .normalize(p.replace(/\\/g, '/'))
    .replace(/^\.\/?|\/$/g, '')
    .replace(/^\.$/, '');
}

export async function dockerfileCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const apps = requireApps(await analyzeWorkspace(targetDir(args, io), { signal: io.signal }));
  const wanted = args.flags.get('--app');
  let app = apps[0];
  if (typeof wanted === 'string') {
    const found = apps.find((a) => a.path === normaliseAppPath(wanted));
    if (!found) {
      throw new DevgemError('not-found', `No app at ${wanted}.`, {
        fix: `Choose one of: ${apps.map((a) => a.path || '.').join(', ')}.`,
      });
    }
    app = found;
  }
  if (app.dockerfile) {
    io.stdout(`${app.path || 'The app'} has its own Dockerfile (${app.dockerfile}); Devgem builds it as it is.\n`);
    return 0;
  }
  const files = generateFiles(app);
  // stdout stays the Dockerfile alone, so it can be redirected into a file.
  if (app.context !== app.path) io.stderr(`Build context: ${app.context || 'the workspace root'} (not ${app.path}).\n`);
  io.stdout(files.dockerfile);
  return 0;
}

export async function packageCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const root = targetDir(args, io);
  const out = args.flags.get('--out');
  const list = args.flags.has('--list');
  if (!list && typeof out !== 'string') throw new UsageError('package needs --out FILE or --list.');
  const manifest = await listSourceFiles(root, io.signal);
  if (list) {
    io.stdout(manifest.files.map((f) => `${f}\n`).join(''));
    io.stderr(`${manifest.files.length} files (rules from ${manifest.rulesFrom})\n`);
    if (typeof out !== 'string') return 0;
  }
  const outFile = path.resolve(io.cwd, out as string);
  // A tarball written inside the folder must not package an older copy of itself.
  const self = path.relative(root, outFile).split(path.sep).join('/');
  const files = manifest.files.filter((f) => f !== self);
  const result: { bytes: number; sha256?: string } = await writeSourceTarball(root, { ...manifest, files }, outFile, io.signal);
  io.stdout(`Wrote ${outFile}: ${files.length} files, ${result.bytes} bytes (rules from ${manifest.rulesFrom})\n`);
  if (result.sha256) io.stdout(`sha256 ${result.sha256}\n`);
  return 0;
}
