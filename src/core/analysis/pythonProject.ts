// What a Python project declares: its package manager (from lockfiles and
// manifests), its direct dependencies (with the line that names each) and its name.
import * as path from 'node:path';
import type { DirView } from './dirView';
import { readToml, tomlGet, tomlHasTable, type TomlEntry } from './pythonToml';
import type { Evidence, Fact } from './types';

/** How the generated Dockerfile installs dependencies (hint `install`). */
export type PythonInstall = 'requirements' | 'poetry' | 'uv' | 'uv-project' | 'pipenv' | 'pdm' | 'project' | 'none';

export interface PythonProject {
  packageManager?: Fact<string>;
  install: PythonInstall;
  /** Files copied before the dependency install (the cached layer). */
  manifests: string[];
  /** True when a lockfile pins the dependency set. */
  locked: boolean;
  /** Normalised direct dependency name -> where it is declared. */
  deps: Map<string, Evidence>;
  name?: string;
  notes: string[];
  /** setup.py's install_requires when it is a plain literal list: installable before the source. */
  requires?: string[];
}

/** A requirement safe to pass to pip unquoted in single quotes: a name, extras and version specifiers, no markers. */
const PLAIN_REQUIREMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._, -]+\])?\s*([<>=!~]=?\s*[A-Za-z0-9.*+!-]+\s*,?\s*)*$/;

/**
 * setup.py's install_requires when the list holds only string literals of plain requirements
 * (no variables, no environment markers); undefined otherwise, and the package is installed with its source.
 */
export function literalRequires(setupPy: string): string[] | undefined {
  // The list: strings, commas, comments and whitespace only, and the argument ends at its `]`.
  const block = /install_requires\s*=\s*\[((?:\s|,|#[^\n]*|"[^"]*"|'[^']*')*)\]\s*[,)]/.exec(setupPy)?.[1];
  if (block === undefined) return undefined;
  const specs = [...block.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => (m[1] ?? m[2]).trim());
  const rest = block.replace(/"[^"]*"|'[^']*'/g, '').replace(/#.*$/gm, '');
  if (/[^\s,]/.test(rest) || !specs.every((r) => PLAIN_REQUIREMENT.test(r))) return undefined;
  return specs;
}

export const PYTHON_MARKERS = ['requirements.txt', 'pyproject.toml', 'Pipfile', 'Pipfile.lock', 'setup.py', 'setup.cfg', 'uv.lock', 'poetry.lock', 'pdm.lock'];

/** PEP 503 normalisation, minus extras and version: "Flask_SQLAlchemy[async]>=3" -> "flask-sqlalchemy". */
export function normaliseDep(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? m[1].toLowerCase().replace(/[._]+/g, '-') : undefined;
}

function addDep(deps: Map<string, Evidence>, spec: string, file: string, line: number): void {
  const name = normaliseDep(spec);
  if (name && name !== 'python' && !deps.has(name)) deps.set(name, { file, line, detail: `depends on ${spec.trim()}` });
}

/** requirements.txt lines, following `-r other.txt` includes one level deep (a common base/prod split). */
async function requirementsDeps(view: DirView, file: string, deps: Map<string, Evidence>, follow = true): Promise<void> {
  const text = await view.readText(file);
  if (text === undefined) return;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\s+#.*$/, '').trim();
    const include = /^(?:-r|--requirement)[\s=]+(\S+)/.exec(line);
    if (include && follow) await requirementsDeps(view, path.posix.join(path.posix.dirname(file), include[1]), deps, false);
    if (!line || line.startsWith('#') || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line)) continue;
    addDep(deps, line, view.rel(file), i + 1);
  }
}

function tomlDeps(entries: TomlEntry[], file: string, deps: Map<string, Evidence>): void {
  for (const e of entries) {
    if (e.table === 'project' && e.key === 'dependencies') for (const s of e.strings) addDep(deps, s.value, file, s.line);
    if (e.table === 'tool.poetry.dependencies' || e.table === 'packages') addDep(deps, e.key, file, e.line);
  }
}

function setupDeps(text: string, file: string, deps: Map<string, Evidence>): void {
  // setup.py install_requires=[...] and setup.cfg "install_requires =" followed by indented lines.
  const py = /install_requires\s*=\s*\[([\s\S]*?)\]/.exec(text);
  const cfg = /^install_requires\s*=\s*\n((?:[ \t]+\S.*\n?)*)/m.exec(text);
  const block = py ?? cfg;
  if (!block) return;
  const start = text.slice(0, block.index).split('\n').length;
  block[0].split('\n').forEach((l, i) => {
    const specs = py ? [...l.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]) : i > 0 ? [l.trim()] : [];
    for (const s of specs) if (s) addDep(deps, s, file, start + i);
  });
}

export async function readPythonProject(view: DirView): Promise<PythonProject | undefined> {
  const names = await view.list();
  const has = (f: string) => names.includes(f);
  if (!PYTHON_MARKERS.some(has)) return undefined;
  const deps = new Map<string, Evidence>();
  const notes: string[] = [];
  const pyprojectText = await view.readText('pyproject.toml');
  const toml = pyprojectText !== undefined ? readToml(pyprojectText) : [];
  const rel = view.rel.bind(view);
  const ev = (file: string, detail: string): Evidence[] => [{ file: rel(file), detail }];
  let packageManager: Fact<string> | undefined;
  let install: PythonInstall = 'none';
  let manifests: string[] = [];
  let locked = false;
  let requires: string[] | undefined;

  if (has('uv.lock')) {
    packageManager = { value: 'uv', evidence: ev('uv.lock', 'uv lockfile') };
    install = 'uv';
    manifests = ['pyproject.toml', 'uv.lock'];
    locked = true;
  } else if (has('poetry.lock') || (pyprojectText !== undefined && tomlHasTable(pyprojectText, 'tool.poetry'))) {
    locked = has('poetry.lock');
    packageManager = { value: 'poetry', evidence: locked ? ev('poetry.lock', 'Poetry lockfile') : ev('pyproject.toml', '[tool.poetry] table') };
    install = 'poetry';
    manifests = locked ? ['pyproject.toml', 'poetry.lock'] : ['pyproject.toml'];
    if (!locked) notes.push('No poetry.lock: the image resolves dependencies at build time; commit poetry.lock for reproducible builds.');
  } else if (has('pdm.lock')) {
    packageManager = { value: 'pdm', evidence: ev('pdm.lock', 'PDM lockfile') };
    install = 'pdm';
    manifests = ['pyproject.toml', 'pdm.lock'];
    locked = true;
  } else if (has('Pipfile') || has('Pipfile.lock')) {
    locked = has('Pipfile.lock');
    packageManager = { value: 'pipenv', evidence: locked ? ev('Pipfile.lock', 'Pipenv lockfile') : ev('Pipfile', 'Pipfile') };
    install = 'pipenv';
    manifests = ['Pipfile', ...(locked ? ['Pipfile.lock'] : [])];
    if (!locked) notes.push('No Pipfile.lock: the image locks dependencies at build time; commit Pipfile.lock for reproducible builds.');
  } else if (has('requirements.txt')) {
    packageManager = { value: 'pip', evidence: ev('requirements.txt', 'pip requirements file') };
    install = 'requirements';
    manifests = ['requirements.txt'];
    locked = true;
  } else if (pyprojectText !== undefined && tomlHasTable(pyprojectText, 'project')) {
    // uv installs a PEP 621 project's dependencies without building the project; a src/ layout package must be installed to import.
    packageManager = { value: 'uv', evidence: ev('pyproject.toml', '[project] table (PEP 621) without a lockfile, installed with uv') };
    install = tomlHasTable(pyprojectText, 'build-system') && has('src') ? 'uv-project' : 'uv';
    manifests = ['pyproject.toml'];
    notes.push('No uv.lock: uv resolves the pyproject.toml dependencies at build time; run `uv lock` and commit uv.lock for repeatable builds.');
  } else if (has('setup.py') || has('setup.cfg')) {
    const file = has('setup.py') ? 'setup.py' : 'setup.cfg';
    packageManager = { value: 'setuptools', evidence: ev(file, 'setuptools project, installed with pip') };
    install = 'project';
    notes.push(`No lockfile: pip resolves the ${file} dependencies at build time.`);
    // With a setup.cfg or pyproject.toml the metadata may be split across files: only a lone setup.py is read.
    const setupPy = has('setup.cfg') || has('pyproject.toml') ? undefined : await view.readText('setup.py');
    requires = setupPy === undefined ? undefined : literalRequires(setupPy);
  }

  if (pyprojectText !== undefined) tomlDeps(toml, rel('pyproject.toml'), deps);
  const pipfile = await view.readText('Pipfile');
  if (pipfile !== undefined) tomlDeps(readToml(pipfile), rel('Pipfile'), deps);
  await requirementsDeps(view, 'requirements.txt', deps);
  for (const file of ['setup.py', 'setup.cfg']) {
    const text = await view.readText(file);
    if (text !== undefined) setupDeps(text, rel(file), deps);
  }

  const setupName = /\bsetup\([\s\S]*?\bname\s*=\s*["']([\w.-]+)["']/.exec((await view.readText('setup.py')) ?? '')?.[1];
  const name = tomlGet(toml, 'project', 'name')?.strings[0]?.value ?? tomlGet(toml, 'tool.poetry', 'name')?.strings[0]?.value ?? setupName;
  return { packageManager, install, manifests, locked, deps, name, notes, ...(requires ? { requires } : {}) };
}
