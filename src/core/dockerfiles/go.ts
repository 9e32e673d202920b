// Go: a static binary (CGO off) built in golang:<v>, run on distroless as nonroot.
// Hints used: goMain (package path, e.g. ./cmd/api), goSum (go.sum exists).
// Honours app.context != app.path (go.work at the workspace root).
import * as path from 'node:path';
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap } from './generator';

function goDockerfile(app: AppAnalysis): string {
  const image = RUNTIMES.go.image(app.version?.value ?? RUNTIMES.go.preferred);
  const main = typeof app.hints.goMain === 'string' ? app.hints.goMain : '.';
  const env = app.port.honoursPortEnv || app.port.port === 8080 ? ['ENV PORT=8080'] : [];
  // Built from a wider context (a go.work workspace root): the module sits in a subfolder,
  // and go build runs in workspace mode so sibling modules resolve locally.
  const sub = app.context !== app.path ? path.posix.relative(app.context, app.path) : '';
  const target = sub ? `./${path.posix.join(sub, main)}` : main;
  const deps = sub || app.hints.noGoMod ? [] : [app.hints.goSum ? 'COPY go.mod go.sum ./' : 'COPY go.mod ./', 'RUN go mod download'];
  // Without a go.mod the program becomes a module here; -mod=mod ignores a vendor/ folder made for GOPATH.
  const init = app.hints.noGoMod ? ['RUN go mod init app && go mod tidy'] : [];
  return [
    GENERATED_HEADER,
    `FROM ${image} AS build`,
    'WORKDIR /src',
    ...deps,
    'COPY . .',
    ...init,
    `RUN CGO_ENABLED=0 GOOS=linux go build${app.hints.noGoMod ? ' -mod=mod' : ''} -trimpath -ldflags="-s -w" -o /out/server ${target}`,
    '',
    'FROM gcr.io/distroless/static-debian12:nonroot',
    'COPY --from=build /out/server /server',
    ...env,
    `EXPOSE ${app.port.port}`,
    'USER nonroot:nonroot',
    cmd(['/server']),
    '',
  ].join('\n');
}

export const goGenerators: GeneratorMap = {
  go: (app) => ({ dockerfile: goDockerfile(app), dockerignore: dockerignore(['bin', '*.test', 'tmp']) }),
};
