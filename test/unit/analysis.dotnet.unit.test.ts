import * as assert from 'node:assert/strict';
import { dotnetDetectors } from '../../src/core/analysis/dotnet';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { dotnetGenerators } from '../../src/core/dockerfiles/dotnet';
import { detectFixture } from '../support/analysisFixtures';

const analyze = (name: string): Promise<AppAnalysis> => detectFixture(dotnetDetectors, name, '.NET');

const dockerfile = (app: AppAnalysis) => dotnetGenerators.dotnet!(app).dockerfile.split('\n');

describe('analysis: .NET', () => {
  it('dotnet-aspnet-csharp: net8.0 Sdk.Web, Kestrel on $PORT, launchSettings and global.json noted', async () => {
    const app = await analyze('dotnet-aspnet-csharp');
    assert.equal(app.stack, 'dotnet');
    assert.deepEqual([app.language.value, app.language.evidence[0].file], ['csharp', 'dotnet-aspnet-csharp/TodoApi.csproj']);
    assert.deepEqual([app.version?.value, app.version?.evidence[0].line], ['8.0', 4]);
    assert.equal(app.packageManager?.value, 'dotnet');
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['aspnetcore', 1]);
    assert.deepEqual(app.start?.value, ['sh', '-c', 'ASPNETCORE_HTTP_PORTS=${PORT} exec dotnet /app/TodoApi.dll']);
    assert.deepEqual([app.port.port, app.port.honoursPortEnv, app.port.source], [8080, true, 'framework-default']);
    assert.ok(app.notes.some((n) => n.includes('launchSettings.json') && n.includes('local development only')));
    assert.ok(app.notes.some((n) => n.includes('global.json pins SDK 8.0.300')));
    assert.equal(app.confidence, 'high');

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build'));
    assert.ok(lines.includes('COPY TodoApi.csproj ./'));
    assert.ok(lines.includes('RUN dotnet restore TodoApi.csproj'));
    assert.ok(lines.indexOf('RUN dotnet restore TodoApi.csproj') < lines.indexOf('COPY . .'));
    assert.ok(lines.includes('RUN dotnet publish TodoApi.csproj -c Release -o /app --no-restore'));
    assert.ok(lines.includes('FROM mcr.microsoft.com/dotnet/aspnet:8.0'));
    assert.ok(lines.includes('ENV PORT=8080 ASPNETCORE_HTTP_PORTS=8080'));
    assert.ok(lines.includes('USER $APP_UID'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('CMD ["sh","-c","ASPNETCORE_HTTP_PORTS=${PORT} exec dotnet /app/TodoApi.dll"]'));
  });

  it('dotnet-fsharp: nested .fsproj, Giraffe, AssemblyName, hard-coded localhost URL with an F# fix', async () => {
    const app = await analyze('dotnet-fsharp');
    assert.deepEqual([app.language.value, app.language.evidence[0].file], ['fsharp', 'dotnet-fsharp/src/Hello/Hello.fsproj']);
    assert.deepEqual([app.version?.value, app.framework?.value, app.name], ['9.0', 'giraffe', 'HelloGiraffe']);
    assert.deepEqual(
      [app.port.port, app.port.honoursPortEnv, app.port.evidence[0].file, app.port.evidence[0].line],
      [5000, false, 'dotnet-fsharp/src/Hello/Program.fs', 12],
    );
    assert.equal(app.port.fix?.before, '    app.Run("http://localhost:5000")');
    assert.equal(app.port.fix?.after, '    app.Run("http://*:" + (match System.Environment.GetEnvironmentVariable "PORT" with null -> "5000" | port -> port))');

    const lines = dockerfile(app);
    assert.ok(lines.includes('COPY src/Hello/Hello.fsproj src/Hello/'));
    assert.ok(lines.includes('FROM mcr.microsoft.com/dotnet/aspnet:9.0'));
    assert.ok(lines.includes('ENV ASPNETCORE_HTTP_PORTS=8080'), 'no PORT=8080: the app hard-codes 5000');
    assert.ok(lines.includes('EXPOSE 5000'));
    assert.ok(lines.includes('CMD ["sh","-c","ASPNETCORE_HTTP_PORTS=${PORT} exec dotnet /app/HelloGiraffe.dll"]'));
  });
});
