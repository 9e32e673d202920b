// "Will it run on Cloud Run?" Before anything is built, read the app's source
// for what would break there: env vars it reads with no default (needs), DEBUG
// left on, secret keys written into the code, a database on localhost, no
// server at all (a script that prints and exits), a port that ignores $PORT.
// Each finding carries file:line evidence; nothing here runs the code.
import { type DirView, lineAt } from './dirView';
import { ENV_RULES, envReads, toNeeds } from './envNeeds';
import { loopbackListen } from './loopbackListen';
import type { AppAnalysis, Evidence, Warning } from './types';

type Family = keyof typeof ENV_RULES;

function familyOf(app: AppAnalysis): Family | undefined {
  switch (app.stack) {
    case 'python':
      return 'python';
    case 'node':
    case 'deno':
      return 'js';
    case 'ruby':
      return 'ruby';
    case 'php':
      return 'php';
    default:
      return app.language.value === 'python' ? 'python' : app.language.value === 'ruby' ? 'ruby' : undefined;
  }
}

/** The same walks the detectors make (python: pythonSources, js: the Node port scan), so the view's cache answers them. */
const WALKS: Record<Family, { extensions: string[]; maxFiles: number; maxDepth: number }> = {
  python: { extensions: ['.py'], maxFiles: 300, maxDepth: 3 },
  js: { extensions: ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'], maxFiles: 80, maxDepth: 3 },
  ruby: { extensions: ['.rb', '.yml'], maxFiles: 150, maxDepth: 4 },
  php: { extensions: ['.php'], maxFiles: 150, maxDepth: 3 },
};

const SKIPPED = /(^|\/)(tests?|spec|__tests__|migrations|e2e|fixtures|scripts?|docs?|examples?)\//;
const NOT_SOURCE = /(\.test\.|\.spec\.|\.config\.|\.d\.ts$|_test\.py$|^test_|conftest\.py$|setup\.py$)/;

async function sources(view: DirView, family: Family): Promise<string[]> {
  const { extensions, ...opts } = WALKS[family];
  const found = await view.findFiles(extensions, opts);
  return found.filter((f) => !SKIPPED.test(f) && !NOT_SOURCE.test(f.slice(f.lastIndexOf('/') + 1)) && !/\/(public|static|assets|dist|build)\//.test(`/${f}`));
}

/** Where the generated image or the analysis itself sets a variable: not a need. */
function setByImage(app: AppAnalysis): Set<string> {
  const out = new Set<string>();
  for (const key of ['startEnv', 'env']) {
    const pairs = app.hints[key];
    if (Array.isArray(pairs)) for (const p of pairs) out.add(p.split('=')[0]);
  }
  if (typeof app.hints.hostEnv === 'string') out.add(app.hints.hostEnv);
  return out;
}

const SERVER_CODE: Record<Family, RegExp> = {
  python:
    /\b(HTTPServer|TCPServer|socketserver|serve_forever|make_server|uvicorn|gunicorn|waitress|aiohttp|run_app|tornado|Flask\(|FastAPI\(|Starlette\(|bottle|cherrypy|websockets|start_server|\.bind\(|\.listen\(|\.run\(|\.launch\(|gradio|streamlit|Sanic\(|Quart\(|Litestar\(|web\.Application)/,
  js: /createServer|\.listen\(|\bserve\(|Bun\.serve|Deno\.serve|Deno\.listen|express\(|fastify|new Koa|new Hono|export\s+default\s*\{[^}]*\bfetch\b|http\.Server/,
  ruby: /\b(Sinatra|WEBrick|TCPServer|Rack|Puma|run\s|Rails|Roda|Hanami|Grape)\b/,
  php: /./,
};

/** A start that runs one script file with an interpreter: `python x.py`, `node x.js`, `ruby x.rb`, `bun x.ts`, `deno run x.ts`. */
function scriptOf(app: AppAnalysis): string | undefined {
  const start = app.start?.value ?? [];
  const line = start[0] === 'sh' && start[1] === '-c' ? start[2].replace(/^.*exec\s+/, '') : start.join(' ');
  return /^(?:python[\d.]*|node|bun|ruby|deno\s+run(?:\s+-\S+)*)\s+(?:-\S+\s+)*([\w./-]+\.(?:py|[cm]?[jt]s|rb))\b/.exec(line)?.[1];
}

async function noServer(view: DirView, app: AppAnalysis, family: Family, files: string[]): Promise<Warning | undefined> {
  const script = scriptOf(app);
  // A framework serves by definition; only a bare script may do nothing but run and exit.
  if (!script || family === 'php' || app.framework) return undefined;
  const re = SERVER_CODE[family];
  for (const f of [script, ...files]) if (re.test((await view.readText(f)) ?? '')) return undefined;
  return {
    kind: 'no-server',
    message: `${view.rel(script)} starts no server: nothing in the code listens for HTTP, so the container would exit (or never answer) and Cloud Run would report the revision as failed. Deploy it as a Cloud Run job instead, or add a web server that listens on $PORT.`,
    evidence: [{ file: view.rel(script), detail: 'no HTTP server in the code it runs' }],
    blocking: true,
  };
}

const LOCAL_DB =
  /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqp|jdbc:\w+):\/\/[^\s'"]*?(localhost|127\.0\.0\.1)\b|['"]HOST['"]\s*:\s*['"](localhost|127\.0\.0\.1)['"]|\benv\(\s*['"](?:DB|DATABASE|REDIS)_HOST['"]\s*,\s*['"](localhost|127\.0\.0\.1)['"]\)|^\s*host:\s*(localhost|127\.0\.0\.1)\s*$/m;
const DB_CONFIG = [
  'config/database.yml',
  'config/database.php',
  'src/main/resources/application.properties',
  'src/main/resources/application.yml',
  'knexfile.js',
  'ormconfig.json',
];

async function localhostDatabase(view: DirView, files: string[]): Promise<Warning | undefined> {
  for (const f of [...DB_CONFIG, ...files]) {
    const text = await view.readText(f);
    const m = text === undefined ? undefined : LOCAL_DB.exec(text);
    if (!m || !text) continue;
    const line = lineAt(text, m.index);
    return {
      kind: 'localhost-database',
      message: `${view.rel(f)}:${line} points a database at localhost. On Cloud Run there is no database in the container; use the address of a managed one (Cloud SQL, Memorystore …) from an env var or secret.`,
      evidence: [{ file: view.rel(f), line, detail: (text.split(/\r?\n/)[line - 1] ?? '').trim() }],
    };
  }
  return undefined;
}

const DEBUG_ON = /^(DEBUG\s*=\s*True\b|app\.debug\s*=\s*True\b|app\.config\[\s*["']DEBUG["']\s*\]\s*=\s*True\b)/m;
const LITERAL_SECRET =
  /^(SECRET_KEY\s*=\s*["'][^"']{8,}["']|app\.secret_key\s*=\s*["'][^"']+["']|app\.config\[\s*["']SECRET_KEY["']\s*\]\s*=\s*["'][^"']+["'])|\bsecret\s*:\s*["'][^"']{4,}["']/m;

async function codeSmells(view: DirView, family: Family, files: string[]): Promise<Warning[]> {
  if (family !== 'python' && family !== 'js') return [];
  const out: Warning[] = [];
  for (const f of files) {
    const text = (await view.readText(f)) ?? '';
    const debug = family === 'python' ? DEBUG_ON.exec(text) : undefined;
    if (debug && !out.some((w) => w.kind === 'debug-on')) {
      const line = lineAt(text, debug.index);
      out.push({
        kind: 'debug-on',
        message: `${view.rel(f)}:${line} turns debug mode on: error pages would show your code and settings to anyone. Read it from the environment instead.`,
        evidence: [{ file: view.rel(f), line, detail: debug[0] }],
        fix: /^DEBUG/.test(debug[0]) ? `${view.rel(f)}:${line}: DEBUG = os.environ.get("DEBUG") == "1"` : undefined,
      });
    }
    const secret = LITERAL_SECRET.exec(text);
    if (secret && (family === 'python' || /session|jwt|cookie/i.test(text)) && !out.some((w) => w.kind === 'hardcoded-secret')) {
      const line = lineAt(text, secret.index);
      const django = /^SECRET_KEY/.test(secret[0]);
      out.push({
        kind: 'hardcoded-secret',
        message: `${view.rel(f)}:${line} writes a secret key into the code, so everyone with the source can forge sessions. Keep it in Secret Manager and read it from the environment.`,
        evidence: [{ file: view.rel(f), line, detail: secret[0].replace(/(["'])[^"']{4}([^"']*)\1/, '$1…$1') }],
        fix: django ? `${view.rel(f)}:${line}: SECRET_KEY = os.environ["SECRET_KEY"]` : undefined,
      });
    }
  }
  return out;
}

function portWarning(app: AppAnalysis): Warning | undefined {
  const p = app.port;
  if (p.honoursPortEnv || p.source === 'devgem-default' || p.source === 'framework-default' || app.dockerfile) return undefined;
  const at: Evidence[] = p.evidence.slice(0, 1);
  return {
    kind: 'port-ignored',
    message: `The server listens on ${p.port} whatever $PORT says; it works because Cloud Run is told to use ${p.port}, but reading PORT is sturdier.`,
    evidence: at,
    ...(p.fix ? { fix: `${p.fix.file}:${p.fix.line}: ${p.fix.after.trim()}` } : {}),
  };
}

/** Fills `needs` and adds the Cloud Run warnings to an analysed app. */
export async function assessReadiness(view: DirView, app: AppAnalysis): Promise<void> {
  const port = portWarning(app);
  if (port) app.warnings.push(port);
  const family = familyOf(app);
  // A static site's env reads happen at build time in the browser bundle, not in a server.
  if (!family || app.stack === 'node-static' || app.stack === 'static') return;
  const files = await sources(view, family);
  const reads = [];
  for (const f of files) {
    const text = await view.readText(f);
    if (text !== undefined) reads.push(envReads(text, view.rel(f), ENV_RULES[family]));
  }
  app.needs = toNeeds(reads, setByImage(app));
  if (app.framework?.value === 'rails' && ((await view.exists('config/credentials.yml.enc')) || (await view.exists('config/credentials/production.yml.enc')))) {
    if (!app.needs.some((n) => n.name === 'RAILS_MASTER_KEY'))
      app.needs.push({
        name: 'RAILS_MASTER_KEY',
        secret: true,
        evidence: [{ file: view.rel('config/credentials.yml.enc'), detail: 'encrypted credentials need config/master.key, which is not in the image' }],
      });
  }
  const listen = family === 'js' || family === 'python' ? await loopbackListen(view, app, family, files) : undefined;
  const found = [await noServer(view, app, family, files), listen, await localhostDatabase(view, files), ...(await codeSmells(view, family, files))];
  app.warnings.push(...found.filter((w): w is Warning => !!w));
}
