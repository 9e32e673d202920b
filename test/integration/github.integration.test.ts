// GitHub repository deploys through the real Octokit and the real Google Cloud
// SDK clients, against the emulator's GitHub REST subset and Cloud Run.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createGitHubPort } from '../../src/adapters/github/index';
import { DEFAULT_OPTIONS } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { deployGitHubRepo, type GitHubDeployRequest } from '../../src/core/github/gitHubSource';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent } from '../../src/shared/protocol';
import { GITHUB_TEST_TOKEN, type SeedGitHubFile } from '../../emulator/src/server';
import { useEmulator } from '../support/useEmulator';
import { useTempDir } from '../support/useTempDir';

const NODE_APP: SeedGitHubFile[] = [
  { path: 'package.json', content: JSON.stringify({ name: 'shop', scripts: { start: 'node server.js' } }) },
  {
    path: 'server.js',
    content:
      "require('http').createServer((q, s) => s.end('hello from ' + require('fs').readFileSync(__dirname + '/version.txt', 'utf8').trim())).listen(Number(process.env.PORT));\n",
  },
];
const withVersion = (v: string): SeedGitHubFile[] => [...NODE_APP, { path: 'version.txt', content: `${v}\n` }];

describe('GitHub repository deploys (Octokit + Cloud SDKs vs the emulator)', function () {
  this.timeout(60_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.5, deploySeconds: 0.1 } });
  const tmp = useTempDir('devgem-gh-test-');

  const github = (token = GITHUB_TEST_TOKEN) => createGitHubPort({ token, baseUrl: `${fx.emu.baseUrl}/github` });

  async function deploy(req: Omit<GitHubDeployRequest, 'maxBytes' | 'tempDir'> & { maxBytes?: number }, token?: string) {
    const events: DeployEvent[] = [];
    const base = {
      ...DEFAULT_OPTIONS,
      project: 'demo-project',
      region: 'europe-west1',
      env: {},
      gcloudConfigDir: path.join(tmp.path, 'no-gcloud'),
      verifyTimeoutSeconds: 20,
    };
    const out = await deployGitHubRepo(
      github(token),
      { maxBytes: 10 * 1024 * 1024, tempDir: tmp.path, ...req },
      base,
      (opts, signal) => runDeploy(opts, { ports: fx.ports, buildPollMs: 150, emit: (e) => events.push(e) }, signal),
      new AbortController().signal,
    );
    return { ...out, events };
  }

  async function rejects(p: Promise<unknown>, kind: string, message: RegExp): Promise<DevgemError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof DevgemError, `expected a DevgemError, got ${String(err)}`);
      assert.equal(err.kind, kind, err.message);
      assert.match(err.message, message);
      assert.ok(err.fix, 'has a fix');
      return err;
    }
    assert.fail('expected a rejection');
  }

  async function leftovers(): Promise<string[]> {
    return (await fs.readdir(tmp.path)).filter((n) => n.startsWith('devgem-github-'));
  }

  it('deploys a private repository end to end and records repository, branch and commit SHA', async () => {
    fx.emu.github.seedRepo({ fullName: 'acme/shop', private: true, branches: { main: withVersion('main') } });
    const { result, source, events } = await deploy({ owner: 'acme', name: 'shop' });
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') return;
    assert.match(await (await fetch(result.url)).text(), /hello from main/);
    assert.equal(source.repository, 'acme/shop');
    assert.equal(source.ref, 'main');
    assert.match(source.commit, /^[0-9a-f]{40}$/);
    const sourceEvent = events.find((e) => e.type === 'source');
    assert.deepEqual(sourceEvent, { type: 'source', commit: source.commit, branch: 'main', dirty: false, repository: 'acme/shop' });
    const target = events.find((e) => e.type === 'target');
    assert.equal(target?.type === 'target' && target.target.service, 'shop', 'service named after the repository');
    assert.deepEqual(await leftovers(), [], 'temporary folder removed');
  });

  it('a private repository is "not found" without a token that can read it', async () => {
    fx.emu.github.seedRepo({ fullName: 'acme/shop', private: true, branches: { main: NODE_APP } });
    fx.emu.github.acceptToken('ghu_other_user');
    const anonymous = createGitHubPort({ token: '', baseUrl: `${fx.emu.baseUrl}/github` });
    await rejects(
      anonymous.getRepo('acme', 'shop', new AbortController().signal),
      'not-found',
      /acme\/shop was not found, or your GitHub account has no access/,
    );
    await rejects(github('ghu_revoked').getRepo('acme', 'shop', new AbortController().signal), 'credentials', /did not accept the sign-in/);
  });

  it('deploys a public repository at a tag', async () => {
    fx.emu.github.seedRepo({ fullName: 'octo/site', branches: { main: withVersion('main') }, tags: { 'v1.2.0': withVersion('tagged') } });
    const refs = await github().listRefs('octo', 'site', new AbortController().signal);
    assert.deepEqual(
      refs.map((r) => `${r.kind}:${r.name}`),
      ['branch:main', 'tag:v1.2.0'],
    );
    const { result, source } = await deploy({ owner: 'octo', name: 'site', ref: 'v1.2.0' }, '');
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') return;
    assert.match(await (await fetch(result.url)).text(), /hello from tagged/);
    assert.equal(source.commit, refs[1].sha);
  });

  it("lists (paged) and searches the user's repositories", async () => {
    for (let i = 0; i < 130; i++) fx.emu.github.seedRepo({ fullName: `acme/repo-${i}`, private: i % 2 === 0, description: i === 77 ? 'the payments api' : '' });
    const all = await github().listRepos(1000, new AbortController().signal);
    assert.equal(all.length, 130, 'followed the Link header past the first page');
    assert.equal(all.filter((r) => r.private).length, 65);
    const hits = await github().searchRepos('payments', 10, new AbortController().signal);
    assert.deepEqual(
      hits.map((r) => r.fullName),
      ['acme/repo-77'],
    );
  });

  it('a missing repository and a missing ref give clear messages', async () => {
    fx.emu.github.seedRepo({ fullName: 'acme/shop', branches: { main: NODE_APP } });
    await rejects(deploy({ owner: 'acme', name: 'nope' }), 'not-found', /acme\/nope was not found/);
    await rejects(deploy({ owner: 'acme', name: 'shop', ref: 'no-such-branch' }), 'not-found', /no branch, tag or commit "no-such-branch"/);
    assert.deepEqual(await leftovers(), []);
  });

  it('says when the rate limit resets', async () => {
    fx.emu.github.seedRepo({ fullName: 'acme/shop', branches: { main: NODE_APP } });
    const resetAt = Math.floor(Date.now() / 1000) + 15 * 60;
    fx.emu.github.rateLimit({ resetAt });
    const err = await rejects(
      deploy({ owner: 'acme', name: 'shop' }),
      'resource-exhausted',
      /rate limit is used up; it resets at \d\d:\d\d UTC \(in 1[45] min\)/,
    );
    assert.match(err.message, new RegExp(new Date(resetAt * 1000).toISOString().slice(11, 16)));
  });

  it('stops a download over the size limit and deploys nothing', async () => {
    // Random bytes do not compress: the archive is about 3 MB.
    const big = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, () => Math.floor(Math.random() * 256))).toString('latin1');
    fx.emu.github.seedRepo({ fullName: 'acme/huge', branches: { main: [...NODE_APP, { path: 'blob.bin', content: big }] } });
    await rejects(deploy({ owner: 'acme', name: 'huge', maxBytes: 1024 * 1024 }), 'resource-exhausted', /larger than the 1 MB limit; the download was stopped/);
    assert.deepEqual(await leftovers(), []);
    const s = await fx.state<{ builds: unknown[] }>();
    assert.equal(s.builds.length, 0, 'no build started');
  });

  it('refuses an archive with path traversal or an escaping link', async () => {
    fx.emu.github.seedRepo({ fullName: 'evil/climb', branches: { main: [...NODE_APP, { path: '../../outside.txt', content: 'pwned' }] } });
    await rejects(deploy({ owner: 'evil', name: 'climb' }), 'invalid-argument', /unsafe entries.*climbs out/);
    fx.emu.github.seedRepo({ fullName: 'evil/link', branches: { main: [...NODE_APP, { path: 'etc', linkTo: '../../../etc' }] } });
    await rejects(deploy({ owner: 'evil', name: 'link' }), 'invalid-argument', /unsafe entries.*links outside/);
    await assert.rejects(fs.access(path.join(tmp.path, '..', 'outside.txt')));
    assert.deepEqual(await leftovers(), []);
  });
});
