import * as assert from 'node:assert/strict';
import type { Analysis } from '../../src/core/analyze';
import { generateDockerfile } from '../../src/core/dockerfile';

type NodeAnalysis = Extract<Analysis, { kind: 'node' }>;
type PythonAnalysis = Extract<Analysis, { kind: 'python' }>;

const node = (over: Partial<NodeAnalysis> = {}): NodeAnalysis => ({
  kind: 'node', port: 8080, summary: '', nodeMajor: 22, lockfile: 'none', start: ['npm', 'start'], hasBuild: false, ...over,
});
const python = (over: Partial<PythonAnalysis> = {}): PythonAnalysis => ({
  kind: 'python', port: 8080, summary: '', pythonVersion: '3.12', hasRequirements: true, start: ['python', 'main.py'], ...over,
});

function lines(dockerfile: string | undefined): string[] {
  assert.ok(dockerfile, 'a Dockerfile was generated');
  return dockerfile.split('\n');
}

/** The exec-form CMD, parsed: a shell-form CMD would not be PID 1 and would miss SIGTERM. */
function cmdArgs(dockerfile: string | undefined): string[] {
  const cmd = lines(dockerfile).filter((l) => l.startsWith('CMD '));
  assert.equal(cmd.length, 1, 'exactly one CMD');
  const args: unknown = JSON.parse(cmd[0].slice(4));
  assert.ok(Array.isArray(args) && args.every((a) => typeof a === 'string'), 'CMD is a JSON array of strings');
  return args;
}

/** The user the container runs as: the last USER line before CMD. */
function runtimeUser(dockerfile: string | undefined): string | undefined {
  return lines(dockerfile).filter((l) => l.startsWith('USER ')).at(-1)?.slice(5);
}

describe('generateDockerfile', () => {
  it('returns undefined when the app brings its own Dockerfile', () => {
    assert.equal(generateDockerfile({ kind: 'dockerfile', port: 3000, summary: '' }), undefined);
  });

  describe('Node.js', () => {
    it('is one stage without a build script, installing production deps only', () => {
      const d = generateDockerfile(node());
      const from = lines(d).filter((l) => l.startsWith('FROM '));
      assert.deepEqual(from, ['FROM node:22-slim']);
      assert.ok(lines(d).includes('RUN npm install --omit=dev'));
    });

    it('is multi-stage with a build script: build with dev deps, then prune', () => {
      const d = generateDockerfile(node({ hasBuild: true, nodeMajor: 20, lockfile: 'npm' }));
      const from = lines(d).filter((l) => l.startsWith('FROM '));
      assert.deepEqual(from, ['FROM node:20-slim AS build', 'FROM node:20-slim']);
      assert.ok(lines(d).includes('RUN npm ci'), 'dev dependencies are installed for the build');
      assert.ok(lines(d).includes('RUN npm run build && npm prune --omit=dev'));
      assert.ok(lines(d).some((l) => l.startsWith('COPY --from=build')));
      const buildIdx = lines(d).indexOf('RUN npm run build && npm prune --omit=dev');
      const runtimeIdx = lines(d).indexOf('FROM node:20-slim');
      assert.ok(buildIdx < runtimeIdx, 'the build runs in the first stage');
    });

    it('uses npm ci only with a lockfile', () => {
      assert.ok(generateDockerfile(node({ lockfile: 'npm' }))!.includes('npm ci'));
      assert.ok(!generateDockerfile(node({ lockfile: 'none' }))!.includes('npm ci'));
      assert.ok(!generateDockerfile(node({ lockfile: 'none', hasBuild: true }))!.includes('npm ci'));
      assert.ok(generateDockerfile(node({ lockfile: 'none', hasBuild: true }))!.includes('RUN npm install'));
    });

    for (const hasBuild of [false, true]) {
      it(`runs as the non-root node user, on PORT 8080, with an exec-form CMD (hasBuild=${hasBuild})`, () => {
        const d = generateDockerfile(node({ hasBuild, start: ['node', 'server.js'] }));
        assert.equal(runtimeUser(d), 'node');
        assert.ok(lines(d).includes('ENV PORT=8080'));
        assert.ok(lines(d).includes('EXPOSE 8080'));
        assert.deepEqual(cmdArgs(d), ['node', 'server.js']);
        assert.ok(lines(d).indexOf('USER node') < lines(d).findIndex((l) => l.startsWith('CMD ')));
      });
    }
  });

  describe('Python', () => {
    it('installs requirements and gunicorn for Flask', () => {
      const start = ['sh', '-c', 'exec gunicorn --bind 0.0.0.0:${PORT:-8080} app:app'];
      const d = generateDockerfile(python({ start }));
      assert.ok(lines(d).includes('FROM python:3.12-slim'));
      assert.ok(lines(d).includes('RUN pip install -r requirements.txt'));
      assert.ok(lines(d).includes('RUN pip install gunicorn'));
      assert.deepEqual(cmdArgs(d), start, 'the shell string survives JSON quoting');
    });

    it('installs uvicorn for FastAPI', () => {
      const d = generateDockerfile(python({ start: ['sh', '-c', 'exec uvicorn main:app --host 0.0.0.0 --port ${PORT:-8080}'] }));
      assert.ok(lines(d).includes('RUN pip install uvicorn'));
      assert.ok(!lines(d).includes('RUN pip install gunicorn'));
    });

    it('installs no server and no requirements for a plain script without requirements.txt', () => {
      const d = generateDockerfile(python({ hasRequirements: false, pythonVersion: '3.11' }));
      assert.ok(lines(d).includes('FROM python:3.11-slim'));
      assert.ok(!d!.includes('pip install'));
      assert.ok(!d!.includes('requirements.txt'));
      assert.deepEqual(cmdArgs(d), ['python', 'main.py']);
    });

    it('runs as a non-root user on PORT 8080', () => {
      const d = generateDockerfile(python());
      const user = runtimeUser(d);
      assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
      assert.match(d!, /PORT=8080/);
      assert.ok(lines(d).includes('EXPOSE 8080'));
    });
  });
});
