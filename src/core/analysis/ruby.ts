// Ruby: Bundler apps (Rails, Sinatra, any Rack app). The Gemfile names the
// framework, .ruby-version / Gemfile(.lock) the version, and config/puma.rb or
// the start command decides whether the server honours $PORT.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { buildpackOnly, readProcfileWeb } from './procfile';
import { rubyPort } from './rubyPort';
import { fact, factFrom, majorMinor, newApp } from './stackKit';
import { defaulted, pinned, ranged, type RuntimeChoice } from './runtimeChoice';
import type { AppAnalysis, Fact } from './types';
import { isPin } from './versionRange';

const gem = (name: string) => new RegExp(`^[ \\t]*gem\\s+['"]${name}['"]`, 'm');

/** .ruby-version and Gemfile.lock pin a line; the Gemfile's `ruby "~> 3.2"` is a range; nothing gets the preferred Ruby. */
async function rubyVersion(view: DirView): Promise<RuntimeChoice> {
  const file = await factFrom(view, '.ruby-version', /(?:ruby-)?(\d+\.\d+[\d.]*)/, '.ruby-version');
  const gemfile = await factFrom(view, 'Gemfile', /^[ \t]*ruby\s+['"]([^'"]+)['"]/m, 'Gemfile ruby');
  const lock = await factFrom(view, 'Gemfile.lock', /^RUBY VERSION\s*\n\s*ruby\s+(\d+\.\d+[\d.]*)/m, 'Gemfile.lock RUBY VERSION');
  const pin = file ?? (gemfile && isPin(gemfile.value) ? gemfile : undefined) ?? lock;
  const line = pin && majorMinor(pin.value);
  if (pin && line) {
    const where = pin.evidence[0];
    const fixFor = (l: string) => (pin === file ? `.ruby-version: ${l}` : `Gemfile: ruby "~> ${l}"`);
    return pinned('ruby', line, { evidence: { ...where, detail: `${where.detail} "${pin.value}"` }, fixFor });
  }
  if (gemfile) {
    const where = gemfile.evidence[0];
    const choice = ranged('ruby', gemfile.value, 'gem', {
      evidence: { ...where, detail: `Gemfile ruby "${gemfile.value}"` },
      fixFor: (l) => `Gemfile: ruby "~> ${l}"`,
    });
    if (choice) return choice;
  }
  return defaulted('ruby', view.rel('Gemfile'), '.ruby-version, Gemfile or Gemfile.lock');
}

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const gemfile = await view.readText('Gemfile');
  if (gemfile === undefined) return undefined;
  const app = newApp(view, 'ruby', fact('ruby', view.rel('Gemfile'), 'Gemfile'));
  const lock = await view.exists('Gemfile.lock');
  app.packageManager = fact('bundler', view.rel(lock ? 'Gemfile.lock' : 'Gemfile'), lock ? 'Bundler lockfile' : 'Gemfile without lockfile');
  app.hints.lockfile = lock;
  if (!lock) app.notes.push('No Gemfile.lock: gem versions are resolved at build time; commit the lockfile for reproducible builds.');
  const version = await rubyVersion(view);
  app.version = version.fact;
  app.warnings.push(...version.warnings);

  const rails = await factFrom(view, 'Gemfile', gem('rails'), 'rails gem');
  const sinatra = rails ? undefined : await factFrom(view, 'Gemfile', gem('sinatra'), 'sinatra gem');
  const puma = await factFrom(view, 'Gemfile', gem('puma'), 'puma gem');
  const rackup = (await view.exists('config.ru')) ? fact('config.ru', view.rel('config.ru'), 'Rack app') : undefined;
  app.framework = rails
    ? { value: 'rails', evidence: rails.evidence }
    : sinatra
      ? { value: 'sinatra', evidence: sinatra.evidence }
      : rackup
        ? { value: 'rack', evidence: rackup.evidence }
        : undefined;
  if (/^[ \t]*gem\s+['"]pg['"]/m.test(gemfile)) app.hints.postgres = true;
  if (/^[ \t]*gem\s+['"](mysql2|trilogy)['"]/m.test(gemfile)) app.hints.mysql = true;

  // The Procfile's web process is how the app says it starts; otherwise the framework's server.
  const web = await readProcfileWeb(view);
  const hasPumaConfig = await view.exists('config/puma.rb');
  let start: Fact<string[]> | undefined;
  if (web && !buildpackOnly(web.command)) {
    start = { value: web.start, evidence: [web.evidence] };
    if (web.env.length) app.hints.startEnv = web.env;
  } else if (rails && hasPumaConfig) {
    start = fact(['bundle', 'exec', 'puma', '-C', 'config/puma.rb'], view.rel('config/puma.rb'), 'Rails with puma config');
  } else if (rails) {
    start = fact(['sh', '-c', 'exec bin/rails server -b 0.0.0.0 -p ${PORT}'], rails.evidence[0].file, 'Rails server');
  } else if (rackup && puma) {
    start = hasPumaConfig
      ? fact(['bundle', 'exec', 'puma', '-C', 'config/puma.rb', 'config.ru'], view.rel('config/puma.rb'), 'Rack app served by puma with its config')
      : fact(['sh', '-c', 'exec bundle exec puma -b tcp://0.0.0.0:${PORT} config.ru'], view.rel('config.ru'), 'Rack app served by puma');
  } else if (rackup) {
    start = fact(['sh', '-c', 'exec bundle exec rackup -o 0.0.0.0 -p ${PORT}'], view.rel('config.ru'), 'Rack app served by rackup');
  } else if (sinatra) {
    for (const file of ['app.rb', 'server.rb', 'main.rb']) {
      if (await view.exists(file)) {
        start = fact(['sh', '-c', `exec bundle exec ruby ${file} -o 0.0.0.0 -p \${PORT}`], view.rel(file), 'classic Sinatra app');
        break;
      }
    }
  }
  if (web && buildpackOnly(web.command))
    app.notes.push(`${web.evidence.file}:${web.evidence.line} runs a buildpack's own launcher, which this image does not have; it starts as shown instead.`);
  if (start) app.start = start;
  else app.notes.push('Could not tell how the app starts: add config.ru or a Procfile "web:" line.');

  const port = await rubyPort(view, start?.value, start?.evidence[0]);
  if (port) app.port = port;
  if (port?.fix)
    app.notes.push(`The server listens on ${port.port} and ignores $PORT (${port.fix.file}:${port.fix.line}); Devgem can change that line to read PORT.`);
  if (rails)
    app.notes.push('Rails needs RAILS_MASTER_KEY (or SECRET_KEY_BASE) and, usually, DATABASE_URL at runtime: set them as Cloud Run env vars or secrets.');
  if (rails && ((await view.exists('app/assets')) || (await view.exists('app/javascript')))) app.hints.assets = true;
  app.confidence = lock && app.framework && start ? 'high' : start ? 'medium' : 'low';
  return app;
}

export const rubyDetectors: Detector[] = [{ name: 'ruby', detect }];
