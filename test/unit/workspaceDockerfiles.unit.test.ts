import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { generateFiles } from '../../src/core/dockerfiles/generate';
import { DevgemError } from '../../src/core/base/errors';
import { FIXTURES } from '../support/analysisFixtures';

async function member(fixture: string, appPath: string): Promise<AppAnalysis> {
  const ws = await analyzeWorkspace(path.join(FIXTURES, fixture));
  const app = ws.apps.find((a) => a.path === appPath);
  assert.ok(app, `${appPath} in ${ws.apps.map((a) => a.path).join(', ')}`);
  return app;
}

describe('Dockerfiles for workspace members built from the root', () => {
  it('a Node member using a shared package installs at the root from the manifests first and runs from its folder', async () => {
    const app = await member('mono-npm-workspaces', 'apps/api');
    assert.equal(app.context, '');
    assert.equal(app.hints.lockfile, 'package-lock.json');
    const lines = generateFiles(app).dockerfile.split('\n');
    const at = (l: string) => lines.indexOf(l);
    assert.ok(at('COPY package.json package-lock.json ./') > 0);
    // Every member's manifest, the one it uses and the one it does not, or `npm ci` finds the lockfile out of sync.
    for (const m of ['apps/admin', 'apps/api', 'packages/shared']) assert.ok(at(`COPY ${m}/package.json ./${m}/`) > 0, m);
    assert.ok(at('RUN npm ci') > at('COPY packages/shared/package.json ./packages/shared/'), 'installs from the manifests');
    assert.ok(at('COPY --chown=node:node . .') > at('RUN npm ci'), 'the source comes after the install layer');
    assert.ok(at('WORKDIR /app/apps/api') > at('COPY --chown=node:node . .'));
    assert.ok(lines.includes('USER node'));
    assert.match(lines.at(-2) ?? '', /^CMD \["node","server\.js"\]$/);
  });

  it('a member that stands alone keeps its own folder as the context', async () => {
    const app = await member('mono-npm-workspaces', 'apps/admin');
    assert.equal(app.context, 'apps/admin');
    assert.doesNotMatch(generateFiles(app).dockerfile, /workspace root/);
  });

  it('refuses, clearly, a root-context Dockerfile for a stack that cannot write one yet', () => {
    const app = {
      path: 'services/py',
      name: 'py',
      stack: 'python',
      context: '',
      confidence: 'high',
      hints: {},
      notes: [],
      needs: [],
      warnings: [],
      language: { value: 'python', evidence: [] },
      port: { port: 8080, source: 'devgem-default', honoursPortEnv: true, evidence: [] },
      start: { value: ['python', 'main.py'], evidence: [] },
    } as AppAnalysis;
    assert.throws(
      () => generateFiles(app),
      (err: unknown) => err instanceof DevgemError && /workspace root/.test(err.message) && /services\/py/.test(err.fix ?? ''),
    );
  });
});
