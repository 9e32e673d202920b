// Rust: release build in rust:<v>-slim-bookworm (same glibc as the runtime),
// binary copied to debian:bookworm-slim and run as a non-root user.
// Hints used: binary, crateDir, workspace, lockfile, openssl (openssl-sys in Cargo.lock), rocket.
import type { AppAnalysis } from '../analysis/types';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap } from './generator';

function rustDockerfile(app: AppAnalysis): string {
  const bin = String(app.hints.binary ?? app.name);
  const locked = app.hints.lockfile ? ' --locked' : '';
  const apt = (pkgs: string[]) => `RUN apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')} && rm -rf /var/lib/apt/lists/*`;
  // A single crate gets a dependency layer (built against a stub main); a workspace is built in one go.
  const deps = app.hints.workspace
    ? []
    : [
        app.hints.lockfile ? 'COPY Cargo.toml Cargo.lock ./' : 'COPY Cargo.toml ./',
        `RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release${locked} && rm -rf src`,
      ];
  return [
    GENERATED_HEADER,
    `FROM rust:${app.version?.value ?? '1'}-slim-bookworm AS build`,
    ...(app.hints.openssl ? [apt(['pkg-config', 'libssl-dev'])] : []),
    'WORKDIR /src',
    ...deps,
    'COPY . .',
    // touch: the stub main.rs is newer than the real one otherwise, and cargo would skip it.
    `RUN ${app.hints.workspace ? '' : 'touch src/main.rs && '}cargo build --release${locked} --bin ${bin} && cp target/release/${bin} /${bin}`,
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
