// Deno, Elixir releases, Dart AOT executables, Swift/Vapor, and a bare Procfile command.
// Hints used: entry (Deno/Dart entry file), manifests (what `deno install` reads), release + lockfile + assets (Elixir),
// product (Swift executable), lockfile.
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { cmd, dockerignore, GENERATED_HEADER, type Generator, type GeneratorMap, startEnvLines } from './generator';

const apt = (pkgs: string[]) => `RUN apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')} && rm -rf /var/lib/apt/lists/*`;
const portEnv = (app: AppAnalysis) => (app.port.honoursPortEnv || app.port.port === 8080 ? ['ENV PORT=8080'] : []);
const file = (lines: string[]) => [GENERATED_HEADER, ...lines, ''].join('\n');

/**
 * Deno 2's `deno install` fetches what deno.json/package.json list, so that layer needs only
 * the manifests (hints.manifests). `deno cache <entry>` then takes what only the code names
 * (URL imports): with no deno.json that is everything, and it has to follow the source.
 */
function denoInstall(app: AppAnalysis): string[] {
  const manifests = app.hints.manifests;
  const major = Number((app.version?.value ?? '2').split('.')[0]);
  if (!Array.isArray(manifests) || !manifests.length || major < 2) return ['COPY --chown=deno:deno . .'];
  return [`COPY ${manifests.join(' ')} ./`, 'RUN deno install', 'COPY --chown=deno:deno . .'];
}

const deno: Generator = (app) => ({
  dockerfile: file([
    // A .dvmrc pin is a full version (the tag scheme denoland/deno uses); otherwise the newest 2.x the table knows.
    `FROM ${/^\d+\.\d+\.\d+$/.test(app.version?.value ?? '') ? `denoland/deno:${app.version!.value}` : RUNTIMES.deno.image('2')}`,
    'WORKDIR /app',
    ...denoInstall(app),
    // Download and type-check dependencies at build time, not on every cold start.
    ...(app.hints.entry ? [`RUN deno cache ${String(app.hints.entry)}`] : []),
    ...(app.build ? [`RUN ${app.build.value}`] : []),
    ...portEnv(app),
    ...startEnvLines(app),
    `EXPOSE ${app.port.port}`,
    'USER deno',
    cmd(app.start?.value ?? ['deno', 'run', '--allow-net', '--allow-env', 'main.ts']),
  ]),
  dockerignore: dockerignore(['node_modules', '.deno']),
});

const elixir: Generator = (app) => {
  const rel = String(app.hints.release ?? app.name);
  return {
    dockerfile: file([
      `FROM elixir:${app.version?.value ?? '1.17'}-slim AS build`,
      apt(['build-essential', 'git']),
      'WORKDIR /app',
      'ENV MIX_ENV=prod',
      'RUN mix local.hex --force && mix local.rebar --force',
      app.hints.lockfile ? 'COPY mix.exs mix.lock ./' : 'COPY mix.exs ./',
      'RUN mix deps.get --only prod',
      'COPY config config',
      'RUN mix deps.compile',
      'COPY . .',
      `RUN ${app.hints.assets ? 'mix assets.deploy && ' : ''}mix compile && mix release`,
      '',
      'FROM debian:bookworm-slim',
      apt(['libstdc++6', 'openssl', 'libncurses6', 'locales', 'ca-certificates']),
      'WORKDIR /app',
      'ENV LANG=C.UTF-8 MIX_ENV=prod PHX_SERVER=true',
      `COPY --from=build --chown=nobody:nogroup /app/_build/prod/rel/${rel} ./`,
      ...portEnv(app),
      `EXPOSE ${app.port.port}`,
      'USER nobody',
      cmd(app.start?.value ?? [`/app/bin/${rel}`, 'start']),
    ]),
    dockerignore: dockerignore(['_build', 'deps', 'node_modules', 'priv/static/assets', 'test', 'cover']),
  };
};

const dart: Generator = (app) => ({
  dockerfile: file([
    `FROM dart:${app.version?.value ?? 'stable'} AS build`,
    'WORKDIR /src',
    'COPY pubspec.* ./',
    'RUN dart pub get',
    'COPY . .',
    `RUN dart pub get --offline && dart compile exe ${String(app.hints.entry ?? 'bin/server.dart')} -o /src/server`,
    '',
    // The dart image's /runtime holds the minimal libs an AOT executable needs.
    'FROM scratch',
    'COPY --from=build /runtime/ /',
    'COPY --from=build /src/server /app/server',
    ...portEnv(app),
    `EXPOSE ${app.port.port}`,
    'USER 65534:65534',
    cmd(app.start?.value ?? ['/app/server']),
  ]),
  dockerignore: dockerignore(['.dart_tool', 'build', '.packages']),
});

const swift: Generator = (app) => {
  const product = String(app.hints.product ?? 'App');
  const v = app.version?.value ?? '5.10';
  return {
    dockerfile: file([
      `FROM swift:${v}-jammy AS build`,
      'WORKDIR /src',
      'COPY Package.* ./',
      'RUN swift package resolve',
      'COPY . .',
      `RUN swift build -c release --static-swift-stdlib --product ${product} && cp "$(swift build -c release --show-bin-path)/${product}" /${product}`,
      '',
      'FROM ubuntu:jammy',
      apt(['ca-certificates', 'tzdata', 'libcurl4', 'libxml2']),
      'RUN useradd --system --uid 10001 --no-create-home app',
      'WORKDIR /app',
      `COPY --from=build /${product} /app/${product}`,
      ...portEnv(app),
      `EXPOSE ${app.port.port}`,
      'USER app',
      cmd(app.start?.value ?? [`/app/${product}`]),
    ]),
    dockerignore: dockerignore(['.build', '.swiftpm', 'Packages', '*.xcodeproj']),
  };
};

const procfile: Generator = (app) => ({
  dockerfile: file([
    // The Procfile's language image when its command named one, else plain Debian.
    ...(typeof app.hints.baseImage === 'string' ? [`FROM ${app.hints.baseImage}`] : ['FROM debian:bookworm-slim', apt(['ca-certificates'])]),
    'RUN useradd --system --uid 10001 --create-home app',
    'WORKDIR /app',
    'COPY --chown=app:app . .',
    ...portEnv(app),
    ...startEnvLines(app),
    `EXPOSE ${app.port.port}`,
    'USER app',
    cmd(app.start?.value ?? ['sh', '-c', 'echo "no start command" && exit 1']),
  ]),
  dockerignore: dockerignore([]),
});

export const miscGenerators: GeneratorMap = { deno, elixir, dart, swift, procfile };
