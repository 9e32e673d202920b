import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AppAnalysis } from '../../src/core/analysis/types';
import type { GitHubSource } from '../../src/core/github/gitHubPort';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { unattendedUi, type DeployUiPort } from '../../src/core/deploy/deployUi';
import type { DeployEvent, ServiceRef } from '../../src/shared/protocol';
import { FakeClock, FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const server = "require('http').createServer((q, s) => s.end('hi')).listen(process.env.PORT || 8080);\n";
const MONOREPO: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['services/*'] }),
  'services/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' } }),
  'services/api/server.js': server,
  'services/web/package.json': JSON.stringify({ name: 'web', scripts: { start: 'node server.js' } }),
  'services/web/server.js': server,
};

async function deployWith(ui: Partial<DeployUiPort>, files: Record<string, string>, appPath?: string, gitHub?: GitHubSource) {
  const ws = await makeWorkspace(files);
  const cloud = new FakeCloud();
  const events: DeployEvent[] = [];
  try {
    const result = await runDeploy(
      testDeployOptions(ws.root, { appPath, gitHub }),
      {
        ports: cloud.ports(),
        ui: { ...unattendedUi, ...ui },
        clock: new FakeClock(),
        buildPollMs: 10,
        emit: (e) => events.push(e),
      },
      new AbortController().signal,
    );
    const dockerfile = async (rel: string) => fs.readFile(path.join(ws.root, rel), 'utf8').catch(() => undefined);
    return {
      result,
      events,
      cloud,
      dockerfile,
      root: ws.root,
      after: { api: await dockerfile('services/api/Dockerfile'), web: await dockerfile('services/web/Dockerfile'), root: await dockerfile('Dockerfile') },
    };
  } finally {
    await ws.cleanup();
  }
}

describe('deploy pipeline: the questions it asks', () => {
  it('asks which app to deploy when there are several, and names the service after it', async () => {
    let offered: string[] = [];
    const { result, events, after } = await deployWith(
      {
        chooseApp: async (apps: AppAnalysis[]) => {
          offered = apps.map((a) => a.path);
          return apps.find((a) => a.path === 'services/web');
        },
      },
      MONOREPO,
    );
    assert.deepEqual([...offered].sort(), ['services/api', 'services/web']);
    assert.equal(result.outcome, 'success');
    const targets = events.filter((e): e is { type: 'target'; target: ServiceRef } => e.type === 'target');
    assert.equal(targets.at(-1)?.target.service, 'web');
    assert.ok(after.web?.includes('CMD'), 'the chosen app got its Dockerfile');
    assert.equal(after.api, undefined, 'the other app is untouched');
  });

  it('backing out of the app choice cancels the deploy at analyze', async () => {
    const { result, cloud } = await deployWith({ chooseApp: async () => undefined }, MONOREPO);
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.outcome === 'cancelled' && result.stage, 'analyze');
    assert.ok(!cloud.calls.some((c) => c.startsWith('storage')));
  });

  it('an unknown appPath is a clear error listing the apps', async () => {
    const { result } = await deployWith({}, MONOREPO, 'services/nope');
    assert.equal(result.outcome, 'failed');
    assert.match(result.outcome === 'failed' ? (result.problem.fix ?? '') : '', /services\/api, services\/web|services\/web, services\/api/);
  });

  it('shows the generated Dockerfile first; declining writes nothing and deploys nothing', async () => {
    let shown = '';
    const { result, after, cloud } = await deployWith({ reviewDockerfile: async (f) => ((shown = f.content), false) }, NODE_APP);
    assert.match(shown, /^FROM node:/m);
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.outcome === 'cancelled' && result.stage, 'dockerfile');
    assert.equal(after.root, undefined, 'no Dockerfile written');
    assert.ok(!cloud.calls.some((c) => c.startsWith('storage')));
  });

  it('tells the Dockerfile review where the file goes in the source, and that the source is a GitHub download', async () => {
    const asked: { relativePath?: string; gitHub?: GitHubSource }[] = [];
    const review = async (f: { relativePath?: string; gitHub?: GitHubSource }) => (asked.push({ relativePath: f.relativePath, gitHub: f.gitHub }), true);
    const gitHub = { repository: 'acme/mono', ref: 'main', commit: 'c'.repeat(40) };
    assert.equal((await deployWith({ reviewDockerfile: review }, MONOREPO, 'services/web')).result.outcome, 'success');
    assert.equal((await deployWith({ reviewDockerfile: review }, MONOREPO, 'services/web', gitHub)).result.outcome, 'success');
    assert.deepEqual(asked, [
      { relativePath: 'services/web/Dockerfile', gitHub: undefined },
      { relativePath: 'services/web/Dockerfile', gitHub },
    ]);
  });

  it('offers no port fix for a GitHub download (the edit would be lost with it), and still deploys on the port', async () => {
    const fixes: string[] = [];
    const files = { ...NODE_APP, 'server.js': "require('http').createServer((q, s) => s.end('hi')).listen(3000);\n" };
    const { result, cloud } = await deployWith({ offerPortFix: (fix) => fixes.push(fix.file) }, files, undefined, {
      repository: 'acme/app',
      ref: 'main',
      commit: 'd'.repeat(40),
    });
    assert.equal(result.outcome, 'success');
    assert.deepEqual(fixes, []);
    assert.equal(cloud.services.get('my-app')?.spec.port, 3000);
  });

  it('offers the port fix inside the Dockerfile review (not as a notice behind it) and deploys on that port', async () => {
    const notices: string[] = [];
    const reviewed: string[] = [];
    const files = { ...NODE_APP, 'server.js': "require('http').createServer((q, s) => s.end('hi')).listen(3000);\n" };
    const { result, cloud } = await deployWith(
      {
        offerPortFix: (fix) => notices.push(fix.file),
        reviewDockerfile: async (f) => {
          if (f.portFix) reviewed.push(`${f.portFix.fix.file}:${f.portFix.fix.line} ${f.portFix.fix.after}`);
          return true;
        },
      },
      files,
    );
    assert.equal(result.outcome, 'success');
    assert.deepEqual(notices, [], 'no separate notification while the review is open');
    assert.equal(reviewed.length, 1);
    assert.match(reviewed[0], /^server\.js:1 .*process\.env\.PORT/);
    assert.equal(cloud.services.get('my-app')?.spec.port, 3000);
  });

  it('with an own Dockerfile (no review) the port fix is still offered as a notice', async () => {
    const fixes: string[] = [];
    const files = {
      ...NODE_APP,
      Dockerfile: 'FROM node:22-slim\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
      'server.js': "require('http').createServer((q, s) => s.end('hi')).listen(3000);\n",
    };
    const { result } = await deployWith({ offerPortFix: (fix) => fixes.push(fix.file) }, files);
    assert.equal(result.outcome, 'success');
    assert.deepEqual(fixes, ['server.js']);
  });

  it('tells the review which .dockerignore it writes, and none when the folder has its own', async () => {
    const seen: (string | undefined)[] = [];
    const review = async (f: { dockerignore?: string }) => (seen.push(f.dockerignore), true);
    await deployWith({ reviewDockerfile: review }, NODE_APP);
    await deployWith({ reviewDockerfile: review }, { ...NODE_APP, '.dockerignore': 'node_modules\n' });
    assert.deepEqual(seen, ['.dockerignore', undefined]);
  });

  it('asks before uploading when the preview has red flags, and stops when told to', async () => {
    // A .gcloudignore replaces the built-in defaults, so this one lets .venv through.
    const files = { ...NODE_APP, '.gcloudignore': '*.log\n', '.venv/lib/site.py': 'x = 1\n' };
    let flags: string[] = [];
    const { result, cloud } = await deployWith({ confirmUpload: async (p) => ((flags = p.redFlags.map((f) => f.path)), false) }, files);
    assert.deepEqual(flags, ['.venv'], 'the dependency folder was flagged');
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.outcome === 'cancelled' && result.stage, 'package');
    assert.ok(!cloud.calls.some((c) => c.startsWith('storage.upload')));
  });

  it('records the content hash of the uploaded source: same tree, same hash', async () => {
    const a = await deployWith({}, NODE_APP);
    const b = await deployWith({}, NODE_APP);
    assert.equal(a.result.outcome, 'success');
    const ha = a.result.outcome === 'success' ? a.result.contentHash : undefined;
    const hb = b.result.outcome === 'success' ? b.result.contentHash : undefined;
    assert.match(ha ?? '', /^[0-9a-f]{64}$/);
    assert.equal(ha, hb);
  });
});
