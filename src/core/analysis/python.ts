// Python apps: package manager and version from the manifests, the framework
// and its server from the code, the port from what that server will bind.
// Reads files only; never runs the project's code.
import * as path from 'node:path';
import { DEFAULT_PORT, type Detector } from './detector';
import type { DirView } from './dirView';
import { buildpackOnly, readProcfileWeb } from './procfile';
import { serveDjango, serveFastApi, serveFlask, serveGradio, serveStreamlit, type PythonServe, type ServeInput } from './pythonFrameworks';
import { scriptPort } from './pythonPort';
import { readPythonProject, type PythonProject } from './pythonProject';
import { serveAdk, serveProjectScript } from './pythonEntrypoints';
import { PYTHON_PROGRAMS, serveProcfile } from './pythonProcfile';
import { pythonSources } from './pythonSources';
import { detectPythonVersion } from './pythonVersion';
import type { AppAnalysis, Confidence } from './types';

const SCRIPT_NAMES = ['main.py', 'app.py', 'server.py', 'run.py'];

/** Most specific first: a Django project may also list Flask, Streamlit apps may pull FastAPI. */
const FRAMEWORKS = [serveDjango, serveFastApi, serveFlask, serveStreamlit, serveGradio, serveAdk];

/** A script run with `python <file>`: its port is whatever the code says. */
async function serveScript(view: DirView, script: string): Promise<PythonServe> {
  const found = await scriptPort(view, script);
  const start = { value: ['python', script], evidence: [{ file: view.rel(script), detail: `entry script ${script}` }] };
  if (found) return { start, port: found.finding, serverPackages: [], hints: {}, notes: found.notes };
  return {
    start,
    port: { port: DEFAULT_PORT, source: 'devgem-default', honoursPortEnv: false, evidence: [] },
    serverPackages: [],
    hints: {},
    notes: [`No port found in ${view.rel(script)}; assuming it listens on $PORT (${DEFAULT_PORT}). Check that it reads the PORT environment variable.`],
  };
}

/** The framework whose app sits in the most entry-like file (root main.py before a subfolder's), Django first. */
async function serve(input: ServeInput, script: string | undefined): Promise<PythonServe | undefined> {
  const found: PythonServe[] = [];
  for (const detect of FRAMEWORKS) {
    const s = await detect(input);
    if (s) found.push(s);
  }
  const rank = (s: PythonServe) => {
    const file = s.start?.evidence[0]?.file;
    const i = input.sources.findIndex((f) => input.view.rel(f) === file);
    return s.framework?.value === 'django' ? -1 : i < 0 ? input.sources.length : i;
  };
  const started = found.filter((s) => s.start);
  if (started.length) return started.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  // A framework dependency without its entry point: a plain script may still be the way it starts.
  if (script) {
    const s = await serveScript(input.view, script);
    return found[0] ? { ...s, framework: found[0].framework, notes: [...found[0].notes, ...s.notes], guessed: true } : s;
  }
  return (await serveProjectScript(input)) ?? found[0];
}

function confidence(project: PythonProject | undefined, served: PythonServe, fromProcfile: boolean): Confidence {
  // A Procfile states the start outright, even where no manifest lists dependencies.
  if (!project) return served.start && fromProcfile ? 'medium' : 'low';
  if (!served.start) return 'low';
  if (served.guessed) return 'medium';
  return project.locked && served.framework?.evidence.some((e) => e.detail.startsWith('depends on')) ? 'high' : 'medium';
}

export const pythonDetector: Detector = {
  name: 'python',
  async detect(view: DirView): Promise<AppAnalysis | undefined> {
    const project = await readPythonProject(view);
    const entries = await view.list();
    const script = SCRIPT_NAMES.find((f) => entries.includes(f));
    const procfile = await readProcfileWeb(view);
    const pythonProcfile = procfile && PYTHON_PROGRAMS.test(procfile.program) && !buildpackOnly(procfile.command) ? procfile : undefined;
    // Without a manifest, only a top-level entry script, manage.py or a Python Procfile command makes the folder a Python app.
    if (!project && !script && !entries.includes('manage.py') && !pythonProcfile) return undefined;
    const deps = project?.deps ?? new Map();
    const sources = await pythonSources(view);
    const found = await serve({ view, sources, deps }, script);
    // The Procfile is the app's own word on how it starts; the framework still comes from the code.
    const served = pythonProcfile ? await serveProcfile(view, pythonProcfile, deps, found?.framework) : found;
    if (!served) return undefined;
    if (pythonProcfile && found?.hints) served.hints = { ...found.hints, ...served.hints };
    const version = await detectPythonVersion(view);
    // The framework's remarks still hold when the Procfile starts it, except what it said about its own server.
    const frameworkNotes = pythonProcfile && found ? found.notes.filter((n) => !/not among the dependencies/.test(n)) : [];
    const notes = [...(project?.notes ?? []), ...frameworkNotes, ...served.notes];
    if (!project) notes.push('No requirements.txt, pyproject.toml or Pipfile: the image installs no dependencies.');
    if (!served.start) notes.push('No start command could be determined; add a Dockerfile, or tell Devgem how the app starts.');
    if (procfile && !pythonProcfile)
      notes.push(
        `${procfile.evidence.file}:${procfile.evidence.line} declares \`web: ${procfile.raw}\`, which is not a Python command this image can run; it starts with \`${served.start?.value.join(' ') ?? '(nothing)'}\` instead.`,
      );
    const hints: AppAnalysis['hints'] = {
      install: project?.install ?? 'none',
      manifests: project?.manifests ?? [],
      ...(project?.requires ? { setupRequires: project.requires } : {}),
      ...(served.serverPackages.length ? { serverPackages: served.serverPackages } : {}),
      ...served.hints,
    };
    return {
      path: view.dir,
      name: project?.name ?? path.basename(view.abs()),
      stack: 'python',
      language: {
        value: 'python',
        evidence: [project?.packageManager?.evidence[0] ?? served.start?.evidence[0] ?? { file: view.rel(script ?? 'manage.py'), detail: 'Python source' }],
      },
      version: version.fact,
      ...(project?.packageManager ? { packageManager: project.packageManager } : {}),
      ...(served.framework ? { framework: served.framework } : {}),
      ...(served.start ? { start: served.start } : {}),
      port: served.port,
      confidence: confidence(project, served, !!pythonProcfile),
      context: view.dir,
      hints,
      notes,
      needs: [],
      warnings: version.warnings,
    };
  },
};

export const pythonDetectors: Detector[] = [pythonDetector];
