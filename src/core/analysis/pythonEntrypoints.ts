// Two more ways a Python app says how it serves: Google's Agent Development
// Kit (agents in folders, served by `adk api_server`) and a console script
// named `start` in pyproject.toml ([project.scripts] or [tool.poetry.scripts]),
// which the image runs by calling the function it names.
import { DEFAULT_PORT } from './detector';
import { grep } from './dirView';
import type { PythonServe, ServeInput } from './pythonFrameworks';
import { readToml } from './pythonToml';

const PORT_EXPR = '${PORT:-8080}';

/** google-adk: the agents are the folders below; `adk api_server` serves them on $PORT. */
export async function serveAdk({ view, deps }: ServeInput): Promise<PythonServe | undefined> {
  const dep = deps.get('google-adk');
  if (!dep) return undefined;
  return {
    framework: { value: 'google-adk', evidence: [dep] },
    start: {
      value: ['sh', '-c', `exec adk api_server --host 0.0.0.0 --port ${PORT_EXPR} .`],
      evidence: [{ ...dep, detail: 'adk api_server serves the agent folders' }],
    },
    port: { port: DEFAULT_PORT, source: 'framework-default', honoursPortEnv: true, evidence: [{ ...dep, detail: 'started with --port $PORT' }] },
    serverPackages: [],
    hints: {},
    notes: [
      `The ADK API server serves every agent folder under ${view.rel('') || 'the app'}; agents read their model keys (GOOGLE_API_KEY or Vertex AI settings) from the environment.`,
    ],
  };
}

/** A console script called `start` (or `serve`): `module:function`, run by calling the function. */
export async function serveProjectScript({ view }: ServeInput): Promise<PythonServe | undefined> {
  const text = await view.readText('pyproject.toml');
  if (text === undefined) return undefined;
  const entry = readToml(text).find((e) => (e.table === 'project.scripts' || e.table === 'tool.poetry.scripts') && (e.key === 'start' || e.key === 'serve'));
  const target = entry?.strings[0]?.value;
  const m = target ? /^([\w.]+):(\w+)$/.exec(target) : null;
  if (!entry || !m) return undefined;
  const at = await grep(view, 'pyproject.toml', new RegExp(`^\\s*${entry.key}\\s*=`, 'm'));
  const evidence = { file: view.rel('pyproject.toml'), line: at?.line ?? entry.line, detail: `[${entry.table}] ${entry.key} = "${target}"` };
  const file = `${m[1].replace(/\./g, '/')}.py`;
  const reads = /\b(?:environ\.get|getenv)\(\s*["']PORT["']|\benviron\[\s*["']PORT["']\s*\]/.test((await view.readText(file)) ?? '');
  return {
    start: { value: ['python', '-c', `from ${m[1]} import ${m[2]}; ${m[2]}()`], evidence: [evidence] },
    port: reads
      ? { port: DEFAULT_PORT, source: 'code', honoursPortEnv: true, evidence: [{ file: view.rel(file), detail: 'reads PORT from the environment' }] }
      : { port: DEFAULT_PORT, source: 'devgem-default', honoursPortEnv: false, evidence: [evidence] },
    serverPackages: [],
    hints: {},
    notes: [`The project's \`${entry.key}\` script (${target}) starts the app; the image calls it directly.`],
  };
}
