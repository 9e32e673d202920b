// The shipped, minified bundles (dist/gcp.js, dist/model.js; npm test builds
// them before mocha runs) against the emulator. Minification once broke what
// the tsc build did not: proto3-json-serializer recognises a Long by its
// constructor name, so every service update failed only in the bundle.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type * as Gcp from '../../src/adapters/gcp/cloudPorts';
import type * as Model from '../../src/adapters/gemini/index';
import type * as GitHub from '../../src/adapters/github/index';
import type * as AnalysisKit from '../../src/core/analysis/analysisKit';
import { fetchGitHubSource } from '../../src/core/github/gitHubSource';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { promises as fs } from 'node:fs';
import { GITHUB_TEST_TOKEN } from '../../emulator/src/server';
import { makeWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const DIST = path.resolve(__dirname, '../../../dist');

describe('the shipped bundles against the emulator', function () {
  this.timeout(60_000);
  before(() => {
    assert.ok(existsSync(path.join(DIST, 'gcp.js')) && existsSync(path.join(DIST, 'model.js')), 'dist/ is missing: run "npm run package" (npm test does)');
  });
  const fx = useEmulator({ knobs: { buildSeconds: 0.2, deploySeconds: 0.05 } });

  it('dist/gcp.js creates and then updates a service', async () => {
    const gcp = require(path.join(DIST, 'gcp.js')) as typeof Gcp;
    const ports = gcp.createCloudPorts({ emulatorHost: fx.emu.host });
    const ws = await makeWorkspace(
      {
        'package.json': JSON.stringify({ name: 'b', scripts: { start: 'node server.js' } }),
        'server.js': "require('http').createServer((q, s) => s.end('bundled')).listen(Number(process.env.PORT));\n",
      },
      'bundled',
    );
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await runDeploy(testDeployOptions(ws.root), { ports, emit: () => undefined, buildPollMs: 50 }, new AbortController().signal);
        outcomes.push(r.outcome === 'failed' ? `failed: ${r.problem.message}` : r.outcome);
      }
      assert.deepEqual(outcomes, ['success', 'success']);
      const revisions = await ports.runAdmin.listRevisions(
        { project: 'demo-project', region: 'europe-west1', service: 'bundled' },
        new AbortController().signal,
      );
      assert.equal(revisions.length, 2);
      assert.equal(revisions[0].percent, 100);
    } finally {
      await ws.cleanup();
    }
  });

  it('dist/model.js streams a Gemini reply with a function call', async () => {
    const model = require(path.join(DIST, 'model.js')) as typeof Model;
    fx.emu.gemini.script([{ parts: [{ text: 'Checking.' }, { functionCall: { name: 'list_services', args: { region: 'europe-west1' } } }] }]);
    const [port] = model.createModelPorts({
      model: 'gemini-3.8-flash',
      vertex: { project: 'demo-project', location: 'global' },
      emulatorBaseUrl: fx.emu.baseUrl,
    });
    let text = '';
    const calls: string[] = [];
    for await (const c of port.stream({ system: 's', turns: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [] }, new AbortController().signal)) {
      text += c.text ?? '';
      for (const f of c.functionCalls ?? []) calls.push(`${f.name} ${JSON.stringify(f.args)}`);
    }
    assert.equal(text, 'Checking.');
    assert.deepEqual(calls, ['list_services {"region":"europe-west1"}']);
  });

  it('dist/analysis.js analyzes a workspace and writes its Dockerfile; extension.js only requires it', async () => {
    const host = await fs.readFile(path.join(DIST, 'extension.js'), 'utf8');
    assert.ok(host.includes('require("./analysis.js")'), 'extension.js requires ./analysis.js (core/lazyAnalysis.ts)');
    assert.ok(!host.includes('pyproject.toml'), 'the analyzers are not in extension.js');
    const kit = require(path.join(DIST, 'analysis.js')) as typeof AnalysisKit;
    const ws = await makeWorkspace(
      {
        'package.json': JSON.stringify({ name: 'kit', scripts: { start: 'node server.js' } }),
        'server.js': "require('http').createServer((q, s) => s.end('x')).listen(Number(process.env.PORT));\n",
      },
      'kit',
    );
    try {
      const analysis = await kit.analyzeWorkspace(ws.root, { signal: new AbortController().signal });
      const app = analysis.apps[0];
      assert.equal(app?.language.value, 'javascript');
      assert.match(kit.describeApp(app).summary, /^kit: Node\.js \d+ \(JavaScript\b/);
      assert.match(kit.generateFiles(app).dockerfile, /^FROM node:/m);
    } finally {
      await ws.cleanup();
    }
  });

  it("dist/github.js (Octokit) lists refs and fetches a private repository's tarball", async () => {
    assert.ok(existsSync(path.join(DIST, 'github.js')), 'dist/github.js is missing: run "npm run package"');
    const github = require(path.join(DIST, 'github.js')) as typeof GitHub;
    fx.emu.github.seedRepo({
      fullName: 'acme/bundled',
      private: true,
      branches: {
        main: [
          { path: 'package.json', content: '{"name":"bundled"}' },
          { path: 'src/index.js', content: 'ok' },
        ],
      },
    });
    const port = github.createGitHubPort({ token: GITHUB_TEST_TOKEN, baseUrl: `${fx.emu.baseUrl}/github` });
    // In extension.js, core/github/gitHubSource's require('./tarball') is github.js (esbuild.mjs), so it must carry those.
    assert.equal(typeof github.extractTarball, 'function');
    assert.equal(typeof github.saveTarball, 'function');
    const refs = await port.listRefs('acme', 'bundled', new AbortController().signal);
    assert.deepEqual(
      refs.map((r) => r.name),
      ['main'],
    );
    const fetched = await fetchGitHubSource(port, { owner: 'acme', name: 'bundled', maxBytes: 1024 * 1024 }, new AbortController().signal);
    try {
      assert.equal(fetched.source.commit, refs[0].sha);
      assert.equal(await fs.readFile(path.join(fetched.folder, 'src', 'index.js'), 'utf8'), 'ok');
    } finally {
      await fetched.dispose();
    }
  });
});
