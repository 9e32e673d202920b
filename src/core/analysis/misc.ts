// The smaller stacks: Deno, Elixir/Phoenix, Dart, Swift/Vapor, a static site
// (index.html, no build) and, when nothing else is recognised, a Procfile.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { fact, factFrom, frameworkDefault, newApp, procfileWeb, scanPort, shellStart } from './stackKit';
import { defaulted } from './runtimeChoice';
import type { AppAnalysis } from './types';

/** Manifests of stacks with their own detector: static and Procfile-only step aside when one is present. */
const MANIFESTS = [
  'package.json',
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'setup.py',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'build.sbt',
  'Gemfile',
  'composer.json',
  'Cargo.toml',
  'deno.json',
  'deno.jsonc',
  'mix.exs',
  'pubspec.yaml',
  'Package.swift',
  'index.php',
  'Dockerfile',
];

async function hasManifest(view: DirView): Promise<boolean> {
  const names = await view.list();
  return names.some((n) => MANIFESTS.includes(n) || /\.(cs|fs)proj$/.test(n));
}

async function detectDeno(view: DirView): Promise<AppAnalysis | undefined> {
  const config = (await view.exists('deno.json')) ? 'deno.json' : (await view.exists('deno.jsonc')) ? 'deno.jsonc' : undefined;
  if (!config) return undefined;
  const app = newApp(view, 'deno', fact('typescript', view.rel(config), 'Deno project'));
  app.packageManager = fact('deno', view.rel(config), (await view.exists('deno.lock')) ? 'deno.lock' : 'Deno config');
  const v =
    (await factFrom(view, '.dvmrc', /(\d+\.\d+\.\d+)/, '.dvmrc')) ?? (await factFrom(view, '.tool-versions', /^deno\s+(\d+\.\d+\.\d+)/m, '.tool-versions'));
  app.version = v ?? defaulted('deno', view.rel(config), '.dvmrc or .tool-versions').fact;
  const task = await factFrom(view, config, /"start"\s*:\s*"(deno (?:run|serve)[^"]*)"/, 'start task');
  const entries = ['main.ts', 'server.ts', 'mod.ts', 'src/main.ts', 'main.js'];
  let entry: string | undefined;
  for (const e of entries)
    if (/Deno\.serve|serve\(|listen\(/.test((await view.readText(e)) ?? '')) {
      entry = e;
      break;
    }
  if (task) {
    app.start = { value: shellStart(task.value), evidence: task.evidence };
    entry ??= /(\S+\.[jt]sx?)\b/.exec(task.value)?.[1];
  } else if (entry) {
    app.start = fact(['deno', 'run', '--allow-net', '--allow-env', '--allow-read', entry], view.rel(entry), 'serves HTTP');
  } else app.notes.push('No start task and no main.ts/server.ts that serves HTTP.');
  if (entry) app.hints.entry = entry;
  if (task && !/--allow-(env|all)|-A\b/.test(task.value)) app.notes.push('The start task lacks --allow-env; reading PORT needs it.');
  const files = entry ? [entry] : [];
  const port = await scanPort(view, files, {
    readsEnv: /Deno\.env\.get\(\s*["']PORT["']\s*\)/,
    literal: /port\s*:\s*(\d{2,5})/,
    fix: (line, p) => line.replace(new RegExp(`port\\s*:\\s*${p}`), `port: Number(Deno.env.get("PORT") ?? ${p})`),
  });
  app.port = port ?? frameworkDefault(8000, view.rel(entry ?? config), 'Deno.serve listens on 8000 by default');
  if (!port && entry) app.notes.push('Deno.serve without a port listens on 8000; pass port: Number(Deno.env.get("PORT") ?? 8000) to honour PORT.');
  const serve = entry ? await factFrom(view, entry, /Deno\.serve/, 'Deno.serve') : undefined;
  if (serve) app.framework = { value: 'deno-serve', evidence: serve.evidence };
  app.confidence = app.start && port ? 'high' : app.start ? 'medium' : 'low';
  return app;
}

async function detectElixir(view: DirView): Promise<AppAnalysis | undefined> {
  const mix = await view.readText('mix.exs');
  if (mix === undefined) return undefined;
  const app = newApp(view, 'elixir', fact('elixir', view.rel('mix.exs'), 'mix.exs'));
  const lock = await view.exists('mix.lock');
  app.packageManager = fact('mix', view.rel(lock ? 'mix.lock' : 'mix.exs'), lock ? 'mix lockfile' : 'mix.exs');
  app.hints.lockfile = lock;
  const v =
    (await factFrom(view, '.tool-versions', /^elixir\s+(\d+\.\d+)/m, '.tool-versions')) ??
    (await factFrom(view, 'mix.exs', /elixir:\s*"[~>= ]*(\d+\.\d+)/, 'elixir requirement'));
  if (v) app.version = v;
  const otp = /^erlang\s+(\d+)/m.exec((await view.readText('.tool-versions')) ?? '')?.[1];
  if (otp) app.hints.otp = otp;
  const name = /app:\s*:(\w+)/.exec(mix)?.[1] ?? app.name;
  app.name = name;
  app.hints.release = name;
  const phoenix = await factFrom(view, 'mix.exs', /\{:phoenix,/, 'phoenix dependency');
  if (phoenix) app.framework = { value: 'phoenix', evidence: phoenix.evidence };
  if (!v) app.notes.push('No Elixir version in .tool-versions or mix.exs; the Dockerfile uses elixir:1.17-slim.');
  app.hints.assets = /"assets\.deploy"/.test(mix);
  app.build = fact('mix release', view.rel('mix.exs'), 'OTP release');
  app.start = fact([`/app/bin/${name}`, 'start'], view.rel('mix.exs'), `release ${name}`);
  const port = await scanPort(view, ['config/runtime.exs', 'config/prod.exs'], {
    readsEnv: /System\.get_env\(\s*"PORT"/,
    literal: /http:\s*\[[^\]]*port:\s*(\d{2,5})/,
  });
  app.port = port ?? frameworkDefault(4000, view.rel('config'), 'Phoenix endpoint default port 4000');
  if (phoenix) app.notes.push('Phoenix needs SECRET_KEY_BASE (mix phx.gen.secret) and, usually, DATABASE_URL at runtime; PHX_SERVER=true is set in the image.');
  app.confidence = lock && phoenix && port?.honoursPortEnv ? 'high' : phoenix ? 'medium' : 'low';
  return app;
}

async function detectDart(view: DirView): Promise<AppAnalysis | undefined> {
  const pubspec = await view.readText('pubspec.yaml');
  if (pubspec === undefined) return undefined;
  if (/^[ \t]+flutter:\s*$/m.test(pubspec) && /sdk:\s*flutter/.test(pubspec)) return undefined; // Flutter apps are not servers.
  const app = newApp(view, 'dart', fact('dart', view.rel('pubspec.yaml'), 'pubspec.yaml'));
  const lock = await view.exists('pubspec.lock');
  app.packageManager = fact('pub', view.rel(lock ? 'pubspec.lock' : 'pubspec.yaml'), lock ? 'pub lockfile' : 'pubspec.yaml');
  const sdk = await factFrom(view, 'pubspec.yaml', /sdk:\s*['"]?[\^>=]*\s*(\d+\.\d+)/, 'Dart SDK constraint');
  if (sdk) app.version = sdk;
  for (const fw of ['shelf', 'dart_frog', 'alfred']) {
    const f = await factFrom(view, 'pubspec.yaml', new RegExp(`^[ \\t]+${fw}:`, 'm'), `${fw} dependency`);
    if (f) {
      app.framework = { value: fw, evidence: f.evidence };
      break;
    }
  }
  const bins = (await view.list('bin')).filter((f) => f.endsWith('.dart'));
  const entry = bins.includes('server.dart') ? 'bin/server.dart' : bins[0] ? `bin/${bins[0]}` : undefined;
  if (!entry) {
    app.notes.push('No bin/*.dart entry point to compile.');
    app.confidence = 'low';
    return app;
  }
  app.hints.entry = entry;
  app.build = fact(`dart compile exe ${entry} -o /app/server`, view.rel(entry), 'AOT executable');
  app.start = fact(['/app/server'], view.rel(entry), 'compiled server');
  const files = [entry, ...(await view.findFiles(['.dart'], { maxFiles: 50 })).filter((f) => f !== entry && f.startsWith('lib/'))];
  const port = await scanPort(view, files, {
    readsEnv: /Platform\.environment\[\s*['"]PORT['"]\s*\]/,
    literal: /serve\([^)]*?,\s*(\d{2,5})\s*\)/,
    fix: (line, p) => line.replace(new RegExp(`,\\s*${p}\\s*\\)`), `, int.parse(Platform.environment['PORT'] ?? '${p}'))`),
  });
  app.port = port ?? frameworkDefault(8080, view.rel(entry), 'no listen port found');
  app.confidence = lock && app.framework && port ? 'high' : app.framework ? 'medium' : 'low';
  return app;
}

async function detectSwift(view: DirView): Promise<AppAnalysis | undefined> {
  const pkg = await view.readText('Package.swift');
  if (pkg === undefined) return undefined;
  const app = newApp(view, 'swift', fact('swift', view.rel('Package.swift'), 'Swift package'));
  app.packageManager = fact('swiftpm', view.rel((await view.exists('Package.resolved')) ? 'Package.resolved' : 'Package.swift'), 'Swift Package Manager');
  const tools = await factFrom(view, 'Package.swift', /swift-tools-version:\s*(\d+\.\d+)/, 'swift-tools-version');
  if (tools) app.version = tools;
  const vapor = await factFrom(view, 'Package.swift', /github\.com\/vapor\/vapor/, 'vapor dependency');
  const hummingbird = vapor ? undefined : await factFrom(view, 'Package.swift', /hummingbird-project\/hummingbird/, 'hummingbird dependency');
  if (vapor) app.framework = { value: 'vapor', evidence: vapor.evidence };
  else if (hummingbird) app.framework = { value: 'hummingbird', evidence: hummingbird.evidence };
  const exe = await factFrom(view, 'Package.swift', /\.executableTarget\(\s*name:\s*"([^"]+)"/, 'executable target');
  const product = exe?.value ?? 'App';
  app.hints.product = product;
  if (!exe) app.notes.push('No .executableTarget in Package.swift; assuming the product is called App.');
  if (vapor) {
    // Vapor binds 127.0.0.1:8080 unless told otherwise; the serve flags fix both.
    app.start = fact(['sh', '-c', `exec /app/${product} serve --env production --hostname 0.0.0.0 --port \${PORT}`], view.rel('Package.swift'), 'vapor serve');
    app.port = {
      port: 8080,
      source: 'framework-default',
      honoursPortEnv: true,
      evidence: [{ file: view.rel('Package.swift'), detail: 'vapor serve --port $PORT overrides the configured port' }],
    };
  } else {
    app.start = fact([`/app/${product}`], view.rel('Package.swift'), 'executable');
    const files = await view.findFiles(['.swift'], { maxFiles: 80, maxDepth: 5 });
    app.port =
      (await scanPort(view, files, { readsEnv: /environment\[\s*"PORT"\s*\]|Environment\.get\(\s*"PORT"\s*\)/, literal: /port:\s*(\d{2,5})/ })) ??
      frameworkDefault(8080, view.rel('Package.swift'), 'no listen port found');
  }
  app.confidence = app.framework && exe ? 'high' : app.framework ? 'medium' : 'low';
  return app;
}

async function detectStatic(view: DirView): Promise<AppAnalysis | undefined> {
  if (!(await view.exists('index.html')) || (await hasManifest(view))) return undefined;
  const app = newApp(view, 'static', fact('html', view.rel('index.html'), 'index.html, no build'));
  app.framework = fact('nginx', view.rel('index.html'), 'served as static files');
  app.start = fact(['nginx', '-g', 'daemon off;'], view.rel('index.html'), 'nginx serves the folder');
  app.port = frameworkDefault(8080, view.rel('index.html'), 'the unprivileged nginx image listens on 8080');
  app.notes.push('Served as static files by nginx on 8080 (Cloud Run is told to use 8080).');
  app.confidence = 'high';
  return app;
}

async function detectProcfile(view: DirView): Promise<AppAnalysis | undefined> {
  const web = await procfileWeb(view);
  if (!web || (await hasManifest(view))) return undefined;
  const app = newApp(view, 'procfile', fact('unknown', web.evidence[0].file, 'only a Procfile'));
  app.start = { value: shellStart(web.value), evidence: web.evidence };
  if (/\$\{?PORT/.test(web.value)) app.port = { port: 8080, source: 'config', honoursPortEnv: true, evidence: web.evidence };
  app.notes.push(
    'Only a Procfile was recognised: the image runs its web command on debian:bookworm-slim, which has no language runtime. Add a Dockerfile if it needs one.',
  );
  app.confidence = 'low';
  return app;
}

export const miscDetectors: Detector[] = [
  { name: 'deno', detect: detectDeno },
  { name: 'elixir', detect: detectElixir },
  { name: 'dart', detect: detectDart },
  { name: 'swift', detect: detectSwift },
  { name: 'static', detect: detectStatic },
  { name: 'procfile', detect: detectProcfile },
];
