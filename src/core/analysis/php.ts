// PHP: Composer apps (Laravel, Symfony) and plain PHP sites. Served by Apache
// from php:<v>-apache, whose Listen directive the image sets to ${PORT}.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { readProcfileWeb } from './procfile';
import { fact, factFrom, majorMinor, newApp } from './stackKit';
import { defaulted, pinned, ranged, type RuntimeChoice } from './runtimeChoice';
import type { AppAnalysis } from './types';
import { isPin } from './versionRange';

interface Composer {
  require?: Record<string, string>;
  config?: { platform?: { php?: string } };
}

/** config.platform.php pins the line Composer resolves for; require.php is a range. */
async function phpVersion(view: DirView): Promise<RuntimeChoice | undefined> {
  const platform = await factFrom(view, 'composer.json', /"platform"\s*:\s*\{[^}]*"php"\s*:\s*"([^"]+)"/, 'config.platform.php');
  const line = platform && majorMinor(platform.value);
  if (platform && line) {
    return pinned('php', line, {
      evidence: { ...platform.evidence[0], detail: `config.platform.php "${platform.value}"` },
      fixFor: (l) => `composer.json: "platform": { "php": "${l}" }`,
    });
  }
  const require = await factFrom(view, 'composer.json', /"php"\s*:\s*"([^"]+)"/, 'require.php');
  if (!require) return undefined;
  const source = { evidence: { ...require.evidence[0], detail: `require.php "${require.value}"` }, fixFor: (l: string) => `composer.json: "php": "^${l}"` };
  return isPin(require.value) ? pinned('php', majorMinor(require.value) ?? require.value, source) : ranged('php', require.value, 'composer', source);
}

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const composer = await view.readJson<Composer>('composer.json');
  const docroots = ['public/index.php', 'index.php'];
  let index: string | undefined;
  for (const f of docroots)
    if (await view.exists(f)) {
      index = f;
      break;
    }
  if (!composer && !index) return undefined;
  const app = newApp(view, 'php', fact('php', view.rel(composer ? 'composer.json' : index!), composer ? 'composer.json' : 'PHP entry point'));
  if (composer) {
    const lock = await view.exists('composer.lock');
    app.packageManager = fact('composer', view.rel(lock ? 'composer.lock' : 'composer.json'), lock ? 'Composer lockfile' : 'composer.json without lockfile');
    app.hints.composer = true;
    app.hints.lockfile = lock;
    const version = await phpVersion(view);
    if (version) {
      app.version = version.fact;
      app.warnings.push(...version.warnings);
    }
    const laravel = await factFrom(view, 'composer.json', /"laravel\/framework"/, 'requires laravel/framework');
    const symfony = laravel ? undefined : await factFrom(view, 'composer.json', /"symfony\/framework-bundle"/, 'requires symfony/framework-bundle');
    const slim = laravel || symfony ? undefined : await factFrom(view, 'composer.json', /"slim\/slim"/, 'requires slim/slim');
    const fw = laravel ? (['laravel', laravel] as const) : symfony ? (['symfony', symfony] as const) : slim ? (['slim', slim] as const) : undefined;
    if (fw) app.framework = { value: fw[0], evidence: fw[1].evidence };
    if (laravel && !(await view.exists('artisan'))) app.notes.push('laravel/framework is required but there is no artisan file at the app root.');
  }
  if (!app.version) app.version = defaulted('php', view.rel(composer ? 'composer.json' : index!), 'composer.json require.php or config.platform.php').fact;
  // Heroku's `web: heroku-php-apache2 public/` names the document root; Apache here serves the same folder.
  const web = await readProcfileWeb(view);
  const procfileRoot = web && /\bheroku-php-(?:apache2|nginx)\b(?:\s+-\S+\s+\S+)*\s+([^\s-]\S*)/.exec(web.command)?.[1]?.replace(/^\.\/|\/$/g, '');
  const docroot = procfileRoot ?? (app.framework || index === 'public/index.php' ? 'public' : '');
  app.hints.docroot = docroot;
  if (web)
    app.notes.push(
      `${web.evidence.file}:${web.evidence.line} declares \`web: ${web.raw}\`; the image serves ${docroot || 'the app folder'} with Apache on $PORT${procfileRoot ? ' (the document root it names)' : ''} instead.`,
    );
  if (!index && !app.framework) {
    app.notes.push('No index.php or public/index.php found; Apache will serve the folder as it is.');
  }
  const entry = index ?? 'composer.json';
  app.start = fact(['apache2-foreground'], view.rel(entry), `Apache serves ${docroot || 'the app folder'} (document root)`);
  app.port = {
    port: 8080,
    source: 'config',
    honoursPortEnv: true,
    evidence: [{ file: view.rel(entry), detail: 'the generated image makes Apache listen on ${PORT}' }],
  };
  if (app.framework?.value === 'laravel') {
    app.notes.push('Laravel needs APP_KEY (php artisan key:generate --show) and its database settings as Cloud Run env vars or secrets.');
  }
  app.notes.push('PHP extensions beyond the php image defaults (pdo_mysql, pdo_pgsql, gd, intl …) must be added with docker-php-ext-install.');
  app.confidence = composer && app.hints.lockfile && index ? 'high' : index ? 'medium' : 'low';
  return app;
}

export const phpDetectors: Detector[] = [{ name: 'php', detect }];
