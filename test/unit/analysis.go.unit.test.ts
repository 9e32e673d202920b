import * as assert from 'node:assert/strict';
import { goDetectors } from '../../src/core/analysis/go';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { goGenerators } from '../../src/core/dockerfiles/go';
import { detectFixture, fixtureView } from '../support/analysisFixtures';

const analyze = (name: string): Promise<AppAnalysis> => detectFixture(goDetectors, name, 'Go');

const dockerfile = (app: AppAnalysis) => goGenerators.go!(app).dockerfile.split('\n');

describe('analysis: Go', () => {
  it('go-gin-cmd: picks the cmd that serves HTTP, reads PORT, builds a static binary on distroless', async () => {
    const app = await analyze('go-gin-cmd');
    assert.equal(app.stack, 'go');
    assert.equal(app.language.value, 'go');
    assert.equal(app.name, 'shop');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file, app.version?.evidence[0].line], ['1.27', 'go-gin-cmd/go.mod', 3]);
    assert.equal(app.packageManager?.value, 'go');
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['gin', 5]);
    assert.equal(app.hints.goMain, './cmd/api');
    assert.deepEqual(app.start?.value, ['/server']);
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'code',
      honoursPortEnv: true,
      evidence: [{ file: 'go-gin-cmd/cmd/api/main.go', line: 12, detail: 'reads PORT: os.Getenv("PORT")' }],
    });
    assert.ok(app.notes.some((n) => n.includes('cmd/worker') && n.includes('builds cmd/api')));
    assert.equal(app.confidence, 'high');

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM golang:1.27 AS build'));
    assert.ok(lines.includes('COPY go.mod go.sum ./'));
    assert.ok(lines.includes('RUN go mod download'));
    assert.ok(lines.includes('RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/api'));
    assert.ok(lines.includes('FROM gcr.io/distroless/static-debian12:nonroot'));
    assert.ok(lines.includes('ENV PORT=8080'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('USER nonroot:nonroot'));
    assert.equal(lines.filter((l) => l.startsWith('CMD')).pop(), 'CMD ["/server"]');
    // Dependencies are downloaded before the source is copied (layer cache).
    assert.ok(lines.indexOf('RUN go mod download') < lines.indexOf('COPY . .'));
  });

  it('go-nethttp: root main package with a hard-coded port gets a one-line fix', async () => {
    const app = await analyze('go-nethttp');
    // go.mod's `go 1.21` is a minimum, not a pin: the newest Go builds it.
    assert.equal(app.version?.value, '1.27');
    assert.match(app.version?.evidence[0].detail ?? '', /"go 1\.21" \(a minimum\)/);
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].file, app.framework?.evidence[0].line], ['net/http', 'go-nethttp/main.go', 12]);
    assert.equal(app.hints.goMain, '.');
    assert.equal(app.port.port, 3000);
    assert.equal(app.port.honoursPortEnv, false);
    assert.equal(app.port.source, 'code');
    assert.deepEqual(app.port.evidence[0].line, 12);
    assert.deepEqual(app.port.fix, {
      file: 'go-nethttp/main.go',
      line: 12,
      before: '\thttp.ListenAndServe(":3000", nil)',
      after: '\thttp.ListenAndServe(":"+cmp.Or(os.Getenv("PORT"), "3000"), nil)',
      explanation: app.port.fix?.explanation,
    });
    assert.equal(app.confidence, 'medium', 'no go.sum');

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM golang:1.27 AS build'));
    assert.ok(lines.includes('COPY go.mod ./'), 'no go.sum to copy');
    assert.ok(lines.includes('EXPOSE 3000'));
    assert.ok(!lines.includes('ENV PORT=8080'), 'the app hard-codes 3000');
  });

  it('ignores folders without go.mod', async () => {
    assert.equal(await goDetectors[0].detect(fixtureView('ruby-sinatra')), undefined);
  });
});

describe('Go Dockerfile from a go.work workspace root', () => {
  it('builds the module folder from the root context in workspace mode', async () => {
    const app = await goDetectors[0].detect(fixtureView('go-gin-cmd'));
    assert.ok(app);
    const lines = goGenerators.go!({ ...app, path: 'services/shop', context: '' }).dockerfile.split('\n');
    assert.ok(!lines.includes('RUN go mod download'), 'module files live in a subfolder');
    assert.ok(lines.includes('COPY . .'));
    assert.ok(lines.includes('RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/server ./services/shop/cmd/api'));
  });
});
