// Go modules: go.mod gives the version and frameworks; the main package is at
// the root or under cmd/<name>/, and the source shows how it picks its port.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { fact, factFrom, frameworkDefault, majorMinor, newApp, noteProcfile, scanPort } from './stackKit';
import { defaulted, ranged } from './runtimeChoice';
import type { AppAnalysis, Fact } from './types';

const FRAMEWORKS: [RegExp, string][] = [
  [/github\.com\/gin-gonic\/gin\s/, 'gin'],
  [/github\.com\/labstack\/echo(\/v\d+)?\s/, 'echo'],
  [/github\.com\/gofiber\/fiber(\/v\d+)?\s/, 'fiber'],
  [/github\.com\/go-chi\/chi(\/v\d+)?\s/, 'chi'],
];

const SERVES = /http\.ListenAndServe|\.ListenAndServe\(|\.Run\(|\.Start\(|\.Listen\(|http\.Server\{/;

/** `":8080"` → `":"+cmp.Or(os.Getenv("PORT"), "8080")` (cmp.Or needs Go 1.22). */
function fixGo(line: string, port: number): string | undefined {
  const re = new RegExp(`"(0\\.0\\.0\\.0|localhost|127\\.0\\.0\\.1)?:${port}"`);
  return re.test(line) ? line.replace(re, `":"+cmp.Or(os.Getenv("PORT"), "${port}")`) : undefined;
}

async function goFilesIn(view: DirView, dir: string): Promise<string[]> {
  return (await view.list(dir)).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).map((f) => (dir ? `${dir}/${f}` : f));
}

async function isMain(view: DirView, files: string[]): Promise<boolean> {
  for (const f of files) if (/^package main\b/m.test((await view.readText(f)) ?? '')) return true;
  return false;
}

async function serves(view: DirView, files: string[]): Promise<boolean> {
  for (const f of files) if (SERVES.test((await view.readText(f)) ?? '')) return true;
  return false;
}

/** The main package to build: the root, else the cmd/<name> that starts a server. */
async function findMain(view: DirView, app: AppAnalysis): Promise<{ dir: string; files: string[] } | undefined> {
  const root = await goFilesIn(view, '');
  if (await isMain(view, root)) return { dir: '', files: root };
  const mains: { dir: string; files: string[]; serves: boolean }[] = [];
  for (const name of await view.list('cmd')) {
    const files = await goFilesIn(view, `cmd/${name}`);
    if (files.length && (await isMain(view, files))) mains.push({ dir: `cmd/${name}`, files, serves: await serves(view, files) });
  }
  const pick = mains.find((m) => m.serves) ?? mains[0];
  if (pick && mains.length > 1) {
    app.notes.push(
      `Several commands: ${mains.map((m) => m.dir).join(', ')}; Devgem builds ${pick.dir}${pick.serves ? ' (it starts an HTTP server)' : ' (none clearly starts a server)'}.`,
    );
  }
  return pick;
}

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const mod = await view.readText('go.mod');
  let app: AppAnalysis;
  if (mod === undefined) {
    // Go without modules (GOPATH style): a main package at the root is still a Go program; the image makes it a module.
    const files = await goFilesIn(view, '');
    if (!files.length || !(await isMain(view, files))) return undefined;
    app = newApp(view, 'go', fact('go', view.rel(files[0]), 'package main, no go.mod'));
    app.packageManager = fact('go', view.rel(files[0]), 'no go.mod: the image runs go mod init and go mod tidy');
    app.hints.noGoMod = true;
    app.version = defaulted('go', view.rel(files[0]), 'go.mod (there is none)').fact;
    app.notes.push(
      'There is no go.mod: the image creates one (go mod init, go mod tidy), so dependencies resolve to their newest versions. Commit a go.mod for repeatable builds.',
    );
  } else {
    app = newApp(view, 'go', fact('go', view.rel('go.mod'), 'go.mod'));
    app.packageManager = fact('go', view.rel('go.mod'), 'Go modules');
    const module = /^module\s+(\S+)/m.exec(mod)?.[1];
    if (module) app.name = module.split('/').pop() ?? app.name;
    app.version = await goVersion(view);
  }

  for (const [re, name] of FRAMEWORKS) {
    const f = mod === undefined ? undefined : await factFrom(view, 'go.mod', re, `requires ${name}`);
    if (f) {
      app.framework = { value: name, evidence: f.evidence };
      break;
    }
  }

  const main = await findMain(view, app);
  if (!main) {
    app.notes.push('No main package found at the root or under cmd/<name>/; this module may be a library.');
    app.confidence = 'low';
    return app;
  }
  const target = main.dir ? `./${main.dir}` : '.';
  app.hints.goMain = target;
  app.hints.goSum = await view.exists('go.sum');
  app.hints.binary = 'server';
  app.build = fact(`CGO_ENABLED=0 go build -o /out/server ${target}`, view.rel(main.files[0]), 'package main');
  app.start = fact(['/server'], view.rel(main.files[0]), `binary built from ${target}`);
  for (const f of app.framework ? [] : main.files) {
    const hit = await factFrom(view, f, /http\.ListenAndServe|http\.Server\{/, 'standard library HTTP server');
    if (hit) {
      app.framework = { value: 'net/http', evidence: hit.evidence };
      break;
    }
  }

  // The main package first, then the rest of the module (servers often live in internal/).
  const all = [...main.files, ...(await view.findFiles(['.go'], { maxFiles: 150 })).filter((f) => !main.files.includes(f) && !f.endsWith('_test.go'))];
  const port = await scanPort(view, all, {
    readsEnv: /os\.(Getenv|LookupEnv)\(\s*"PORT"\s*\)/,
    literal: /(?:ListenAndServe(?:TLS)?|\.Run|\.Start|\.Listen|Addr\s*:)\s*\(?\s*"(?:0\.0\.0\.0|localhost|127\.0\.0\.1)?:(\d{2,5})"/,
    fix: fixGo,
    fixExplanation: 'Listen on $PORT (Cloud Run sets it), keeping the old port as the fallback; add "cmp" and "os" to the imports (cmp.Or needs Go 1.22+).',
  });
  const ginRunNoArgs = app.framework?.value === 'gin' && !port ? await runWithoutAddr(view, all) : undefined;
  if (port) app.port = port;
  else if (ginRunNoArgs) app.port = { port: 8080, source: 'framework-default', honoursPortEnv: true, evidence: ginRunNoArgs.evidence };
  else {
    app.port = frameworkDefault(8080, view.rel(main.files[0]), 'no listen address found in the Go source');
    app.notes.push('No listen address found in the Go source; assuming 8080. Check the server listens on $PORT.');
  }
  if (/127\.0\.0\.1|localhost/.test(app.port.evidence[0]?.detail ?? ''))
    app.notes.push('The server binds to localhost, which is unreachable in a container; the fix binds all interfaces.');

  app.confidence = app.hints.goSum && (port || ginRunNoArgs) ? 'high' : 'medium';
  await noteProcfile(view, app);
  return app;
}

/**
 * go.mod's `go 1.18` is the oldest Go the module builds with, not a pin: newer
 * toolchains build it (the Go 1 promise), so the image gets the preferred Go
 * unless the module needs something newer still.
 */
async function goVersion(view: DirView): Promise<Fact<string>> {
  const directive = await factFrom(view, 'go.mod', /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m, 'go directive');
  const minimum = directive && majorMinor(directive.value);
  if (!directive || !minimum) return defaulted('go', view.rel('go.mod'), 'go.mod').fact;
  const source = { evidence: { ...directive.evidence[0], detail: `go.mod "go ${directive.value}" (a minimum)` }, fixFor: (l: string) => `go.mod: go ${l}` };
  return (ranged('go', `>=${minimum}`, 'npm', source) ?? { fact: { value: minimum, evidence: source.evidence ? [source.evidence] : [] } }).fact;
}

/** gin's `r.Run()` with no address reads $PORT (default 8080). */
async function runWithoutAddr(view: DirView, files: string[]): Promise<Fact<string> | undefined> {
  for (const f of files) {
    const hit = await factFrom(view, f, /\.Run\(\)/, 'gin Run() without an address reads PORT (default 8080)');
    if (hit) return hit;
  }
  return undefined;
}

export const goDetectors: Detector[] = [{ name: 'go', detect }];
