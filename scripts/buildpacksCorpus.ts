// Reads the labelled apps out of Google's buildpacks acceptance tests
// (acceptance/<language>_test.go): each test case names an app under
// testdata/<language>/generic/ and the buildpacks that must run for it, which
// say the runtime, the package manager and where the entrypoint came from.
// The Go files are parsed leniently (struct literals only); nothing is run.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface AcceptanceCase {
  /** The test file's language: nodejs, python, go, java, ruby, php, dotnet, dart. */
  language: string;
  name: string;
  app: string;
  /** Absolute path of the app folder. */
  dir: string;
  env: Record<string, string>;
  mustUse: string[];
  mustNotUse: string[];
  /** A non-web Procfile process the test runs instead of `web`. */
  processType?: string;
  versionConstraint?: string;
  skipStacks: string[];
}

/** Top-level `{ … }` elements of the slice literal that follows `marker`, skipping strings and comments. */
function elements(text: string, marker: string): string[] {
  const start = text.indexOf(marker);
  if (start < 0) return [];
  const out: string[] = [];
  let depth = 0;
  let elementStart = -1;
  for (let i = start + marker.length - 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === '`') {
      const end = text.indexOf(ch, i + 1);
      // Go double-quoted strings may hold \" escapes.
      let j = end;
      while (ch === '"' && j > 0 && text[j - 1] === '\\') j = text.indexOf('"', j + 1);
      i = j;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      continue;
    }
    if (ch === '{') {
      depth++;
      if (depth === 2) elementStart = i;
    } else if (ch === '}') {
      if (depth === 2 && elementStart >= 0) out.push(text.slice(elementStart + 1, i));
      depth--;
      if (depth === 0) break;
    }
  }
  return out;
}

function stringField(body: string, field: string): string | undefined {
  const m = new RegExp(`\\b${field}:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(body);
  return m?.[1].replace(/\\"/g, '"');
}

/** `[]string{nodeRuntime, "google.utils.devsync"}` → ['nodeRuntime', 'google.utils.devsync']. */
function listField(body: string, field: string): string[] {
  const m = new RegExp(`\\b${field}:\\s*\\[\\]string\\{([^}]*)\\}`).exec(body);
  if (!m) return [];
  return [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w.]*)/g)].map((x) => (x[1] ?? x[2]).replace(/\\"/g, '"'));
}

function envOf(list: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of list) {
    const i = pair.indexOf('=');
    if (i > 0) env[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return env;
}

/** Every acceptance test case that builds an app (failure tests excluded), in file order. */
export async function readAcceptanceCases(corpus: string): Promise<AcceptanceCase[]> {
  const dir = path.join(corpus, 'acceptance');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('_test.go')).sort();
  const cases: AcceptanceCase[] = [];
  for (const file of files) {
    const language = file.replace(/_test\.go$/, '');
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    for (const body of elements(text, '[]acceptance.Test{')) {
      const app = stringField(body, 'App');
      if (!app) continue;
      cases.push({
        language,
        name: stringField(body, 'Name') ?? app,
        app,
        dir: path.join(corpus, 'testdata', language, 'generic', app),
        env: envOf(listField(body, 'Env')),
        mustUse: listField(body, 'MustUse'),
        mustNotUse: listField(body, 'MustNotUse'),
        processType: stringField(body, 'Entrypoint'),
        versionConstraint: stringField(body, 'VersionInclusionConstraint'),
        skipStacks: listField(body, 'SkipStacks'),
      });
    }
  }
  return cases;
}

/** Does version "3.14" (or "3.14.2", "24") satisfy a constraint like ">=3.8.0 < 3.14.0", "<3.8.0", "3.10.7" or "8"? */
export function satisfiesConstraint(version: string, constraint: string): boolean {
  const parts = (v: string) => v.split('.').map((p) => Number(p) || 0);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const have = parts(version);
  const clauses = [...constraint.matchAll(/(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)*)/g)];
  return clauses.every(([, op, v]) => {
    const want = parts(v);
    if (!op) {
      // A bare version matches on the parts both name: "3.10.7" matches a project on 3.10.
      const n = Math.min(want.length, have.length);
      return cmp(have.slice(0, n), want.slice(0, n)) === 0;
    }
    const c = cmp(have, want);
    return op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : c === 0;
  });
}
