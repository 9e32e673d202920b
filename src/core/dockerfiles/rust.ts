// Rust: release build in rust:<v>-slim-bookworm (same glibc as the runtime),
// binary copied to debian:bookworm-slim and run as a non-root user.
// Hints used: binary, crateDir, workspace, cargoManifests + cargoStubs (a workspace's dependency layer),
// lockfile, openssl (openssl-sys in Cargo.lock), rocket.
import type { AppAnalysis } from '../analysis/types';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap } from './generator';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Creates each stub: an empty main for a binary, an empty file for a library. */
function stubCommand(stubs: string[]): string {
  const dirs = [...new Set(stubs.map((f) => f.slice(0, f.lastIndexOf('/'))))];
  const make = stubs.map((f) => (f.endsWith('main.rs') ? `echo 'fn main() {}' > ${f}` : `touch ${f}`));
  return [`mkdir -p ${dirs.join(' ')}`, ...make].join(' && ');
}

function rustDockerfile(app: AppAnalysis): string {
  const bin = String(app.hints.binary ?? app.name);
  const locked = app.hints.lockfile ? ' --locked' : '';
  const apt = (pkgs: string[]) => `RUN apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')} && rm -rf /var/lib/apt/lists/*`;
  // The dependency layer: built against stub sources (hints.cargoStubs), so only the manifests are in.
  // A workspace whose crates the analysis could not stub is built in one go.
  const manifests = strings(app.hints.cargoManifests);
  const stubs = app.hints.workspace ? strings(app.hints.cargoStubs) : ['src/main.rs'];
  const layered = !app.hints.workspace || (manifests.length > 0 && stubs.length > 0);
  const copyManifests = `COPY Cargo.toml${app.hints.lockfile ? ' Cargo.lock' : ''} ./`;
  const deps = !app.hints.workspace
    ? [copyManifests, `RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release${locked} && rm -rf src`]
    : layered
      ? [
          copyManifests,
          ...manifests.filter((m) => m !== 'Cargo.toml').map((m) => `COPY ${m} ./${m.slice(0, m.lastIndexOf('/') + 1)}`),
          `RUN ${stubCommand(stubs)} && cargo build --release${locked} --bin ${bin} && rm ${stubs.join(' ')}`,
        ]
      : [];
  return [
    GENERATED_HEADER,
    `FROM rust:${app.version?.value ?? '1'}-slim-bookworm AS build`,
    ...(app.hints.openssl ? [apt(['pkg-config', 'libssl-dev'])] : []),
    'WORKDIR /src',
    ...deps,
    'COPY . .',
    // touch: the stub main.rs is newer than the real one otherwise, and cargo would skip it.
    `RUN ${layered ? `touch ${stubs.join(' ')} && ` : ''}cargo build --release${locked} --bin ${bin} && cp target/release/${bin} /${bin}`,
    '',
    'FROM debian:bookworm-slim',
    apt(['ca-certificates', ...(app.hints.openssl ? ['libssl3'] : [])]),
    'RUN useradd --system --uid 10001 --no-create-home app',
    'WORKDIR /app',
    `COPY --from=build /${bin} /app/${bin}`,
    ...(app.hints.rocket ? ['ENV ROCKET_ADDRESS=0.0.0.0'] : []),
    ...(app.port.honoursPortEnv || app.port.port === 8080 ? ['ENV PORT=8080'] : []),
    `EXPOSE ${app.port.port}`,
    'USER app',
    cmd(app.start?.value ?? [`/app/${bin}`]),
    '',
  ].join('\n');
}

export const rustGenerators: GeneratorMap = {
  rust: (app) => ({ dockerfile: rustDockerfile(app), dockerignore: dockerignore(['target', '**/*.rs.bk']) }),
};
