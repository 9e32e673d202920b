import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirView } from '../../src/core/analysis/dirView';
import { nodeDetectors } from '../../src/core/analysis/node';
import { nodeLineOf } from '../../src/core/analysis/nodeVersion';
import { parseScript } from '../../src/core/analysis/nodeStart';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { nodeGenerators } from '../../src/core/dockerfiles/node';
import { DevgemError } from '../../src/core/base/errors';
import { detectFixture, FIXTURES, startAndFetch } from '../support/analysisFixtures';

const analyze = (name: string): Promise<AppAnalysis> => detectFixture(nodeDetectors, name, 'Node');

function dockerfile(app: AppAnalysis): string {
  const generate = nodeGenerators[app.stack];
  assert.ok(generate, `a generator for ${app.stack}`);
  return generate(app).dockerfile;
}

interface Expected {
  stack: 'node' | 'node-static';
  language: 'javascript' | 'typescript';
  version: string;
  pm: string;
  framework?: string;
  build?: string;
  start: string[];
  port: number;
  honours: boolean;
  /** Evidence file (relative to test/fixtures) and line of the port finding; no line for framework defaults without one. */
  portAt: [string, number?];
  confidence: 'high' | 'medium' | 'low';
  /** Lines the Dockerfile must contain. */
  lines: string[];
}

const CASES: Record<string, Expected> = {
  'node-express-npm': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    framework: 'express',
    start: ['node', 'server.js'],
    port: 8080,
    honours: true,
    portAt: ['node-express-npm/server.js', 4],
    confidence: 'high',
    lines: [
      'FROM node:26-slim',
      'COPY package.json package-lock.json ./',
      'RUN npm ci --omit=dev',
      'ENV PORT=8080',
      'USER node',
      'EXPOSE 8080',
      'CMD ["node","server.js"]',
    ],
  },
  'node-fastify-pnpm': {
    stack: 'node',
    language: 'javascript',
    version: '20',
    pm: 'pnpm',
    framework: 'fastify',
    start: ['node', 'index.js'],
    port: 3000,
    honours: false,
    portAt: ['node-fastify-pnpm/index.js', 5],
    confidence: 'high',
    lines: ['FROM node:20-slim', 'RUN corepack enable && pnpm install --frozen-lockfile --prod', 'USER node', 'EXPOSE 3000', 'CMD ["node","index.js"]'],
  },
  'node-koa-yarn': {
    stack: 'node',
    language: 'javascript',
    version: '18',
    pm: 'yarn',
    framework: 'koa',
    start: ['node', 'src/app.js'],
    port: 4000,
    honours: false,
    portAt: ['node-koa-yarn/src/app.js', 4],
    confidence: 'high',
    lines: [
      'FROM node:18-slim',
      'COPY package.json yarn.lock ./',
      'RUN yarn install --frozen-lockfile --production',
      'USER node',
      'EXPOSE 4000',
      'CMD ["node","src/app.js"]',
    ],
  },
  'node-hono-bun': {
    stack: 'node',
    language: 'typescript',
    version: '1.1',
    pm: 'bun',
    framework: 'hono',
    start: ['bun', 'src/index.ts'],
    port: 8080,
    honours: true,
    portAt: ['node-hono-bun/src/index.ts', 7],
    confidence: 'high',
    lines: [
      'FROM oven/bun:1.1-slim',
      'COPY package.json bun.lock ./',
      'RUN bun install --frozen-lockfile --production',
      'USER bun',
      'EXPOSE 8080',
      'CMD ["bun","src/index.ts"]',
    ],
  },
  'node-nest-ts': {
    stack: 'node',
    language: 'typescript',
    version: '20',
    pm: 'npm',
    framework: 'nestjs',
    build: 'npm run build',
    start: ['node', 'dist/main.js'],
    port: 3000,
    honours: false,
    portAt: ['node-nest-ts/src/main.ts', 6],
    confidence: 'high',
    lines: [
      'FROM node:20-slim AS build',
      'RUN npm ci',
      'RUN npm run build',
      'RUN npm prune --omit=dev',
      'FROM node:20-slim',
      'COPY --from=build --chown=node:node /app ./',
      'USER node',
      'EXPOSE 3000',
      'CMD ["node","dist/main.js"]',
    ],
  },
  'node-next': {
    stack: 'node',
    language: 'javascript',
    version: '20',
    pm: 'npm',
    framework: 'nextjs',
    build: 'npm run build',
    start: ['node', 'server.js'],
    port: 8080,
    honours: true,
    portAt: ['node-next/package.json', 12],
    confidence: 'high',
    lines: [
      'FROM node:20-slim AS build',
      'RUN npm ci',
      'ENV HOSTNAME=0.0.0.0',
      'COPY --from=build --chown=node:node /app/.next/standalone ./',
      'COPY --from=build --chown=node:node /app/.next/static ./.next/static',
      'COPY --from=build --chown=node:node /app/public ./public',
      'USER node',
      'EXPOSE 8080',
      'CMD ["node","server.js"]',
    ],
  },
  'node-next-yarn-berry': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'yarn-berry',
    framework: 'nextjs',
    build: 'yarn build',
    start: ['sh', '-c', 'exec node_modules/.bin/next start -p ${PORT:-8080}'],
    port: 8080,
    honours: true,
    portAt: ['node-next-yarn-berry/package.json', 11],
    confidence: 'high',
    lines: [
      'FROM node:26-slim AS build',
      'COPY package.json .yarnrc.yml yarn.lock ./',
      'RUN npm install -g corepack && corepack enable && yarn install --immutable',
      'ENV PORT=8080',
      'USER node',
      'CMD ["sh","-c","exec node_modules/.bin/next start -p ${PORT:-8080}"]',
    ],
  },
  'node-nuxt': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'pnpm',
    framework: 'nuxt',
    build: 'pnpm run build',
    start: ['node', '.output/server/index.mjs'],
    port: 8080,
    honours: true,
    portAt: ['node-nuxt/package.json', 12],
    confidence: 'high',
    lines: [
      'FROM node:26-slim AS build',
      'RUN npm install -g corepack && corepack enable && pnpm install --frozen-lockfile',
      'COPY --from=build --chown=node:node /app/.output ./.output',
      'USER node',
      'EXPOSE 8080',
      'CMD ["node",".output/server/index.mjs"]',
    ],
  },
  'node-remix': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    framework: 'remix',
    build: 'npm run build',
    start: ['node_modules/.bin/remix-serve', './build/server/index.js'],
    port: 8080,
    honours: true,
    portAt: ['node-remix/package.json', 13],
    confidence: 'high',
    lines: [
      'FROM node:26-slim AS build',
      'RUN npm prune --omit=dev',
      'USER node',
      'EXPOSE 8080',
      'CMD ["node_modules/.bin/remix-serve","./build/server/index.js"]',
    ],
  },
  'node-react-router': {
    stack: 'node',
    language: 'typescript',
    version: '26',
    pm: 'npm',
    framework: 'react-router',
    build: 'npm run build',
    start: ['node_modules/.bin/react-router-serve', 'build/server/index.js'],
    port: 8080,
    honours: true,
    portAt: ['node-react-router/package.json', 12],
    confidence: 'high',
    lines: ['FROM node:26-slim AS build', 'USER node', 'EXPOSE 8080', 'CMD ["node_modules/.bin/react-router-serve","build/server/index.js"]'],
  },
  'node-sveltekit-node': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    framework: 'sveltekit',
    build: 'npm run build',
    start: ['node', 'build/index.js'],
    port: 8080,
    honours: true,
    portAt: ['node-sveltekit-node/package.json', 12],
    confidence: 'high',
    lines: ['FROM node:26-slim AS build', 'RUN npm ci', 'USER node', 'EXPOSE 8080', 'CMD ["node","build/index.js"]'],
  },
  'node-astro-node': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'pnpm',
    framework: 'astro',
    build: 'pnpm run build',
    start: ['node', 'dist/server/entry.mjs'],
    port: 8080,
    honours: true,
    portAt: ['node-astro-node/package.json', 12],
    confidence: 'high',
    lines: ['FROM node:26-slim AS build', 'RUN pnpm prune --prod', 'ENV HOST=0.0.0.0', 'USER node', 'CMD ["node","dist/server/entry.mjs"]'],
  },
  'node-astro-static': {
    stack: 'node-static',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    framework: 'astro',
    build: 'npm run build',
    start: ['nginx', '-g', 'daemon off;'],
    port: 8080,
    honours: true,
    portAt: ['node-astro-static/package.json'],
    confidence: 'high',
    lines: ['FROM node:26-slim AS build', 'RUN npm ci', 'COPY --from=build /app/dist /usr/share/nginx/html'],
  },
  'node-angular': {
    stack: 'node-static',
    language: 'typescript',
    version: '26',
    pm: 'npm',
    framework: 'angular',
    build: 'npm run build',
    start: ['nginx', '-g', 'daemon off;'],
    port: 8080,
    honours: true,
    portAt: ['node-angular/package.json'],
    confidence: 'high',
    lines: ['FROM node:26-slim AS build', 'COPY --from=build /app/dist/shop/browser /usr/share/nginx/html'],
  },
  'node-vite-spa': {
    stack: 'node-static',
    language: 'javascript',
    version: '26',
    pm: 'yarn',
    framework: 'vite',
    build: 'yarn build',
    start: ['nginx', '-g', 'daemon off;'],
    port: 8080,
    honours: true,
    portAt: ['node-vite-spa/package.json'],
    confidence: 'high',
    lines: [
      'FROM node:26-slim AS build',
      'RUN npm install -g yarn@1.22.22 && yarn install --frozen-lockfile',
      'RUN yarn build',
      'COPY --from=build /app/www /usr/share/nginx/html',
    ],
  },
  'node-cra-spa': {
    stack: 'node-static',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    framework: 'create-react-app',
    build: 'npm run build',
    start: ['nginx', '-g', 'daemon off;'],
    port: 8080,
    honours: true,
    portAt: ['node-cra-spa/package.json'],
    confidence: 'high',
    lines: ['FROM node:26-slim AS build', 'COPY --from=build /app/build /usr/share/nginx/html'],
  },
  'node-plain-hardcoded-port': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    start: ['node', 'server.js'],
    port: 3000,
    honours: false,
    portAt: ['node-plain-hardcoded-port/server.js', 8],
    confidence: 'high',
    lines: ['FROM node:26-slim', 'COPY package.json ./', 'RUN npm install --omit=dev', 'USER node', 'EXPOSE 3000', 'CMD ["node","server.js"]'],
  },
  'node-plain-env': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    start: ['node', 'server.js'],
    port: 8080,
    honours: true,
    portAt: ['node-plain-env/server.js', 3],
    confidence: 'high',
    lines: ['FROM node:26-slim', 'RUN npm install --omit=dev', 'ENV PORT=8080', 'USER node', 'EXPOSE 8080', 'CMD ["node","server.js"]'],
  },
  'node-npm-start': {
    stack: 'node',
    language: 'javascript',
    version: '26',
    pm: 'npm',
    start: ['node', 'src/index.js'],
    port: 8080,
    honours: true,
    portAt: ['node-npm-start/src/index.js', 3],
    confidence: 'high',
    lines: ['FROM node:26-slim', 'RUN npm ci --omit=dev', 'ENV PORT=8080', 'USER node', 'EXPOSE 8080', 'CMD ["node","src/index.js"]'],
  },
  'node-typescript-build': {
    stack: 'node',
    language: 'typescript',
    version: '26',
    pm: 'npm',
    build: 'npm run build',
    start: ['node', 'build/server.js'],
    port: 8081,
    honours: false,
    portAt: ['node-typescript-build/src/server.ts', 3],
    confidence: 'high',
    lines: [
      'FROM node:26-slim AS build',
      'RUN npm ci',
      'RUN npm run build',
      'RUN npm prune --omit=dev',
      'USER node',
      'EXPOSE 8081',
      'CMD ["node","build/server.js"]',
    ],
  },
};

describe('Node analysis: fixtures', () => {
  for (const [name, want] of Object.entries(CASES)) {
    it(`${name}: ${want.framework ?? 'plain'} on ${want.pm}`, async () => {
      const app = await analyze(name);
      assert.equal(app.stack, want.stack);
      assert.equal(app.path, name);
      assert.equal(app.context, name);
      assert.equal(app.language.value, want.language);
      assert.equal(app.version?.value, want.version);
      assert.equal(app.packageManager?.value, want.pm);
      assert.equal(app.framework?.value, want.framework);
      assert.equal(app.build?.value, want.build);
      assert.deepEqual(app.start?.value, want.start);
      assert.equal(app.port.port, want.port);
      assert.equal(app.port.honoursPortEnv, want.honours);
      assert.equal(app.port.evidence[0].file, want.portAt[0]);
      assert.equal(app.port.evidence[0].line, want.portAt[1]);
      assert.equal(app.confidence, want.confidence);
      for (const fact of [app.language, app.version, app.packageManager, app.framework, app.build, app.start]) {
        if (fact) assert.ok(fact.evidence.length > 0 && fact.evidence.every((e) => e.file.startsWith(`${name}/`)), `evidence inside ${name}`);
      }
      const text = dockerfile(app);
      const lines = text.split('\n');
      assert.ok(text.startsWith('# Generated by Devgem.'));
      for (const line of want.lines) assert.ok(lines.includes(line), `${name} Dockerfile has "${line}":\n${text}`);
      if (want.honours) assert.ok(lines.includes('ENV PORT=8080'), 'PORT set when honoured');
      else assert.ok(!lines.includes('ENV PORT=8080') || want.port === 8080, 'no PORT for a hard-coded other port');
      assert.ok(
        lines.some((l) => /^USER (node|bun|101)$/.test(l)),
        'runs as a non-root user',
      );
      assert.match(lines.filter((l) => l.startsWith('CMD ')).pop() ?? '', /^CMD \[/, 'exec-form CMD');
    });
  }
});

describe('Node analysis: versions, package managers and start scripts', () => {
  it('reads the line a version file pins, code names included', () => {
    assert.equal(nodeLineOf('v20.11.1'), '20');
    assert.equal(nodeLineOf('18'), '18');
    assert.equal(nodeLineOf('lts/iron'), '20');
    assert.equal(nodeLineOf('lts/krypton'), '24');
    assert.equal(nodeLineOf('lts/lithium'), '26');
    assert.equal(nodeLineOf('lts/*', '2026-12-07'), '26');
    assert.equal(nodeLineOf('lts/*', '2026-09-01'), '24', 'Node 26 only became LTS on 2026-10-28');
    assert.equal(nodeLineOf('>=20'), undefined, 'a range is not a pin');
  });

  it('takes the version from .nvmrc with its line, from engines with the package.json line, else the active LTS', async () => {
    const fastify = await analyze('node-fastify-pnpm');
    assert.deepEqual(fastify.version?.evidence[0], { file: 'node-fastify-pnpm/.nvmrc', line: 1, detail: '.nvmrc "v20.12.2": pinned' });
    const express = await analyze('node-express-npm');
    assert.equal(express.version?.evidence[0].file, 'node-express-npm/package.json');
    assert.equal(express.version?.evidence[0].line, 6);
    const plain = await analyze('node-plain-env');
    assert.equal(plain.version?.value, '26');
    assert.match(plain.version?.evidence[0].detail ?? '', /^no version in \.nvmrc, \.node-version or engines\.node: the active LTS$/);
  });

  it('tells yarn berry from classic and follows the packageManager field', async () => {
    const berry = await analyze('node-next-yarn-berry');
    assert.equal(berry.packageManager?.evidence[0].detail, '"packageManager": "yarn@4.2.2"');
    assert.equal(berry.packageManager?.evidence[0].line, 4);
    assert.equal(berry.hints.lockfile, 'yarn.lock');
    const koa = await analyze('node-koa-yarn');
    assert.deepEqual(koa.packageManager?.evidence[0], { file: 'node-koa-yarn/yarn.lock', detail: 'lockfile yarn.lock' });
  });

  it('notes a missing lockfile when there are dependencies to lock, and not when there are none', async () => {
    const plain = await analyze('node-plain-hardcoded-port');
    assert.equal(plain.hints.lockfile, undefined);
    assert.ok(!plain.notes.some((n) => /No lockfile/.test(n)), 'no dependencies: nothing to lock');
    const { app, cleanup } = await scratch({
      'package.json': JSON.stringify({ name: 'deps', scripts: { start: 'node index.js' }, dependencies: { express: '^4' } }),
      'index.js': 'require("express")().listen(process.env.PORT);\n',
    });
    try {
      assert.ok(app.notes.some((n) => /No lockfile/.test(n)));
      assert.equal(app.confidence, 'medium', 'unlocked dependencies');
    } finally {
      await cleanup();
    }
  });

  it('turns start scripts into exec-form commands', () => {
    assert.deepEqual(parseScript('node server.js')?.args, ['node', 'server.js']);
    assert.deepEqual(parseScript('NODE_ENV=production node dist/index.js'), { args: ['node', 'dist/index.js'], env: ['NODE_ENV=production'] });
    assert.deepEqual(parseScript('nodemon --watch src src/app.js')?.args, ['node', 'src/app.js']);
    assert.deepEqual(parseScript('npm run serve', { serve: 'node api.js' })?.args, ['node', 'api.js']);
    assert.deepEqual(parseScript('bun run src/index.ts')?.args, ['bun', 'src/index.ts']);
    assert.deepEqual(parseScript('tsx src/index.ts')?.args, ['node_modules/.bin/tsx', 'src/index.ts']);
    assert.equal(parseScript('npm run build && node dist/index.js'), undefined);
    assert.equal(parseScript('npm start -w api', { start: 'npm start -w api' }), undefined);
    assert.equal(parseScript('turbo run start'), undefined);
    // pm2 start returns once its daemon has the app; the container needs pm2's foreground command.
    assert.deepEqual(parseScript('pm2 start server.js -i 2')?.args, ['node_modules/.bin/pm2-runtime', 'server.js', '-i', '2']);
    assert.deepEqual(parseScript('pm2 start ecosystem.config.js --env production')?.args, [
      'node_modules/.bin/pm2-runtime',
      'ecosystem.config.js',
      '--env',
      'production',
    ]);
    assert.deepEqual(parseScript('pm2 start server.js --no-daemon')?.args, ['node_modules/.bin/pm2', 'start', 'server.js', '--no-daemon']);
  });

  it('maps a compiled start back to its TypeScript source for the port scan', async () => {
    const app = await analyze('node-typescript-build');
    assert.equal(app.start?.evidence[0].file, 'node-typescript-build/src/server.ts');
    assert.ok(app.notes.some((n) => /build\/server\.js/.test(n)));
  });
});

describe('Node analysis: port fixes', () => {
  it('rewrites listen(3000) to read PORT in JavaScript', async () => {
    const { port } = await analyze('node-plain-hardcoded-port');
    assert.equal(port.source, 'code');
    assert.deepEqual(port.fix && { file: port.fix.file, line: port.fix.line, before: port.fix.before, after: port.fix.after }, {
      file: 'node-plain-hardcoded-port/server.js',
      line: 8,
      before: "server.listen(3000, () => console.log('listening'));",
      after: "server.listen(process.env.PORT || 3000, () => console.log('listening'));",
    });
  });

  it('rewrites the PORT constant, NestJS listen and Fastify listen (adding host 0.0.0.0)', async () => {
    const koa = (await analyze('node-koa-yarn')).port.fix;
    assert.equal(koa?.after, 'const PORT = process.env.PORT || 4000;');
    const nest = (await analyze('node-nest-ts')).port.fix;
    assert.equal(nest?.before, '  await app.listen(3000);');
    assert.equal(nest?.after, '  await app.listen(Number(process.env.PORT) || 3000);');
    const fastify = await analyze('node-fastify-pnpm');
    assert.equal(fastify.port.fix?.after, "fastify.listen({ port: Number(process.env.PORT) || 3000, host: '0.0.0.0' }, (err) => {");
    assert.ok(fastify.notes.some((n) => /0\.0\.0\.0/.test(n)));
    const ts = (await analyze('node-typescript-build')).port.fix;
    assert.equal(ts?.after, 'const port: number = Number(process.env.PORT) || 8081;');
  });

  it('leaves honoured ports without a fix', async () => {
    for (const name of ['node-express-npm', 'node-npm-start', 'node-hono-bun', 'node-next']) assert.equal((await analyze(name)).port.fix, undefined, name);
  });
});

describe('Node Dockerfiles', () => {
  it('serves single-page apps with nginx on $PORT with an SPA fallback', async () => {
    const app = await analyze('node-vite-spa');
    const { dockerfile: text, dockerignore } = nodeGenerators['node-static']!(app);
    assert.match(text, /^FROM nginxinc\/nginx-unprivileged:1\.30-alpine$/m);
    assert.match(text, /' {2}listen \$\{PORT\};'/);
    assert.match(text, /try_files \$uri \$uri\/ \/index\.html;/);
    assert.match(text, /^USER 101$/m);
    assert.match(text, /^CMD \["nginx","-g","daemon off;"\]$/m);
    assert.ok(dockerignore.split('\n').includes('node_modules'));
    assert.ok(dockerignore.split('\n').includes('www'));
  });

  it('installs before copying the source, and sets NODE_ENV after the install', async () => {
    const lines = dockerfile(await analyze('node-express-npm')).split('\n');
    assert.ok(lines.indexOf('RUN npm ci --omit=dev') < lines.indexOf('COPY --chown=node:node . .'));
    assert.ok(lines.indexOf('RUN npm ci --omit=dev') < lines.indexOf('ENV NODE_ENV=production'));
  });

  it('reports an app it cannot start as low confidence and refuses to guess a Dockerfile', async () => {
    const app = await analyze('node-no-start');
    assert.equal(app.confidence, 'low');
    assert.equal(app.start, undefined);
    assert.ok(app.notes.some((n) => /start script/.test(n)));
    assert.throws(
      () => nodeGenerators.node!(app),
      (err: unknown) => err instanceof DevgemError && err.kind === 'failed-precondition',
    );
  });

  it('ignores folders without package.json', async () => {
    assert.equal(await nodeDetectors[0].detect(new DirView(FIXTURES, 'python-flask-requirements')), undefined);
  });
});

/** A throwaway workspace for variations no fixture needs to keep. */
async function scratch(files: Record<string, string>): Promise<{ app: AppAnalysis; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-node-'));
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  const app = await nodeDetectors[0].detect(new DirView(dir, ''));
  assert.ok(app);
  return { app, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

describe('Node analysis: variations', () => {
  it("warns about Yarn Plug'n'Play and lowers confidence", async () => {
    const { app, cleanup } = await scratch({
      'package.json': JSON.stringify({ name: 'pnp', scripts: { start: 'node index.js' }, dependencies: { express: '^4' } }),
      'yarn.lock': '__metadata:\n  version: 8\n',
      '.yarnrc.yml': 'enableTelemetry: false\n',
      'index.js': 'require("express")().listen(process.env.PORT);\n',
    });
    try {
      assert.equal(app.packageManager?.value, 'yarn-berry');
      assert.ok(app.notes.some((n) => /Plug'n'Play/.test(n)));
      assert.equal(app.confidence, 'medium');
    } finally {
      await cleanup();
    }
  });

  it('follows packageManager over a stale lockfile, with a note', async () => {
    const { app, cleanup } = await scratch({
      'package.json': JSON.stringify({ name: 'x', packageManager: 'pnpm@9.0.0', main: 'index.js' }),
      'package-lock.json': '{}',
      'index.js': 'require("http").createServer().listen(process.env.PORT);\n',
    });
    try {
      assert.equal(app.packageManager?.value, 'pnpm');
      assert.equal(app.hints.lockfile, undefined);
      assert.ok(app.notes.some((n) => /packageManager/.test(n)));
      assert.ok(dockerfile(app).includes('RUN npm install -g corepack && corepack enable && pnpm install --prod'));
    } finally {
      await cleanup();
    }
  });

  it('keeps devDependencies when a devDependency runs the start, and carries start-script env into ENV', async () => {
    const { app, cleanup } = await scratch({
      'package.json': JSON.stringify({ name: 'tsx-app', scripts: { start: 'LOG_LEVEL=info tsx src/index.ts' }, devDependencies: { tsx: '^4' } }),
      'package-lock.json': '{}',
      'src/index.ts': 'import http from "node:http";\nhttp.createServer().listen(process.env.PORT ?? 3000);\n',
    });
    try {
      assert.deepEqual(app.start?.value, ['node_modules/.bin/tsx', 'src/index.ts']);
      assert.equal(app.port.evidence[0].file, 'src/index.ts');
      const lines = dockerfile(app).split('\n');
      assert.ok(lines.includes('RUN npm ci'), 'full install');
      assert.ok(lines.includes('ENV LOG_LEVEL=info'));
    } finally {
      await cleanup();
    }
  });

  it('installs with Bun but runs a Node framework server on Node', async () => {
    const { app, cleanup } = await scratch({
      'package.json': JSON.stringify({
        name: 'svelte-bun',
        scripts: { build: 'vite build' },
        devDependencies: { '@sveltejs/kit': '^2', '@sveltejs/adapter-node': '^5' },
      }),
      'bun.lockb': 'binary',
    });
    try {
      const lines = dockerfile(app).split('\n');
      assert.ok(lines.includes('FROM node:26-slim AS build'));
      // Bun comes from its own stage: the only images a build pulls are FROM lines.
      assert.equal(lines[1], 'FROM oven/bun:1-slim AS bun');
      assert.ok(lines.includes('COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun'));
      assert.ok(lines.includes('RUN bun install --frozen-lockfile'));
      assert.ok(lines.includes('USER node'));
    } finally {
      await cleanup();
    }
  });

  it('rates a start script that runs a missing file as low confidence', async () => {
    const { app, cleanup } = await scratch({ 'package.json': JSON.stringify({ name: 'gone', scripts: { start: 'node old.js' } }), 'package-lock.json': '{}' });
    try {
      assert.deepEqual(app.start?.value, ['node', 'old.js']);
      assert.equal(app.confidence, 'low');
      assert.ok(app.notes.some((n) => /old\.js/.test(n)));
    } finally {
      await cleanup();
    }
  });

  it('explains a SvelteKit app without adapter-node instead of guessing a start', async () => {
    const { app, cleanup } = await scratch({
      'package.json': JSON.stringify({
        name: 'kit',
        scripts: { build: 'vite build' },
        devDependencies: { '@sveltejs/kit': '^2', '@sveltejs/adapter-auto': '^3' },
      }),
    });
    try {
      assert.equal(app.start, undefined);
      assert.equal(app.confidence, 'low');
      assert.ok(app.notes.some((n) => /adapter-node/.test(n)));
    } finally {
      await cleanup();
    }
  });
});

describe('Node analysis: starting fixtures for real', function () {
  this.timeout(30_000);

  it('node-plain-env answers on $PORT with the detected start', async () => {
    const app = await analyze('node-plain-env');
    const res = await startAndFetch(app.start!.value, path.join(FIXTURES, 'node-plain-env'));
    assert.equal(res.status, 200);
    assert.equal(res.body, 'hello from env\n');
  });

  it('node-npm-start: the start script resolves to the Dockerfile CMD, which answers', async () => {
    const app = await analyze('node-npm-start');
    assert.ok(dockerfile(app).includes(`CMD ${JSON.stringify(app.start!.value)}`));
    const res = await startAndFetch(app.start!.value, path.join(FIXTURES, 'node-npm-start'));
    assert.equal(res.status, 200);
    assert.equal(res.body, 'started with npm start\n');
  });

  it('node-plain-hardcoded-port answers on $PORT once the suggested fix is applied to a copy', async () => {
    const app = await analyze('node-plain-hardcoded-port');
    const fix = app.port.fix!;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-node-fix-'));
    try {
      await fs.cp(path.join(FIXTURES, 'node-plain-hardcoded-port'), dir, { recursive: true });
      const file = path.join(dir, path.relative('node-plain-hardcoded-port', fix.file));
      const lines = (await fs.readFile(file, 'utf8')).split('\n');
      assert.equal(lines[fix.line - 1], fix.before);
      lines[fix.line - 1] = fix.after;
      await fs.writeFile(file, lines.join('\n'));
      const res = await startAndFetch(app.start!.value, dir);
      assert.equal(res.status, 200);
      assert.equal(res.body, 'hello\n');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
