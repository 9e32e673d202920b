import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as os from 'node:os';
import { analyzeWorkspace, DEFAULT_PORT, exposedPort, type Analysis } from '../../src/core/analyze';
import { DevgemError } from '../../src/core/errors';
import { makeWorkspace, NODE_APP } from './workspace';

async function analyze(files: Record<string, string>): Promise<Analysis> {
  const ws = await makeWorkspace(files);
  try {
    return await analyzeWorkspace(ws.root);
  } finally {
    await ws.cleanup();
  }
}

async function analyzeError(files: Record<string, string>): Promise<DevgemError> {
  const err = await analyze(files).then(() => assert.fail('expected analysis to fail'), (e: unknown) => e);
  assert.ok(err instanceof DevgemError, `a DevgemError, got ${String(err)}`);
  assert.ok(err.fix, 'the error says what to do');
  return err;
}

function as<K extends Analysis['kind']>(a: Analysis, kind: K): Extract<Analysis, { kind: K }> {
  assert.equal(a.kind, kind);
  return a as Extract<Analysis, { kind: K }>;
}

const pkg = (json: object) => JSON.stringify(json);

describe('analyzeWorkspace', () => {
  describe('existing Dockerfile', () => {
    it('uses the EXPOSE port', async () => {
      const a = await analyze({ Dockerfile: 'FROM nginx\nEXPOSE 3000\n', 'package.json': pkg({ scripts: { start: 'x' } }) });
      assert.deepEqual(a, { kind: 'dockerfile', port: 3000, summary: 'Existing Dockerfile, container port 3000' });
    });

    it('defaults to 8080 without EXPOSE', async () => {
      const a = await analyze({ Dockerfile: 'FROM nginx\n' });
      assert.equal(a.kind, 'dockerfile');
      assert.equal(a.port, DEFAULT_PORT);
      assert.equal(DEFAULT_PORT, 8080);
    });
  });

  describe('Node.js', () => {
    it('starts with npm start when there is a start script', async () => {
      const a = as(await analyze(NODE_APP), 'node');
      assert.deepEqual(a.start, ['npm', 'start']);
      assert.equal(a.port, 8080);
      assert.equal(a.nodeMajor, 22, 'default Node major');
      assert.equal(a.lockfile, 'none');
      assert.equal(a.hasBuild, false);
      assert.match(a.summary, /Node\.js 22 app, started with `npm start`/);
    });

    it('starts server.js with node when there is no start script', async () => {
      const a = as(await analyze({ 'package.json': pkg({ name: 'x' }), 'server.js': '' }), 'node');
      assert.deepEqual(a.start, ['node', 'server.js']);
    });

    it('prefers package.json "main" when that file exists', async () => {
      const a = as(await analyze({ 'package.json': pkg({ main: 'src/start.js' }), 'src/start.js': '', 'index.js': '' }), 'node');
      assert.deepEqual(a.start, ['node', 'src/start.js']);
    });

    it('takes the major version from engines.node ">=20"', async () => {
      const a = as(await analyze({ 'package.json': pkg({ engines: { node: '>=20' }, scripts: { start: 'node s.js' } }) }), 'node');
      assert.equal(a.nodeMajor, 20);
    });

    it('never picks a Node major below 18', async () => {
      const a = as(await analyze({ 'package.json': pkg({ engines: { node: '^16.0.0' }, scripts: { start: 'x' } }) }), 'node');
      assert.equal(a.nodeMajor, 18);
    });

    it('sees package-lock.json as an npm lockfile', async () => {
      const a = as(await analyze({ ...NODE_APP, 'package-lock.json': '{}' }), 'node');
      assert.equal(a.lockfile, 'npm');
    });

    it('sees a build script', async () => {
      const a = as(await analyze({ 'package.json': pkg({ scripts: { start: 'node dist/s.js', build: 'tsc' } }) }), 'node');
      assert.equal(a.hasBuild, true);
    });

    it('explains a corrupt package.json with the fix', async () => {
      const err = await analyzeError({ 'package.json': '{ "name": "x", }', 'server.js': '' });
      assert.equal(err.kind, 'invalid-argument');
      assert.match(err.message, /package\.json could not be read/);
      assert.match(err.fix ?? '', /JSON syntax of package\.json/);
    });

    it('explains a package.json with nothing to start', async () => {
      const err = await analyzeError({ 'package.json': pkg({ name: 'lib' }), 'lib.js': '' });
      assert.equal(err.kind, 'failed-precondition');
      assert.match(err.message, /no start script/);
      assert.match(err.fix ?? '', /"start"/);
    });
  });

  describe('Python', () => {
    it('serves a Flask app with gunicorn', async () => {
      const a = as(await analyze({ 'requirements.txt': 'Flask==3.0.0\n', 'app.py': '' }), 'python');
      assert.equal(a.hasRequirements, true);
      assert.equal(a.start[0], 'sh');
      assert.match(a.start.join(' '), /exec gunicorn --bind 0\.0\.0\.0:\$\{PORT:-8080\} app:app/);
      assert.match(a.summary, /Flask app \(app\.py\)/);
      assert.equal(a.pythonVersion, '3.12');
    });

    it('serves a FastAPI app with uvicorn', async () => {
      const a = as(await analyze({ 'requirements.txt': 'fastapi[standard]>=0.110\nuvicorn\n', 'main.py': '' }), 'python');
      assert.match(a.start.join(' '), /exec uvicorn main:app --host 0\.0\.0\.0 --port \$\{PORT:-8080\}/);
      assert.match(a.summary, /FastAPI/);
    });

    it('runs a plain script with python', async () => {
      const a = as(await analyze({ 'main.py': 'print(1)' }), 'python');
      assert.deepEqual(a.start, ['python', 'main.py']);
      assert.equal(a.hasRequirements, false);
    });

    it('takes the Python version from .python-version', async () => {
      const a = as(await analyze({ 'app.py': '', '.python-version': '3.11.4\n' }), 'python');
      assert.equal(a.pythonVersion, '3.11');
    });

    it('explains requirements.txt without an entry point', async () => {
      const err = await analyzeError({ 'requirements.txt': 'flask\n', 'wsgi.py': '' });
      assert.equal(err.kind, 'failed-precondition');
      assert.match(err.message, /requirements\.txt but no main\.py/);
      assert.match(err.fix ?? '', /Dockerfile/);
    });
  });

  describe('nothing to deploy', () => {
    it('says an empty folder is empty', async () => {
      const err = await analyzeError({});
      assert.match(err.message, /empty/);
      assert.match(err.fix ?? '', /Open the folder/);
    });

    it('counts a folder with only hidden files as empty', async () => {
      const err = await analyzeError({ '.gitignore': 'x' });
      assert.match(err.message, /empty/);
    });

    it('says a README-only folder is not recognised and to add a Dockerfile', async () => {
      const err = await analyzeError({ 'README.md': '# hi' });
      assert.equal(err.kind, 'failed-precondition');
      assert.match(err.message, /does not recognise/);
      assert.match(err.fix ?? '', /Add a Dockerfile/);
    });

    it('explains a folder that does not exist', async () => {
      const err = await analyzeWorkspace(path.join(os.tmpdir(), 'devgem-missing-folder-xyz')).then(() => assert.fail('expected a rejection'), (e: unknown) => e);
      assert.ok(err instanceof DevgemError);
      assert.match(err.message, /cannot be read/);
      assert.match(err.fix ?? '', /Open Folder/);
    });
  });
});

describe('exposedPort', () => {
  const cases: [string, number | undefined][] = [
    ['FROM x\nEXPOSE 3000\n', 3000],
    ['FROM x\n  expose 5000/tcp\n', 5000],
    ['FROM x\nEXPOSE 4000\nEXPOSE 5000\n', 4000],
    ['FROM x\n', undefined],
    ['FROM x\nEXPOSE $PORT\n', undefined],
    ['FROM x\nEXPOSE 0\n', undefined],
    ['FROM x\nEXPOSE 70000\n', undefined],
    ['FROM x\n# EXPOSE 3000\n', undefined],
  ];
  for (const [text, port] of cases) {
    it(`${JSON.stringify(text)} -> ${port}`, () => assert.equal(exposedPort(text), port));
  }
});
