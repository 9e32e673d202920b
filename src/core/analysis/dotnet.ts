// .NET: a C# or F# project (*.csproj / *.fsproj) at the app root or one level
// down; TargetFramework gives the runtime image, Sdk.Web marks ASP.NET Core.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { fact, factFrom, frameworkDefault, newApp, noteProcfile, scanPort } from './stackKit';
import { defaulted, pinned } from './runtimeChoice';
import type { AppAnalysis } from './types';

/** Project files at the app root, else below it (src/App/App.csproj), test projects last. */
async function projects(view: DirView): Promise<string[]> {
  const found = await view.findFiles(['.csproj', '.fsproj'], { maxFiles: 40, maxDepth: 3 });
  const depth = (f: string) => f.split('/').length + (/test/i.test(f) ? 10 : 0);
  return found.sort((a, b) => depth(a) - depth(b));
}

/** Already published output (app.dll next to app.runtimeconfig.json): the runtime image runs it as it is. */
async function detectPublished(view: DirView): Promise<AppAnalysis | undefined> {
  const config = (await view.list()).find((f) => f.endsWith('.runtimeconfig.json'));
  const assembly = config?.replace(/\.runtimeconfig\.json$/, '');
  if (!config || !assembly || !(await view.exists(`${assembly}.dll`))) return undefined;
  const app = newApp(view, 'dotnet', fact('csharp', view.rel(`${assembly}.dll`), 'published .NET assembly'));
  app.name = assembly;
  app.hints.prebuilt = true;
  app.hints.assembly = assembly;
  const fw = await factFrom(view, config, /"name"\s*:\s*"Microsoft\.AspNetCore\.App"/, 'ASP.NET Core runtime');
  if (fw) app.framework = { value: 'aspnetcore', evidence: fw.evidence };
  const v = await factFrom(view, config, /"version"\s*:\s*"(\d+\.\d+)/, 'runtime version');
  const choice = v
    ? pinned('dotnet', v.value, { evidence: { ...v.evidence[0], detail: `${config} runtime ${v.value}` }, fixFor: (l) => `rebuild for net${l}` })
    : defaulted('dotnet', view.rel(config), config);
  app.version = choice.fact;
  app.warnings.push(...choice.warnings);
  const portVar = Number(app.version.value.split('.')[0]) >= 8 ? 'ASPNETCORE_HTTP_PORTS=${PORT}' : 'ASPNETCORE_URLS=http://+:${PORT}';
  app.start = fact(['sh', '-c', `${portVar} exec dotnet /app/${assembly}.dll`], view.rel(`${assembly}.dll`), 'published assembly');
  app.port = {
    port: 8080,
    source: 'framework-default',
    honoursPortEnv: true,
    evidence: [{ file: view.rel(config), detail: 'Kestrel listens where the start command points it: $PORT' }],
  };
  app.notes.push('The folder holds published output, not source: the image runs it as it is.');
  app.confidence = 'medium';
  return app;
}

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const all = await projects(view);
  if (!all.length) return detectPublished(view);
  // Prefer the web project; test projects reference Microsoft.NET.Test.Sdk.
  const web: string[] = [];
  for (const p of all) if (/Sdk="Microsoft\.NET\.Sdk\.Web"/.test((await view.readText(p)) ?? '')) web.push(p);
  const proj = web[0] ?? all[0];
  const fsharp = proj.endsWith('.fsproj');
  const app = newApp(view, 'dotnet', fact(fsharp ? 'fsharp' : 'csharp', view.rel(proj), fsharp ? 'F# project' : 'C# project'));
  app.packageManager = fact('dotnet', view.rel(proj), 'NuGet via dotnet restore');
  if (all.length > 1) app.notes.push(`Several projects: ${all.join(', ')}; Devgem publishes ${proj}${web.length ? ' (an ASP.NET Core project)' : ''}.`);

  const tfm = await factFrom(view, proj, /<TargetFrameworks?>\s*net(?:coreapp)?(\d+\.\d+)/, 'TargetFramework');
  if (tfm) {
    const choice = pinned('dotnet', tfm.value, {
      evidence: { ...tfm.evidence[0], detail: `<TargetFramework>net${tfm.value}</TargetFramework>` },
      fixFor: (l) => `${proj}: <TargetFramework>net${l}</TargetFramework>`,
    });
    app.version = choice.fact;
    app.warnings.push(...choice.warnings);
  } else app.version = defaulted('dotnet', view.rel(proj), `a netX.Y TargetFramework in ${proj}`).fact;
  const sdk = await factFrom(view, 'global.json', /"version"\s*:\s*"([\d.]+)"/, 'global.json SDK version');
  if (sdk) app.notes.push(`global.json pins SDK ${sdk.value}; the build uses the ${app.version.value} SDK image, which must satisfy it (rollForward).`);

  const webSdk = await factFrom(view, proj, /Sdk="Microsoft\.NET\.Sdk\.Web"/, 'ASP.NET Core (Sdk.Web)');
  const giraffe = await factFrom(view, proj, /Include="(Giraffe|Saturn)"/, 'F# web framework');
  if (giraffe) app.framework = { value: giraffe.value.toLowerCase(), evidence: giraffe.evidence };
  else if (webSdk) app.framework = { value: 'aspnetcore', evidence: webSdk.evidence };

  const assembly =
    /<AssemblyName>([^<]+)<\/AssemblyName>/.exec((await view.readText(proj)) ?? '')?.[1] ??
    proj
      .split('/')
      .pop()!
      .replace(/\.[cf]sproj$/, '');
  app.name = assembly;
  app.hints.project = proj;
  app.hints.assembly = assembly;
  app.build = fact(`dotnet publish ${proj} -c Release -o /app`, view.rel(proj), 'dotnet publish');

  const dir = proj.includes('/') ? proj.slice(0, proj.lastIndexOf('/') + 1) : '';
  const sources = (await view.findFiles(fsharp ? ['.fs'] : ['.cs'], { maxFiles: 100 })).filter((f) => f.startsWith(dir));
  const port = await scanPort(view, sources, {
    readsEnv: /GetEnvironmentVariable\(\s*"PORT"\s*\)/,
    literal: /(?:\.Run|UseUrls|Urls\.Add)\s*\(\s*"https?:\/\/[^":]*:(\d{2,5})"/,
    // All interfaces ('*'): a localhost URL is unreachable in a container.
    fix: (line, p) =>
      line.replace(
        /"(https?:\/\/)[^":]*:(\d{2,5})"/,
        fsharp
          ? `"$1*:" + (match System.Environment.GetEnvironmentVariable "PORT" with null -> "${p}" | port -> port)`
          : `"$1*:" + (Environment.GetEnvironmentVariable("PORT") ?? "${p}")`,
      ),
  });
  // The start command sets ASPNETCORE_HTTP_PORTS from $PORT, which Kestrel honours when the code names no URL.
  app.port = port ?? {
    port: 8080,
    source: 'framework-default',
    honoursPortEnv: true,
    evidence: [{ file: view.rel(proj), detail: 'Kestrel listens on ASPNETCORE_HTTP_PORTS, which the start command sets to $PORT' }],
  };
  if (port && !port.honoursPortEnv) app.notes.push('A hard-coded URL overrides ASPNETCORE_HTTP_PORTS; the fix makes it read PORT.');
  if (await view.exists(`${dir}Properties/launchSettings.json`))
    app.notes.push('Properties/launchSettings.json ports apply to local development only; Cloud Run uses the container port.');
  // ASPNETCORE_HTTP_PORTS arrived in .NET 8; older versions take ASPNETCORE_URLS.
  const portVar = Number(app.version?.value.split('.')[0] ?? 8) >= 8 ? 'ASPNETCORE_HTTP_PORTS=${PORT}' : 'ASPNETCORE_URLS=http://+:${PORT}';
  app.start = fact(['sh', '-c', `${portVar} exec dotnet /app/${assembly}.dll`], view.rel(proj), 'published assembly');
  if (!app.framework) app.notes.push('Not an ASP.NET Core project (Sdk.Web); check that it serves HTTP.');
  if (!port && !app.framework) app.port = frameworkDefault(8080, view.rel(proj), 'no web server found');
  app.confidence = app.framework && tfm ? ((await view.exists(`${dir}packages.lock.json`)) || webSdk ? 'high' : 'medium') : 'low';
  await noteProcfile(view, app);
  return app;
}

export const dotnetDetectors: Detector[] = [{ name: 'dotnet', detect }];
