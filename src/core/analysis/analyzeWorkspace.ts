import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DevgemError } from '../base/errors';
import { throwIfCancelled } from '../base/wait';
import type { Detector } from './detector';
import { DEFAULT_PORT } from './detector';
import { DETECTORS } from './detectors';
import { DirView } from './dirView';
import { placeDockerfile, type DockerfilePlacement } from './dockerfileContext';
import { type DockerfileFacts, parseDockerfile } from './existingDockerfile';
import { chooseMatch } from './mixedStacks';
import { discoverMonorepo } from './monorepo';
import { findNestedAppFolders } from './nestedApps';
import { assessReadiness } from './readiness';
import { hasStartScript, type SiblingDeps, workspaceDependencies } from './workspaceDependencies';
import type { AppAnalysis, Confidence, WorkspaceAnalysis } from './types';

// The analysis entry point: which folders may hold apps, the best detector
// match in each, the project's own Dockerfile where there is one, and the apps
// ranked best first. Deterministic and read-only; it never guesses a stack.

export interface AnalyzeOptions {
  signal?: AbortSignal;
  /** Tests inject fakes; production uses the registry. */
  detectors?: readonly Detector[];
}

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
/** Folders analysed at once: enough to overlap I/O, few enough to stay clear of EMFILE. */
const CONCURRENCY = 8;
/** Folder names that say where code sits, not what the project is called. */
const GENERIC_FOLDER = /^(src|source|app|public|static|www|html|site|web|server|code)$/i;

/** Root scripts that only fan out to workspace packages: such a root is not itself an app. */
const ORCHESTRATOR = /\b(turbo|nx|lerna)\b|--workspaces?\b|\s-w\s|--filter\b|\byarn workspaces?\b|\bpnpm -r\b/;

interface FolderResult {
  app?: AppAnalysis;
  /** The folder's cached view, reused by the readiness check so files are read once. */
  view: DirView;
  /** Detector failures (e.g. a corrupt package.json), already phrased for the user. */
  problems: string[];
  /** The folder holds only container files: its Dockerfile builds `folder` (the app there, when it has one). */
  builds?: { folder: string; facts: DockerfileFacts };
}

function describeFailure(detector: Detector, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof SyntaxError) return `Could not parse ${message}. Fix the file's syntax and analyze again.`;
  return `The ${detector.name} check failed: ${message}`;
}

/** The best detector match in one folder: by confidence, then registry order. */
async function detectFolder(root: string, dir: string, detectors: readonly Detector[]): Promise<FolderResult> {
  const view = new DirView(root, dir);
  const settled = await Promise.allSettled(detectors.map((d) => d.detect(view)));
  const problems: string[] = [];
  const matches: AppAnalysis[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'rejected') {
      const problem = describeFailure(detectors[i], s.reason);
      if (!problems.includes(problem)) problems.push(problem);
    } else if (s.value) matches.push(s.value);
  });
  const best = chooseMatch(matches);
  const facts = await readDockerfile(view);
  const placement = facts ? await placeDockerfile(view, facts, !!best) : undefined;
  const app = facts && placement ? withDockerfile(best, facts, view, placement) : best;
  if (app && problems.length) app.notes.push(...problems);
  const builds = facts && placement?.buildsFolderAbove ? { folder: placement.context, facts } : undefined;
  return { app, view, problems, builds };
}

async function readDockerfile(view: DirView): Promise<DockerfileFacts | undefined> {
  if (!(await view.exists('Dockerfile'))) return undefined;
  const text = await view.readText('Dockerfile');
  return text === undefined ? undefined : parseDockerfile(text, view.rel('Dockerfile'));
}

/** An app that brings its own Dockerfile: Devgem builds it as it is, so its EXPOSE and CMD win. */
function withDockerfile(detected: AppAnalysis | undefined, facts: DockerfileFacts, view: DirView, placement: DockerfilePlacement): AppAnalysis {
  // Detector notes about the image Devgem would generate do not apply to the app's own Dockerfile.
  const aboutGeneratedImage = /\b(image|Dockerfile|generat\w*)\b/i;
  const notes = [...(detected?.notes ?? []).filter((n) => !aboutGeneratedImage.test(n)), ...facts.notes];
  const start = facts.start ? { value: facts.start.command, evidence: facts.start.evidence } : detected?.start;
  let port = detected?.port;
  if (facts.port) {
    const codePort = detected?.port.source === 'code' && !detected.port.honoursPortEnv ? detected.port : undefined;
    if (codePort && codePort.port !== facts.port.port) {
      // EXPOSE only documents; the code decides what the server listens on.
      notes.push(`${facts.file} exposes ${facts.port.port} but the code listens on ${codePort.port}; Devgem uses ${codePort.port}.`);
    } else {
      port = {
        port: facts.port.port,
        source: 'dockerfile',
        honoursPortEnv: facts.readsPortEnv || (detected?.port.honoursPortEnv ?? false),
        evidence: [facts.port.evidence, ...(detected?.port.evidence ?? [])],
        fix: detected?.port.fix,
      };
    }
  }
  if (!port) {
    port = facts.readsPortEnv
      ? { port: DEFAULT_PORT, source: 'dockerfile', honoursPortEnv: true, evidence: facts.start?.evidence ?? [] }
      : { port: DEFAULT_PORT, source: 'devgem-default', honoursPortEnv: false, evidence: [] };
    if (!facts.readsPortEnv)
      notes.push(
        `${facts.file} has no EXPOSE and its start command does not mention $PORT; Devgem assumes the server listens on ${DEFAULT_PORT}. Check it, or add EXPOSE.`,
      );
  }
  if (!facts.start && !detected?.start) notes.push(`${facts.file} has no CMD or ENTRYPOINT; the base image's command starts the container.`);
  const language =
    detected?.language ??
    (facts.language
      ? { value: facts.language.value, evidence: [facts.language.evidence] }
      : { value: 'unknown' as const, evidence: [{ file: facts.file, detail: 'the app brings its own Dockerfile; its language was not determined' }] });
  // The Dockerfile's base image tag is the runtime the app really gets.
  const version = facts.language?.version ? { value: facts.language.version, evidence: [facts.language.evidence] } : detected?.version;
  const confidence: Confidence = detected?.confidence === 'high' || (facts.port && facts.start) ? 'high' : 'medium';
  const { context } = placement;
  if (placement.note) notes.push(placement.note);
  // A folder of container files (docker/) is not the app: the folder it builds is, and names it.
  const named = placement.buildsFolderAbove ? path.join(view.root, context) : view.abs();
  return {
    ...(detected ?? { hints: {} }),
    path: view.dir,
    name: detected?.name ?? (path.basename(named) || 'app'),
    stack: detected?.stack ?? 'dockerfile',
    language,
    version,
    start,
    port,
    confidence,
    context,
    dockerfile: facts.file,
    hints: detected?.hints ?? {},
    notes,
    needs: detected?.needs ?? [],
    warnings: detected?.warnings ?? [],
  };
}

/**
 * A Dockerfile kept in a folder of container files (`docker/Dockerfile`) builds the app of the folder
 * above it: that app takes the Dockerfile (its EXPOSE and CMD win, as for its own), instead of
 * being offered twice, once with a generated Dockerfile and once as a Dockerfile-only "docker" app.
 */
function adoptContainerFolders(folders: string[], results: FolderResult[]): void {
  results.forEach((r) => {
    const target = r.builds && results[folders.indexOf(r.builds.folder)];
    if (!r.builds || !target?.app || target.app.dockerfile) return;
    const { facts, folder } = r.builds;
    target.app = withDockerfile(target.app, facts, target.view, { context: folder, buildsFolderAbove: false });
    target.app.notes.push(`Built with ${facts.file}, the Dockerfile in ${r.view.dir}/ (a folder of container files).`);
    r.app = undefined;
  });
}

/** Runs `fn` over `items` with at most CONCURRENCY in flight, keeping order. */
async function mapLimited<T, R>(items: T[], fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      throwIfCancelled(signal);
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

async function rootEntries(root: string): Promise<string[]> {
  try {
    const stat = await fs.stat(root);
    if (!stat.isDirectory()) throw new Error('not a folder');
    return (await fs.readdir(root, { withFileTypes: true })).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
  } catch (err) {
    throw new DevgemError('not-found', `${root} is not a folder Devgem can read (${(err as Error).message}).`, {
      fix: 'Open or pass the folder that holds your app.',
    });
  }
}

/** True when the root package.json only fans out to workspace packages (`turbo run start`, `npm start -w api`). */
async function rootIsOrchestrator(root: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    const start = pkg.scripts?.start ?? pkg.scripts?.dev;
    return start === undefined || ORCHESTRATOR.test(` ${start} `);
  } catch {
    return false;
  }
}

function unrecognised(entries: string[], problems: string[]): NonNullable<WorkspaceAnalysis['unrecognised']> {
  const visible = entries.filter((e) => !e.startsWith('.'));
  if (visible.length === 0) {
    return {
      found: [],
      message: `The folder is empty${entries.length ? ' (only hidden files)' : ''}: there is no app to deploy.`,
      advice: 'Open the folder that holds your app.',
    };
  }
  const files = visible.filter((e) => !e.endsWith('/'));
  const found = (files.length ? files : visible).slice(0, 12);
  const more = visible.length > found.length && files.length === visible.length ? ', …' : '';
  // The advice stays out of the message: every caller states its own next step, and it read twice.
  const message = [...problems, `Devgem does not recognise this stack: found ${found.join(', ')}${more}.`].join(' ');
  return { found, message, advice: `Add a Dockerfile that starts the server on $PORT (default ${DEFAULT_PORT}) and Devgem will build it as it is.` };
}

/** The deployable members, best first, each with its build context; weak matches with no start command are libraries. */
function selectMembers(found: AppAnalysis[], deps: Map<string, SiblingDeps>, stray: string[]): AppAnalysis[] {
  const apps: AppAnalysis[] = [];
  for (const app of found) {
    if (!app.dockerfile && app.confidence === 'low' && !app.start) {
      stray.push(`${app.path} is not offered: no start command, so it is likely a library.`);
      continue;
    }
    const d = deps.get(app.path) ?? [];
    // An app's own Dockerfile decides its context (see withDockerfile).
    if (d.length && !app.dockerfile) {
      app.context = '';
      app.notes.push(`Built from the workspace root because it uses workspace packages: ${d.map((x) => x.name).join(', ')}.`);
      app.hints = { ...app.hints, contextReason: d.map(({ evidence: e }) => `${e.file}${e.line ? `:${e.line}` : ''} ${e.detail}`) };
    }
    apps.push(app);
  }
  return apps.sort((a, b) => RANK[a.confidence] - RANK[b.confidence] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const NODE_LOCKFILES: [string, string][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
];

/** Root files the install reads besides package.json and the lockfile. */
const NODE_ROOT_CONFIG = ['.npmrc', '.yarnrc.yml', '.yarnrc', 'pnpm-workspace.yaml'];

/**
 * What a root install needs before the source: the root manifests and every member's
 * package.json (a lockfile install fails when a workspace package it lists is missing).
 */
async function workspaceManifests(absRoot: string, rootFiles: string[], members: string[]): Promise<string[]> {
  const root = ['package.json', ...NODE_ROOT_CONFIG.filter((f) => rootFiles.includes(f))];
  const lock = NODE_LOCKFILES.find(([file]) => rootFiles.includes(file));
  if (lock) root.push(lock[0]);
  if (rootFiles.includes('.yarnrc.yml') && rootFiles.includes('.yarn/')) {
    const yarnDir = await fs.readdir(path.join(absRoot, '.yarn')).catch(() => [] as string[]);
    if (yarnDir.includes('releases')) root.push('.yarn/releases');
  }
  const withPackage: string[] = [];
  for (const m of members) {
    if (
      await fs.stat(path.join(absRoot, m, 'package.json')).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      withPackage.push(`${m}/package.json`);
  }
  return [...root, ...withPackage];
}

/**
 * A Node workspace member built from the root installs with the root's
 * lockfile (members have none of their own), from the manifests listed in
 * hints.workspaceManifests.
 */
function inheritRootLockfile(app: AppAnalysis, rootFiles: string[], manifests: string[]): void {
  if (app.stack !== 'node' && app.stack !== 'node-static') return;
  app.hints = { ...app.hints, workspaceManifests: manifests };
  const hit = NODE_LOCKFILES.find(([file]) => rootFiles.includes(file));
  if (!hit) return;
  const [file, manager] = hit;
  const berry = manager === 'yarn' && rootFiles.includes('.yarnrc.yml');
  app.hints = { ...app.hints, lockfile: file };
  app.packageManager = { value: berry ? 'yarn-berry' : manager, evidence: [{ file, detail: 'the workspace root lockfile' }] };
  app.notes = app.notes.filter((n) => !/no lockfile/i.test(n));
}

export async function analyzeWorkspace(root: string, opts: AnalyzeOptions = {}): Promise<WorkspaceAnalysis> {
  const absRoot = path.resolve(root);
  const detectors = opts.detectors ?? DETECTORS;
  const entries = await rootEntries(absRoot);
  throwIfCancelled(opts.signal);
  if (entries.filter((e) => !e.startsWith('.')).length === 0) return { root: absRoot, apps: [], unrecognised: unrecognised(entries, []) };

  const layout = await discoverMonorepo(absRoot, opts.signal);
  const { deps, usedBy } = await workspaceDependencies(absRoot, layout);
  const stray: string[] = [];
  const libraries: string[] = [];
  for (const m of layout.members) {
    // A used package that still has a start script (an app an e2e package points at) is analysed anyway.
    if (usedBy.has(m) && !layout.dockerfileDirs.includes(m) && !(await hasStartScript(absRoot, m))) libraries.push(m);
  }
  for (const lib of libraries) stray.push(`${lib} is not offered: ${usedBy.get(lib)} depends on it, so it is a library.`);
  const folders = ['', ...layout.members.filter((m) => !libraries.includes(m))];
  const results = await mapLimited(folders, (dir) => detectFolder(absRoot, dir, detectors), opts.signal);
  throwIfCancelled(opts.signal);

  adoptContainerFolders(folders, results);
  let rootApp = results[0].app;
  const memberApps = selectMembers(
    results
      .slice(1)
      .map((r) => r.app)
      .filter((a): a is AppAnalysis => !!a),
    deps,
    stray,
  );
  if (rootApp && !rootApp.dockerfile && memberApps.length && layout.tool && (await rootIsOrchestrator(absRoot))) {
    // A workspace root whose start script runs the members is not an app of its own.
    stray.push(`The workspace root (${layout.tool.value}) only runs its packages, so it is not offered as an app.`);
    rootApp = undefined;
  }
  const apps = rootApp ? [rootApp, ...memberApps] : memberApps;
  let nestedResults: FolderResult[] = [];
  if (!apps.length && !layout.tool) {
    // Nothing at the root and no workspace config: the app may sit a few folders down.
    const nested = (await findNestedAppFolders(absRoot, opts.signal)).filter((d) => !folders.includes(d));
    nestedResults = await mapLimited(nested, (dir) => detectFolder(absRoot, dir, detectors), opts.signal);
    const found = selectMembers(
      nestedResults.flatMap((r) => (r.app ? [r.app] : [])),
      new Map(),
      stray,
    );
    for (const app of found) {
      // The project's one app in public/ or src/ is the project's: a service named "public" says nothing.
      if (found.length === 1 && GENERIC_FOLDER.test(app.name) && app.name === path.posix.basename(app.path)) app.name = path.basename(absRoot) || app.name;
      app.notes.push(`Found in ${app.path}/: the workspace root holds no app of its own.`);
      apps.push(app);
    }
  }
  const rootBuilt = memberApps.filter((a) => a.context !== a.path);
  if (rootBuilt.length) {
    const manifests = await workspaceManifests(absRoot, entries, layout.members);
    for (const app of rootBuilt) inheritRootLockfile(app, entries, manifests);
  }
  // Nx or Turborepo is part of what the app is ("Next.js in an Nx workspace"), not only a fact about the repository.
  if (layout.tool) for (const app of apps) app.workspaceTool = layout.tool.value;

  // Problems in folders that yielded no app would otherwise vanish; tell the user on the best app.
  results.forEach((r, i) => {
    if (!r.app && r.problems.length) stray.push(...r.problems.map((p) => (folders[i] ? `${folders[i]}: ${p}` : p)));
  });
  if (apps.length) apps[0].notes.push(...stray, ...layout.notes);

  // Several folders with their own Dockerfile and no workspace tool still make a monorepo.
  const monorepo =
    layout.tool ??
    (memberApps.length >= 2
      ? {
          value: layout.dockerfileDirs.length >= 2 ? 'dockerfiles' : 'folders',
          evidence: memberApps.map((a) => ({ file: a.dockerfile ?? a.path, detail: `app in ${a.path}` })),
        }
      : undefined);
  const views = new Map([...results, ...nestedResults].map((r) => [r.view.dir, r.view]));
  await mapLimited(apps, (app) => assessReadiness(views.get(app.path) ?? new DirView(absRoot, app.path), app), opts.signal);
  const analysis: WorkspaceAnalysis = { root: absRoot, apps };
  if (monorepo) analysis.monorepo = monorepo;
  if (!apps.length) analysis.unrecognised = unrecognised(entries, stray);
  return analysis;
}
