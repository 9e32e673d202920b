// A Node app whose build works in a folder with its own package.json (client/ beside
// the server) gets that folder's dependencies installed in the image before the build;
// the container suite builds one for real (node-express-client).
import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import { DirView } from '../../src/core/analysis/dirView';
import { folderInstalls } from '../../src/core/analysis/nodeSubfolders';
import { generateFiles } from '../../src/core/dockerfiles/generate';
import { makeWorkspace } from '../support/workspace';

describe('node: folders the build works in', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function commands(scripts: Record<string, string>, extra: Record<string, string> = {}, bun = false): Promise<string[]> {
    const ws = await makeWorkspace({ 'client/package.json': '{}', 'web/package.json': '{}', 'web/package-lock.json': '{}', 'docs/readme.md': '', ...extra });
    cleanups.push(ws.cleanup);
    return (await folderInstalls(new DirView(ws.root, ''), scripts, 'build', bun)).commands;
  }

  it('installs a folder the build enters by cd, --prefix, --cwd or -C, with its lockfile when it has one', async () => {
    assert.deepEqual(await commands({ build: 'cd client && npm run build' }), ['npm install --prefix client']);
    assert.deepEqual(await commands({ build: 'npm run build --prefix ./web/' }), ['npm ci --prefix web']);
    assert.deepEqual(await commands({ build: 'yarn --cwd client build && pnpm -C web build' }), ['npm install --prefix client', 'npm ci --prefix web']);
    assert.deepEqual(await commands({ build: 'cd client && npm run build' }, {}, true), ['bun install --cwd client']);
  });

  it('follows the scripts the build runs by name', async () => {
    assert.deepEqual(await commands({ build: 'npm run build:client && tsc', 'build:client': 'yarn build:web', 'build:web': 'cd web && vite build' }), [
      'npm ci --prefix web',
    ]);
  });

  it('leaves a folder alone when a script installs it, or when it has no package.json', async () => {
    assert.deepEqual(await commands({ build: 'npm install --prefix client && npm run build --prefix client' }), []);
    assert.deepEqual(await commands({ build: 'cd client && npm ci && npm run build' }), []);
    assert.deepEqual(await commands({ build: 'cd client && yarn && yarn build' }), []);
    assert.deepEqual(await commands({ build: 'yarn --cwd client && yarn --cwd client build' }), []);
    assert.deepEqual(await commands({ build: 'cd client && npm run build', postinstall: 'cd client && npm install' }), []);
    assert.deepEqual(await commands({ build: 'cd docs && make html' }), []);
    assert.deepEqual(await commands({ build: 'cd ../client && npm run build' }), []);
    assert.deepEqual(await commands({ start: 'cd client && npm start' }), [], 'only what the build runs');
    // Members of the root's workspaces are installed by the root install; a pnpm workspace, always.
    const ws = await makeWorkspace({ 'client/package.json': '{}', 'apps/web/package.json': '{}' });
    cleanups.push(ws.cleanup);
    const build = { build: 'cd client && npm run build && cd apps/web && npm run build' };
    assert.deepEqual((await folderInstalls(new DirView(ws.root, ''), build, 'build', false, ['client', 'apps/*'])).commands, []);
    assert.deepEqual((await folderInstalls(new DirView(ws.root, ''), build, 'build', false, ['apps/*'])).commands, ['npm install --prefix client']);
    assert.deepEqual(await commands({ build: 'cd client && npm run build' }, { 'pnpm-workspace.yaml': 'packages: [client]\n' }), []);
  });

  it('puts the install after the source and before the build in the generated Dockerfile', async () => {
    const ws = await makeWorkspace({
      'package.json': JSON.stringify({
        name: 'shop',
        scripts: { build: 'cd client && npm run build', start: 'node server.js' },
        dependencies: { express: '4' },
      }),
      'server.js': "require('express')().listen(process.env.PORT);\n",
      'client/package.json': JSON.stringify({ scripts: { build: 'vite build' }, devDependencies: { vite: '5' } }),
      'client/package-lock.json': '{}',
    });
    cleanups.push(ws.cleanup);
    const [app] = (await analyzeWorkspace(ws.root)).apps;
    assert.deepEqual(app.hints.folderInstalls, ['npm ci --prefix client']);
    assert.ok(
      app.notes.some((n) => n.includes('the image installs them first (npm ci --prefix client)')),
      app.notes.join('\n'),
    );
    const lines = generateFiles(app).dockerfile.split('\n');
    const at = (l: string) => lines.indexOf(l);
    assert.ok(at('COPY . .') < at('RUN npm ci --prefix client') && at('RUN npm ci --prefix client') < at('RUN npm run build'), lines.join('\n'));
  });
});
