import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import { buildpackOnly, commandStart, programOf } from '../../src/core/analysis/procfile';
import { generateFiles } from '../../src/core/dockerfiles/generate';
import { FIXTURES, startAndFetch } from '../support/analysisFixtures';
import { makeWorkspace } from '../support/workspace';

async function analyzeFiles(files: Record<string, string>) {
  const ws = await makeWorkspace(files);
  try {
    return await only(ws.root);
  } finally {
    await ws.cleanup();
  }
}

async function only(dir: string) {
  const ws = await analyzeWorkspace(dir);
  assert.equal(ws.apps.length, 1, JSON.stringify(ws.unrecognised ?? ws.apps.map((a) => a.path)));
  return ws.apps[0];
}

describe('Procfile commands as container starts', () => {
  it('splits a plain command into exec form and keeps quoted words together', () => {
    assert.deepEqual(commandStart('gunicorn app:app --workers 2'), {
      env: [],
      command: 'gunicorn app:app --workers 2',
      start: ['gunicorn', 'app:app', '--workers', '2'],
    });
    assert.deepEqual(commandStart(`node -e 'console.log(1)'`).start, ['node', '-e', 'console.log(1)']);
  });

  it('moves leading VAR=value pairs out of the command (they become ENV lines)', () => {
    assert.deepEqual(commandStart('RACK_ENV=production bundle exec puma'), {
      env: ['RACK_ENV=production'],
      command: 'bundle exec puma',
      start: ['bundle', 'exec', 'puma'],
    });
    assert.deepEqual(commandStart('env A=1 B="two" node server.js'), { env: ['A=1', 'B=two'], command: 'node server.js', start: ['node', 'server.js'] });
  });

  it('goes through sh only when the command needs a shell, and execs its last command', () => {
    assert.deepEqual(commandStart('gunicorn -b :$PORT main:app').start, ['sh', '-c', 'exec gunicorn -b :$PORT main:app']);
    assert.deepEqual(commandStart('cd web && node server.js').start, ['sh', '-c', 'cd web && exec node server.js']);
    assert.deepEqual(commandStart('python manage.py migrate; gunicorn -b :$PORT app.wsgi').start, [
      'sh',
      '-c',
      'python manage.py migrate ; exec gunicorn -b :$PORT app.wsgi',
    ]);
    // A pipeline cannot be replaced by one process, and an assignment that expands a variable stays in the shell.
    assert.deepEqual(commandStart('server | tee log').start, ['sh', '-c', 'server | tee log']);
    assert.deepEqual(commandStart('DB=$DATABASE_URL ./serve').start, ['sh', '-c', 'exec env DB=$DATABASE_URL ./serve']);
  });

  it('names the program a command runs', () => {
    assert.equal(programOf('python -m gunicorn app:app'), 'gunicorn');
    assert.equal(programOf('bundle exec puma -C config/puma.rb'), 'puma');
    assert.equal(programOf('FOO=1 exec node server.js'), 'node');
    assert.equal(programOf('npx next start'), 'next');
    assert.equal(programOf('vendor/bin/heroku-php-apache2 public/'), 'heroku-php-apache2');
    assert.ok(buildpackOnly('vendor/bin/heroku-php-apache2 public/'));
    assert.ok(!buildpackOnly('node server.js'));
  });
});

describe('Procfile as the start of every language', () => {
  it('a Procfile with an empty requirements.txt is a Python app started as the Procfile says (and it answers)', async function () {
    this.timeout(20_000);
    const app = await only(path.join(FIXTURES, 'python-procfile-empty-requirements'));
    assert.deepEqual([app.stack, app.language.value, app.packageManager?.value], ['python', 'python', 'pip']);
    assert.deepEqual(app.start, { value: ['python', 'src/main.py'], evidence: [{ file: 'Procfile', line: 1, detail: 'Procfile web: python src/main.py' }] });
    assert.deepEqual([app.port.honoursPortEnv, app.port.evidence[0].file, app.port.evidence[0].line], [true, 'src/main.py', 14]);
    assert.equal(app.confidence, 'medium');
    const df = generateFiles(app).dockerfile;
    assert.match(df, /^CMD \["python","src\/main.py"\]$/m);
    const res = await startAndFetch(['python3', 'src/main.py'], path.join(FIXTURES, 'python-procfile-empty-requirements'));
    assert.equal(res.body, 'hello from src/main.py\n');
  });

  it('RACK_ENV=production in the web line becomes ENV, puma runs in exec form, and config/puma.rb decides the port', async () => {
    const app = await only(path.join(FIXTURES, 'ruby-puma-procfile-env'));
    assert.deepEqual(app.start?.value, ['bundle', 'exec', 'puma']);
    assert.deepEqual(app.hints.startEnv, ['RACK_ENV=production']);
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'config',
      honoursPortEnv: true,
      evidence: [{ file: 'config/puma.rb', line: 4, detail: "puma port: port ENV['PORT'] || 4567" }],
    });
    const lines = generateFiles(app).dockerfile.split('\n');
    assert.ok(lines.includes('ENV RACK_ENV=production'), lines.join('\n'));
    assert.ok(lines.includes('ENV PORT=8080'));
    assert.equal(lines.filter((l) => l.startsWith('CMD')).pop(), 'CMD ["bundle","exec","puma"]');
  });

  it('a puma config that hard-codes its port is flagged with the one-line fix', async () => {
    const app = await analyzeFiles({
      Gemfile: "source 'https://rubygems.org'\ngem 'puma'\ngem 'rack'\n",
      'config.ru': 'run ->(env) { [200, {}, ["ok"]] }\n',
      'config/puma.rb': 'threads 1, 5\nport 4567\n',
      Procfile: 'web: bundle exec puma\n',
    });
    assert.deepEqual([app.port.port, app.port.honoursPortEnv], [4567, false]);
    assert.deepEqual(app.port.fix && [app.port.fix.file, app.port.fix.line, app.port.fix.after], ['config/puma.rb', 2, 'port ENV.fetch("PORT") { 4567 }']);
  });

  it('Node: the Procfile wins over the start script, and its env becomes ENV', async () => {
    const app = await analyzeFiles({
      'package.json': JSON.stringify({ name: 'p', scripts: { start: 'node dev.js' }, dependencies: { express: '^4' } }),
      'package-lock.json': '{}',
      'web.js': "const express = require('express');\nexpress().listen(process.env.PORT || 3000);\n",
      Procfile: 'web: NODE_OPTIONS=--max-old-space-size=256 node web.js\n',
    });
    assert.deepEqual(app.start?.value, ['node', 'web.js']);
    assert.deepEqual([app.port.honoursPortEnv, app.port.evidence[0].file], [true, 'web.js']);
    assert.ok(generateFiles(app).dockerfile.includes('ENV NODE_OPTIONS=--max-old-space-size=256'));
  });

  it('PHP: heroku-php-apache2 names the document root Apache serves', async () => {
    const app = await analyzeFiles({
      'composer.json': '{"require":{"php":"^8.2"}}',
      'web/index.php': '<?php echo "hi";',
      Procfile: 'web: vendor/bin/heroku-php-apache2 web/\n',
    });
    assert.equal(app.hints.docroot, 'web');
    assert.match(generateFiles(app).dockerfile, /APACHE_DOCUMENT_ROOT=\/var\/www\/html\/web/);
  });

  it('a bare Procfile runs on the image of the language its command names', async () => {
    const app = await analyzeFiles({ Procfile: 'web: ruby server.rb -p $PORT\n', 'server.rb': "require 'socket'\n" });
    assert.deepEqual([app.stack, app.language.value, app.hints.baseImage], ['procfile', 'ruby', 'ruby:3.4-slim']);
    assert.match(generateFiles(app).dockerfile, /^FROM ruby:3\.4-slim$/m);
  });
});
