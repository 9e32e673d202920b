import * as assert from 'node:assert/strict';
import { rubyDetectors } from '../../src/core/analysis/ruby';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { rubyGenerators } from '../../src/core/dockerfiles/ruby';
import { detectFixture } from '../support/analysisFixtures';

const analyze = (name: string): Promise<AppAnalysis> => detectFixture(rubyDetectors, name, 'Ruby');

const dockerfile = (app: AppAnalysis) => rubyGenerators.ruby!(app).dockerfile.split('\n');

describe('analysis: Ruby', () => {
  it('ruby-rails: .ruby-version, Rails + puma.rb reading PORT, pg libs, assets precompiled', async () => {
    const app = await analyze('ruby-rails');
    assert.equal(app.stack, 'ruby');
    assert.equal(app.language.value, 'ruby');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file], ['3.3', 'ruby-rails/.ruby-version']);
    assert.deepEqual([app.packageManager?.value, app.packageManager?.evidence[0].file], ['bundler', 'ruby-rails/Gemfile.lock']);
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['rails', 5]);
    assert.deepEqual(app.start?.value, ['bundle', 'exec', 'puma', '-C', 'config/puma.rb']);
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'config',
      honoursPortEnv: true,
      evidence: [{ file: 'ruby-rails/config/puma.rb', line: 4, detail: 'puma port: port ENV.fetch("PORT", 3000)' }],
    });
    assert.ok(app.notes.some((n) => n.includes('RAILS_MASTER_KEY')));
    assert.equal(app.confidence, 'high');

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM ruby:3.3-slim AS build'));
    assert.ok(lines.some((l) => l.includes('build-essential') && l.includes('libpq-dev')));
    assert.ok(lines.includes('COPY Gemfile Gemfile.lock ./'));
    assert.ok(lines.includes('RUN bundle install && rm -rf /usr/local/bundle/cache'));
    assert.ok(lines.some((l) => l.includes('BUNDLE_DEPLOYMENT=1')));
    assert.ok(lines.includes('RUN SECRET_KEY_BASE_DUMMY=1 RAILS_ENV=production bundle exec rails assets:precompile'));
    assert.ok(lines.includes('FROM ruby:3.3-slim'));
    assert.ok(lines.some((l) => l.includes('install') && l.includes('libpq5')));
    assert.ok(lines.includes('USER app'));
    assert.ok(lines.includes('ENV PORT=8080'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('CMD ["bundle","exec","puma","-C","config/puma.rb"]'));
  });

  it('ruby-sinatra: config.ru + puma started on $PORT, default Ruby image noted', async () => {
    const app = await analyze('ruby-sinatra');
    assert.equal(app.framework?.value, 'sinatra');
    assert.equal(app.version?.value, '3.4', 'nothing pinned: the preferred Ruby');
    assert.match(app.version?.evidence[0].detail ?? '', /^no version in \.ruby-version, Gemfile or Gemfile\.lock/);
    assert.deepEqual(app.start?.value, ['sh', '-c', 'exec bundle exec puma -b tcp://0.0.0.0:${PORT} config.ru']);
    assert.deepEqual([app.port.honoursPortEnv, app.port.evidence[0].file], [true, 'ruby-sinatra/config.ru']);
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM ruby:3.4-slim AS build'));
    assert.ok(lines.some((l) => l.includes('RACK_ENV=production')));
    assert.ok(lines.includes('CMD ["sh","-c","exec bundle exec puma -b tcp://0.0.0.0:${PORT} config.ru"]'));
  });

  it('ruby-procfile: the Procfile web line is the start command; no lockfile → no deployment mode', async () => {
    const app = await analyze('ruby-procfile');
    assert.equal(app.framework?.value, 'rack');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file], ['3.2', 'ruby-procfile/.ruby-version']);
    assert.deepEqual(app.start, {
      value: ['sh', '-c', 'exec bundle exec puma -t 5:5 -p ${PORT:-3000}'],
      evidence: [{ file: 'ruby-procfile/Procfile', line: 1, detail: 'Procfile web: bundle exec puma -t 5:5 -p ${PORT:-3000}' }],
    });
    assert.deepEqual([app.port.honoursPortEnv, app.port.evidence[0].file, app.port.evidence[0].line], [true, 'ruby-procfile/Procfile', 1]);
    assert.equal(app.confidence, 'medium');
    const lines = dockerfile(app);
    assert.ok(lines.includes('COPY Gemfile ./'));
    assert.ok(!lines.some((l) => l.includes('BUNDLE_DEPLOYMENT')));
    assert.ok(lines.includes('FROM ruby:3.2-slim'));
  });
});
