import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfCancelled } from '../base/wait';
import { lineAt, SKIP_DIRS } from './dirView';
import type { Evidence, Fact } from './types';

// Finds the folders of a monorepo that may hold apps, from the workspace tools'
// own config (npm/yarn/pnpm workspaces, Turborepo, Nx, Lerna, go.work) or, when
// there is none, from a services/* or apps/* layout and from Dockerfiles. It
// reads directory listings and manifests only, never walks dependencies, and
// bounds every walk, so a 100k-file repo costs a few hundred readdirs.

/** How deep `**` and the Dockerfile search go below the workspace root. */
const MAX_DEPTH = 3;
/** Guards against a pathological tree: never list more folders than this. */
const MAX_DIRS = 4000;
/** Files that make a folder of a services/* or apps/* layout worth running detectors on. */
const MANIFESTS = [
  'package.json',
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'build.sbt',
  'Gemfile',
  'composer.json',
  'Cargo.toml',
  'mix.exs',
  'pubspec.yaml',
  'Package.swift',
  'deno.json',
  'Dockerfile',
  'Procfile',
  'index.html',
  'main.py',
  'app.py',
];

export interface MonorepoLayout {
  /** The tool (npm-workspaces, yarn-workspaces, pnpm-workspaces, bun-workspaces, turborepo, nx, lerna, go-workspace) with its config as evidence. */
  tool?: Fact<string>;
  /** Candidate app folders relative to the root, '/'-separated, sorted; never ''. */
  members: string[];
  /** Workspace package name (package.json `name` or go.mod `module`) → member folder, for inter-package dependencies. */
  packages: Map<string, string>;
  /** Folders with their own Dockerfile (up to MAX_DEPTH), members or not. */
  dockerfileDirs: string[];
  notes: string[];
}

/** Cached directory listings for one discovery run. */
class Lister {
  private readonly cache = new Map<string, Promise<{ dirs: string[]; files: string[] }>>();
  private count = 0;
  constructor(
    private readonly root: string,
    private readonly signal?: AbortSignal,
  ) {}

  list(rel: string): Promise<{ dirs: string[]; files: string[] }> {
    let p = this.cache.get(rel);
    if (!p) {
      throwIfCancelled(this.signal);
      if (++this.count > MAX_DIRS) return Promise.resolve({ dirs: [], files: [] });
      p = fs.readdir(path.join(this.root, rel), { withFileTypes: true }).then(
        (entries) => {
          const dirs: string[] = [];
          const files: string[] = [];
          for (const e of entries) {
            if (e.isDirectory()) {
              if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) dirs.push(e.name);
            } else files.push(e.name);
          }
          return { dirs: dirs.sort(), files: files.sort() };
        },
        () => ({ dirs: [], files: [] }),
      );
      this.cache.set(rel, p);
    }
    return p;
  }

  async has(rel: string, file: string): Promise<boolean> {
    return (await this.list(rel)).files.includes(file);
  }

  async read(rel: string): Promise<string | undefined> {
    try {
      return await fs.readFile(path.join(this.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }
}

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);

function segmentRegex(segment: string): RegExp {
  return new RegExp(
    '^' +
      segment
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
}

/** Folders matching a workspace glob (`packages/*`, `apps/**`, `services/api`), bounded by MAX_DEPTH. */
async function expand(lister: Lister, pattern: string): Promise<string[]> {
  const segments = pattern
    .replace(/^\.\//, '')
    .replace(/\/+$/, '')
    .split('/')
    .filter((s) => s && s !== '.');
  let current = [''];
  for (const seg of segments) {
    const next: string[] = [];
    for (const dir of current) {
      if (seg === '**') {
        // Zero or more folders: the folder itself and everything below, to the depth bound.
        let level = [dir];
        for (let depth = dir.split('/').length; level.length && depth <= MAX_DEPTH + 1; depth++) {
          next.push(...level);
          const below: string[] = [];
          for (const d of level) for (const c of (await lister.list(d)).dirs) below.push(join(d, c));
          level = below;
        }
      } else if (/[*?]/.test(seg)) {
        const re = segmentRegex(seg);
        for (const c of (await lister.list(dir)).dirs) if (re.test(c)) next.push(join(dir, c));
      } else if (seg !== 'node_modules' && (await lister.list(dir)).dirs.includes(seg)) {
        next.push(join(dir, seg));
      }
    }
    current = [...new Set(next)];
  }
  return current.filter((d) => d !== '');
}

/** A workspace glob (`packages/*`, `apps/**`, `./web`) as a regex over folder paths. */
export function workspaceGlob(pattern: string): RegExp {
  return new RegExp(
    '^' +
      pattern
        .replace(/^\.\//, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\/?/g, '\u0000')
        .replace(/\*/g, '[^/]*')
        // eslint-disable-next-line no-control-regex -- NUL held the place of ** while * was expanded
        .replace(/\u0000/g, '.*') +
      '/?$',
  );
}

/** True when `dir` is one of the folders a list of workspace globs (with `!negations`) names. */
export function isWorkspaceMember(dir: string, patterns: string[]): boolean {
  const hit = (p: string) => workspaceGlob(p).test(dir);
  return patterns.some((p) => !p.startsWith('!') && hit(p)) && !patterns.some((p) => p.startsWith('!') && hit(p.slice(1)));
}

/** Members of a list of globs with `!negations`, keeping only folders that hold `marker`. */
async function expandAll(lister: Lister, patterns: string[], markers: string[]): Promise<string[]> {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => workspaceGlob(p.slice(1)));
  const out = new Set<string>();
  for (const p of include) {
    for (const dir of await expand(lister, p)) {
      if (exclude.some((re) => re.test(dir))) continue;
      const files = (await lister.list(dir)).files;
      if (markers.some((m) => files.includes(m))) out.add(dir);
    }
  }
  return [...out];
}

/** The `packages:` list of pnpm-workspace.yaml: block (`- 'apps/*'`) or flow (`['apps/*']`) style. */
export function pnpmPackages(yaml: string): string[] {
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex((l) => /^packages\s*:/.test(l));
  if (start < 0) return [];
  const inline = /^packages\s*:\s*\[(.*)\]/.exec(lines[start]);
  const clean = (s: string) =>
    s
      .replace(/\s+#.*$/, '')
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
  if (inline) return inline[1].split(',').map(clean).filter(Boolean);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s+-\s+(.+)$/.exec(line);
    if (!item) break;
    out.push(clean(item[1]));
  }
  return out;
}

/** go.work `use ./api` and `use ( ./api ./worker )`. */
export function goWorkUses(text: string): string[] {
  const out: string[] = [];
  const block = /^use\s*\(([\s\S]*?)\)/m.exec(text);
  if (block) for (const l of block[1].split(/\r?\n/)) out.push(l.replace(/\/\/.*$/, '').trim());
  for (const m of text.matchAll(/^use\s+([^\s(]+)/gm)) out.push(m[1]);
  return out.map((s) => s.replace(/^\.\/?/, '').replace(/\/$/, '')).filter(Boolean);
}

export function evidenceOf(file: string, text: string, needle: RegExp, detail: string): Evidence {
  const m = needle.exec(text);
  return m ? { file, line: lineAt(text, m.index), detail } : { file, detail };
}

export function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // the detectors report a corrupt manifest with its parse error
  }
}

function workspacesOf(pkg: Record<string, unknown> | undefined): string[] | undefined {
  const ws = pkg?.workspaces;
  if (Array.isArray(ws)) return ws.filter((w): w is string => typeof w === 'string');
  if (ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)) {
    return (ws as { packages: unknown[] }).packages.filter((w): w is string => typeof w === 'string');
  }
  return undefined;
}

/** Folders up to MAX_DEPTH that contain a Dockerfile (breadth-first, skipping dependencies and output). */
async function dockerfileDirs(lister: Lister): Promise<string[]> {
  const out: string[] = [];
  let level = [''];
  for (let depth = 0; depth <= MAX_DEPTH && level.length; depth++) {
    const next: string[] = [];
    const listed = await Promise.all(level.map((d) => lister.list(d)));
    listed.forEach((l, i) => {
      if (level[i] && l.files.includes('Dockerfile')) out.push(level[i]);
      for (const c of l.dirs) next.push(join(level[i], c));
    });
    level = next;
  }
  return out;
}

export async function discoverMonorepo(root: string, signal?: AbortSignal): Promise<MonorepoLayout> {
  const lister = new Lister(root, signal);
  const notes: string[] = [];
  const evidence: Evidence[] = [];
  const tools: string[] = [];
  const members = new Set<string>();
  const rootFiles = (await lister.list('')).files;
  const rootPkgText = rootFiles.includes('package.json') ? await lister.read('package.json') : undefined;
  const rootPkg = parseJson(rootPkgText);
  const jsMarkers = ['package.json'];

  const workspaces = workspacesOf(rootPkg);
  if (workspaces && rootPkgText) {
    const tool = rootFiles.includes('pnpm-lock.yaml')
      ? 'pnpm-workspaces'
      : rootFiles.includes('yarn.lock')
        ? 'yarn-workspaces'
        : rootFiles.some((f) => f.startsWith('bun.lock'))
          ? 'bun-workspaces'
          : 'npm-workspaces';
    tools.push(tool);
    evidence.push(evidenceOf('package.json', rootPkgText, /"workspaces"/, `workspaces: ${workspaces.join(', ')}`));
    for (const m of await expandAll(lister, workspaces, jsMarkers)) members.add(m);
  }
  if (rootFiles.includes('pnpm-workspace.yaml')) {
    const text = (await lister.read('pnpm-workspace.yaml')) ?? '';
    const globs = pnpmPackages(text);
    tools.push('pnpm-workspaces');
    evidence.push(evidenceOf('pnpm-workspace.yaml', text, /^packages\s*:/m, `packages: ${globs.join(', ') || '(none listed)'}`));
    for (const m of await expandAll(lister, globs, jsMarkers)) members.add(m);
  }
  if (rootFiles.includes('lerna.json')) {
    const text = (await lister.read('lerna.json')) ?? '';
    const lerna = parseJson(text);
    const globs = Array.isArray(lerna?.packages) ? (lerna.packages as unknown[]).filter((p): p is string => typeof p === 'string') : ['packages/*'];
    tools.push('lerna');
    evidence.push(evidenceOf('lerna.json', text, /"packages"/, `lerna packages: ${globs.join(', ')}`));
    for (const m of await expandAll(lister, globs, jsMarkers)) members.add(m);
  }
  if (rootFiles.includes('nx.json')) {
    const text = (await lister.read('nx.json')) ?? '';
    const layout = parseJson(text)?.workspaceLayout as { appsDir?: string; libsDir?: string } | undefined;
    const appsDir = layout?.appsDir ?? 'apps';
    tools.push('nx');
    evidence.push({ file: 'nx.json', detail: `Nx workspace; projects under ${appsDir}/ and packages/` });
    // Nx projects are folders with a project.json (or package.json); libraries are dropped by the detectors.
    for (const m of await expandAll(lister, [`${appsDir}/*`, `${appsDir}/*/*`, 'packages/*'], ['project.json', 'package.json'])) members.add(m);
  }
  if (rootFiles.includes('turbo.json')) {
    tools.push('turborepo');
    evidence.unshift({ file: 'turbo.json', detail: 'Turborepo pipeline over the workspace packages' });
  }
  if (rootFiles.includes('go.work')) {
    const text = (await lister.read('go.work')) ?? '';
    const uses = goWorkUses(text);
    tools.push('go-workspace');
    evidence.push(evidenceOf('go.work', text, /^use\b/m, `use ${uses.join(', ')}`));
    for (const u of uses) if (!u.startsWith('..') && (await lister.has(u, 'go.mod'))) members.add(u);
  }

  // Without a workspace tool, apps/* and services/* folders are still likely apps.
  if (tools.length === 0) {
    for (const m of await expandAll(lister, ['apps/*', 'services/*'], MANIFESTS)) members.add(m);
  }
  const withDockerfile = await dockerfileDirs(lister);
  for (const d of withDockerfile) members.add(d);

  // Package names, for telling which apps need sibling packages in their build context.
  const packages = new Map<string, string>();
  for (const m of [...members].sort()) {
    const files = (await lister.list(m)).files;
    if (files.includes('package.json')) {
      const name = parseJson(await lister.read(`${m}/package.json`))?.name;
      if (typeof name === 'string') packages.set(name, m);
    }
    if (files.includes('go.mod')) {
      const mod = /^module\s+(\S+)/m.exec((await lister.read(`${m}/go.mod`)) ?? '')?.[1];
      if (mod) packages.set(mod, m);
    }
  }
  if (tools.length && members.size === 0) notes.push(`The ${tools[0]} config lists no member folders that exist.`);

  // Turborepo runs on top of a workspace tool; name it as the monorepo tool, the others stay as evidence.
  const toolName = tools.includes('turborepo') ? 'turborepo' : tools.includes('nx') ? 'nx' : tools[0];
  return {
    tool: toolName ? { value: toolName, evidence } : undefined,
    members: [...members].sort(),
    packages,
    dockerfileDirs: withDockerfile,
    notes,
  };
}
