// The agent's deploy_github_repo tool end to end: executed through the
// ToolRegistry (as the model or the offline chat would), it reads a PRIVATE
// repository through the real Octokit and deploys it through the real Google
// Cloud SDK clients, all against the emulator.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EMULATOR_GITHUB_TOKEN, gitHubApiBase } from '../../src/adapters/github/gitHubEndpoint';
import { createGitHubPort } from '../../src/adapters/github/index';
import { answerOffline } from '../../src/core/chat/offline';
import { createToolRegistry } from '../../src/core/agent/tools';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';
import type { SeedGitHubFile } from '../../emulator/src/server';
import { TestConfirm, testAgentContext, type TestContext } from '../support/agentHarness';
import { useEmulator } from '../support/useEmulator';
import { useTempDir } from '../support/useTempDir';

const app = (v: string): SeedGitHubFile[] => [
  { path: 'package.json', content: JSON.stringify({ name: 'shop', scripts: { start: 'node server.js' } }) },
  { path: 'server.js', content: `require('http').createServer((q, s) => s.end('shop ${v}')).listen(Number(process.env.PORT));\n` },
];

describe('agent: deploy_github_repo (Octokit + Cloud SDKs vs the emulator)', function () {
  this.timeout(90_000);
  const fx = useEmulator({
    seed: (emu) => emu.github.seedRepo({ fullName: 'acme/shop', private: true, branches: { main: app('main') }, tags: { 'v2.0.0': app('v2') } }),
  });
  const tmp = useTempDir('devgem-gh-agent-');
  beforeEach(() => fs.mkdir(path.join(tmp.path, 'workspace')));

  /** The host's wiring in emulator mode: the emulator's token and /github base, the real Octokit adapter. */
  function context(): { ctx: TestContext } {
    const ctx = testAgentContext(path.join(tmp.path, 'workspace'), fx.ports, { overrides: { service: 'workspace-app' } });
    ctx.gitHub = async () => ({ port: createGitHubPort({ token: EMULATOR_GITHUB_TOKEN, baseUrl: gitHubApiBase(fx.emu.host) }), maxBytes: 10 * 1024 * 1024 });
    return { ctx };
  }

  async function state(): Promise<{ builds: unknown[]; services: { name: string }[] }> {
    return fx.state<{ builds: unknown[]; services: { name: string }[] }>();
  }

  it('deploys a private repository after approval; the history records repository, branch and commit', async () => {
    const { ctx } = context();
    const confirm = new TestConfirm([true]);
    const refs = await createGitHubPort({ token: EMULATOR_GITHUB_TOKEN, baseUrl: gitHubApiBase(fx.emu.host) }).listRefs(
      'acme',
      'shop',
      new AbortController().signal,
    );
    const main = refs.find((r) => r.name === 'main')!.sha;

    const out = await createToolRegistry().execute(
      { name: 'deploy_github_repo', args: { repository: 'https://github.com/acme/shop' } },
      ctx,
      { confirm },
      new AbortController().signal,
    );

    assert.equal(out.status, 'done', JSON.stringify(out.response));
    const details = Object.fromEntries(confirm.asked[0].details.map((d) => [d.label, d.value]));
    assert.equal(details.Repository, 'acme/shop (private)');
    assert.equal(details.Ref, 'main (default branch)');
    assert.equal(details.Commit, main.slice(0, 7));
    assert.equal(details.Service, 'shop (new)');
    assert.equal(out.response.commit, main);
    assert.equal(await (await fetch(String(out.response.url))).text(), 'shop main');

    const record = ctx.deployHistory()[0];
    assert.equal(record.outcome, 'success');
    assert.deepEqual(
      { repository: record.repository, branch: record.branch, commit: record.commit, dirty: record.dirty },
      { repository: 'acme/shop', branch: 'main', commit: main, dirty: false },
    );
    assert.equal(record.target?.service, 'shop', 'named after the repository, not the workspace setting');
    assert.deepEqual(ctx.lastDeploy()?.source, { commit: main, branch: 'main', dirty: false, repository: 'acme/shop' });
    assert.equal(fx.emu.github.tarballRequests(), 1);
    assert.equal(ctx.deploys.length, 1);
    assert.equal(existsSync(ctx.deploys[0].workspaceRoot), false, 'the download was removed');
  });

  it('a declined confirmation downloads, builds and deploys nothing', async () => {
    const { ctx } = context();
    const out = await createToolRegistry().execute(
      { name: 'deploy_github_repo', args: { repository: 'acme/shop', ref: 'v2.0.0' } },
      ctx,
      { confirm: new TestConfirm([false]) },
      new AbortController().signal,
    );
    assert.equal(out.status, 'declined');
    assert.equal(fx.emu.github.tarballRequests(), 0);
    assert.deepEqual(ctx.deploys, []);
    const s = await state();
    assert.equal(s.builds.length, 0);
    assert.equal(s.services.length, 0);
    assert.deepEqual(ctx.deployHistory(), []);
  });

  it('the offline chat deploys a tag: "deploy acme/shop@v2.0.0 from github"', async () => {
    const { ctx } = context();
    const answer = await answerOffline(
      parseChatIntent('deploy acme/shop@v2.0.0 from github'),
      { registry: createToolRegistry(), ctx, confirm: new TestConfirm([true]), events: { tool: () => undefined }, cancelDeploy: () => false },
      new AbortController().signal,
    );
    assert.match(answer, /^acme\/shop at v2\.0\.0 \([0-9a-f]{7}\): Deployed shop to http:\/\/127\.0\.0\.1:\d+/);
    const record = ctx.deployHistory()[0];
    assert.deepEqual([record.repository, record.branch], ['acme/shop', 'v2.0.0']);
    const url = answer.match(/to (http:\/\/\S+?)(?: |$)/)![1];
    assert.equal(await (await fetch(url)).text(), 'shop v2');
  });

  it('a repository the token cannot see is "not found", and nothing is deployed', async () => {
    const { ctx } = context();
    ctx.gitHub = async () => ({ port: createGitHubPort({ token: '', baseUrl: gitHubApiBase(fx.emu.host) }), maxBytes: 1024 * 1024 });
    const out = await createToolRegistry().execute(
      { name: 'deploy_github_repo', args: { repository: 'acme/shop' } },
      ctx,
      { confirm: new TestConfirm([true]) },
      new AbortController().signal,
    );
    assert.equal(out.status, 'failed');
    assert.match(String(out.response.error), /acme\/shop was not found, or your GitHub account has no access to it/);
    assert.deepEqual(ctx.deploys, []);
  });
});
