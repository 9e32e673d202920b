import * as assert from 'node:assert/strict';
import { denoDetectors } from '../../src/core/analysis/deno';
import { miscDetectors } from '../../src/core/analysis/misc';
import { procfileDetectors } from '../../src/core/analysis/procfileOnly';
import { staticDetectors } from '../../src/core/analysis/staticSite';
import type { AppAnalysis, StackId } from '../../src/core/analysis/types';
import { generateFiles } from '../../src/core/dockerfiles/generate';
import { fixtureView } from '../support/analysisFixtures';

const DETECTORS = [...denoDetectors, ...miscDetectors, ...staticDetectors, ...procfileDetectors];

async function analyze(name: string, stack: StackId): Promise<AppAnalysis> {
  const found: AppAnalysis[] = [];
  for (const d of DETECTORS) {
    const app = await d.detect(fixtureView(name));
    if (app) found.push(app);
  }
  assert.deepEqual(
    found.map((a) => a.stack),
    [stack],
    `${name} is recognised by exactly one detector`,
  );
  return found[0];
}

const dockerfile = (app: AppAnalysis) => generateFiles(app).dockerfile.split('\n');

describe('analysis: Deno, Elixir, Dart, Swift, static, Procfile', () => {
  it('deno-serve: start task, Deno.env PORT, pinned denoland/deno image', async () => {
    const app = await analyze('deno-serve', 'deno');
    assert.deepEqual([app.language.value, app.packageManager?.value], ['typescript', 'deno']);
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file], ['2.1.4', 'deno-serve/.tool-versions']);
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['deno-serve', 3]);
    assert.deepEqual(app.start, {
      value: ['deno', 'run', '--allow-net', '--allow-env', 'main.ts'],
      evidence: [{ file: 'deno-serve/deno.json', line: 4, detail: 'start task: deno run --allow-net --allow-env main.ts' }],
    });
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'code',
      honoursPortEnv: true,
      evidence: [{ file: 'deno-serve/main.ts', line: 1, detail: 'reads PORT: Deno.env.get("PORT")' }],
    });
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM denoland/deno:2.1.4'));
    assert.ok(lines.includes('RUN deno cache main.ts'));
    assert.ok(lines.includes('USER deno'));
    assert.ok(lines.includes('ENV PORT=8080'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('CMD ["deno","run","--allow-net","--allow-env","main.ts"]'));
  });

  it('elixir-phoenix: .tool-versions, runtime.exs PORT, mix release on debian slim', async () => {
    const app = await analyze('elixir-phoenix', 'elixir');
    assert.deepEqual([app.language.value, app.packageManager?.value, app.name], ['elixir', 'mix', 'hello']);
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file], ['1.16', 'elixir-phoenix/.tool-versions']);
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['phoenix', 16]);
    assert.deepEqual(app.port.evidence, [{ file: 'elixir-phoenix/config/runtime.exs', line: 5, detail: 'reads PORT: System.get_env("PORT"' }]);
    assert.equal(app.port.honoursPortEnv, true);
    assert.deepEqual(app.start?.value, ['/app/bin/hello', 'start']);
    assert.ok(app.notes.some((n) => n.includes('SECRET_KEY_BASE')));
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM elixir:1.16-slim AS build'));
    assert.ok(lines.includes('COPY mix.exs mix.lock ./'));
    assert.ok(lines.includes('RUN mix deps.get --only prod'));
    assert.ok(lines.includes('RUN mix assets.deploy && mix compile && mix release'));
    assert.ok(lines.includes('FROM debian:bookworm-slim'));
    assert.ok(lines.includes('ENV LANG=C.UTF-8 MIX_ENV=prod PHX_SERVER=true'));
    assert.ok(lines.includes('USER nobody'));
    assert.ok(lines.includes('CMD ["/app/bin/hello","start"]'));
  });

  it('dart-shelf: SDK constraint, hard-coded serve port with a fix, AOT exe on scratch', async () => {
    const app = await analyze('dart-shelf', 'dart');
    assert.deepEqual([app.version?.value, app.packageManager?.value, app.framework?.value], ['3.4', 'pub', 'shelf']);
    assert.deepEqual(
      [app.port.port, app.port.honoursPortEnv, app.port.evidence[0].file, app.port.evidence[0].line],
      [8081, false, 'dart-shelf/bin/server.dart', 8],
    );
    assert.equal(app.port.fix?.after, "  final server = await serve(handler, InternetAddress.anyIPv4, int.parse(Platform.environment['PORT'] ?? '8081'));");
    assert.deepEqual(app.start?.value, ['/app/server']);
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM dart:3.4 AS build'));
    assert.ok(lines.includes('RUN dart pub get'));
    assert.ok(lines.includes('RUN dart pub get --offline && dart compile exe bin/server.dart -o /src/server'));
    assert.ok(lines.includes('FROM scratch'));
    assert.ok(lines.includes('COPY --from=build /runtime/ /'));
    assert.ok(lines.includes('USER 65534:65534'));
    assert.ok(lines.includes('EXPOSE 8081'));
    assert.ok(lines.includes('CMD ["/app/server"]'));
  });

  it('swift-vapor: tools version, executable target, vapor serve on 0.0.0.0:$PORT', async () => {
    const app = await analyze('swift-vapor', 'swift');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].line], ['5.9', 1]);
    assert.deepEqual([app.framework?.value, app.packageManager?.value, app.hints.product], ['vapor', 'swiftpm', 'App']);
    assert.deepEqual(app.start?.value, ['sh', '-c', 'exec /app/App serve --env production --hostname 0.0.0.0 --port ${PORT}']);
    assert.equal(app.port.honoursPortEnv, true);
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM swift:5.9-jammy AS build'));
    assert.ok(lines.includes('RUN swift package resolve'));
    assert.ok(lines.some((l) => l.startsWith('RUN swift build -c release --static-swift-stdlib --product App')));
    assert.ok(lines.includes('FROM ubuntu:jammy'));
    assert.ok(lines.includes('USER app'));
    assert.ok(lines.includes('EXPOSE 8080'));
  });

  it('static-site: index.html without a build is served by unprivileged nginx on $PORT', async () => {
    const app = await analyze('static-site', 'static');
    assert.deepEqual([app.language.value, app.language.evidence[0].file], ['html', 'static-site/index.html']);
    assert.deepEqual([app.port.port, app.port.source, app.port.honoursPortEnv], [8080, 'config', true]);
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM nginxinc/nginx-unprivileged:1.30-alpine'));
    assert.ok(lines.some((l) => l.includes("'  listen ${PORT};'") && l.includes("'    try_files $uri $uri/ =404;'")));
    assert.ok(lines.includes('COPY . /usr/share/nginx/html'));
    assert.ok(lines.includes('USER 101'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('CMD ["nginx","-g","daemon off;"]'));
  });

  it('procfile-only: the web line runs through sh (it expands $PORT), low confidence', async () => {
    const app = await analyze('procfile-only', 'procfile');
    assert.deepEqual(app.start, {
      value: ['sh', '-c', 'exec ./start-server.sh --port $PORT'],
      evidence: [{ file: 'procfile-only/Procfile', line: 1, detail: 'Procfile web: ./start-server.sh --port $PORT' }],
    });
    assert.deepEqual([app.port.honoursPortEnv, app.confidence], [true, 'low']);
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM debian:bookworm-slim'));
    assert.ok(lines.includes('USER app'));
    assert.ok(lines.includes('CMD ["sh","-c","exec ./start-server.sh --port $PORT"]'));
  });

  it('static and Procfile-only step aside when a recognised stack is present', async () => {
    for (const name of ['node-vite-spa', 'ruby-procfile', 'php-plain']) {
      for (const d of [...miscDetectors, ...staticDetectors, ...procfileDetectors])
        assert.equal(await d.detect(fixtureView(name)), undefined, `${d.name} on ${name}`);
    }
  });
});
