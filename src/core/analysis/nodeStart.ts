// How a plain Node server starts: the start script turned into an exec-form
// command (so the server, not npm, is PID 1 and gets SIGTERM), else `main`,
// else a conventional entry file, else a TypeScript build's output.
import type { DirView } from './dirView';
import type { NodePackage } from './nodePackage';
import { buildpackOnly, type ProcfileWeb } from './procfile';
import type { Evidence, Fact } from './types';

export interface StartInfo {
  start: Fact<string[]>;
  /** Source file the server starts from (TypeScript source when the start runs compiled output), for the port scan. */
  entry?: string;
  /** `VAR=value` pairs the start script set before the command (the image sets them with ENV). */
  env: string[];
  notes: string[];
  /** The start names a file that does not exist and nothing builds. */
  missingEntry?: boolean;
}

const PMS = new Set(['npm', 'yarn', 'pnpm', 'bun']);
// Dev-time restarters: in a container the plain runtime does the same job.
const WATCHERS = new Set(['nodemon', 'node-dev', 'supervisor']);
// Monorepo and multi-process runners: their start is not one server to exec.
const ORCHESTRATORS = new Set(['turbo', 'nx', 'lerna', 'concurrently', 'npm-run-all', 'run-p', 'run-s']);

/**
 * A package.json script as exec-form arguments, or undefined when it needs a
 * shell (&&, pipes, redirects, substitutions). Leading `VAR=value` and
 * `cross-env VAR=value` are dropped (returned in `env`); `npm run x` follows x once.
 */
export function parseScript(script: string, scripts: Record<string, string> = {}, depth = 0): { args: string[]; env: string[] } | undefined {
  if (/&&|\|\||[;|<>`]|\$\(/.test(script)) return undefined;
  const tokens = script
    .trim()
    .split(/\s+/)
    .map((t) => t.replace(/^(['"])(.*)\1$/, '$2'));
  const env: string[] = [];
  if (tokens[0] === 'cross-env') tokens.shift();
  while (tokens.length && /^[A-Z_][A-Z0-9_]*=/.test(tokens[0])) env.push(tokens.shift() as string);
  const [bin, ...rest] = tokens;
  if (!bin || ORCHESTRATORS.has(bin)) return undefined;
  if (PMS.has(bin)) {
    // Workspace flags and nested package-manager calls need the manager itself.
    if (depth > 0 || rest.some((r) => r.startsWith('-'))) return undefined;
    // `npm run build:start`, `yarn serve`, `pnpm start`: follow the named script once.
    const name = rest[0] === 'run' || rest[0] === 'run-script' ? rest[1] : rest[0];
    if (bin === 'bun' && name && /\.[cm]?[jt]sx?$/.test(name)) return { args: ['bun', name, ...rest.slice(rest[0] === 'run' ? 2 : 1)], env };
    const target = name ? scripts[name] : undefined;
    const inner = target ? parseScript(target, scripts, depth + 1) : undefined;
    return inner && { args: inner.args, env: [...env, ...inner.env] };
  }
  if (bin === 'node' || bin === 'bun') return { args: [bin, ...rest], env };
  if (WATCHERS.has(bin)) {
    // Watcher flags take values (--watch src), so keep only the script file itself.
    const file = [...rest].reverse().find((r) => /\.[cm]?js$/.test(r));
    return file ? { args: ['node', file], env } : undefined;
  }
  // `pm2 start` puts the app in a daemon and returns, and a container ends with its command: pm2-runtime stays in front.
  if (bin === 'pm2' && rest[0] === 'start' && !rest.includes('--no-daemon')) return { args: ['node_modules/.bin/pm2-runtime', ...rest.slice(1)], env };
  // Any other word is a package binary; node_modules/.bin holds it in the image.
  return { args: [`node_modules/.bin/${bin}`, ...rest], env };
}

const ENTRY_FILES = ['server', 'index', 'app', 'main'].flatMap((n) => ['.js', '.mjs', '.cjs'].map((x) => n + x));
const TS_ENTRIES = ['src/main.ts', 'src/index.ts', 'src/server.ts', 'src/app.ts', 'main.ts', 'index.ts', 'server.ts', 'app.ts'];

/** A compiled file (dist/index.js) back to its TypeScript source (src/index.ts), when that exists. */
async function sourceOf(view: DirView, file: string, outDir: string): Promise<string> {
  const rel = file.replace(/^\.\//, '');
  if (!rel.startsWith(`${outDir}/`)) return rel;
  const stem = rel.slice(outDir.length + 1).replace(/\.[cm]?js$/, '');
  for (const candidate of [`src/${stem}.ts`, `${stem}.ts`, `src/${stem}.mts`]) if (await view.exists(candidate)) return candidate;
  return rel;
}

/** tsconfig's outDir ('dist' when unset); tsconfig may carry comments, so a regex rather than JSON.parse. */
export async function tsOutDir(view: DirView): Promise<string | undefined> {
  const text = await view.readText('tsconfig.json');
  if (text === undefined) return undefined;
  const m = /"outDir"\s*:\s*"([^"]+)"/.exec(text);
  return (m?.[1] ?? 'dist').replace(/^\.\//, '').replace(/\/$/, '');
}

export async function resolveStart(view: DirView, np: NodePackage, runtime: 'node' | 'bun'): Promise<StartInfo | undefined> {
  const { pkg } = np;
  const notes: string[] = [];
  const outDir = (await tsOutDir(view)) ?? 'dist';
  const script = pkg.scripts?.start;
  if (script) {
    const parsed = parseScript(script, pkg.scripts);
    if (parsed) {
      if (WATCHERS.has(script.trim().split(/\s+/)[0]))
        notes.push(`The start script runs a file watcher; the container runs \`${parsed.args.join(' ')}\` instead.`);
      if (parsed.args[0] === 'node_modules/.bin/pm2-runtime')
        notes.push(
          "The start script runs `pm2 start`, which leaves the app to a daemon and returns, so the container would end: it runs pm2-runtime, pm2's command for containers, instead.",
        );
      const file = parsed.args.find((a, i) => i > 0 && /\.[cm]?[jt]sx?$/.test(a));
      // A start file that is neither in the folder nor made by a build cannot run in the image.
      if (file && !pkg.scripts?.build && !(await view.exists(file.replace(/^\.\//, '')))) {
        notes.push(`The start script runs ${file}, which is not in ${view.rel('') || 'the workspace'} and no build script makes it.`);
        return { start: { value: parsed.args, evidence: [np.at('start', `start script: ${script}`)] }, env: parsed.env, notes, missingEntry: true };
      }
      return {
        start: { value: parsed.args, evidence: [np.at('start', `start script: ${script}`)] },
        entry: file && (await sourceOf(view, file, outDir)),
        env: parsed.env,
        notes,
      };
    }
    notes.push(`The start script \`${script}\` needs a shell, so the container runs it through ${runtime === 'bun' ? 'bun' : 'npm'}.`);
    return {
      start: { value: runtime === 'bun' ? ['bun', 'run', 'start'] : ['npm', 'start'], evidence: [np.at('start', `start script: ${script}`)] },
      env: [],
      notes,
    };
  }
  const ts = (await view.exists('tsconfig.json')) && Boolean(pkg.scripts?.build);
  if (pkg.main && ((await view.exists(pkg.main)) || (ts && pkg.main.startsWith(`${outDir}/`)))) {
    return {
      start: { value: [runtime, pkg.main.replace(/^\.\//, '')], evidence: [np.at('main', `"main": "${pkg.main}"`)] },
      entry: await sourceOf(view, pkg.main, outDir),
      env: [],
      notes,
    };
  }
  for (const file of [...ENTRY_FILES, ...ENTRY_FILES.map((f) => `src/${f}`)]) {
    if (await view.exists(file)) {
      const evidence: Evidence = { file: view.rel(file), detail: `entry file ${file} (no start script or main)` };
      return { start: { value: [runtime, file], evidence: [evidence] }, entry: file, env: [], notes };
    }
  }
  if (runtime === 'bun') {
    for (const file of TS_ENTRIES)
      if (await view.exists(file))
        return { start: { value: ['bun', file], evidence: [{ file: view.rel(file), detail: `Bun runs ${file} directly` }] }, entry: file, env: [], notes };
  }
  if (ts) {
    for (const file of TS_ENTRIES) {
      if (!(await view.exists(file))) continue;
      // Without rootDir, tsc drops the common prefix (src/) of the compiled files.
      const compiled = `${outDir}/${file.replace(/^src\//, '').replace(/\.ts$/, '.js')}`;
      notes.push(`No start script: Devgem runs the compiled ${compiled} (from ${file}, tsconfig outDir ${outDir}).`);
      return {
        start: { value: ['node', compiled], evidence: [{ file: view.rel(file), detail: `TypeScript entry ${file} compiled to ${compiled}` }] },
        entry: file,
        env: [],
        notes,
      };
    }
  }
  return undefined;
}

/**
 * The Procfile's web process as the start of a Node app, when it runs Node
 * (node, a package manager, a file, or a binary of a dependency): it wins over
 * the start script, as on Heroku. Undefined when it runs something else.
 */
export function procfileStart(web: ProcfileWeb, np: NodePackage): StartInfo | undefined {
  const p = web.program;
  const nodeish = PMS.has(p) || p === 'node' || /\.[cm]?[jt]s$/.test(p) || np.has(p) || WATCHERS.has(p);
  if (!nodeish || buildpackOnly(web.command)) return undefined;
  const parsed = parseScript(web.command, np.pkg.scripts);
  const args = parsed?.args ?? web.start;
  const file = args.find((a, i) => i > 0 && /\.[cm]?[jt]sx?$/.test(a));
  return {
    start: { value: args, evidence: [web.evidence] },
    entry: file?.replace(/^\.\//, ''),
    env: [...web.env, ...(parsed?.env ?? [])],
    notes: [],
  };
}
