// Ruby: gems built in a stage with compilers, copied into ruby:<v>-slim, run as a non-root user.
// Hints used: lockfile (Gemfile.lock exists), postgres / mysql (native client libs),
// assets (Rails asset precompile).
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { assetStage, copySource, hasAssets } from './assets';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap, startEnvLines } from './generator';

function rubyDockerfile(app: AppAnalysis): string {
  const image = RUNTIMES.ruby.image(app.version?.value ?? RUNTIMES.ruby.preferred);
  const rails = app.framework?.value === 'rails';
  const buildLibs = [
    'build-essential',
    'git',
    'libyaml-dev',
    ...(app.hints.postgres ? ['libpq-dev'] : []),
    ...(app.hints.mysql ? ['default-libmysqlclient-dev'] : []),
  ];
  const runLibs = [...(app.hints.postgres ? ['libpq5'] : []), ...(app.hints.mysql ? ['default-mysql-client'] : [])];
  const apt = (pkgs: string[]) => `RUN apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')} && rm -rf /var/lib/apt/lists/*`;
  return [
    GENERATED_HEADER,
    ...assetStage(app),
    `FROM ${image} AS build`,
    'WORKDIR /app',
    apt(buildLibs),
    // Deployment mode refuses to touch the lockfile: the image gets exactly the locked gems.
    // BUNDLE_PATH keeps them in /usr/local/bundle (deployment mode would pick vendor/bundle).
    `ENV BUNDLE_PATH=/usr/local/bundle BUNDLE_WITHOUT=development:test${app.hints.lockfile ? ' BUNDLE_DEPLOYMENT=1' : ''}`,
    app.hints.lockfile ? 'COPY Gemfile Gemfile.lock ./' : 'COPY Gemfile ./',
    'RUN bundle install && rm -rf /usr/local/bundle/cache',
    copySource(app, '.'),
    // The assets stage already ran the JavaScript/CSS build; jsbundling and cssbundling skip theirs on these.
    ...(rails && (app.hints.assets || hasAssets(app))
      ? [`RUN ${hasAssets(app) ? 'SKIP_JS_BUILD=1 SKIP_CSS_BUILD=1 ' : ''}SECRET_KEY_BASE_DUMMY=1 RAILS_ENV=production bundle exec rails assets:precompile`]
      : []),
    '',
    `FROM ${image}`,
    'WORKDIR /app',
    ...(runLibs.length ? [apt(runLibs)] : []),
    `ENV BUNDLE_PATH=/usr/local/bundle BUNDLE_WITHOUT=development:test${app.hints.lockfile ? ' BUNDLE_DEPLOYMENT=1' : ''}${rails ? ' RAILS_ENV=production RAILS_LOG_TO_STDOUT=1 RAILS_SERVE_STATIC_FILES=1' : ' RACK_ENV=production APP_ENV=production'}`,
    'RUN useradd --system --uid 10001 --create-home app',
    'COPY --from=build /usr/local/bundle /usr/local/bundle',
    'COPY --from=build --chown=app:app /app /app',
    ...(app.port.honoursPortEnv || app.port.port === 8080 ? ['ENV PORT=8080'] : []),
    ...startEnvLines(app),
    `EXPOSE ${app.port.port}`,
    'USER app',
    cmd(app.start?.value ?? ['sh', '-c', 'exec bundle exec rackup -o 0.0.0.0 -p ${PORT}']),
    '',
  ].join('\n');
}

export const rubyGenerators: GeneratorMap = {
  ruby: (app) => ({
    dockerfile: rubyDockerfile(app),
    dockerignore: dockerignore(['log', 'tmp', 'storage', 'node_modules', '.bundle', 'vendor/bundle', 'coverage', 'spec', 'test']),
  }),
};
