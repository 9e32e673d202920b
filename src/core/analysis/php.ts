// PHP: Composer apps (Laravel, Symfony) and plain PHP sites. Served by Apache
// from php:<v>-apache, whose Listen directive the image sets to ${PORT}.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { fact, factFrom, majorMinor, newApp, noteProcfile } from './stackKit';
import type { AppAnalysis } from './types';

interface Composer {
  require?: Record<string, string>;
  config?: { platform?: { php?: string } };
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
    const v =
      (await factFrom(view, 'composer.json', /"platform"\s*:\s*\{[^}]*"php"\s*:\s*"([^"]+)"/, 'config.platform.php')) ??
      (await factFrom(view, 'composer.json', /"php"\s*:\s*"([^"]+)"/, 'require.php'));
    const mm = v && majorMinor(v.value.replace(/^[^\d]*/, ''));
    if (v && mm) app.version = { value: mm, evidence: v.evidence };
    const laravel = await factFrom(view, 'composer.json', /"laravel\/framework"/, 'requires laravel/framework');
    const symfony = laravel ? undefined : await factFrom(view, 'composer.json', /"symfony\/framework-bundle"/, 'requires symfony/framework-bundle');
    const slim = laravel || symfony ? undefined : await factFrom(view, 'composer.json', /"slim\/slim"/, 'requires slim/slim');
    const fw = laravel ? (['laravel', laravel] as const) : symfony ? (['symfony', symfony] as const) : slim ? (['slim', slim] as const) : undefined;
    if (fw) app.framework = { value: fw[0], evidence: fw[1].evidence };
    if (laravel && !(await view.exists('artisan'))) app.notes.push('laravel/framework is required but there is no artisan file at the app root.');
  }
  if (!app.version) app.notes.push('No PHP version found (composer.json require.php or config.platform.php); the Dockerfile uses php:8.3-apache.');
  const docroot = app.framework || index === 'public/index.php' ? 'public' : '';
  app.hints.docroot = docroot;
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
  await noteProcfile(view, app);
  return app;
}

export const phpDetectors: Detector[] = [{ name: 'php', detect }];
