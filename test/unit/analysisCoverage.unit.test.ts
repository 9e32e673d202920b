import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import { describeApp, describeWorkspace } from '../../src/core/analysis/describe';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { generateFiles } from '../../src/core/dockerfiles/generate';
import { FIXTURES } from '../support/analysisFixtures';
import { makeWorkspace } from '../support/workspace';

// The cases public apps showed that the analyzer missed or got wrong (issue 15's
// "Why"), each with the analysis and the Dockerfile lines it must produce.

async function only(name: string): Promise<AppAnalysis> {
  const ws = await analyzeWorkspace(path.join(FIXTURES, name));
  assert.equal(ws.apps.length, 1, `${name}: ${ws.unrecognised?.message ?? ws.apps.map((a) => a.path).join(', ')}`);
  return ws.apps[0];
}

function lines(app: AppAnalysis): string[] {
  return generateFiles(app).dockerfile.split('\n');
}

function has(app: AppAnalysis, ...expected: string[]): void {
  const df = lines(app);
  for (const l of expected) assert.ok(df.includes(l), `Dockerfile has "${l}":\n${df.join('\n')}`);
  assert.ok(!df.some((l) => /^# syntax=/.test(l)), 'images by tag only, no syntax directive');
}

describe('analysis coverage: apps that were not recognised', () => {
  it('Go with only main.go (no go.mod) builds as a module the image makes', async () => {
    const app = await only('go-no-module');
    assert.deepEqual([app.stack, app.version?.value, app.hints.noGoMod, app.port.honoursPortEnv], ['go', '1.27', true, true]);
    has(
      app,
      'FROM golang:1.27 AS build',
      'RUN go mod init app && go mod tidy',
      'RUN CGO_ENABLED=0 GOOS=linux go build -mod=mod -trimpath -ldflags="-s -w" -o /out/server .',
    );
    assert.ok(!lines(app).includes('RUN go mod download'));
  });

  it('Deno by its entry file, without deno.json', async () => {
    const app = await only('deno-no-config');
    assert.deepEqual([app.stack, app.language.value, app.framework?.value], ['deno', 'typescript', 'deno-serve']);
    assert.deepEqual(app.language.evidence[0], { file: 'src/index.ts', line: 1, detail: 'Deno code (Deno APIs or jsr:/npm: imports)' });
    assert.deepEqual(app.start?.value, ['deno', 'run', '--allow-net', '--allow-env', '--allow-read', 'src/index.ts']);
    has(app, 'FROM denoland/deno:2.9.7', 'RUN deno cache src/index.ts', 'USER deno');
  });

  it('a lone app two folders down in an otherwise empty repository', async () => {
    const app = await only('nested-lone-app');
    assert.deepEqual([app.path, app.context, app.stack, app.start?.value.join(' ')], ['hello/sub', 'hello/sub', 'node', 'node index.js']);
    assert.ok(app.notes.includes('Found in hello/sub/: the workspace root holds no app of its own.'));
  });

  it('a lone app in a folder named public/ or src/ is named after the project, not the folder', async () => {
    const generic = await makeWorkspace({ 'public/index.html': '<html>hi</html>' }, 'brochure');
    const own = await makeWorkspace({ 'landing/index.html': '<html>hi</html>' }, 'brochure');
    try {
      const a = await analyzeWorkspace(generic.root);
      assert.deepEqual(
        a.apps.map((x) => [x.path, x.name, x.stack]),
        [['public', 'brochure', 'static']],
      );
      // A folder with a name of its own keeps it.
      assert.equal((await analyzeWorkspace(own.root)).apps[0].name, 'landing');
    } finally {
      await generic.cleanup();
      await own.cleanup();
    }
  });

  it('a Staticfile site: its root, SPA fallback and basic auth become nginx settings', async () => {
    const app = await only('staticfile-auth');
    assert.deepEqual([app.stack, app.hints.root, app.hints.pushstate, app.hints.basicAuth], ['static', 'site', true, 'Staticfile.auth']);
    const df = generateFiles(app).dockerfile;
    assert.match(df, /^FROM nginxinc\/nginx-unprivileged:1\.30-alpine$/m);
    assert.match(df, /' {4}auth_basic "Restricted";' ' {4}auth_basic_user_file \/etc\/nginx\/htpasswd;' ' {4}try_files \$uri \$uri\/ \/index\.html;'/);
    assert.match(df, /^COPY site\/ \/usr\/share\/nginx\/html$/m);
    assert.match(df, /^COPY --chown=101:101 Staticfile\.auth \/etc\/nginx\/htpasswd$/m);
  });
});

describe('analysis coverage: the right stack when several match', () => {
  it('Laravel with a Vite package.json is PHP/Laravel; the Vite build is a stage of the same image', async () => {
    const app = await only('php-laravel-vite');
    assert.deepEqual([app.stack, app.framework?.value, app.hints.assetBuild, app.hints.assetPm], ['php', 'laravel', 'npm run build', 'npm']);
    has(app, 'FROM node:26-slim AS assets', 'RUN npm ci', 'RUN npm run build && rm -rf node_modules', 'COPY --from=assets /app .', 'FROM php:8.5-apache');
    assert.deepEqual(
      app.needs.map((n) => [n.name, n.secret, n.evidence[0].file, n.evidence[0].line]),
      [['APP_KEY', true, 'config/app.php', 7]],
    );
  });

  it('Rails with jsbundling: the assets stage builds, precompile skips its own JavaScript build', async () => {
    const app = await only('ruby-rails-jsbundling');
    assert.deepEqual([app.stack, app.framework?.value, app.version?.value], ['ruby', 'rails', '3.3']);
    has(
      app,
      'FROM node:26-slim AS assets',
      'COPY --from=assets /app .',
      'RUN SKIP_JS_BUILD=1 SKIP_CSS_BUILD=1 SECRET_KEY_BASE_DUMMY=1 RAILS_ENV=production bundle exec rails assets:precompile',
    );
    assert.deepEqual(
      app.needs.map((n) => n.name),
      ['DATABASE_URL'],
    );
  });

  it('Deno Fresh is Deno: built with its build task, run with its production (preview) task', async () => {
    const app = await only('deno-fresh');
    assert.deepEqual(
      [app.stack, app.framework?.value, app.build?.value, app.start?.value.join(' ')],
      ['deno', 'fresh', 'deno task build', 'deno run -A main.ts'],
    );
    assert.equal(app.warnings.length, 0, JSON.stringify(app.warnings));
    has(app, 'RUN deno task build');
  });

  it('an Nx workspace is reported as Nx, with the framework of the chosen app', async () => {
    const ws = await analyzeWorkspace(path.join(FIXTURES, 'mono-nx'));
    assert.equal(ws.monorepo?.value, 'nx');
    assert.equal(ws.apps[0].workspaceTool, 'nx');
    assert.match(describeWorkspace(ws), /^Monorepo \(Nx\): nx\.json$/m);
    assert.match(describeApp(ws.apps[0]).summary, /Nx workspace/);
    const turbo = await analyzeWorkspace(path.join(FIXTURES, 'mono-turbo'));
    assert.ok(turbo.apps.every((a) => a.workspaceTool === 'turborepo'));
  });

  it('React Router 7 in SPA mode is reported as such and served as static files, even with @react-router/serve installed', async () => {
    const app = await only('node-react-router-spa');
    assert.deepEqual([app.stack, app.framework?.value, app.hints.spaMode, app.hints.outputDir], ['node-static', 'react-router', true, 'build/client']);
    assert.match(describeApp(app).summary, /React Router \(SPA mode\)/);
    has(app, 'COPY --from=build /app/build/client /usr/share/nginx/html');
  });
});

describe('analysis coverage: runtime versions from the dated table', () => {
  it('engines.node ">=18" gets the active LTS, not 18, and says why', async () => {
    const app = await only('node-engines-range');
    assert.equal(app.version?.value, '26');
    assert.match(
      describeApp(app).summary,
      /^engines-range: Node\.js 26 \(JavaScript, from engines\.node ">=18": newest supported\), npm, starts with `node server\.js`, listens on \$PORT \(server\.js:1\)$/,
    );
    has(app, 'FROM node:26-slim');
  });

  it('.nvmrc lts/krypton is Node.js 24', async () => {
    const app = await only('node-nvmrc-codename');
    assert.deepEqual([app.version?.value, app.warnings], ['24', []]);
    has(app, 'FROM node:24-slim');
  });

  it('a pinned end-of-life line is kept, with a warning and the change to make', async () => {
    const app = await only('node-eol-pin');
    assert.equal(app.version?.value, '18');
    assert.deepEqual(
      app.warnings.map((w) => [w.kind, w.fix, w.evidence[0].file]),
      [['runtime-eol', '"engines": { "node": ">=26" }', 'package.json']],
    );
    has(app, 'FROM node:18-slim');
  });

  it('.NET 8 (end of life since 2026-11-10) is kept, with the TargetFramework line to change', async () => {
    const app = await only('dotnet-aspnet-csharp');
    assert.equal(app.version?.value, '8.0');
    assert.deepEqual(
      app.warnings.map((w) => [w.kind, w.fix]),
      [['runtime-eol', 'TodoApi.csproj: <TargetFramework>net10.0</TargetFramework>']],
    );
  });
});

describe('analysis coverage: will it run on Cloud Run?', () => {
  it('Django settings: env vars read with no default are needs; DEBUG, a literal SECRET_KEY and a localhost fallback are warned', async () => {
    const app = await only('python-django-readiness');
    assert.deepEqual(
      app.needs.map((n) => `${n.name}@${n.evidence[0].file}:${n.evidence[0].line}${n.secret ? ' secret' : ''}`),
      [
        'PGDATABASE@shop/settings.py:19',
        'PGUSER@shop/settings.py:20',
        'PGPASSWORD@shop/settings.py:21 secret',
        'PGHOST@shop/settings.py:22',
        'PGPORT@shop/settings.py:23',
      ],
    );
    assert.ok(!app.needs.some((n) => n.name === 'SENTRY_DSN' || n.name === 'CACHE_URL'), 'a presence test and a read with a default are not needs');
    const byKind = new Map(app.warnings.map((w) => [w.kind, w]));
    assert.deepEqual(byKind.get('debug-on')?.evidence[0], { file: 'shop/settings.py', line: 8, detail: 'DEBUG = True' });
    assert.equal(byKind.get('hardcoded-secret')?.fix, 'shop/settings.py:6: SECRET_KEY = os.environ["SECRET_KEY"]');
    assert.ok(!JSON.stringify(byKind.get('hardcoded-secret')).includes('7h1s-1s-n0t'), 'the secret itself is not repeated');
    assert.deepEqual(byKind.get('localhost-database')?.evidence[0].line, 30);
  });

  it('a script that prints and exits is stopped before the build', async () => {
    const app = await only('python-prints-exits');
    assert.deepEqual(
      app.warnings.map((w) => [w.kind, w.blocking, w.evidence[0].file]),
      [['no-server', true, 'main.py']],
    );
  });

  it('process.env reads used as values are needs; fallbacks and tests are not', async () => {
    const ws = await makeWorkspace({
      'package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^4' } }),
      'package-lock.json': '{}',
      'server.js': [
        "const express = require('express');",
        'const db = connect(process.env.DATABASE_URL);',
        "const name = process.env.APP_NAME || 'api';",
        'if (process.env.SENTRY_DSN) init();',
        "const stripe = require('stripe')(process.env['STRIPE_SECRET_KEY']);",
        'express().listen(process.env.PORT || 3000);',
        '',
      ].join('\n'),
    });
    try {
      const app = (await analyzeWorkspace(ws.root)).apps[0];
      assert.deepEqual(
        app.needs.map((n) => [n.name, n.secret, n.evidence[0].line]),
        [
          ['DATABASE_URL', true, 2],
          ['STRIPE_SECRET_KEY', true, 5],
        ],
      );
    } finally {
      await ws.cleanup();
    }
  });
});

describe('analysis coverage: plain words', () => {
  it('the sample: Node.js with its language and version reason, high confidence (its evidence is clear)', async () => {
    const ws = await analyzeWorkspace(path.resolve(FIXTURES, '..', '..', 'samples', 'hello-node'));
    const app = ws.apps[0];
    assert.equal(app.confidence, 'high');
    assert.equal(
      describeApp(app).summary,
      'hello-node: Node.js 26 (JavaScript, from engines.node ">=20": newest supported), npm, starts with `node server.js`, listens on $PORT (server.js:4)',
    );
  });

  it('a Bun app reads as Bun, not "typescript 1"', async () => {
    const app = await only('node-hono-bun');
    assert.match(describeApp(app).summary, /^hono-edge: Bun 1\.1 \(TypeScript, pinned in package\.json:7\), Bun, Hono,/);
  });

  it('an unrecognised folder says what it found once, and the next step once', async () => {
    const ws = await analyzeWorkspace(path.join(FIXTURES, 'unknown-c'));
    assert.ok(ws.unrecognised);
    assert.doesNotMatch(ws.unrecognised.message, /Add a Dockerfile/);
    assert.equal(describeWorkspace(ws).match(/Add a Dockerfile/g)?.length, 1);
  });
});
