// .NET: restore (project file first, for the cache) and publish in the SDK
// image, run on mcr.microsoft.com/dotnet/aspnet:<v> as its built-in app user.
// Hints used: project (path of the .csproj/.fsproj), assembly (published dll name).
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap } from './generator';

/** Published output: no SDK stage, the runtime image runs it. */
function publishedDockerfile(app: AppAnalysis): string {
  const v = app.version?.value ?? RUNTIMES.dotnet.preferred;
  return [
    GENERATED_HEADER,
    `FROM mcr.microsoft.com/dotnet/${app.framework ? 'aspnet' : 'runtime'}:${v}`,
    'WORKDIR /app',
    'COPY . ./',
    'ENV PORT=8080',
    `EXPOSE ${app.port.port}`,
    ...(Number(v.split('.')[0]) >= 8 ? ['USER $APP_UID'] : ['RUN useradd --system --uid 10001 app', 'USER app']),
    cmd(app.start?.value ?? ['dotnet', `/app/${String(app.hints.assembly)}.dll`]),
    '',
  ].join('\n');
}

function dotnetDockerfile(app: AppAnalysis): string {
  if (app.hints.prebuilt) return publishedDockerfile(app);
  const v = app.version?.value ?? RUNTIMES.dotnet.preferred;
  const proj = String(app.hints.project);
  const projDir = proj.includes('/') ? proj.slice(0, proj.lastIndexOf('/') + 1) : './';
  const runtime = app.framework ? 'aspnet' : 'runtime';
  return [
    GENERATED_HEADER,
    `FROM mcr.microsoft.com/dotnet/sdk:${v} AS build`,
    'WORKDIR /src',
    `COPY ${proj} ${projDir}`,
    `RUN dotnet restore ${proj}`,
    'COPY . .',
    `RUN dotnet publish ${proj} -c Release -o /app --no-restore`,
    '',
    `FROM mcr.microsoft.com/dotnet/${runtime}:${v}`,
    'WORKDIR /app',
    'COPY --from=build /app ./',
    `ENV ${app.port.honoursPortEnv || app.port.port === 8080 ? 'PORT=8080 ' : ''}ASPNETCORE_HTTP_PORTS=8080`,
    `EXPOSE ${app.port.port}`,
    // The .NET 8+ images ship a non-root "app" user; older ones need one made.
    ...(Number(v.split('.')[0]) >= 8 ? ['USER $APP_UID'] : ['RUN useradd --system --uid 10001 app', 'USER app']),
    cmd(app.start?.value ?? ['dotnet', `/app/${String(app.hints.assembly)}.dll`]),
    '',
  ].join('\n');
}

export const dotnetGenerators: GeneratorMap = {
  dotnet: (app) => ({ dockerfile: dotnetDockerfile(app), dockerignore: dockerignore(['**/bin', '**/obj', '*.user', '*.suo', '.vs', 'TestResults']) }),
};
