// `npm run eval:analysis [-- <corpus>]`: runs Devgem's analysis over every app
// that Google's buildpacks acceptance tests label, and prints how often Devgem
// agrees with each label (runtime, package manager, entrypoint) and where not.
// The corpus is not part of this repository; its default place is
// ../shared/corpus/google-buildpacks (relative to the current folder).
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../src/core/analysis/analyzeWorkspace';
import { buildpackOnly } from '../src/core/analysis/procfile';
import { type RuntimeId, RUNTIMES } from '../src/core/analysis/runtimes';
import type { AppAnalysis } from '../src/core/analysis/types';
import { type AcceptanceCase, readAcceptanceCases, satisfiesConstraint } from './buildpacksCorpus';

const DEFAULT_CORPUS = '../shared/corpus/google-buildpacks';
/** The builder stack `gcloud run deploy --source` uses today; cases skipped on it do not run there. */
const CURRENT_STACK = 'google.24';

const PACKAGE_MANAGERS: Record<string, string> = {
  nodeNPM: 'npm',
  nodeYarn: 'yarn',
  nodePNPM: 'pnpm',
  nodeBun: 'bun',
  pythonPIP: 'pip',
  pythonUV: 'uv',
  pythonPoetry: 'poetry',
  rubyBundle: 'bundler',
  javaMaven: 'maven',
  javaGradle: 'gradle',
  goMod: 'go modules',
  composer: 'composer',
  composerInstall: 'composer',
  dotnetSDK: 'dotnet',
};

/** Devgem's stack and package manager in the buildpacks' words. */
function runtimeOf(app: AppAnalysis | undefined): string {
  if (!app) return '(nothing)';
  const byStack: Record<string, string> = {
    node: 'nodejs',
    'node-static': 'nodejs',
    python: 'python',
    go: 'go',
    'java-maven': 'java',
    'java-gradle': 'java',
    java: 'java',
    ruby: 'ruby',
    php: 'php',
    dotnet: 'dotnet',
    dart: 'dart',
  };
  return byStack[app.stack] ?? `${app.stack} (${app.language.value})`;
}

function packageManagerOf(app: AppAnalysis | undefined): string {
  const pm = app?.packageManager?.value ?? '(none)';
  return pm === 'yarn-berry' ? 'yarn' : pm === 'go' ? 'go modules' : pm;
}

/** The start command as one shell line: `sh -c "… exec X"` → X (what ends up as the server process). */
function startLine(app: AppAnalysis | undefined): string {
  const start = app?.start?.value ?? [];
  const line =
    start[0] === 'sh' && start[1] === '-c'
      ? start
          .slice(2)
          .join(' ')
          .replace(/^(?:.*[;&]\s*)?exec\s+/, '')
      : start.join(' ');
  return line.replace(/\$\{PORT(?::-\d+)?\}/g, '$PORT').trim();
}

const RUNTIME_IDS: Record<string, RuntimeId> = { nodejs: 'node', python: 'python', go: 'go', java: 'java', ruby: 'ruby', php: 'php', dotnet: 'dotnet' };

/**
 * The runtime version a test case's labels are checked at: the one the test sets,
 * else the one the app pins, else the line Devgem uses today. Labels written for
 * other versions (the buildpacks change installers between Python 3.13 and 3.14)
 * do not apply.
 */
function referenceVersion(c: AcceptanceCase, app: AppAnalysis | undefined): string | undefined {
  if (c.env.GOOGLE_RUNTIME_VERSION) return c.env.GOOGLE_RUNTIME_VERSION;
  const pinned = app?.version?.evidence.some((e) => /: pinned$/.test(e.detail)) && app.hints.runtime !== 'bun';
  if (pinned) return app?.version?.value;
  const id = RUNTIME_IDS[c.language];
  return id ? RUNTIMES[id].preferred : undefined;
}

async function read(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '');
}

interface Check {
  label: 'runtime' | 'package manager' | 'entrypoint';
  expected: string;
  actual: string;
  agree: boolean;
}

/** What Google's Python buildpack starts when nothing says: its smart default by the framework, on main.py or app.py. */
async function pythonDefaultEntry(dir: string): Promise<{ server: string; module: string } | undefined> {
  const manifests = (await read(path.join(dir, 'requirements.txt'))) + (await read(path.join(dir, 'pyproject.toml')));
  const script = /^\s*start\s*=\s*"([\w.]+):\w+"/m.exec(manifests)?.[1];
  const file = existsSync(path.join(dir, 'main.py')) ? 'main' : existsSync(path.join(dir, 'app.py')) ? 'app' : undefined;
  const module = script ?? file;
  if (!module) return /google-adk/.test(manifests) ? { server: 'adk', module: '' } : undefined;
  if (script) return { server: 'script', module };
  if (/\bgradio\b/.test(manifests)) return { server: 'python', module };
  if (/\bstreamlit\b/.test(manifests)) return { server: 'streamlit', module };
  if (/\b(fastapi|uvicorn)\b/.test(manifests)) return { server: 'uvicorn', module };
  return { server: 'gunicorn', module };
}

async function entryCheck(c: AcceptanceCase, app: AppAnalysis | undefined): Promise<Check | undefined> {
  if (c.env.GOOGLE_ENTRYPOINT || c.processType) return undefined; // set by the test, not found in the app
  const actual = startLine(app) || '(none)';
  if (c.mustUse.includes('entrypoint')) {
    const web = /^web:\s*(.+?)\s*$/m.exec(await read(path.join(c.dir, 'Procfile')))?.[1];
    // A command for the buildpacks' own launcher (/layers/…) exists only in their image.
    if (!web || buildpackOnly(web)) return undefined;
    // A Procfile's leading VAR=value pairs become ENV lines, so the command itself is what must match.
    const expected = web.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, '').replace(/\$\{PORT\}/g, '$PORT');
    return { label: 'entrypoint', expected: `Procfile web: ${expected}`, actual, agree: actual === expected };
  }
  if (c.mustUse.includes('pythonMissingEntrypoint')) {
    const want = await pythonDefaultEntry(c.dir);
    if (!want) return undefined;
    const server =
      want.server === 'script'
        ? new RegExp(`\\b${want.module.replace(/\./g, '\\.')}\\b`).test(actual)
        : new RegExp(`(^|/)${want.server}\\b`).test(actual.split(' ')[0]) || actual.startsWith(`${want.server} `);
    const module = !want.module || new RegExp(`\\b${want.module.replace(/\./g, '[./]')}(\\.py|:)`).test(actual) || want.server === 'script';
    return { label: 'entrypoint', expected: `${want.server} ${want.module || ''}`.trim(), actual, agree: server && module };
  }
  if (c.mustUse.includes('javaEntrypoint')) {
    return { label: 'entrypoint', expected: 'java -jar <built jar>', actual, agree: /^java (-\S+ )*-jar /.test(actual) };
  }
  return undefined;
}

async function evaluate(c: AcceptanceCase, app: AppAnalysis | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  const runtime = runtimeOf(app);
  checks.push({ label: 'runtime', expected: c.language, actual: runtime, agree: runtime === c.language });
  const labels = c.mustUse.filter((u) => PACKAGE_MANAGERS[u]).map((u) => PACKAGE_MANAGERS[u]);
  // A package manager the test forces with an env var is the test's choice, not the app's.
  if (labels.length && !c.env.GOOGLE_PACKAGE_MANAGER && !c.env.GOOGLE_PYTHON_PACKAGE_MANAGER) {
    let expected = labels[0];
    // From Python 3.14 on, the buildpacks install a plain requirements.txt with uv as pip's stand-in.
    if (expected === 'uv' && !existsSync(path.join(c.dir, 'pyproject.toml')) && existsSync(path.join(c.dir, 'requirements.txt'))) expected = 'pip';
    const actual = packageManagerOf(app);
    checks.push({ label: 'package manager', expected, actual, agree: actual === expected });
  }
  const entry = await entryCheck(c, app);
  if (entry) checks.push(entry);
  return checks;
}

async function main(): Promise<number> {
  const corpus = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? process.env.DEVGEM_BUILDPACKS_CORPUS ?? DEFAULT_CORPUS);
  if (!existsSync(path.join(corpus, 'acceptance'))) {
    process.stderr.write(
      `The buildpacks corpus is not at ${corpus} (no acceptance/ folder).\n` +
        `Pass its path: npm run eval:analysis -- /path/to/google-buildpacks (or set DEVGEM_BUILDPACKS_CORPUS).\n`,
    );
    return 2;
  }
  const cases = await readAcceptanceCases(corpus);
  const analyses = new Map<string, AppAnalysis | undefined>();
  type Tally = Map<string, { agree: number; total: number }>;
  const tally: Tally = new Map();
  const everything: Tally = new Map();
  const count = (t: Tally, label: string, agree: boolean) => {
    const row = t.get(label) ?? { agree: 0, total: 0 };
    row.total++;
    if (agree) row.agree++;
    t.set(label, row);
  };
  const disagreements: string[] = [];
  const skipped: string[] = [];
  let evaluated = 0;
  for (const c of cases) {
    if (!analyses.has(c.dir)) analyses.set(c.dir, (await analyzeWorkspace(c.dir).catch(() => undefined))?.apps[0]);
    const app = analyses.get(c.dir);
    const checks = await evaluate(c, app);
    for (const check of checks) count(everything, check.label, check.agree);
    if (c.skipStacks.includes(CURRENT_STACK)) {
      skipped.push(`${c.language}/${c.name}: not run on ${CURRENT_STACK}`);
      continue;
    }
    // Labels that hold for another runtime version than the one the test (or else Devgem) picks do not apply.
    const version = referenceVersion(c, app);
    if (c.versionConstraint && version && !satisfiesConstraint(version, c.versionConstraint)) {
      skipped.push(`${c.language}/${c.name}: labels for ${c.versionConstraint}, the app gets ${version}`);
      continue;
    }
    evaluated++;
    for (const check of checks) {
      count(tally, check.label, check.agree);
      if (!check.agree)
        disagreements.push(`${check.label.padEnd(15)} ${c.language}/${c.app} (${c.name}): expected ${check.expected}, Devgem says ${check.actual}`);
    }
  }
  const out = process.stdout;
  const table = (t: Tally) => {
    out.write('label            agree / total   rate\n');
    for (const label of ['runtime', 'package manager', 'entrypoint']) {
      const row = t.get(label) ?? { agree: 0, total: 0 };
      const rate = row.total ? ((100 * row.agree) / row.total).toFixed(1) : '-';
      out.write(`${label.padEnd(16)} ${String(row.agree).padStart(5)} / ${String(row.total).padEnd(5)}   ${rate} %\n`);
    }
  };
  out.write(`Google buildpacks acceptance corpus: ${corpus}\n`);
  out.write(
    `${cases.length} labelled test cases over ${new Set(cases.map((c) => c.dir)).size} apps; ${evaluated} apply to ${CURRENT_STACK} and the runtime version in use, ${skipped.length} do not.\n\n`,
  );
  table(tally);
  out.write(`\nDisagreements (${disagreements.length}):\n${disagreements.map((d) => `  ${d}`).join('\n') || '  none'}\n`);
  out.write(`\nEvery labelled case, including those for older stacks and other runtime versions (some contradict each other):\n`);
  table(everything);
  if (process.argv.includes('--skipped')) out.write(`\nSkipped:\n${skipped.map((s) => `  ${s}`).join('\n')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
