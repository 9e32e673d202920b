// Rust: a Cargo package or workspace. In a workspace the member with a web
// framework and a binary is the app. The toolchain file or rust-version pins
// the image; the source shows how the server picks its port.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { fact, factFrom, frameworkDefault, majorMinor, newApp, noteProcfile, scanPort } from './stackKit';
import type { AppAnalysis, Fact } from './types';

const FRAMEWORKS: [RegExp, string][] = [
  [/^[ \t]*axum\s*=/m, 'axum'],
  [/^[ \t]*actix-web\s*=/m, 'actix-web'],
  [/^[ \t]*rocket\s*=/m, 'rocket'],
  [/^[ \t]*warp\s*=/m, 'warp'],
  [/^[ \t]*poem\s*=/m, 'poem'],
  [/^[ \t]*hyper\s*=/m, 'hyper'],
];

interface Crate {
  dir: string;
  name: string;
  framework?: Fact<string>;
}

async function crateAt(view: DirView, dir: string): Promise<Crate | undefined> {
  const manifest = dir ? `${dir}/Cargo.toml` : 'Cargo.toml';
  const text = await view.readText(manifest);
  if (text === undefined || !/^\[package\]/m.test(text)) return undefined;
  const pkg = /^\[package\][^[]*?^name\s*=\s*"([^"]+)"/m.exec(text)?.[1] ?? dir.split('/').pop() ?? 'app';
  const bin = /^\[\[bin\]\][^[]*?^name\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  const hasMain = await view.exists(dir ? `${dir}/src/main.rs` : 'src/main.rs');
  if (!bin && !hasMain) return { dir, name: '' };
  for (const [re, name] of FRAMEWORKS) {
    const f = await factFrom(view, manifest, re, `depends on ${name}`);
    if (f) return { dir, name: bin ?? pkg, framework: { value: name, evidence: f.evidence } };
  }
  return { dir, name: bin ?? pkg };
}

/** A target whose path Cargo.toml sets: a stub at the default path would not stand in for it. */
const CUSTOM_TARGET = /^\[\[?(bin|lib|bench|example|test)\]\]?[^[]*?^path\s*=/m;

/**
 * A workspace's dependency layer: every crate's Cargo.toml (cargoManifests) and a stub for each of
 * its src/main.rs and src/lib.rs (cargoStubs), so `cargo build` compiles the dependencies before
 * the source is in. Undefined when stubs cannot stand in for the crates (a glob Devgem does not
 * expand, a member that is not a crate, a target at a custom path, a crate with neither file).
 */
async function stubLayer(view: DirView, crates: Crate[], members: string[]): Promise<{ cargoManifests: string[]; cargoStubs: string[] } | undefined> {
  const dirs = [...new Set(crates.map((c) => c.dir))];
  if (members.some((m) => m.includes('*') || !dirs.includes(m))) return undefined;
  const manifests = ['Cargo.toml'];
  const stubs: string[] = [];
  for (const dir of dirs) {
    const at = (f: string) => (dir ? `${dir}/${f}` : f);
    if (CUSTOM_TARGET.test((await view.readText(at('Cargo.toml'))) ?? '')) return undefined;
    if (dir) manifests.push(at('Cargo.toml'));
    const found = (await Promise.all(['src/main.rs', 'src/lib.rs'].map(async (f) => ((await view.exists(at(f))) ? at(f) : undefined)))).filter(
      (f): f is string => !!f,
    );
    if (!found.length) return undefined;
    stubs.push(...found);
  }
  return { cargoManifests: manifests, cargoStubs: stubs };
}

/** `"0.0.0.0:3000"` → a format! reading PORT; `("127.0.0.1", 8080)` → a tuple reading PORT. Binds all interfaces either way. */
function fixRust(line: string, port: number): string | undefined {
  const str = new RegExp(`"(?:0\\.0\\.0\\.0|127\\.0\\.0\\.1|localhost|\\[::\\])?:${port}"`);
  if (str.test(line)) return line.replace(str, `format!("0.0.0.0:{}", std::env::var("PORT").unwrap_or_else(|_| "${port}".into()))`);
  const tuple = new RegExp(`\\(\\s*"[^"]*"\\s*,\\s*${port}\\s*\\)`);
  if (tuple.test(line)) return line.replace(tuple, `("0.0.0.0", std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(${port}))`);
  return undefined;
}

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const root = await view.readText('Cargo.toml');
  if (root === undefined) return undefined;
  const app = newApp(view, 'rust', fact('rust', view.rel('Cargo.toml'), 'Cargo.toml'));
  const lock = await view.exists('Cargo.lock');
  app.packageManager = fact('cargo', view.rel(lock ? 'Cargo.lock' : 'Cargo.toml'), lock ? 'Cargo lockfile' : 'Cargo.toml without lockfile');
  app.hints.lockfile = lock;

  const members = /^\[workspace\][\s\S]*?members\s*=\s*\[([^\]]*)\]/m.exec(root)?.[1];
  const crates: Crate[] = [];
  const self = await crateAt(view, '');
  if (self) crates.push(self);
  const expanded: string[] = [];
  for (const m of members ? [...members.matchAll(/"([^"]+)"/g)].map((x) => x[1]) : []) {
    const dirs = m.endsWith('/*') ? (await view.list(m.slice(0, -2))).map((d) => `${m.slice(0, -2)}/${d}`) : [m];
    expanded.push(...(m.slice(0, -2).includes('*') ? ['*'] : dirs));
    for (const d of dirs) {
      const c = await crateAt(view, d);
      if (c) crates.push(c);
    }
  }
  if (members) {
    const layer = await stubLayer(view, crates, expanded);
    if (layer) Object.assign(app.hints, layer);
  }
  const bins = crates.filter((c) => c.name);
  const pick = bins.find((c) => c.framework) ?? bins[0];
  if (!pick) {
    app.notes.push('No binary crate (src/main.rs or [[bin]]) found; nothing to run.');
    app.confidence = 'low';
    return app;
  }
  if (members) {
    app.hints.workspace = true;
    app.notes.push(
      `Workspace with ${crates.length} crates; Devgem builds ${pick.dir || '.'} (binary ${pick.name}${pick.framework ? `, ${pick.framework.value}` : ''}).`,
    );
  }
  app.name = pick.name;
  app.hints.binary = pick.name;
  app.hints.crateDir = pick.dir;
  if (pick.framework) app.framework = pick.framework;
  if (await factFrom(view, 'Cargo.lock', /name = "openssl-sys"/, 'openssl')) app.hints.openssl = true;

  const version =
    (await factFrom(view, 'rust-toolchain.toml', /channel\s*=\s*"(\d+\.\d+(?:\.\d+)?)"/, 'rust-toolchain.toml channel')) ??
    (await factFrom(view, 'rust-toolchain', /^(\d+\.\d+(?:\.\d+)?)\s*$/m, 'rust-toolchain')) ??
    (await factFrom(view, pick.dir ? `${pick.dir}/Cargo.toml` : 'Cargo.toml', /^rust-version\s*=\s*"(\d+\.\d+(?:\.\d+)?)"/m, 'rust-version'));
  const mm = version && majorMinor(version.value);
  if (version && mm) app.version = { value: mm, evidence: version.evidence };
  else app.notes.push('No pinned Rust version (rust-toolchain.toml or rust-version); the Dockerfile uses the latest rust:1 image.');

  const src = (await view.findFiles(['.rs'], { maxFiles: 150, maxDepth: 6 })).filter((f) => f.startsWith(pick.dir ? `${pick.dir}/` : ''));
  const main = pick.dir ? `${pick.dir}/src/main.rs` : 'src/main.rs';
  app.start = fact([`/app/${pick.name}`], view.rel(main), `release binary ${pick.name}`);
  if (pick.framework?.value === 'rocket') {
    // Rocket reads ROCKET_PORT/ROCKET_ADDRESS, not PORT: the start maps one to the other.
    app.start = fact(['sh', '-c', `ROCKET_PORT=\${PORT} exec /app/${pick.name}`], view.rel(main), 'Rocket reads ROCKET_PORT; the start sets it from $PORT');
    app.port = { port: 8080, source: 'framework-default', honoursPortEnv: true, evidence: app.start.evidence };
    app.hints.rocket = true;
  } else {
    const port = await scanPort(view, [main, ...src.filter((f) => f !== main)], {
      readsEnv: /env::var\(\s*"PORT"\s*\)/,
      literal:
        /(?:bind|serve|run|TcpListener::bind|SocketAddr::from)\s*\(\s*(?:&?\(?\s*"(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\])?:(\d{2,5})"|\(\s*"[^"]*"\s*,\s*(\d{2,5})\s*\)|\(\s*\[[\d,\s]+\]\s*,\s*(\d{2,5})\s*\))/,
      fix: fixRust,
      fixExplanation: 'Listen on 0.0.0.0:$PORT (Cloud Run sets PORT; localhost is unreachable in a container), keeping the old port as the fallback.',
    });
    app.port = port ?? frameworkDefault(8080, view.rel(main), 'no listen address found in the source');
    if (!port) app.notes.push('No listen address found in the Rust source; assuming 8080. Check the server listens on 0.0.0.0:$PORT.');
    if (port && /127\.0\.0\.1|localhost/.test(port.evidence[0].detail))
      app.notes.push('The server binds to localhost, which is unreachable in a container; apply the fix.');
  }
  app.confidence = lock && app.framework && app.port.source === 'code' ? 'high' : app.framework ? 'medium' : 'low';
  await noteProcfile(view, app);
  return app;
}

export const rustDetectors: Detector[] = [{ name: 'rust', detect }];
