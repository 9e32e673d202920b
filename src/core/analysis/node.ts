// The Node.js / Bun detector: a folder with a package.json. Combines the package
// manager and version (nodePackage), the framework's plan (nodeFrameworks), the
// start command (nodeStart) and the port the code listens on (nodePort).
import * as path from 'node:path';
import { DEFAULT_PORT, type Detector } from './detector';
import type { DirView } from './dirView';
import { detectFramework } from './nodeFrameworks';
import { detectLoneNode } from './nodeLone';
import { optionalEnvFiles } from './nodeEnvFile';
import { folderInstalls } from './nodeSubfolders';
import { detectPackageManager, nodePackage, type PackageJson } from './nodePackage';
import { bunVersion, detectNodeVersion } from './nodeVersion';
import { scanNodePort } from './nodePort';
import { procfileStart, resolveStart } from './nodeStart';
import { readProcfileWeb } from './procfile';
import type { AppAnalysis, Confidence, Fact, Language, PortFinding } from './types';

async function language(view: DirView, has: (dep: string) => boolean): Promise<Fact<Language>> {
  if (await view.exists('tsconfig.json')) return { value: 'typescript', evidence: [{ file: view.rel('tsconfig.json'), detail: 'tsconfig.json' }] };
  if (has('typescript')) return { value: 'typescript', evidence: [{ file: view.rel('package.json'), detail: 'depends on typescript' }] };
  return { value: 'javascript', evidence: [{ file: view.rel('package.json'), detail: 'package.json without TypeScript' }] };
}

async function detectNode(view: DirView): Promise<AppAnalysis | undefined> {
  const text = await view.readText('package.json');
  if (text === undefined) {
    // Listed but unreadable (a folder, a FIFO, no permission): say so rather than analyze as if it were absent.
    if (await view.exists('package.json'))
      throw new Error(`${view.rel('package.json')} is not a readable file (a folder or a special file?). Make it a JSON file, or remove it.`);
    return detectLoneNode(view);
  }
  // readJson throws a SyntaxError naming the file: a broken package.json is the user's to fix, not to guess around.
  const json = (await view.readJson<unknown>('package.json')) ?? {};
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SyntaxError(
      `${view.rel('package.json')}: the top level must be an object ({ "name": ..., "scripts": ... }), not ${Array.isArray(json) ? 'an array' : json === null ? 'null' : `a ${typeof json}`}`,
    );
  }
  const pkg = json as PackageJson;
  // A deno.json project keeps a package.json for npm tooling; Deno runs it unless a start script says otherwise.
  const denoConfig = (await view.exists('deno.json')) || (await view.exists('deno.jsonc'));
  if (denoConfig && (!pkg.scripts?.start || /^deno\b/.test(pkg.scripts.start.trim()))) return undefined;
  const np = nodePackage(view, pkg, text);
  const pm = await detectPackageManager(view, np);
  const runtime = pm.fact.value === 'bun' ? 'bun' : 'node';
  // A package with no dependencies has nothing to lock: a missing lockfile is neither a remark nor a doubt.
  const nothingToLock = !Object.keys(pkg.dependencies ?? {}).length && !Object.keys(pkg.devDependencies ?? {}).length;
  const notes = pm.notes.filter((n) => !nothingToLock || !/No lockfile/.test(n));
  const choice = runtime === 'bun' ? bunVersion(np) : await detectNodeVersion(view, np);
  const version: Fact<string> = choice.fact;

  const plan = await detectFramework(view, np, pm.fact.value);
  notes.push(...plan.notes);
  // Frameworks decide start and port themselves; plain servers start as the Procfile, else the start script, says.
  const web = await readProcfileWeb(view);
  if (web && plan.start)
    notes.push(
      `${web.evidence.file}:${web.evidence.line} declares \`web: ${web.raw}\`; the image starts the ${plan.framework?.value ?? 'framework'} build as shown instead, since it ships only what that build produced.`,
    );
  const fromProcfile = web && !plan.start ? procfileStart(web, np) : undefined;
  const generic = plan.start ? undefined : (fromProcfile ?? (await resolveStart(view, np, runtime)));
  const started = plan.start ?? generic?.start;
  const envFiles = started ? optionalEnvFiles(started, version.value) : undefined;
  const start = envFiles?.start;
  if (envFiles?.note) notes.push(envFiles.note);
  if (generic) notes.push(...generic.notes);
  let port: PortFinding | undefined = plan.port;
  if (!port) {
    const scan = await scanNodePort(view, plan.entry ?? generic?.entry, runtime);
    if (scan) notes.push(...scan.notes);
    port = scan?.finding;
  }
  if (!start && !plan.notes.length)
    notes.push(
      'No start script, "main" or server.js/index.js/app.js was found, so Devgem does not know how to start this app. Add "scripts": { "start": "node <your server file>" } to package.json.',
    );
  if (!port) {
    port = {
      port: DEFAULT_PORT,
      source: 'devgem-default',
      honoursPortEnv: false,
      evidence: [{ file: view.rel('package.json'), detail: 'no listen() call or PORT read found in the source' }],
    };
    if (start)
      notes.push(`Devgem found no listen() call in the source and assumes the app listens on $PORT (${DEFAULT_PORT}). Check that it reads process.env.PORT.`);
  } else if (port.fix) {
    notes.push(`The app listens on port ${port.port} and ignores $PORT (${port.fix.file}:${port.fix.line}); Devgem can change that line to read PORT.`);
  }

  const hints: AppAnalysis['hints'] = { ...plan.hints, runtime, manifests: pm.manifests };
  if (plan.build) {
    const named = /\b(?:(?:npm|pnpm|bun)\s+run|yarn(?:\s+run)?)\s+([\w:.-]+)/.exec(plan.build.value)?.[1];
    const listed = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages;
    const members = Array.isArray(listed) ? listed.filter((w): w is string => typeof w === 'string') : [];
    const sub = await folderInstalls(view, pkg.scripts, named, pm.fact.value === 'bun', members);
    if (sub.commands.length) {
      hints.folderInstalls = sub.commands;
      plan.build.evidence.push(...sub.evidence);
      notes.push(
        `The build works in ${sub.commands.map((c) => c.split(' ').pop()).join(', ')} with dependencies of its own: the image installs them first (${sub.commands.join('; ')}).`,
      );
    }
  }
  if (pm.lockfile) hints.lockfile = pm.lockfile;
  if (await view.exists('public')) hints.hasPublic = true;
  // PORT is Cloud Run's to set; NODE_ENV=production the image sets anyway.
  const startEnv = (generic?.env ?? []).filter((e) => !/^(PORT=|NODE_ENV=production$)/.test(e));
  if (startEnv.length) hints.startEnv = startEnv;
  // A start run by a devDependency (tsx, ts-node) needs devDependencies in the image.
  const bin = /^node_modules\/\.bin\/(.+)$/.exec(start?.value[0] ?? '')?.[1];
  if (bin && pkg.devDependencies?.[bin]) {
    hints.keepDevDependencies = true;
    notes.push(`The start runs ${bin}, a devDependency, so the image keeps devDependencies. Compiling ahead of time makes a smaller image.`);
  }
  let pnp = false;
  if (pm.fact.value === 'yarn-berry' && !/^\s*nodeLinker:\s*["']?(node-modules|pnpm)/m.test((await view.readText('.yarnrc.yml')) ?? '')) {
    pnp = true;
    notes.push(
      "Yarn Plug'n'Play leaves no node_modules, which plain `node` cannot load packages from. Set `nodeLinker: node-modules` in .yarnrc.yml for a dependable image.",
    );
  }
  const framework = plan.framework;
  // High needs the lockfile, a start, and either a known framework or the port read from the code.
  const strongPort = plan.stack === 'node-static' || port.source !== 'devgem-default';
  const confidence: Confidence = generic?.missingEntry
    ? 'low'
    : start && !pnp && (pm.lockfile || nothingToLock) && strongPort && (framework || port.source === 'code')
      ? 'high'
      : start
        ? 'medium'
        : 'low';
  const name = (pkg.name?.replace(/^@[^/]+\//, '') || path.basename(view.abs())).toLowerCase();
  return {
    path: view.dir,
    name,
    stack: plan.stack,
    language: await language(view, np.has),
    version,
    packageManager: pm.fact,
    ...(framework ? { framework } : {}),
    ...(plan.build ? { build: plan.build } : {}),
    ...(start ? { start } : {}),
    port,
    confidence,
    context: view.dir,
    hints,
    notes,
    needs: [],
    warnings: choice.warnings,
  };
}

export const nodeDetectors: Detector[] = [{ name: 'node', detect: detectNode }];
