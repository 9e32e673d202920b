/**
 * Workspace analysis on a large monorepo: ~100k files, most of them in
 * node_modules (root and per package), 12 apps and 40 libraries under npm
 * workspaces. Times `analyzeWorkspace` with the shipped detectors (median of 5
 * after a warm-up, so the page cache is warm as in an open editor) and counts
 * the directories listed and files opened, to show that dependencies and build
 * output are never walked. Goal: < 1 s.
 */
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeWorkspace } from '../src/core/analysis/analyzeWorkspace';
import { DETECTORS } from '../src/core/analysis/detectors';
import type { WorkspaceAnalysis } from '../src/core/analysis/types';
import { median, ms, table } from './stats';

const RUNS = 5;
const APPS = 12;
const LIBS = 40;
const SRC_FILES_PER_PACKAGE = 120;
const ROOT_NODE_MODULES_PACKAGES = 1800;
const FILES_PER_DEPENDENCY = 50;
const APP_NODE_MODULES_FILES = 400;

async function write(root: string, files: Array<[string, string]>): Promise<void> {
  const dirs = new Set(files.map(([f]) => path.dirname(path.join(root, f))));
  for (const d of dirs) await fs.mkdir(d, { recursive: true });
  // Bounded parallelism: fast to generate, gentle on file descriptors.
  for (let i = 0; i < files.length; i += 256) {
    await Promise.all(files.slice(i, i + 256).map(([f, c]) => fs.writeFile(path.join(root, f), c)));
  }
}

function sourceFiles(dir: string, count: number): Array<[string, string]> {
  return Array.from(
    { length: count },
    (_, i) =>
      [`${dir}/src/${['lib', 'routes', 'models', 'util'][i % 4]}/${Math.floor(i / 20)}/file${i}.ts`, `export const v${i} = ${i};\n`] as [string, string],
  );
}

function dependencyFiles(prefix: string, packages: number, perPackage: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let p = 0; p < packages; p++) {
    const name = `dep-${p}`;
    out.push([`${prefix}/${name}/package.json`, JSON.stringify({ name, version: '1.0.0', main: 'index.js', scripts: { start: 'node index.js' } })]);
    for (let f = 1; f < perPackage; f++) out.push([`${prefix}/${name}/lib/${f % 5}/f${f}.js`, 'module.exports = 1;\n']);
  }
  return out;
}

/**
 * Generates the monorepo; returns its root and file count. `libsUsed`: every
 * library is a dependency of an app or another library (as in a real repo);
 * otherwise none is, so every library goes through all detectors (worst case).
 */
export async function generate(parent: string, libsUsed: boolean): Promise<{ root: string; files: number }> {
  const root = path.join(parent, libsUsed ? 'big-monorepo' : 'big-monorepo-unused-libs');
  const files: Array<[string, string]> = [
    ['package.json', JSON.stringify({ name: 'big', private: true, workspaces: ['apps/*', 'packages/*'], scripts: { start: 'turbo run start' } }, null, 2)],
    ['package-lock.json', JSON.stringify({ name: 'big', lockfileVersion: 3, packages: {} })],
    ['turbo.json', '{ "tasks": { "build": {} } }'],
    ['README.md', '# big\n'],
  ];
  for (let a = 0; a < APPS; a++) {
    const dir = `apps/app${a}`;
    const libs = libsUsed ? Object.fromEntries([0, 1, 2].map((k) => [`lib${(a * 3 + k) % LIBS}`, '*'])) : {};
    files.push([
      `${dir}/package.json`,
      JSON.stringify({ name: `app${a}`, scripts: { start: 'node server.js', build: 'tsc' }, dependencies: { express: '^4.19.2', ...libs } }, null, 2),
    ]);
    files.push([`${dir}/server.js`, "const app = require('express')();\napp.get('/', (_q, s) => s.send('ok'));\napp.listen(process.env.PORT || 8080);\n"]);
    files.push(...sourceFiles(dir, SRC_FILES_PER_PACKAGE), ...dependencyFiles(`${dir}/node_modules`, APP_NODE_MODULES_FILES / 20, 20));
    files.push(...Array.from({ length: 30 }, (_, i) => [`${dir}/dist/out${i}.js`, ''] as [string, string]));
  }
  for (let l = 0; l < LIBS; l++) {
    const dir = `packages/lib${l}`;
    // The libraries no app uses directly are used by other libraries, as in a real repo.
    const uses = libsUsed && l < LIBS - APPS * 3 ? { [`lib${LIBS - 1 - l}`]: '*' } : {};
    files.push([`${dir}/package.json`, JSON.stringify({ name: `lib${l}`, main: 'dist/index.js', types: 'dist/index.d.ts', dependencies: uses }, null, 2)]);
    files.push(...sourceFiles(dir, SRC_FILES_PER_PACKAGE));
  }
  files.push(...dependencyFiles('node_modules', ROOT_NODE_MODULES_PACKAGES, FILES_PER_DEPENDENCY));
  files.push(...Array.from({ length: 200 }, (_, i) => [`.git/objects/${i % 16}/obj${i}`, 'x'] as [string, string]));
  await write(root, files);
  return { root, files: files.length };
}

/** Counts readdir and open calls (and any under node_modules) while `fn` runs. */
async function counting<T>(fn: () => Promise<T>): Promise<{ result: T; readdirs: number; opens: number; intoNodeModules: number }> {
  const p = fs as unknown as Record<'readdir' | 'open' | 'readFile', (...args: unknown[]) => Promise<unknown>>;
  const saved = { readdir: p.readdir, open: p.open, readFile: p.readFile };
  let readdirs = 0;
  let opens = 0;
  let intoNodeModules = 0;
  const track = (file: unknown) => {
    if (String(file).split(path.sep).includes('node_modules')) intoNodeModules++;
  };
  p.readdir = (...args) => (readdirs++, track(args[0]), saved.readdir.apply(fs, args));
  p.open = (...args) => (opens++, track(args[0]), saved.open.apply(fs, args));
  p.readFile = (...args) => (opens++, track(args[0]), saved.readFile.apply(fs, args));
  try {
    return { result: await fn(), readdirs, opens, intoNodeModules };
  } finally {
    Object.assign(p, saved);
  }
}

async function measure(root: string): Promise<{ times: number[]; counted: Awaited<ReturnType<typeof counting<WorkspaceAnalysis>>> }> {
  await analyzeWorkspace(root); // warm-up: page cache and JIT, as in an editor that has the folder open
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await analyzeWorkspace(root);
    times.push(performance.now() - t);
  }
  return { times, counted: await counting(() => analyzeWorkspace(root)) };
}

export async function analysisBench(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'devgem-bench-analysis-'));
  try {
    console.log(`Detectors registered: ${DETECTORS.map((d) => d.name).join(', ') || '(none)'}.\n`);
    const rows: string[][] = [];
    let ok = true;
    for (const libsUsed of [true, false]) {
      const t0 = performance.now();
      const { root, files } = await generate(tmp, libsUsed);
      console.log(
        `Generated ${files} files in ${ms(performance.now() - t0)}: ${APPS} apps, ${LIBS} libraries (${libsUsed ? 'all used by apps or libraries' : 'none used'}), node_modules at the root and in every app.`,
      );
      const { times, counted } = await measure(root);
      const a = counted.result;
      rows.push([
        libsUsed ? 'libraries used (realistic)' : 'libraries unused (worst case)',
        String(files),
        String(a.apps.length),
        a.monorepo?.value ?? '-',
        ms(median(times)),
        `${ms(Math.min(...times))}–${ms(Math.max(...times))}`,
        String(counted.readdirs),
        String(counted.opens),
        String(counted.intoNodeModules),
      ]);
      ok &&= median(times) < 1000 && counted.intoNodeModules === 0 && a.apps.length === APPS;
      await fs.rm(root, { recursive: true, force: true });
    }
    console.log(
      '\n' + table(['monorepo', 'files', 'apps found', 'tool', `median of ${RUNS}`, 'min–max', 'dirs listed', 'files read', 'under node_modules'], rows),
    );
    console.log(`\nGoal < 1 s, ${APPS} apps found, nothing under node_modules read: ${ok ? 'met' : 'NOT met'}.`);
    if (!ok) process.exitCode = 1;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
