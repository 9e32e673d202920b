// Which Python web framework the app uses and how to serve it in a container:
// gunicorn for WSGI (it binds 0.0.0.0:$PORT by itself), uvicorn for ASGI,
// the framework's own CLI for Streamlit and Gradio, `python <file>` for scripts.
import { DEFAULT_PORT } from './detector';
import { grep, type DirView } from './dirView';
import { devServerNote, gunicornConfPort, scriptPort } from './pythonPort';
import { findInSources, moduleOf } from './pythonSources';
import type { Evidence, Fact, PortFinding } from './types';

export interface PythonServe {
  framework?: Fact<string>;
  start?: Fact<string[]>;
  port: PortFinding;
  /** Server packages the dependencies lack; the image installs them. */
  serverPackages: string[];
  hints: Record<string, string | boolean | string[]>;
  notes: string[];
  /** The start is a fallback (an entry script), not the framework's own server. */
  guessed?: boolean;
}

export interface ServeInput {
  view: DirView;
  sources: string[];
  deps: Map<string, Evidence>;
}

const PORT_EXPR = '${PORT:-8080}';

function frameworkFact(value: string, depEvidence: Evidence | undefined, code: Evidence | undefined): Fact<string> {
  return { value, evidence: [depEvidence, code].filter((e): e is Evidence => !!e) };
}

function defaultPort(port: number, name: string, evidence: Evidence[]): PortFinding {
  return {
    port,
    source: 'framework-default',
    honoursPortEnv: false,
    evidence: evidence.length ? [{ ...evidence[0], detail: `${name} listens on ${port} by default` }] : [],
  };
}

function bindsPort(server: string, at: Evidence): PortFinding {
  return {
    port: DEFAULT_PORT,
    source: 'framework-default',
    honoursPortEnv: true,
    evidence: [{ file: at.file, line: at.line, detail: `started with ${server}, which binds 0.0.0.0:$PORT` }],
  };
}

function needServer(deps: Map<string, Evidence>, pkg: string, framework: string, notes: string[]): string[] {
  if (deps.has(pkg)) return [];
  if (pkg === 'uvicorn' && /\[[^\]]*standard/.test(deps.get('fastapi')?.detail ?? '')) return [];
  notes.push(`${pkg} is not among the dependencies; the image installs it to serve the ${framework} app.`);
  return [pkg];
}

/** gunicorn reads ./gunicorn.conf.py by itself: its bind decides the port, else gunicorn binds $PORT. */
async function gunicornPort(view: DirView, at: Evidence, notes: string[]): Promise<PortFinding> {
  const conf = await gunicornConfPort(view);
  if (conf?.fix)
    notes.push(`${conf.fix.file}:${conf.fix.line} binds gunicorn to port ${conf.port} whatever $PORT says; Devgem can change that line to read PORT.`);
  return conf ?? bindsPort('gunicorn', at);
}

export async function serveDjango({ view, sources, deps }: ServeInput): Promise<PythonServe | undefined> {
  const manage = sources.find((f) => f === 'manage.py') ?? sources.find((f) => f.endsWith('/manage.py'));
  // 'mysite.settings' or 'config.settings.production': the project package is what precedes '.settings'.
  const settings = manage ? await grep(view, manage, /DJANGO_SETTINGS_MODULE["']\s*,\s*["'](([\w.]+?)\.settings(?:\.[\w.]+)?)["']/) : undefined;
  // Flask-Script and others also have a manage.py; only Django's names a settings module.
  if (!deps.has('django') && !settings) return undefined;
  const notes: string[] = [];
  const dir = manage && manage.includes('/') ? manage.slice(0, manage.lastIndexOf('/')) : '';
  const project = settings?.match[2];
  const wsgiFile = project ? [dir, ...project.split('.'), 'wsgi.py'].filter(Boolean).join('/') : undefined;
  const wsgi =
    wsgiFile && (await view.exists(wsgiFile))
      ? wsgiFile
      : (
          await findInSources(
            view,
            sources.filter((f) => f.endsWith('/wsgi.py')),
            /get_wsgi_application/,
          )
        )?.file;
  const wsgiLine = wsgi ? (await grep(view, wsgi, /^application\s*=.*$/m))?.line : undefined;
  const code: Evidence | undefined = wsgi
    ? { file: view.rel(wsgi), line: wsgiLine, detail: 'Django WSGI application' }
    : manage
      ? { file: view.rel(manage), detail: 'Django manage.py' }
      : undefined;
  const framework = frameworkFact('django', deps.get('django'), code);
  if (!wsgi) {
    notes.push('No Django wsgi.py found, so Devgem cannot tell gunicorn what to serve.');
    return { framework, port: defaultPort(8000, 'Django', framework.evidence), serverPackages: [], hints: {}, notes };
  }
  const rel = dir && wsgi.startsWith(`${dir}/`) ? wsgi.slice(dir.length + 1) : wsgi;
  const target = `${rel.replace(/\.py$/, '').split('/').join('.')}:application`;
  const start = ['gunicorn', ...(dir ? ['--chdir', dir] : []), target];
  const hints: PythonServe['hints'] = {};
  const settingsBase = settings ? [dir, ...settings.match[1].split('.')].filter(Boolean).join('/') : undefined;
  const settingsFile = settingsBase && ((await view.exists(`${settingsBase}.py`)) ? `${settingsBase}.py` : `${settingsBase}/__init__.py`);
  const staticRoot = settingsFile ? await grep(view, settingsFile, /^STATIC_ROOT\s*=/m) : undefined;
  if (manage && staticRoot) {
    hints.collectstatic = manage;
    notes.push(
      `STATIC_ROOT is set (${view.rel(settingsFile!)}:${staticRoot.line}): the image runs \`python ${manage} collectstatic --noinput\`; serve the files with WhiteNoise or a bucket.`,
    );
    const required = await grep(view, settingsFile!, /os\.environ\[\s*["'](\w+)["']\s*\]/);
    if (required)
      notes.push(
        `collectstatic runs at build time, without the service's environment; ${view.rel(settingsFile!)}:${required.line} requires ${required.match[1]}, so give it a default or the build fails.`,
      );
  } else {
    notes.push(
      `No STATIC_ROOT found${settingsFile ? ` in ${view.rel(settingsFile)}` : ''}, so the image does not run collectstatic; set it (and serve static files with WhiteNoise) if the app has static files.`,
    );
  }
  const hosts = settingsFile ? await grep(view, settingsFile, /^ALLOWED_HOSTS\s*=.*$/m) : undefined;
  if (!hosts || !/run\.app|\*|environ|getenv/.test(hosts.text)) notes.push('Make sure ALLOWED_HOSTS accepts the Cloud Run host (*.run.app).');
  const port = await gunicornPort(view, code!, notes);
  return {
    framework,
    start: { value: start, evidence: [{ ...code!, detail: `gunicorn serves ${target}` }] },
    port,
    serverPackages: needServer(deps, 'gunicorn', 'Django', notes),
    hints,
    notes,
  };
}

/** Flask (WSGI, gunicorn) and FastAPI (ASGI, uvicorn) share the shape `module:variable`. */
async function serveModuleApp(input: ServeInput, name: 'flask' | 'fastapi'): Promise<PythonServe | undefined> {
  const { view, sources, deps } = input;
  const cls = name === 'flask' ? 'Flask' : 'FastAPI';
  // Flask apps are often built by a factory: `app = create_app()` in wsgi.py, or only `def create_app()`.
  const callee = name === 'flask' ? '(?:Flask|create_app)' : 'FastAPI';
  const instance = await findInSources(view, sources, new RegExp(`^(\\w+)\\s*(?::\\s*\\w+\\s*)?=\\s*${callee}\\(`, 'm'));
  const factory = instance || name !== 'flask' ? undefined : await findInSources(view, sources, /^def\s+(create_app|make_app)\s*\(/m);
  const hit = instance ?? factory;
  if (!deps.has(name) && !hit) return undefined;
  const notes: string[] = [];
  const label = name === 'flask' ? 'Flask' : 'FastAPI';
  const code: Evidence | undefined = hit ? { file: view.rel(hit.file), line: hit.line, detail: hit.text } : undefined;
  const framework = frameworkFact(name, deps.get(name), code);
  if (!hit) {
    notes.push(`No \`app = ${cls}(…)\` found, so Devgem cannot tell the server which application to run.`);
    return { framework, port: defaultPort(name === 'flask' ? 5000 : 8000, label, framework.evidence), serverPackages: [], hints: {}, notes };
  }
  const { module, chdir } = moduleOf(hit.file);
  const target = `${module}:${hit.match[1]}${factory ? '()' : ''}`;
  let start: string[];
  let server: string;
  if (name === 'flask') {
    server = 'gunicorn';
    start = ['gunicorn', ...(chdir ? ['--chdir', chdir] : []), target];
  } else {
    server = 'uvicorn';
    start = ['sh', '-c', `exec uvicorn ${target} --host 0.0.0.0 --port ${PORT_EXPR}${chdir ? ` --app-dir ${chdir}` : ''}`];
  }
  const dev = await devServerNote(view, hit.file, server);
  if (dev) notes.push(dev);
  return {
    framework,
    start: { value: start, evidence: [{ ...code!, detail: `${server} serves ${target}` }] },
    port: server === 'gunicorn' ? await gunicornPort(view, code!, notes) : bindsPort(server, code!),
    serverPackages: needServer(deps, server, label, notes),
    hints: {},
    notes,
  };
}

export const serveFlask = (input: ServeInput) => serveModuleApp(input, 'flask');
export const serveFastApi = (input: ServeInput) => serveModuleApp(input, 'fastapi');

export async function serveStreamlit({ view, sources, deps }: ServeInput): Promise<PythonServe | undefined> {
  const hit = await findInSources(view, sources, /^\s*(?:import streamlit\b|from streamlit\b)/m);
  if (!deps.has('streamlit') && !hit) return undefined;
  const code: Evidence | undefined = hit ? { file: view.rel(hit.file), line: hit.line, detail: 'imports streamlit' } : undefined;
  const framework = frameworkFact('streamlit', deps.get('streamlit'), code);
  if (!hit)
    return {
      framework,
      port: defaultPort(8501, 'Streamlit', framework.evidence),
      serverPackages: [],
      hints: {},
      notes: ['No file imports streamlit, so Devgem cannot tell which script to run.'],
    };
  const start = ['sh', '-c', `exec streamlit run ${hit.file} --server.port ${PORT_EXPR} --server.address 0.0.0.0 --server.headless true`];
  return {
    framework,
    start: { value: start, evidence: [{ ...code!, detail: `streamlit run ${hit.file}` }] },
    port: { port: DEFAULT_PORT, source: 'framework-default', honoursPortEnv: true, evidence: [{ ...code!, detail: 'started with --server.port $PORT' }] },
    serverPackages: [],
    hints: {},
    notes: ['The start command passes --server.port $PORT, which overrides any port in .streamlit/config.toml.'],
  };
}

export async function serveGradio({ view, sources, deps }: ServeInput): Promise<PythonServe | undefined> {
  const hit = await findInSources(view, sources, /^\s*(?:import gradio\b|from gradio\b)/m);
  if (!deps.has('gradio') && !hit) return undefined;
  const code: Evidence | undefined = hit ? { file: view.rel(hit.file), line: hit.line, detail: 'imports gradio' } : undefined;
  const framework = frameworkFact('gradio', deps.get('gradio'), code);
  if (!hit)
    return {
      framework,
      port: defaultPort(7860, 'Gradio', framework.evidence),
      serverPackages: [],
      hints: {},
      notes: ['No file imports gradio, so Devgem cannot tell which script to run.'],
    };
  const hints = { env: ['GRADIO_SERVER_NAME=0.0.0.0'] };
  const hard = await scriptPort(view, hit.file);
  if (hard && !hard.finding.honoursPortEnv) {
    return { framework, start: { value: ['python', hit.file], evidence: [code!] }, port: hard.finding, serverPackages: [], hints, notes: hard.notes };
  }
  return {
    framework,
    start: { value: ['sh', '-c', `export GRADIO_SERVER_PORT=${PORT_EXPR}; exec python ${hit.file}`], evidence: [{ ...code!, detail: `python ${hit.file}` }] },
    port: {
      port: DEFAULT_PORT,
      source: 'framework-default',
      honoursPortEnv: true,
      evidence: [{ ...code!, detail: 'Gradio reads GRADIO_SERVER_PORT, set from $PORT' }],
    },
    serverPackages: [],
    hints,
    notes: ['Gradio reads GRADIO_SERVER_NAME (set to 0.0.0.0 in the image) and GRADIO_SERVER_PORT (set from $PORT at start).'],
  };
}
