// Dockerfiles for Node/Bun servers ('node') and for single-page apps built with
// Node and served as static files ('node-static').
//
// hints read here (set by src/core/analysis/node.ts):
//   runtime        'node' | 'bun' — Bun as package manager (and runtime when the start runs `bun`)
//   manifests      string[] — package.json, lockfile, .npmrc/.yarnrc.yml, '.yarn/releases'
//   lockfile       string — the lockfile name; absent → unlocked install
//   nextStandalone true — Next.js output: 'standalone' (copy .next/standalone only)
//   runtimeDirs    string[] — build output that is the whole runtime (Nuxt: .output)
//   hostEnv        'HOST' — the server binds to $HOST, so set it to 0.0.0.0 (Astro node adapter)
//   hasPublic      true — a public/ folder exists (Next standalone copies it)
//   outputDir      string — where the static build lands ('node-static')
//   startEnv       string[] — VAR=value pairs the start script set (become ENV lines)
//   keepDevDependencies true — the start needs a devDependency (tsx, ts-node): no production-only install
//   workspaceManifests string[] — a member built from the workspace root: root manifests and members' package.json
import { DEFAULT_PORT } from '../analysis/detector';
import { RUNTIMES, STATIC_IMAGE } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { DevgemError } from '../base/errors';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratedFiles, type GeneratorMap, startEnvLines } from './generator';
import { BUN_BINARY, copyManifests, copyWorkspaceManifests, installCommand, pruneCommand } from './nodeInstall';
import { nginxServer, writeTemplate } from './staticSite';

const NODE_IGNORE = [
  'node_modules',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.astro',
  '.turbo',
  '.pnpm-store',
  'coverage',
  'npm-debug.log*',
  'yarn-error.log',
];

interface Images {
  image: string;
  user: string;
  /** Lines that put Bun into a Node image when Bun installs but Node runs. */
  bunOnNode: string[];
  /** Stages the others copy from (Bun's image when Bun installs on Node), first in the file. */
  prelude: string[];
}

function images(app: AppAnalysis, start: string[] | undefined): Images {
  const node = RUNTIMES.node;
  if (app.hints.runtime !== 'bun') return { image: node.image(app.version?.value ?? node.preferred), user: 'node', bunOnNode: [], prelude: [] };
  if (!start || start[0] === 'bun' || start[0] === 'nginx')
    return { image: RUNTIMES.bun.image(app.version?.value ?? RUNTIMES.bun.preferred), user: 'bun', bunOnNode: [], prelude: [] };
  // A framework server started with node: run it on Node (the active LTS), install with Bun.
  return {
    image: node.image(node.preferred),
    user: 'node',
    bunOnNode: [BUN_BINARY],
    prelude: [`FROM ${RUNTIMES.bun.image(RUNTIMES.bun.preferred)} AS bun`, ''],
  };
}

function portEnv(app: AppAnalysis): string[] {
  const lines: string[] = [];
  // A hard-coded port other than 8080 gets no PORT: the app would not read it anyway.
  if (app.port.honoursPortEnv || app.port.port === DEFAULT_PORT) lines.push(`ENV PORT=${DEFAULT_PORT}`);
  if (app.hints.nextStandalone) lines.push('ENV HOSTNAME=0.0.0.0');
  if (app.hints.hostEnv) lines.push(`ENV ${app.hints.hostEnv}=0.0.0.0`);
  lines.push(...startEnvLines(app));
  return lines;
}

function buildStage(app: AppAnalysis, img: Images, build: string): string[] {
  return [
    `FROM ${img.image} AS build`,
    ...img.bunOnNode,
    'WORKDIR /app',
    ...copyManifests(app),
    `RUN ${installCommand(app, 'all')}`,
    'COPY . .',
    // Folders the build works in with dependencies of their own (a client/ beside the server).
    ...(Array.isArray(app.hints.folderInstalls) ? app.hints.folderInstalls.map((c) => `RUN ${c}`) : []),
    `RUN ${build}`,
  ];
}

/** What the runtime stage takes from the build stage. */
function runtimeCopies(app: AppAnalysis, user: string): string[] {
  const from = `COPY --from=build --chown=${user}:${user}`;
  if (app.hints.nextStandalone) {
    return [`${from} /app/.next/standalone ./`, `${from} /app/.next/static ./.next/static`, ...(app.hints.hasPublic ? [`${from} /app/public ./public`] : [])];
  }
  const dirs = app.hints.runtimeDirs;
  if (Array.isArray(dirs) && dirs.length) return dirs.map((d) => `${from} /app/${d} ./${d}`);
  return [`${from} /app ./`];
}

function startOf(app: AppAnalysis): string[] {
  const start = app.start?.value;
  if (!start) {
    throw new DevgemError('failed-precondition', `Devgem could not tell how to start ${app.name || 'this Node.js app'}.`, {
      fix: app.notes.find((n) => /start|adapter/i.test(n)) ?? 'Add "scripts": { "start": "node <your server file>" } to package.json, or add a Dockerfile.',
    });
  }
  return start;
}

/** The install at the workspace root: manifests first where the analysis listed them, then the source. */
function rootInstall(app: AppAnalysis, copySource: string): string[] {
  const manifests = copyWorkspaceManifests(app);
  const install = `RUN ${installCommand(app, 'all')}`;
  return manifests ? [...manifests, install, copySource] : [copySource, install];
}

/**
 * A workspace member that uses shared workspace packages: the whole workspace
 * is the context, installed once at the root with its lockfile, and the app runs
 * from its own folder. One stage, because the shared packages are needed at run time.
 */
function workspaceMember(app: AppAnalysis): GeneratedFiles {
  const start = startOf(app);
  const img = images(app, start);
  const lines = [
    GENERATED_HEADER,
    ...img.prelude,
    `# Built from the workspace root: ${app.path} uses shared workspace packages.`,
    `FROM ${img.image}`,
    ...img.bunOnNode,
    'WORKDIR /app',
    ...rootInstall(app, `COPY --chown=${img.user}:${img.user} . .`),
    `WORKDIR /app/${app.path}`,
    ...(app.build ? [`RUN ${app.build.value}`] : []),
    'ENV NODE_ENV=production',
    ...portEnv(app),
    `USER ${img.user}`,
    `EXPOSE ${app.port.port}`,
    cmd(start),
    '',
  ];
  return { dockerfile: lines.join('\n'), dockerignore: dockerignore(NODE_IGNORE.map((d) => (d === 'node_modules' ? '**/node_modules' : d))) };
}

function nodeServer(app: AppAnalysis): GeneratedFiles {
  if (app.context !== app.path) return workspaceMember(app);
  const start = startOf(app);
  const img = images(app, start);
  const lines = [GENERATED_HEADER, ...img.prelude];
  if (app.hints.noPackageJson) {
    // Nothing to install: Node's own modules are all the server uses.
    lines.push(`FROM ${img.image}`, 'WORKDIR /app', `COPY --chown=${img.user}:${img.user} . .`, 'ENV NODE_ENV=production', ...portEnv(app));
  } else if (app.build) {
    // Only the full app copy needs devDependencies removed; standalone/.output builds carry their own.
    const prune = app.hints.nextStandalone || app.hints.keepDevDependencies || Array.isArray(app.hints.runtimeDirs) ? undefined : pruneCommand(app);
    lines.push(...buildStage(app, img, app.build.value), ...(prune ? [`RUN ${prune}`] : []), '');
    lines.push(`FROM ${img.image}`, 'WORKDIR /app', 'ENV NODE_ENV=production', ...portEnv(app), ...runtimeCopies(app, img.user));
  } else {
    lines.push(
      `FROM ${img.image}`,
      ...img.bunOnNode,
      'WORKDIR /app',
      ...copyManifests(app),
      `RUN ${installCommand(app, app.hints.keepDevDependencies ? 'all' : 'production')}`,
      `COPY --chown=${img.user}:${img.user} . .`,
      // After the install: npm and yarn skip devDependencies whenever NODE_ENV=production.
      'ENV NODE_ENV=production',
      ...portEnv(app),
    );
  }
  lines.push(`USER ${img.user}`, `EXPOSE ${app.port.port}`, cmd(start), '');
  return { dockerfile: lines.join('\n'), dockerignore: dockerignore(NODE_IGNORE) };
}

function staticSite(app: AppAnalysis): GeneratedFiles {
  const outputDir = typeof app.hints.outputDir === 'string' ? app.hints.outputDir : 'dist';
  const img = images(app, ['nginx']);
  const build = app.build?.value ?? 'npm run build';
  const fromWorkspaceRoot = app.context !== app.path;
  // A member using shared workspace packages installs at the workspace root and builds in its folder.
  const stage = fromWorkspaceRoot
    ? [
        `# Built from the workspace root: ${app.path} uses shared workspace packages.`,
        `FROM ${img.image} AS build`,
        ...img.bunOnNode,
        'WORKDIR /app',
        ...rootInstall(app, 'COPY . .'),
        `WORKDIR /app/${app.path}`,
        `RUN ${build}`,
      ]
    : buildStage(app, img, build);
  const built = fromWorkspaceRoot ? `/app/${app.path}/${outputDir}` : `/app/${outputDir}`;
  const lines = [
    GENERATED_HEADER,
    ...img.prelude,
    ...stage,
    '',
    `FROM ${STATIC_IMAGE}`,
    'USER root',
    // nginx's entrypoint renders the template with envsubst at start, so `listen ${PORT}` follows Cloud Run's PORT.
    writeTemplate(nginxServer({ ...app, hints: { ...app.hints, pushstate: true } })),
    `COPY --from=build ${built} /usr/share/nginx/html`,
    // The unprivileged image's own user (uid 101) owns nginx's cache, pid and conf.d.
    'USER 101',
    `ENV PORT=${DEFAULT_PORT}`,
    `EXPOSE ${DEFAULT_PORT}`,
    cmd(['nginx', '-g', 'daemon off;']),
    '',
  ];
  return { dockerfile: lines.join('\n'), dockerignore: dockerignore([...NODE_IGNORE, outputDir]) };
}

export const nodeGenerators: GeneratorMap = { node: nodeServer, 'node-static': staticSite };
