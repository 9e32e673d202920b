// Which Node framework the app uses, and what that framework fixes: the build,
// the start command, the port (full-stack frameworks read $PORT themselves) and
// whether the output is a server at all or static files (stack 'node-static').
import { DEFAULT_PORT } from './detector';
import { grep, type DirView } from './dirView';
import { parseScript } from './nodeStart';
import type { NodePackage } from './nodePackage';
import type { Evidence, Fact, PortFinding } from './types';

export interface FrameworkPlan {
  framework?: Fact<string>;
  stack: 'node' | 'node-static';
  build?: Fact<string>;
  /** Set when the framework decides the start; otherwise the start script / entry file does. */
  start?: Fact<string[]>;
  /** Set when the framework decides the port; otherwise the source code does. */
  port?: PortFinding;
  /** Source file to scan first for the port (NestJS: src/main.ts). */
  entry?: string;
  hints: Record<string, string | number | boolean | string[]>;
  notes: string[];
}

const RUN: Record<string, string> = { npm: 'npm run', yarn: 'yarn', 'yarn-berry': 'yarn', pnpm: 'pnpm run', bun: 'bun run' };

/** The build script run with the app's package manager, else the framework's own build command. */
function buildFact(np: NodePackage, pm: string, fallback?: string): Fact<string> | undefined {
  if (np.pkg.scripts?.build) return { value: `${RUN[pm] ?? 'npm run'} build`, evidence: [np.at('build', `build script: ${np.pkg.scripts.build}`)] };
  if (fallback) return { value: fallback, evidence: [{ file: np.at('name', '').file, detail: `no build script; ${fallback}` }] };
  return undefined;
}

function readsPort(dep: Evidence, what: string): PortFinding {
  return { port: DEFAULT_PORT, source: 'framework-default', honoursPortEnv: true, evidence: [dep, { file: dep.file, detail: what }] };
}

/** Static output is served by the generated image's web server, which listens on $PORT. */
function staticPlan(np: NodePackage, pm: string, framework: Fact<string>, outputDir: string, fallbackBuild: string, notes: string[] = []): FrameworkPlan {
  return {
    framework,
    stack: 'node-static',
    build: buildFact(np, pm, fallbackBuild),
    start: { value: ['nginx', '-g', 'daemon off;'], evidence: [{ file: np.at('name', '').file, detail: `static files from ${outputDir}/ served by nginx` }] },
    port: {
      port: DEFAULT_PORT,
      source: 'devgem-default',
      honoursPortEnv: true,
      evidence: [{ file: np.at('name', '').file, detail: `static files served by nginx on $PORT (${DEFAULT_PORT})` }],
    },
    hints: { outputDir },
    notes,
  };
}

async function firstConfig(view: DirView, base: string): Promise<string | undefined> {
  for (const ext of ['.ts', '.mjs', '.js', '.cjs', '.mts']) if (await view.exists(base + ext)) return base + ext;
  return undefined;
}

async function configMatch(view: DirView, base: string, re: RegExp): Promise<{ file: string; line: number; match: RegExpExecArray } | undefined> {
  const file = await firstConfig(view, base);
  const hit = file ? await grep(view, file, re) : undefined;
  return hit && file ? { file, line: hit.line, match: hit.match } : undefined;
}

async function nextPlan(view: DirView, np: NodePackage, pm: string, fw: Fact<string>): Promise<FrameworkPlan> {
  const dep = fw.evidence[0];
  const build = buildFact(np, pm, 'node_modules/.bin/next build');
  const standalone = await configMatch(view, 'next.config', /output\s*:\s*['"]standalone['"]/);
  if (standalone) {
    return {
      framework: fw,
      stack: 'node',
      build,
      start: {
        value: ['node', 'server.js'],
        evidence: [{ file: view.rel(standalone.file), line: standalone.line, detail: "output: 'standalone' (the image runs .next/standalone/server.js)" }],
      },
      port: readsPort(dep, 'the Next.js standalone server reads $PORT (default 3000)'),
      hints: { nextStandalone: true },
      notes: [],
    };
  }
  return {
    framework: fw,
    stack: 'node',
    build,
    start: { value: ['sh', '-c', 'exec node_modules/.bin/next start -p ${PORT:-8080}'], evidence: [dep] },
    port: readsPort(dep, '`next start -p $PORT`; Next.js defaults to 3000'),
    hints: {},
    notes: ["Setting output: 'standalone' in next.config makes a much smaller image."],
  };
}

function remixPlan(np: NodePackage, pm: string, fw: Fact<string>, serveBin: string, defaultBuild: string): FrameworkPlan {
  const dep = fw.evidence[0];
  const script = np.pkg.scripts?.start;
  const parsed = script?.includes(serveBin) ? parseScript(script, np.pkg.scripts) : undefined;
  const start: Fact<string[]> = parsed
    ? { value: parsed.args, evidence: [np.at('start', `start script: ${script}`)] }
    : { value: [`node_modules/.bin/${serveBin}`, defaultBuild], evidence: [dep] };
  return {
    framework: fw,
    stack: 'node',
    build: buildFact(np, pm),
    start,
    port: readsPort(dep, `${serveBin} reads $PORT (default 3000)`),
    hints: {},
    notes: [],
  };
}

async function angularPlan(view: DirView, np: NodePackage, pm: string, fw: Fact<string>): Promise<FrameworkPlan> {
  type Project = { architect?: { build?: { builder?: string; options?: { outputPath?: string | { base?: string }; ssr?: unknown; server?: string } } } };
  const ng = await view.readJson<{ defaultProject?: string; projects?: Record<string, Project> }>('angular.json').catch(() => undefined);
  const names = Object.keys(ng?.projects ?? {});
  const name = ng?.defaultProject ?? names[0] ?? np.pkg.name ?? 'app';
  const build = ng?.projects?.[name]?.architect?.build;
  const raw = build?.options?.outputPath;
  const out = (typeof raw === 'string' ? raw : raw?.base) ?? `dist/${name}`;
  // The application builder (Angular 17+) writes browser/ and server/ below outputPath.
  const appBuilder = /:application$/.test(build?.builder ?? '');
  if (np.has('@angular/ssr') && (build?.options?.ssr || build?.options?.server)) {
    return {
      framework: { value: 'angular-ssr', evidence: fw.evidence },
      stack: 'node',
      build: buildFact(np, pm, 'node_modules/.bin/ng build'),
      start: { value: ['node', `${out}/server/server.mjs`], evidence: [{ file: view.rel('angular.json'), detail: `SSR build of project ${name} in ${out}` }] },
      port: readsPort(np.at('@angular/ssr', '@angular/ssr'), "Angular's SSR server reads $PORT (default 4000)"),
      hints: {},
      notes: [],
    };
  }
  return staticPlan(np, pm, fw, appBuilder ? `${out}/browser` : out, 'node_modules/.bin/ng build');
}

/** The framework's plan; a plain server (Express, Fastify, Koa, Hono, none) leaves start and port to the source. */
export async function detectFramework(view: DirView, np: NodePackage, pm: string): Promise<FrameworkPlan> {
  const fact = (value: string, dep: string): Fact<string> => ({ value, evidence: [np.at(dep, `depends on ${dep}`)] });
  const has = (dep: string) => np.has(dep);

  if (has('next')) return nextPlan(view, np, pm, fact('nextjs', 'next'));
  if (has('nuxt')) {
    const fw = fact('nuxt', 'nuxt');
    return {
      framework: fw,
      stack: 'node',
      build: buildFact(np, pm, 'node_modules/.bin/nuxt build'),
      start: {
        value: ['node', '.output/server/index.mjs'],
        evidence: [{ file: fw.evidence[0].file, detail: 'Nuxt builds its server to .output/server/index.mjs' }],
      },
      port: readsPort(fw.evidence[0], 'the Nuxt (Nitro) server reads $PORT (default 3000)'),
      hints: { runtimeDirs: ['.output'] },
      notes: [],
    };
  }
  if (has('@remix-run/serve')) {
    const viteBuild = (await firstConfig(view, 'vite.config')) !== undefined;
    return remixPlan(np, pm, fact('remix', '@remix-run/serve'), 'remix-serve', viteBuild ? 'build/server/index.js' : 'build/index.js');
  }
  if (has('@react-router/dev')) {
    // SPA mode (ssr: false) builds only build/client, even when the template kept @react-router/serve.
    const spa =
      (await configMatch(view, 'react-router.config', /ssr\s*:\s*false/)) ??
      (await configMatch(view, 'vite.config', /reactRouter\(\s*\{[^)]*ssr\s*:\s*false/s));
    if (spa) {
      const fw: Fact<string> = {
        value: 'react-router',
        evidence: [np.at('@react-router/dev', 'depends on @react-router/dev'), { file: view.rel(spa.file), line: spa.line, detail: 'ssr: false (SPA mode)' }],
      };
      const plan = staticPlan(np, pm, fw, 'build/client', 'node_modules/.bin/react-router build');
      return { ...plan, hints: { ...plan.hints, spaMode: true } };
    }
  }
  if (has('@react-router/serve')) return remixPlan(np, pm, fact('react-router', '@react-router/serve'), 'react-router-serve', 'build/server/index.js');
  if (has('@sveltejs/kit')) {
    const fw = fact('sveltekit', '@sveltejs/kit');
    if (has('@sveltejs/adapter-node')) {
      return {
        framework: fw,
        stack: 'node',
        build: buildFact(np, pm, 'node_modules/.bin/vite build'),
        start: { value: ['node', 'build/index.js'], evidence: [np.at('@sveltejs/adapter-node', 'adapter-node builds the server to build/index.js')] },
        port: readsPort(np.at('@sveltejs/adapter-node', '@sveltejs/adapter-node'), 'adapter-node reads $PORT (default 3000)'),
        hints: {},
        notes: [],
      };
    }
    if (has('@sveltejs/adapter-static')) return staticPlan(np, pm, fw, 'build', 'node_modules/.bin/vite build');
    return {
      framework: fw,
      stack: 'node',
      build: buildFact(np, pm),
      hints: {},
      notes: [
        'This SvelteKit app does not use @sveltejs/adapter-node, so its build has no server to run on Cloud Run. Install adapter-node and use it in svelte.config.js.',
      ],
    };
  }
  if (has('astro')) {
    const fw = fact('astro', 'astro');
    if (has('@astrojs/node')) {
      return {
        framework: fw,
        stack: 'node',
        build: buildFact(np, pm, 'node_modules/.bin/astro build'),
        start: { value: ['node', 'dist/server/entry.mjs'], evidence: [np.at('@astrojs/node', '@astrojs/node builds dist/server/entry.mjs')] },
        port: readsPort(np.at('@astrojs/node', '@astrojs/node'), 'the Astro node adapter (standalone) reads $PORT and HOST'),
        hints: { hostEnv: 'HOST' },
        notes: ["Devgem assumes the Astro node adapter runs in mode 'standalone'."],
      };
    }
    const server = await configMatch(view, 'astro.config', /output\s*:\s*['"]server['"]/);
    const notes = server ? [`${server.file} sets output: 'server' but there is no @astrojs/node adapter; Devgem deploys the static build.`] : [];
    return staticPlan(np, pm, fw, 'dist', 'node_modules/.bin/astro build', notes);
  }
  if (has('@angular/core')) return angularPlan(view, np, pm, fact('angular', '@angular/core'));
  if (has('@nestjs/core')) {
    const fw = fact('nestjs', '@nestjs/core');
    const prod = np.pkg.scripts?.['start:prod'];
    const parsed = prod ? parseScript(prod, np.pkg.scripts) : undefined;
    const file = parsed?.args[0] === 'node' ? parsed.args[1]?.replace(/^\.\//, '') : undefined;
    const start: Fact<string[]> = file
      ? { value: ['node', /\.[cm]?js$/.test(file) ? file : `${file}.js`], evidence: [np.at('start:prod', `start:prod script: ${prod}`)] }
      : { value: ['node', 'dist/main.js'], evidence: [{ file: fw.evidence[0].file, detail: 'nest build writes dist/main.js' }] };
    return { framework: fw, stack: 'node', build: buildFact(np, pm, 'node_modules/.bin/nest build'), start, entry: 'src/main.ts', hints: {}, notes: [] };
  }
  for (const [dep, name] of [
    ['express', 'express'],
    ['fastify', 'fastify'],
    ['koa', 'koa'],
    ['hono', 'hono'],
    ['@hapi/hapi', 'hapi'],
    ['@remix-run/express', 'remix'],
  ] as const) {
    if (has(dep)) return { framework: fact(name, dep), stack: 'node', build: buildFact(np, pm), hints: {}, notes: [] };
  }
  if (has('react-scripts')) return staticPlan(np, pm, fact('create-react-app', 'react-scripts'), 'build', 'node_modules/.bin/react-scripts build');
  if (has('vite')) {
    const outDir = await configMatch(view, 'vite.config', /outDir\s*:\s*['"]([^'"]+)['"]/);
    const notes = /vite preview/.test(np.pkg.scripts?.start ?? '')
      ? ['The start script runs `vite preview`, a local preview server; the image serves the built files with nginx instead.']
      : [];
    return staticPlan(np, pm, fact('vite', 'vite'), outDir?.match[1].replace(/^\.\//, '') ?? 'dist', 'node_modules/.bin/vite build', notes);
  }
  return { stack: 'node', build: buildFact(np, pm), hints: {}, notes: [] };
}
