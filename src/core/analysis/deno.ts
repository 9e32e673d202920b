// Deno apps: a deno.json(c) project, or, without one, an entry file that is
// plainly Deno's (Deno.serve, jsr:/npm:/deno.land imports). deno.json's tasks
// say how it builds and starts (Fresh's `build` and `start`/`preview`), else the
// entry file runs; the source shows whether it reads $PORT.
import type { Detector } from './detector';
import { type DirView, lineAt } from './dirView';
import { commandStart, readProcfileWeb } from './procfile';
import { defaulted } from './runtimeChoice';
import { fact, factFrom, frameworkDefault, newApp, scanPort } from './stackKit';
import type { AppAnalysis, Fact } from './types';

const ENTRIES = [
  'main.ts',
  'server.ts',
  'mod.ts',
  'index.ts',
  'app.ts',
  'main.tsx',
  'main.js',
  'server.js',
  'src/main.ts',
  'src/index.ts',
  'src/server.ts',
  'src/app.ts',
];
/** Code only Deno runs: its namespace, or module specifiers Node does not resolve. */
const DENO_ONLY = /\bDeno\.(serve|listen|env|args|readTextFile|openKv)\b|\bfrom\s+["'](?:jsr:|npm:|https:\/\/deno\.land\/)/;
const SERVES = /Deno\.serve|Deno\.listen|\bserve\(|\.listen\(|\bstart\(\s*manifest/;

/** A task's command, when it is a production one (not a watcher or the dev server). */
function productionTask(tasks: Record<string, string>, name: string): string | undefined {
  const t = tasks[name];
  return t && !/--watch\b|\bdev\.ts\b|\bvite(\s+dev)?\s*$/.test(t) ? t : undefined;
}

interface DenoConfig {
  tasks?: Record<string, string>;
  imports?: Record<string, string>;
  importMap?: string;
  workspace?: unknown;
}

/** deno.jsonc may hold comments and trailing commas. */
function parseConfig(text: string): DenoConfig {
  try {
    return JSON.parse(
      text
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/,(\s*[}\]])/g, '$1'),
    ) as DenoConfig;
  } catch {
    return {};
  }
}

async function entryFile(view: DirView, requireDenoOnly: boolean): Promise<{ file: string; line: number } | undefined> {
  for (const e of ENTRIES) {
    const text = await view.readText(e);
    if (text === undefined || !SERVES.test(text)) continue;
    const only = DENO_ONLY.exec(text);
    if (requireDenoOnly && !only) continue;
    return { file: e, line: only ? lineAt(text, only.index) : 1 };
  }
  return undefined;
}

/**
 * The files `deno install` reads (config, lockfile, package.json, a local import map), so the
 * Dockerfile can install before the source. Undefined when the install needs more than these
 * (a workspace's member configs, an import map in a subfolder).
 */
async function installManifests(view: DirView, config: string, cfg: DenoConfig, lock: boolean): Promise<string[] | undefined> {
  if (cfg.workspace !== undefined) return undefined;
  const files = [config, ...(lock ? ['deno.lock'] : []), ...((await view.exists('package.json')) ? ['package.json'] : [])];
  if (typeof cfg.importMap === 'string' && !/^[a-z]+:/i.test(cfg.importMap)) {
    const map = cfg.importMap.replace(/^\.\//, '');
    if (map.includes('/') || !(await view.exists(map))) return undefined;
    files.push(map);
  }
  return files;
}

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const config = (await view.exists('deno.json')) ? 'deno.json' : (await view.exists('deno.jsonc')) ? 'deno.jsonc' : undefined;
  // Without a config, only code Node cannot run makes the folder Deno's (a package.json makes it Node's or Bun's).
  const bare = config ? undefined : (await view.exists('package.json')) ? undefined : await entryFile(view, true);
  if (!config && !bare) return undefined;
  const language: Fact<'typescript'> = config
    ? fact('typescript', view.rel(config), 'Deno project')
    : fact('typescript', view.rel(bare!.file), 'Deno code (Deno APIs or jsr:/npm: imports)', bare!.line);
  const app = newApp(view, 'deno', language);
  const cfg = config ? parseConfig((await view.readText(config)) ?? '') : {};
  const tasks = cfg.tasks ?? {};
  const lock = await view.exists('deno.lock');
  app.packageManager = fact(
    'deno',
    view.rel(lock ? 'deno.lock' : (config ?? bare!.file)),
    lock ? 'deno.lock' : config ? 'Deno config' : 'imports resolved by Deno',
  );
  app.hints.lockfile = lock;
  const manifests = config ? await installManifests(view, config, cfg, lock) : undefined;
  if (manifests) app.hints.manifests = manifests;
  const v =
    (await factFrom(view, '.dvmrc', /(\d+\.\d+\.\d+)/, '.dvmrc')) ?? (await factFrom(view, '.tool-versions', /^deno\s+(\d+\.\d+\.\d+)/m, '.tool-versions'));
  app.version = v ?? defaulted('deno', view.rel(config ?? bare!.file), '.dvmrc or .tool-versions').fact;

  const fresh = Object.entries(cfg.imports ?? {}).find(([k, spec]) => k.startsWith('$fresh') || /@fresh\/core|\/fresh@/.test(spec));
  if (fresh && config) app.framework = fact('fresh', view.rel(config), `imports ${fresh[1]}`);
  if (tasks.build) app.build = fact('deno task build', view.rel(config!), `build task: ${tasks.build}`);

  const web = await readProcfileWeb(view);
  const task = productionTask(tasks, 'start') ?? productionTask(tasks, 'preview');
  const taskName = task === tasks.start ? 'start' : 'preview';
  const entry = bare ?? (await entryFile(view, false));
  let startLine: string | undefined;
  if (web && web.program === 'deno') {
    app.start = { value: web.start, evidence: [web.evidence] };
    if (web.env.length) app.hints.startEnv = web.env;
    startLine = web.command;
  } else if (task) {
    // `deno serve` takes the port as a flag; give it Cloud Run's.
    startLine = /^deno\s+serve\b/.test(task) && !/--port\b/.test(task) ? task.replace(/^deno\s+serve\b/, 'deno serve --port $PORT') : task;
    const at = (await factFrom(view, config!, new RegExp(`"${taskName}"\\s*:`), `${taskName} task`))?.evidence[0].line;
    app.start = {
      value: commandStart(startLine).start,
      evidence: [{ file: view.rel(config!), ...(at ? { line: at } : {}), detail: `${taskName} task: ${task}` }],
    };
  } else if (fresh && (await view.exists('main.ts'))) {
    startLine = 'deno run -A main.ts';
    app.start = fact(['deno', 'run', '-A', 'main.ts'], view.rel('main.ts'), 'Fresh production server');
  } else if (entry) {
    app.start = fact(['deno', 'run', '--allow-net', '--allow-env', '--allow-read', entry.file], view.rel(entry.file), 'serves HTTP');
  } else app.notes.push('No start task and no main.ts/server.ts that serves HTTP.');
  const entryName = entry?.file ?? /(\S+\.[jt]sx?)\b/.exec(startLine ?? '')?.[1];
  if (entryName) app.hints.entry = entryName;
  if (startLine && /^deno\s+run\b/.test(startLine) && !/--allow-(env|all)|-A\b/.test(startLine))
    app.notes.push('The start command lacks --allow-env; reading PORT needs it.');

  const port = /\$\{?PORT\b/.test(startLine ?? '')
    ? { port: 8080, source: 'config' as const, honoursPortEnv: true, evidence: [{ ...app.start!.evidence[0], detail: 'the start command passes $PORT' }] }
    : await scanPort(view, entryName ? [entryName] : [], {
        readsEnv: /Deno\.env\.get\(\s*["']PORT["']\s*\)/,
        literal: /port\s*:\s*(\d{2,5})/,
        fix: (line, p) => line.replace(new RegExp(`port\\s*:\\s*${p}`), `port: Number(Deno.env.get("PORT") ?? ${p})`),
      });
  app.port = port ?? frameworkDefault(8000, view.rel(entryName ?? config ?? '.'), 'Deno.serve listens on 8000 by default');
  if (!port && entryName) app.notes.push('Deno.serve without a port listens on 8000; pass port: Number(Deno.env.get("PORT") ?? 8000) to honour PORT.');
  const serve = !app.framework && entryName ? await factFrom(view, entryName, /Deno\.serve/, 'Deno.serve') : undefined;
  if (serve) app.framework = { value: 'deno-serve', evidence: serve.evidence };
  app.confidence = app.start && (port || app.framework) ? 'high' : app.start ? 'medium' : 'low';
  return app;
}

export const denoDetectors: Detector[] = [{ name: 'deno', detect }];
