// Fails when two or more of our TypeScript files import each other, directly or round a loop (issue 12).
// `import type` counts: a type loop still ties the files together, and it turns into a runtime loop
// the day one of those imports starts using a value. ESLint's import-x/no-cycle skips type imports,
// hence this check of our own: TypeScript's import scanner, relative specifiers only, Tarjan's SCCs.
// Usage: node scripts/importCycles.mjs  (run by `npm run lint`)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOTS = ['src', 'webview-ui/src', 'emulator', 'test', 'bench', 'scripts'];
const SKIP = new Set(['node_modules', 'out', 'dist', 'fixtures']);

// Loops tolerated for now, each naming one loop's files exactly (a file that joins it still fails, and an
// entry whose loop is gone fails too). None: keep it that way.
export const KNOWN_LOOPS = [];

function tsFiles(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && !SKIP.has(entry.name)) tsFiles(p, out);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveRelative(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Every import edge between our files: `import`, `import type`, `export ... from`, `require()`, `import()`. */
export function importGraph(root, roots = ROOTS) {
  const graph = new Map();
  for (const file of roots.flatMap((r) => tsFiles(path.join(root, r)))) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolveRelative(file, spec))
      .filter((target) => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself). */
export function loops(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  // Iterative Tarjan: the graph is a few hundred files, but recursion depth should not depend on it.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const edges = graph.get(v) ?? [];
      if (i < edges.length) {
        frame[1]++;
        const w = edges[i];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || edges.includes(v)) found.push(component.sort());
      }
    }
  }
  return found;
}

/** One concrete path round a loop, for the message: a -> b -> a. */
function pathRound(graph, component) {
  const inside = new Set(component);
  const start = component[0];
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const route = [start];
        for (let u = v; u !== start; u = cameFrom.get(u)) route.splice(1, 0, u);
        return [...route, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

/** The problems to report: loops not in `known`, and entries of `known` that no longer match a loop. */
export function checkLoops(root, { roots = ROOTS, known = KNOWN_LOOPS } = {}) {
  const graph = importGraph(root, roots);
  const rel = (f) => path.relative(root, f).split(path.sep).join('/');
  const key = (files) => [...files].sort().join('\n');
  const knownKeys = new Map(known.map((files) => [key(files), files]));
  const problems = [];
  for (const component of loops(graph)) {
    const files = component.map(rel);
    if (knownKeys.delete(key(files))) continue;
    problems.push(`Import loop: ${pathRound(graph, component).map(rel).join(' -> ')}`);
  }
  for (const files of knownKeys.values()) {
    problems.push(`Stale KNOWN_LOOPS entry in scripts/importCycles.mjs (no longer a loop, delete it): ${files.join(', ')}`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkLoops(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error('Break a loop by moving what both files need into a third file, or by passing it in.');
    process.exit(1);
  }
}
