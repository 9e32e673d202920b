import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import { describeApp, describeWorkspace } from '../../src/core/analysis/describe';
import type { Detector } from '../../src/core/analysis/detector';
import { type DirView, grep } from '../../src/core/analysis/dirView';
import { parseDockerfile, substitute } from '../../src/core/analysis/existingDockerfile';
import { goWorkUses, pnpmPackages } from '../../src/core/analysis/monorepo';
import type { AppAnalysis, Confidence, WorkspaceAnalysis } from '../../src/core/analysis/types';
import { DevgemError } from '../../src/core/base/errors';
import { FIXTURES } from '../support/analysisFixtures';
import { makeWorkspace } from '../support/workspace';

// The orchestrator is tested with fake detectors so its ranking, monorepo and
// Dockerfile logic do not depend on the language detectors.

function fakeApp(view: DirView, stack: AppAnalysis['stack'], confidence: Confidence, extra: Partial<AppAnalysis> = {}): AppAnalysis {
  return {
    path: view.dir,
    name: path.basename(view.abs()),
    stack,
    language: { value: 'javascript', evidence: [] },
    port: { port: 8080, source: 'devgem-default', honoursPortEnv: true, evidence: [] },
    confidence,
    context: view.dir,
    hints: {},
    notes: [],
    needs: [],
    warnings: [],
    ...extra,
  };
}

/** A Node-ish detector: an app when package.json has a start script or a `main` (as eager as a real one may be). */
const fakeNode: Detector = {
  name: 'fake-node',
  async detect(view) {
    const pkg = await view.readJson<{ name?: string; main?: string; scripts?: Record<string, string> }>('package.json');
    if (!pkg?.scripts?.start && !pkg?.main) return undefined;
    const hit = await grep(view, 'package.json', /"start"|"main"/);
    return fakeApp(view, 'node', 'medium', {
      name: pkg.name ?? 'app',
      start: {
        value: pkg.scripts?.start ? ['npm', 'start'] : ['node', pkg.main!],
        evidence: [{ file: view.rel('package.json'), line: hit?.line, detail: 'start' }],
      },
    });
  },
};

/** A Go-ish detector: an app when go.mod and main.go exist. */
const fakeGo: Detector = {
  name: 'fake-go',
  async detect(view) {
    if (!(await view.exists('go.mod')) || !(await view.exists('main.go'))) return undefined;
    return fakeApp(view, 'go', 'medium', { language: { value: 'go', evidence: [{ file: view.rel('go.mod'), detail: 'go.mod' }] } });
  },
};

/** Answers from a table: folder → confidence (or 'throw'); other folders are not its stack. */
function scripted(name: string, stack: AppAnalysis['stack'], table: Record<string, Confidence | 'throw'>): Detector {
  return {
    name,
    async detect(view) {
      const c = table[view.dir];
      if (c === 'throw') throw new Error(`${name} exploded`);
      return c ? fakeApp(view, stack, c, { notes: [`by ${name}`], start: { value: ['run'], evidence: [] } }) : undefined;
    },
  };
}

const fixture = (name: string) => path.join(FIXTURES, name);
const paths = (a: WorkspaceAnalysis) => a.apps.map((x) => x.path);

describe('analyzeWorkspace', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function ws(files: Record<string, string>): Promise<string> {
    const w = await makeWorkspace(files);
    cleanups.push(w.cleanup);
    return w.root;
  }

  describe('ranking and selection', () => {
    const layout = {
      'package.json': '{}',
      'apps/a/package.json': '{}',
      'apps/b/package.json': '{}',
      'apps/c/package.json': '{}',
      'apps/lib/package.json': '{}',
    };

    it('puts the root app first, then members by confidence, then path; folders no detector claims are dropped', async () => {
      const root = await ws(layout);
      const d = scripted('d', 'node', { '': 'low', 'apps/a': 'medium', 'apps/b': 'high', 'apps/c': 'medium' });
      const a = await analyzeWorkspace(root, { detectors: [d] });
      assert.deepEqual(paths(a), ['', 'apps/b', 'apps/a', 'apps/c']);
      assert.equal(a.unrecognised, undefined);
      assert.equal(a.monorepo?.value, 'folders');
    });

    it('ranks members only when the root is not an app', async () => {
      const root = await ws(layout);
      const a = await analyzeWorkspace(root, { detectors: [scripted('d', 'node', { 'apps/c': 'high', 'apps/a': 'low', 'apps/b': 'high' })] });
      assert.deepEqual(paths(a), ['apps/b', 'apps/c', 'apps/a']);
    });

    it('leaves out a member matched only weakly with no start command, as a library', async () => {
      const root = await ws(layout);
      const weak: Detector = { name: 'weak', detect: async (view) => (view.dir === 'apps/lib' ? fakeApp(view, 'node', 'low') : undefined) };
      const a = await analyzeWorkspace(root, { detectors: [weak, scripted('d', 'node', { 'apps/a': 'medium' })] });
      assert.deepEqual(paths(a), ['apps/a']);
      assert.ok(a.apps[0].notes.includes('apps/lib is not offered: no start command, so it is likely a library.'));
    });

    it('keeps the best detector per folder: higher confidence, then registry order', async () => {
      const root = await ws({ 'x.txt': '' });
      const first = scripted('first', 'node', { '': 'medium' });
      const second = scripted('second', 'python', { '': 'high' });
      const third = scripted('third', 'go', { '': 'high' });
      assert.equal((await analyzeWorkspace(root, { detectors: [first, second, third] })).apps[0].stack, 'python');
      assert.equal((await analyzeWorkspace(root, { detectors: [first, third, second] })).apps[0].stack, 'go');
      assert.equal((await analyzeWorkspace(root, { detectors: [first, scripted('p', 'python', { '': 'medium' })] })).apps[0].stack, 'node');
    });

    it('survives a throwing detector: other detectors still win, and the failure is noted', async () => {
      const root = await ws({ 'x.txt': '' });
      const a = await analyzeWorkspace(root, { detectors: [scripted('boom', 'node', { '': 'throw' }), scripted('ok', 'go', { '': 'low' })] });
      assert.equal(a.apps[0].stack, 'go');
      assert.ok(
        a.apps[0].notes.some((n) => n.includes('boom exploded')),
        a.apps[0].notes.join('\n'),
      );
    });

    it('reports a member that failed on the best app instead of losing it', async () => {
      const root = await ws(layout);
      const a = await analyzeWorkspace(root, { detectors: [scripted('d', 'node', { 'apps/a': 'high', 'apps/b': 'throw' })] });
      assert.deepEqual(paths(a), ['apps/a']);
      assert.ok(
        a.apps[0].notes.some((n) => n.startsWith('apps/b: ') && n.includes('d exploded')),
        a.apps[0].notes.join('\n'),
      );
    });
  });

  describe('nothing recognised', () => {
    it('lists what it found and never invents a stack', async () => {
      const a = await analyzeWorkspace(fixture('unknown-c'), { detectors: [fakeNode, fakeGo] });
      assert.deepEqual(a.apps, []);
      assert.deepEqual(a.unrecognised?.found, ['Makefile', 'README.md', 'main.c']);
      assert.match(a.unrecognised!.message, /^Devgem does not recognise this stack: found Makefile, README\.md, main\.c\./);
      assert.equal(a.monorepo, undefined);
    });

    it('says an empty folder (or one with only hidden files) is empty', async () => {
      for (const files of [{}, { '.git/HEAD': 'ref' }] as Array<Record<string, string>>) {
        const a = await analyzeWorkspace(await ws(files), { detectors: [fakeNode] });
        assert.deepEqual(a.apps, []);
        assert.deepEqual(a.unrecognised?.found, []);
        assert.match(a.unrecognised!.message, /folder is empty/);
      }
    });

    it('names the corrupt package.json and its parse error instead of crashing', async () => {
      const a = await analyzeWorkspace(fixture('unknown-corrupt-json'), { detectors: [fakeNode] });
      assert.deepEqual(a.apps, []);
      assert.match(a.unrecognised!.message, /Could not parse package\.json: .*JSON/);
      assert.equal(a.unrecognised!.message.split('Could not parse').length, 2, 'said once');
      assert.ok(a.unrecognised!.found.includes('package.json'));
    });

    it('does not crash on the corrupt package.json with the real detectors either', async () => {
      const a = await analyzeWorkspace(fixture('unknown-corrupt-json'));
      assert.ok(a.apps.length > 0 || a.unrecognised, 'an answer either way');
    });

    it('fails clearly for a folder that does not exist', async () => {
      const err = await analyzeWorkspace(path.join(FIXTURES, 'no-such-folder')).catch((e: unknown) => e);
      assert.ok(err instanceof DevgemError);
      assert.equal(err.kind, 'not-found');
      assert.match(err.message, /no-such-folder is not a folder/);
    });

    it('stops when cancelled', async () => {
      const err = await analyzeWorkspace(fixture('mono-turbo'), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
      assert.ok(err instanceof DevgemError && err.kind === 'cancelled');
    });
  });

  describe('existing Dockerfiles', () => {
    it('uses EXPOSE $PORT resolved through ENV and ARG in the last stage, and the exec-form CMD', async () => {
      const a = await analyzeWorkspace(fixture('dockerfile-env-port'), { detectors: [] });
      const app = a.apps[0];
      assert.equal(app.stack, 'dockerfile');
      assert.equal(app.dockerfile, 'Dockerfile');
      assert.equal(app.context, '');
      assert.deepEqual(app.port, {
        port: 8080,
        source: 'dockerfile',
        honoursPortEnv: false,
        evidence: [{ file: 'Dockerfile', line: 15, detail: 'EXPOSE 8080' }],
        fix: undefined,
      });
      assert.deepEqual(app.start, {
        value: ['node', 'dist/server.js'],
        evidence: [{ file: 'Dockerfile', line: 17, detail: 'CMD ["node", "dist/server.js"]' }],
      });
      assert.deepEqual(app.language, { value: 'javascript', evidence: [{ file: 'Dockerfile', line: 2, detail: 'base image node:20-slim' }] });
      assert.equal(app.version?.value, '20');
      assert.equal(app.confidence, 'high');
    });

    it("keeps the detector's stack and marks its own Dockerfile when a detector also matches", async () => {
      const a = await analyzeWorkspace(fixture('dockerfile-env-port'), { detectors: [fakeNode] });
      assert.equal(a.apps[0].stack, 'node');
      assert.equal(a.apps[0].dockerfile, 'Dockerfile');
      assert.equal(a.apps[0].port.source, 'dockerfile');
      assert.equal(a.apps[0].port.honoursPortEnv, true, "the detector's finding that the code reads PORT is kept");
    });

    it("drops the detector's notes about the image it would generate: the app's own Dockerfile decides", async () => {
      const noted: Detector = {
        name: 'noted-node',
        async detect(view) {
          const app = await fakeNode.detect(view);
          return app && { ...app, notes: ['No Node version is pinned; the image uses Node 22.', 'The server reads PORT.'] };
        },
      };
      const app = (await analyzeWorkspace(fixture('dockerfile-env-port'), { detectors: [noted] })).apps[0];
      assert.equal(app.version?.value, '20');
      assert.ok(!app.notes.some((n) => /image uses Node 22/.test(n)), app.notes.join(' | '));
      assert.ok(app.notes.includes('The server reads PORT.'));
    });

    it('runs a shell-form CMD through sh, and a $PORT in it means the app honours PORT', async () => {
      const app = (await analyzeWorkspace(fixture('dockerfile-shell-cmd'), { detectors: [] })).apps[0];
      assert.deepEqual(app.start?.value, ['/bin/sh', '-c', 'exec gunicorn --bind :$PORT app:app']);
      assert.deepEqual(app.start?.evidence, [{ file: 'Dockerfile', line: 7, detail: 'CMD exec gunicorn --bind :$PORT app:app' }]);
      assert.equal(app.port.port, 8080);
      assert.equal(app.port.honoursPortEnv, true);
      assert.equal(app.port.source, 'dockerfile');
      assert.equal(app.language.value, 'python');
      assert.equal(app.version?.value, '3.12');
    });

    it('parses multi-stage inheritance, ENTRYPOINT + CMD, defaults, continuations and unresolvable ports', () => {
      const f = parseDockerfile(
        [
          'ARG BASE=node:22-slim',
          'FROM ${BASE} AS base',
          'ENV PORT=5000',
          'EXPOSE 7000',
          'CMD ["node", "a.js"]',
          'FROM base AS final',
          'ENTRYPOINT ["tini", "--"]',
          'CMD ["node", \\',
          '     "b.js"]',
          'EXPOSE ${PORT:-1} 9999/tcp',
        ].join('\n'),
        'x/Dockerfile',
      );
      assert.deepEqual(f.port, {
        port: 5000,
        evidence: { file: 'x/Dockerfile', line: 10, detail: 'EXPOSE 5000 9999: Cloud Run routes to one port, the first' },
      });
      assert.deepEqual(f.start?.command, ['tini', '--', 'node', 'b.js']);
      assert.deepEqual(
        f.start?.evidence.map((e) => e.line),
        [7, 8],
      );
      assert.equal(f.language?.value, 'javascript');
      assert.equal(f.language?.version, '22');

      const g = parseDockerfile('FROM scratch\nEXPOSE $NOPE\nENTRYPOINT /srv serve\nCMD ["ignored"]\n', 'Dockerfile');
      assert.equal(g.port, undefined);
      assert.match(g.notes[0], /Dockerfile:2: EXPOSE \$NOPE could not be resolved/);
      assert.deepEqual(g.start?.command, ['/bin/sh', '-c', '/srv serve'], 'shell-form ENTRYPOINT ignores CMD');
      const h = parseDockerfile(
        'FROM ruby:3.3-slim\nRUN <<EOF\nEXPOSE 1\nCMD nope\nEOF\nENV PORT 4567\nEXPOSE ${PORT}\nCMD ["ruby", "app.rb"]\n',
        'Dockerfile',
      );
      assert.deepEqual([h.port?.port, h.port?.evidence.line, h.start?.command], [4567, 7, ['ruby', 'app.rb']], 'heredoc bodies and legacy ENV form');
      assert.equal(
        substitute(
          '${A:-x}-${B:+y}-$C',
          new Map([
            ['B', '1'],
            ['C', 'c'],
          ]),
        ),
        'x-y-c',
      );
      assert.equal(substitute('$MISSING', new Map()), undefined);
    });
  });

  describe('monorepos', () => {
    const detectors = [fakeNode, fakeGo];

    it('npm workspaces: drops the library and the fan-out root, builds an app using a shared package from the root', async () => {
      const a = await analyzeWorkspace(fixture('mono-npm-workspaces'), { detectors });
      assert.deepEqual(a.monorepo, { value: 'npm-workspaces', evidence: [{ file: 'package.json', line: 4, detail: 'workspaces: apps/*, packages/*' }] });
      assert.deepEqual(paths(a), ['apps/admin', 'apps/api']);
      const [admin, api] = a.apps;
      assert.equal(admin.context, 'apps/admin');
      assert.equal(api.context, '');
      assert.ok(
        api.notes.some((n) => n.includes('@acme/shared')),
        api.notes.join('\n'),
      );
      assert.deepEqual(api.hints.contextReason, ['apps/api/package.json:8 dependencies: @acme/shared * is a workspace package (packages/shared)']);
      assert.ok(admin.notes.some((n) => /workspace root .* not offered/.test(n)));
      assert.ok(admin.notes.includes('packages/shared is not offered: apps/api depends on it, so it is a library.'), admin.notes.join('\n'));
    });

    it('pnpm: reads pnpm-workspace.yaml globs with a negation and the workspace: protocol', async () => {
      const a = await analyzeWorkspace(fixture('mono-pnpm'), { detectors });
      assert.equal(a.monorepo?.value, 'pnpm-workspaces');
      assert.deepEqual(a.monorepo?.evidence, [{ file: 'pnpm-workspace.yaml', line: 2, detail: 'packages: apps/*, packages/*, !apps/legacy' }]);
      assert.deepEqual(paths(a), ['apps/web'], 'apps/legacy is excluded, packages/ui is a library');
      assert.equal(a.apps[0].context, '');
      assert.ok(a.apps[0].notes.includes('packages/ui is not offered: apps/web depends on it, so it is a library.'));
    });

    it('Turborepo over yarn workspaces ({packages} form)', async () => {
      const a = await analyzeWorkspace(fixture('mono-turbo'), { detectors });
      assert.equal(a.monorepo?.value, 'turborepo');
      assert.deepEqual(
        a.monorepo?.evidence.map((e) => e.file),
        ['turbo.json', 'package.json'],
      );
      assert.deepEqual(paths(a), ['apps/api', 'apps/docs']);
      assert.deepEqual(
        a.apps.map((x) => x.context),
        ['apps/api', ''],
        'docs uses the tsconfig package',
      );
    });

    it('Nx: projects under apps/, the e2e project without a server is dropped', async () => {
      const a = await analyzeWorkspace(fixture('mono-nx'), { detectors });
      assert.equal(a.monorepo?.value, 'nx');
      assert.equal(a.monorepo?.evidence[0].file, 'nx.json');
      assert.deepEqual(paths(a), ['apps/api']);
      assert.equal(a.apps[0].context, 'apps/api');
    });

    it('several Dockerfiles make several apps, each with its own EXPOSE and start', async () => {
      const a = await analyzeWorkspace(fixture('mono-services-dockerfiles'), { detectors: [] });
      assert.equal(a.monorepo?.value, 'dockerfiles');
      assert.deepEqual(paths(a), ['services/api', 'services/worker', 'services/web']);
      const [api, worker, web] = a.apps;
      assert.deepEqual([api.port.port, api.port.evidence[0]], [3000, { file: 'services/api/Dockerfile', line: 7, detail: 'EXPOSE 3000' }]);
      assert.deepEqual(worker.start?.value, ['/worker', '--listen', ':9090']);
      assert.deepEqual([worker.language.value, worker.version?.value, worker.port.port], ['go', '1.22', 9090]);
      assert.deepEqual([web.port.port, web.start, web.confidence], [80, undefined, 'medium']);
      assert.ok(web.notes.some((n) => n.includes('no CMD or ENTRYPOINT')));
      assert.deepEqual(
        a.apps.map((x) => [x.context, x.dockerfile]),
        [
          ['services/api', 'services/api/Dockerfile'],
          ['services/worker', 'services/worker/Dockerfile'],
          ['services/web', 'services/web/Dockerfile'],
        ],
      );
      const withNode = await analyzeWorkspace(fixture('mono-services-dockerfiles'), { detectors: [fakeNode] });
      assert.deepEqual(
        [withNode.apps.find((x) => x.path === 'services/api')?.stack, withNode.apps.find((x) => x.path === 'services/api')?.dockerfile],
        ['node', 'services/api/Dockerfile'],
      );
    });

    it('still analyses a used package that has a start script, and skips used libraries without reading their sources', async () => {
      const root = await ws({
        'package.json': JSON.stringify({ private: true, workspaces: ['apps/*', 'packages/*'] }),
        'apps/web/package.json': JSON.stringify({ name: 'web', scripts: { start: 'node s.js' }, dependencies: { util: '*' } }),
        'apps/web-e2e/package.json': JSON.stringify({ name: 'web-e2e', scripts: { test: 'x' }, devDependencies: { web: '*' } }),
        'packages/util/package.json': JSON.stringify({ name: 'util', main: 'index.js', scripts: { start: 'node index.js' } }),
        'packages/util/Dockerfile': 'FROM node:20\nCMD ["node", "index.js"]\n',
        'packages/core/package.json': JSON.stringify({ name: 'core', main: 'index.js' }),
        'apps/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node s.js' }, dependencies: { core: 'workspace:*' } }),
      });
      const seen: string[] = [];
      const spy: Detector = { name: 'spy', detect: async (view) => (seen.push(view.dir), fakeNode.detect(view)) };
      const a = await analyzeWorkspace(root, { detectors: [spy] });
      assert.deepEqual(seen.sort(), ['', 'apps/api', 'apps/web', 'apps/web-e2e', 'packages/util'], 'packages/core is skipped');
      assert.deepEqual(
        a.apps.map((x) => [x.path, x.context]),
        [
          ['apps/api', ''],
          ['apps/web', ''],
          ['packages/util', 'packages/util'],
        ],
      );
      assert.equal(a.monorepo?.value, 'npm-workspaces');
      assert.ok(a.apps[0].notes.includes('packages/core is not offered: apps/api depends on it, so it is a library.'), a.apps[0].notes.join('\n'));
    });

    it('a Dockerfile that COPYs from the workspace root gets the root as its context', async () => {
      const root = await ws({ 'svc/api/Dockerfile': 'FROM node:20\nCOPY svc/api/ .\nCMD ["node","x.js"]\n', 'svc/web/Dockerfile': 'FROM nginx\nCOPY . /x\n' });
      const a = await analyzeWorkspace(root, { detectors: [] });
      assert.deepEqual(
        a.apps.map((x) => [x.path, x.context]),
        [
          ['svc/api', ''],
          ['svc/web', 'svc/web'],
        ],
      );
    });

    it('a Dockerfile that COPYs what only a folder above has is built from that folder', async () => {
      const root = await ws({
        'libs/log.js': '',
        'svc/api/Dockerfile': 'FROM node:22\nCOPY libs ./libs\nCOPY svc/api .\n',
        'svc/job/package.json': '{}',
        'svc/job/Dockerfile': 'FROM node:22\nCOPY job/package.json ./\nCOPY shared/ ./shared\nCOPY <<EOF /etc/x\nhi\nEOF\nCMD ["node","job.js"]\n',
        'svc/shared/a.js': '',
        'svc/web/nginx.conf': '',
        'svc/web/Dockerfile': 'FROM nginx\nCOPY nginx.conf /etc/nginx/\nCOPY missing.txt /x\n',
        // Not built yet here, but the root has a dist/ of its own: that is no reason to build the root.
        'dist/index.js': '',
        'svc/worker/Dockerfile': 'FROM node:22\nCOPY dist ./dist\nCMD ["node","dist/index.js"]\n',
      });
      const a = await analyzeWorkspace(root, { detectors: [] });
      assert.deepEqual(
        a.apps.map((x) => [x.path, x.name, x.context]),
        [
          ['svc/api', 'api', ''],
          ['svc/job', 'job', 'svc'],
          ['svc/web', 'web', 'svc/web'],
          ['svc/worker', 'worker', 'svc/worker'],
        ],
      );
      assert.ok(
        a.apps[3].notes.some((n) => n.startsWith('svc/worker/Dockerfile copies dist/, which svc/worker/ does not have yet')),
        a.apps[3].notes.join('\n'),
      );
      const job = a.apps[1];
      assert.ok(
        job.notes.includes('svc/job/Dockerfile copies job, shared, which svc/ has and svc/job/ does not, so svc/ is its build context.'),
        job.notes.join('\n'),
      );
      const web = a.apps[2];
      assert.ok(
        web.notes.includes('svc/web/Dockerfile copies missing.txt, which neither svc/web/ nor a folder above it has: its build will fail.'),
        web.notes.join('\n'),
      );
    });

    it('a Dockerfile in a folder of container files (docker/) builds the folder above, and is that app', async () => {
      const alone = await ws({
        'server.js': 'require("http").createServer().listen(process.env.PORT)',
        'docker/Dockerfile': 'FROM node:22-slim\nCOPY . .\nCMD ["node","server.js"]\n',
        'docker/.dockerignore': 'node_modules\n',
        'docker/README.md': 'build with docker build -f docker/Dockerfile .\n',
      });
      const a = await analyzeWorkspace(alone, { detectors: [] });
      assert.deepEqual(
        a.apps.map((x) => [x.path, x.name, x.context, x.dockerfile]),
        [['docker', 'my-app', '', 'docker/Dockerfile']],
      );
      assert.ok(a.apps[0].notes.includes('docker/ holds only container files, so docker/Dockerfile builds the workspace root.'), a.apps[0].notes.join('\n'));

      // The root is an app too: it takes the Dockerfile instead of being offered twice.
      const withApp = await ws({
        'package.json': JSON.stringify({ name: 'shop', scripts: { start: 'node s.js' } }),
        's.js': '',
        'deploy/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json s.js ./\nEXPOSE 9000\nCMD ["node","s.js"]\n',
      });
      const b = await analyzeWorkspace(withApp, { detectors: [fakeNode] });
      assert.deepEqual(
        b.apps.map((x) => [x.path, x.name, x.context, x.dockerfile, x.port.port, x.start?.value.join(' ')]),
        [['', 'shop', '', 'deploy/Dockerfile', 9000, 'node s.js']],
      );
      assert.ok(
        b.apps[0].notes.some((n) => n.startsWith('Built with deploy/Dockerfile')),
        b.apps[0].notes.join('\n'),
      );

      // A folder with sources of its own, or with a name that is not a container folder's, keeps its context.
      const own = await ws({
        'docker/Dockerfile': 'FROM node:22\nCOPY . .\n',
        'docker/lib/x.js': '',
        'redis/Dockerfile': 'FROM redis:7\n',
        'web/Dockerfile': 'FROM nginx\nCOPY . /usr/share/nginx/html\n',
      });
      const c = await analyzeWorkspace(own, { detectors: [] });
      assert.deepEqual(
        c.apps.map((x) => [x.path, x.context]),
        [
          ['docker', 'docker'],
          ['redis', 'redis'],
          ['web', 'web'],
        ],
      );
    });

    it('go.work: the module requiring a sibling module builds from the root, the library module is dropped', async () => {
      const a = await analyzeWorkspace(fixture('mono-go-work'), { detectors });
      assert.equal(a.monorepo?.value, 'go-workspace');
      assert.deepEqual(a.monorepo?.evidence, [{ file: 'go.work', line: 3, detail: 'use api, shared, worker' }]);
      assert.deepEqual(
        a.apps.map((x) => [x.path, x.context]),
        [
          ['api', ''],
          ['worker', 'worker'],
        ],
      );
      assert.ok(a.apps[0].notes.some((n) => n.includes('example.com/mono/shared')));
    });

    it('reads the small YAML and go.work forms', () => {
      assert.deepEqual(pnpmPackages('packages: [\'a/*\', "b"]\n'), ['a/*', 'b']);
      assert.deepEqual(pnpmPackages('packages:\n  - a # comment\n\n  - b\nother: 1\n  - c\n'), ['a', 'b']);
      assert.deepEqual(goWorkUses('go 1.22\nuse ./one\nuse (\n  ./two // x\n)\n'), ['two', 'one']);
    });
  });

  describe('describe', () => {
    it('summarises an app in one line with its evidence lines', async () => {
      const a = await analyzeWorkspace(fixture('dockerfile-shell-cmd'), { detectors: [] });
      const d = describeApp(a.apps[0]);
      assert.match(
        d.summary,
        /^dockerfile-shell-cmd: own Dockerfile \(Dockerfile\), Python 3\.12 \(from base image python:3\.12-slim\), starts with `\/bin\/sh -c exec gunicorn --bind :\$PORT app:app`, listens on \$PORT \(Dockerfile:7\)/,
      );
      assert.ok(d.evidence.includes('port 8080: Dockerfile:7 (CMD exec gunicorn --bind :$PORT app:app)'), d.evidence.join('\n'));
      assert.match(describeWorkspace(a), /^1 deployable app, best first:\n1\. dockerfile-shell-cmd/);
      const mono = describeWorkspace(await analyzeWorkspace(fixture('mono-services-dockerfiles'), { detectors: [] }));
      assert.match(mono, /^Monorepo \(Dockerfiles\): services\/api\/Dockerfile/);
      assert.match(mono, /build context|3 deployable apps/);
    });
  });
});
