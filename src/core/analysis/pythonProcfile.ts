// A Python app whose Procfile says how it starts: the start is that command,
// and the port is what the command (or the server it runs) will bind.
import { DEFAULT_PORT } from './detector';
import type { ProcfileWeb } from './procfile';
import { passesPort } from './procfile';
import type { PythonServe } from './pythonFrameworks';
import { gunicornConfPort, scriptPort } from './pythonPort';
import type { DirView } from './dirView';
import type { Evidence, Fact, PortFinding } from './types';

/** Programs that make a Procfile line a Python one. */
export const PYTHON_PROGRAMS =
  /^(python[\d.]*|gunicorn|uvicorn|hypercorn|daphne|waitress-serve|uwsgi|flask|streamlit|gradio|fastapi|chainlit|panel|adk|django-admin|granian)$/;

/** Servers that a Procfile names but the dependencies may lack (the image then installs them). */
const SERVER_PACKAGES: Record<string, string> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  hypercorn: 'hypercorn',
  daphne: 'daphne',
  'waitress-serve': 'waitress',
};

/** A Procfile port finding with a fix that edits the Procfile line itself. */
function procfilePort(web: ProcfileWeb, port: number, detail: string, after?: string): PortFinding {
  const line = `web: ${web.raw}`;
  return {
    port,
    source: 'config',
    honoursPortEnv: false,
    evidence: [{ ...web.evidence, detail }],
    ...(after
      ? {
          fix: {
            file: web.evidence.file,
            line: web.evidence.line ?? 1,
            before: line,
            after: `web: ${after}`,
            explanation: 'Bind $PORT on all interfaces, as Cloud Run expects.',
          },
        }
      : {}),
  };
}

async function portOf(view: DirView, web: ProcfileWeb): Promise<{ port: PortFinding; notes: string[] }> {
  const cmd = web.command;
  if (passesPort(cmd))
    return {
      port: { port: DEFAULT_PORT, source: 'config', honoursPortEnv: true, evidence: [{ ...web.evidence, detail: 'the Procfile command passes $PORT' }] },
      notes: [],
    };
  switch (web.program) {
    case 'gunicorn': {
      const bind = /(?:-b|--bind)[=\s]+\S*?:(\d{2,5})\b/.exec(cmd);
      if (bind) return { port: procfilePort(web, Number(bind[1]), `gunicorn binds port ${bind[1]}`, web.raw.replace(/:(\d{2,5})\b/, ':$PORT')), notes: [] };
      const conf = await gunicornConfPort(view);
      if (conf) return { port: conf, notes: [] };
      return {
        port: {
          port: DEFAULT_PORT,
          source: 'framework-default',
          honoursPortEnv: true,
          evidence: [{ ...web.evidence, detail: 'gunicorn binds 0.0.0.0:$PORT when no bind is given' }],
        },
        notes: [],
      };
    }
    case 'uvicorn':
    case 'hypercorn':
    case 'daphne': {
      const port = Number(/--port[=\s]+(\d{2,5})\b/.exec(cmd)?.[1] ?? 8000);
      const loopback = !/--host[=\s]+0\.0\.0\.0|--bind[=\s]+0\.0\.0\.0|-b\s+0\.0\.0\.0/.test(cmd);
      const after = `${web.raw.replace(/\s--(host|port)[=\s]+\S+/g, '')} --host 0.0.0.0 --port $PORT`;
      return {
        port: procfilePort(web, port, `${web.program} listens on ${port}${loopback ? ' on localhost only' : ''}`, after),
        notes: loopback
          ? [
              `${web.evidence.file}:${web.evidence.line} starts ${web.program} without --host 0.0.0.0; it listens on localhost only, unreachable in a container.`,
            ]
          : [],
      };
    }
    case 'streamlit':
      return {
        port: procfilePort(web, 8501, 'streamlit listens on 8501 unless --server.port is given', `${web.raw} --server.port $PORT --server.address 0.0.0.0`),
        notes: [],
      };
  }
  const file = /^python[\d.]*\s+(?:-\S+\s+)*(\S+\.py)\b/.exec(cmd)?.[1];
  const found = file ? await scriptPort(view, file) : undefined;
  if (found) return { port: found.finding, notes: found.notes };
  return {
    port: { port: DEFAULT_PORT, source: 'devgem-default', honoursPortEnv: false, evidence: [{ ...web.evidence, detail: 'no port in the Procfile command' }] },
    notes: [`Nothing in the Procfile command says which port the server binds; Devgem assumes $PORT (${DEFAULT_PORT}).`],
  };
}

/** How the app serves when its Procfile says so; the framework (if any) comes from the code. */
export async function serveProcfile(view: DirView, web: ProcfileWeb, deps: Map<string, Evidence>, framework?: Fact<string>): Promise<PythonServe> {
  const { port, notes } = await portOf(view, web);
  const server = SERVER_PACKAGES[web.program];
  const serverPackages = server && !deps.has(server) ? [server] : [];
  if (serverPackages.length) notes.push(`${server} is not among the dependencies; the image installs it to run the Procfile command.`);
  return { framework, start: { value: web.start, evidence: [web.evidence] }, port, serverPackages, hints: web.env.length ? { startEnv: web.env } : {}, notes };
}
