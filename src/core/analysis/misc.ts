// The smaller stacks: Elixir/Phoenix, Dart and Swift/Vapor.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { fact, factFrom, frameworkDefault, newApp, scanPort } from './stackKit';
import type { AppAnalysis } from './types';

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

export const miscDetectors: Detector[] = [
  { name: 'elixir', detect: detectElixir },
  { name: 'dart', detect: detectDart },
  { name: 'swift', detect: detectSwift },
];
