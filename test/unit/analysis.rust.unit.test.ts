import * as assert from 'node:assert/strict';
import { rustDetectors } from '../../src/core/analysis/rust';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { rustGenerators } from '../../src/core/dockerfiles/rust';
import { detectFixture } from '../support/analysisFixtures';

const analyze = (name: string): Promise<AppAnalysis> => detectFixture(rustDetectors, name, 'Rust');

const dockerfile = (app: AppAnalysis) => rustGenerators.rust!(app).dockerfile.split('\n');

describe('analysis: Rust', () => {
  it('rust-axum: toolchain version, hard-coded port with a fix, cached dependency layer', async () => {
    const app = await analyze('rust-axum');
    assert.equal(app.stack, 'rust');
    assert.equal(app.language.value, 'rust');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file], ['1.79', 'rust-axum/rust-toolchain.toml']);
    assert.deepEqual([app.packageManager?.value, app.packageManager?.evidence[0].file], ['cargo', 'rust-axum/Cargo.lock']);
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['axum', 7]);
    assert.deepEqual(app.start?.value, ['/app/hello-axum']);
    assert.equal(app.port.port, 3000);
    assert.equal(app.port.honoursPortEnv, false);
    assert.deepEqual([app.port.evidence[0].file, app.port.evidence[0].line], ['rust-axum/src/main.rs', 6]);
    assert.equal(
      app.port.fix?.after,
      '    let listener = tokio::net::TcpListener::bind(format!("0.0.0.0:{}", std::env::var("PORT").unwrap_or_else(|_| "3000".into()))).await.unwrap();',
    );
    assert.equal(app.confidence, 'high');

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM rust:1.79-slim-bookworm AS build'));
    assert.ok(lines.includes('COPY Cargo.toml Cargo.lock ./'));
    assert.ok(lines.some((l) => l.includes("echo 'fn main() {}' > src/main.rs && cargo build --release --locked")));
    assert.ok(lines.includes('RUN touch src/main.rs && cargo build --release --locked --bin hello-axum && cp target/release/hello-axum /hello-axum'));
    assert.ok(lines.includes('FROM debian:bookworm-slim'));
    assert.ok(lines.includes('USER app'));
    assert.ok(lines.includes('EXPOSE 3000'));
    assert.ok(lines.includes('CMD ["/app/hello-axum"]'));
  });

  it('rust-actix-workspace: picks the bin crate with a server, reads PORT, adds openssl', async () => {
    const app = await analyze('rust-actix-workspace');
    assert.equal(app.name, 'shop-api');
    assert.equal(app.hints.crateDir, 'crates/api');
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].file], ['actix-web', 'rust-actix-workspace/crates/api/Cargo.toml']);
    assert.deepEqual([app.version?.value, app.version?.evidence[0].detail], ['1.78', 'rust-version']);
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'code',
      honoursPortEnv: true,
      evidence: [{ file: 'rust-actix-workspace/crates/api/src/main.rs', line: 10, detail: 'reads PORT: env::var("PORT")' }],
    });
    assert.ok(app.notes.some((n) => n.includes('Workspace with 2 crates')));

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM rust:1.78-slim-bookworm AS build'));
    assert.ok(lines.some((l) => l.includes('pkg-config libssl-dev')));
    // The dependency layer: every crate's manifest, stubs for its main.rs/lib.rs, then the source with the stubs' paths touched.
    const from = lines.indexOf('COPY Cargo.toml Cargo.lock ./');
    assert.deepEqual(lines.slice(from, from + 6), [
      'COPY Cargo.toml Cargo.lock ./',
      'COPY crates/api/Cargo.toml ./crates/api/',
      'COPY crates/core/Cargo.toml ./crates/core/',
      "RUN mkdir -p crates/api/src crates/core/src && echo 'fn main() {}' > crates/api/src/main.rs && touch crates/core/src/lib.rs && cargo build --release --locked --bin shop-api && rm crates/api/src/main.rs crates/core/src/lib.rs",
      'COPY . .',
      'RUN touch crates/api/src/main.rs crates/core/src/lib.rs && cargo build --release --locked --bin shop-api && cp target/release/shop-api /shop-api',
    ]);
    // Crates the analysis could not stub: the workspace is built in one go, after the source.
    const plain = dockerfile({ ...app, hints: { ...app.hints, cargoManifests: [], cargoStubs: [] } });
    assert.ok(!plain.some((l) => l.startsWith('COPY Cargo.toml')));
    assert.ok(plain.includes('RUN cargo build --release --locked --bin shop-api && cp target/release/shop-api /shop-api'));
    assert.ok(lines.some((l) => l.includes('ca-certificates libssl3')));
    assert.ok(lines.includes('ENV PORT=8080'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('CMD ["/app/shop-api"]'));
  });
});
