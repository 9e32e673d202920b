// The agent's GitHub tools over a fake GitHubPort (real tar.gz archives) and a
// fake deploy: what the confirmation shows, which commit is deployed, and the errors.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import type { AgentContext } from '../../src/core/agent/context';
import { answerOffline } from '../../src/core/chat/offline';
import { createToolRegistry } from '../../src/core/agent/tools';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import type { GitHubPort, GitHubRef, GitHubRepo, GitHubTarball } from '../../src/core/github/gitHubPort';
import type { CloudPorts, ServiceRef } from '../../src/core/cloud/ports';
import { originOf, type Origin } from '../../src/core/deploy/origin';
import { devgemLabels } from '../../src/core/deploy/ownership';
import type { DeployResult } from '../../src/shared/protocol';
import { TestConfirm } from '../support/agentHarness';
import { testDeployOptions } from '../support/workspace';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

class FakeGitHub implements GitHubPort {
  readonly calls: string[] = [];
  repos: GitHubRepo[] = [
    { fullName: 'acme/shop', owner: 'acme', name: 'shop', private: true, defaultBranch: 'main', description: 'the shop' },
    { fullName: 'acme/site', owner: 'acme', name: 'site', private: false, defaultBranch: 'trunk' },
  ];
  heads: Record<string, string> = { main: SHA_A, trunk: SHA_A, 'v1.0': SHA_B };
  constructor(private readonly archiveDir: string) {}

  async listRepos(limit: number): Promise<GitHubRepo[]> {
    this.calls.push(`list ${limit}`);
    return this.repos.slice(0, limit);
  }
  async searchRepos(query: string, limit: number): Promise<GitHubRepo[]> {
    this.calls.push(`search ${query}`);
    return this.repos.filter((r) => `${r.fullName} ${r.description ?? ''}`.includes(query)).slice(0, limit);
  }
  async getRepo(owner: string, name: string): Promise<GitHubRepo> {
    this.calls.push(`get ${owner}/${name}`);
    const r = this.repos.find((x) => x.fullName === `${owner}/${name}`);
    if (!r)
      throw new DevgemError('not-found', `GitHub repository ${owner}/${name} was not found, or your GitHub account has no access to it.`, {
        fix: 'Check the owner and name.',
      });
    return r;
  }
  async listRefs(): Promise<GitHubRef[]> {
    return Object.entries(this.heads).map(([name, sha]) => ({ name, sha, kind: name.startsWith('v') ? 'tag' : 'branch' }));
  }
  async resolveCommit(_owner: string, _name: string, ref: string): Promise<string> {
    this.calls.push(`resolve ${ref}`);
    if (/^[0-9a-f]{40}$/.test(ref)) return ref;
    const sha = this.heads[ref];
    if (!sha) throw new DevgemError('not-found', `no branch, tag or commit "${ref}"`, { fix: 'Pick one.' });
    return sha;
  }
  async openTarball(owner: string, name: string, sha: string): Promise<GitHubTarball> {
    this.calls.push(`tarball ${sha}`);
    const top = path.join(this.archiveDir, `${owner}-${name}-${sha.slice(0, 7)}`);
    await fs.mkdir(top, { recursive: true });
    await fs.writeFile(path.join(top, 'package.json'), JSON.stringify({ name, scripts: { start: 'node server.js' } }));
    await fs.writeFile(path.join(top, 'server.js'), `// ${sha}\n`);
    const file = `${top}.tar.gz`;
    await tar.c({ gzip: true, file, cwd: this.archiveDir }, [path.basename(top)]);
    const data = await fs.readFile(file);
    return {
      body: (async function* () {
        yield new Uint8Array(data);
      })(),
      size: data.length,
    };
  }
}

describe('GitHub agent tools', () => {
  let tmp: string;
  let gh: FakeGitHub;
  let existing: boolean;
  let deploys: { opts: DeployOptions; files: string[] }[];

  let ACME_SITE: Origin;
  before(async () => {
    ACME_SITE = await originOf({ workspaceRoot: 'site', gitHub: { repository: 'acme/site' } });
  });
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-ghtools-'));
    gh = new FakeGitHub(tmp);
    existing = false;
    deploys = [];
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  function context(withGitHub = true): AgentContext {
    // A live service is Devgem's, deployed from the repository asked for (ownership.ts).
    const cloud = {
      run: {
        getService: async () => (existing ? { uri: 'https://shop.run.app' } : undefined),
        inspectService: async (ref: ServiceRef) => (existing ? { ref, labels: devgemLabels(ACME_SITE.label), public: true } : undefined),
        previewUpdate: async () => undefined,
      },
    } as unknown as CloudPorts;
    const ctx: AgentContext = {
      deployOptions: () => testDeployOptions(path.join(tmp, 'workspace'), { service: 'workspace-service' }),
      cloud: () => cloud,
      runDeploy: async (opts): Promise<DeployResult> => {
        deploys.push({ opts, files: (await fs.readdir(opts.workspaceRoot)).sort() });
        return { outcome: 'success', url: 'https://shop-xyz.run.app', revision: 'shop-00001-abc', image: 'img' } as DeployResult;
      },
      lastDeploy: () => undefined,
      deployHistory: () => [],
      writeWorkspaceFile: async () => undefined,
      readWorkspaceFile: async () => undefined,
      lastDeployRequest: testDeployOptions('/elsewhere'),
    };
    if (withGitHub) ctx.gitHub = async () => ({ port: gh, maxBytes: 5 * 1024 * 1024 });
    return ctx;
  }

  const run = (ctx: AgentContext, name: string, args: Record<string, unknown>, confirm = new TestConfirm()) =>
    createToolRegistry().execute({ name, args }, ctx, { confirm }, new AbortController().signal);

  it('asks with repository, visibility, ref, short commit and target, then deploys that commit named after the repository', async () => {
    const confirm = new TestConfirm();
    const ctx = context();
    const out = await run(ctx, 'deploy_github_repo', { repository: 'https://github.com/acme/shop' }, confirm);
    assert.equal(out.status, 'done', JSON.stringify(out.response));
    const asked = confirm.asked[0];
    assert.equal(asked.risk, 'write');
    assert.equal(asked.title, 'Deploy acme/shop (main) to new Cloud Run service "shop"');
    const details = Object.fromEntries(asked.details.map((d) => [d.label, d.value]));
    assert.equal(details.Repository, 'acme/shop (private)');
    assert.equal(details.Ref, 'main (default branch)');
    assert.equal(details.Commit, 'aaaaaaa');
    assert.equal(details.Project, 'demo-project');
    assert.equal(details.Region, 'europe-west1');
    assert.equal(details.Service, 'shop (new)');
    assert.match(details.Source, /at most 5 MB/);
    assert.equal(deploys.length, 1);
    const { opts, files } = deploys[0];
    assert.deepEqual(opts.gitHub, { repository: 'acme/shop', ref: 'main', commit: SHA_A });
    assert.equal(opts.service, 'shop', "not the workspace's devgem.serviceName");
    assert.equal(path.basename(opts.workspaceRoot), 'shop');
    assert.deepEqual(files, ['package.json', 'server.js']);
    assert.equal(existsSync(opts.workspaceRoot), false, 'the download is removed after the deploy');
    assert.equal(ctx.lastDeployRequest, undefined, 'fix-and-redeploy cannot target an archive');
    assert.deepEqual(
      { repository: out.response.repository, ref: out.response.ref, commit: out.response.commit, private: out.response.private },
      { repository: 'acme/shop', ref: 'main', commit: SHA_A, private: true },
    );
    assert.match(out.summary, /^acme\/shop@aaaaaaa: Deployed/);
  });

  it("needs no open folder: without one, the user's settings (a folder tool would refuse)", async () => {
    const ctx = context();
    const folderless: AgentContext = {
      ...ctx,
      deployOptions: (o) => {
        if (!o?.folderOptional) throw new DevgemError('config', 'No folder is open.', { fix: 'Open a folder.' });
        return testDeployOptions(os.tmpdir(), { project: 'user-project' });
      },
    };
    const out = await run(folderless, 'deploy_github_repo', { repository: 'acme/shop' });
    assert.equal(out.status, 'done', JSON.stringify(out.response));
    assert.equal(deploys.length, 1);
    assert.equal(deploys[0].opts.project, 'user-project');
    assert.equal(path.basename(deploys[0].opts.workspaceRoot), 'shop');
    const analyze = await run(folderless, 'analyze_workspace', {});
    assert.equal(analyze.status, 'failed', 'a tool on the open folder still needs one');
    assert.match(JSON.stringify(analyze.response), /No folder is open/);
  });

  it('refuses when the branch moved since the card, deploying neither commit', async () => {
    const ctx = context();
    const confirm = new TestConfirm();
    confirm.ask = async (req) => {
      confirm.asked.push(req);
      gh.heads.main = SHA_B; // someone pushes while the card is open
      return true;
    };
    const out = await run(ctx, 'deploy_github_repo', { repository: 'acme/shop' }, confirm);
    assert.equal(out.status, 'failed');
    assert.match(String(out.response.error), new RegExp(`main moved from commit ${SHA_A.slice(0, 7)} → ${SHA_B.slice(0, 7)}.*Ask again`));
    assert.equal(gh.calls.filter((c) => c.startsWith('tarball')).length, 0, gh.calls.join(', '));
    assert.equal(deploys.length, 0);
  });

  it('deploys the commit the card showed when the branch stayed', async () => {
    const out = await run(context(), 'deploy_github_repo', { repository: 'acme/shop' }, new TestConfirm());
    assert.equal(out.status, 'done');
    assert.ok(gh.calls.includes(`tarball ${SHA_A}`), gh.calls.join(', '));
    assert.equal(deploys[0].opts.gitHub?.commit, SHA_A);
    assert.equal(deploys[0].opts.gitHub?.ref, 'main');
  });

  it('shows a tag, an update of a live service, and the service and region asked for', async () => {
    existing = true;
    const confirm = new TestConfirm();
    const out = await run(context(), 'deploy_github_repo', { repository: 'acme/site', ref: 'v1.0', service: 'web', region: 'us-east1' }, confirm);
    assert.equal(out.status, 'done');
    const details = Object.fromEntries(confirm.asked[0].details.map((d) => [d.label, d.value]));
    assert.deepEqual(
      [details.Repository, details.Ref, details.Commit, details.Region, details.Service],
      ['acme/site (public)', 'v1.0', 'bbbbbbb', 'us-east1', 'web (update; URL stays the same)'],
    );
    assert.equal(deploys[0].opts.service, 'web');
    assert.equal(deploys[0].opts.region, 'us-east1');
  });

  it('a declined confirmation downloads and deploys nothing', async () => {
    const out = await run(context(), 'deploy_github_repo', { repository: 'acme/shop' }, new TestConfirm([false]));
    assert.equal(out.status, 'declined');
    assert.equal(deploys.length, 0);
    assert.ok(!gh.calls.some((c) => c.startsWith('tarball')));
  });

  it('refuses a malformed repository name before calling GitHub', async () => {
    const confirm = new TestConfirm();
    const out = await run(context(), 'deploy_github_repo', { repository: 'not a repo' }, confirm);
    assert.equal(out.status, 'failed');
    assert.match(String(out.response.error), /"not a repo" is not a GitHub repository\. Fix: Give it as owner\/name/);
    assert.deepEqual(gh.calls, []);
    assert.equal(confirm.asked.length, 0);
  });

  it("a missing repository or ref fails with GitHub's clear message and asks nothing", async () => {
    const confirm = new TestConfirm();
    const missing = await run(context(), 'deploy_github_repo', { repository: 'acme/nope' }, confirm);
    assert.equal(missing.status, 'failed');
    assert.match(String(missing.response.error), /acme\/nope was not found/);
    const badRef = await run(context(), 'deploy_github_repo', { repository: 'acme/shop', ref: 'nope' }, confirm);
    assert.match(String(badRef.response.error), /no branch, tag or commit "nope"/);
    assert.equal(confirm.asked.length, 0);
    assert.equal(deploys.length, 0);
  });

  it('says clearly when the context has no GitHub', async () => {
    for (const [name, args] of [
      ['deploy_github_repo', { repository: 'acme/shop' }],
      ['list_github_repos', {}],
    ] as const) {
      const out = await run(context(false), name, args);
      assert.equal(out.status, 'failed', name);
      assert.match(String(out.response.error), /GitHub repository deploys are not available here\. Fix: Run "Devgem: Deploy GitHub Repository…"/, name);
    }
  });

  it("lists the user's repositories, or searches with a query", async () => {
    const all = await run(context(), 'list_github_repos', {});
    assert.equal(all.status, 'done');
    assert.deepEqual(all.response.repositories, [
      { repository: 'acme/shop', private: true, defaultBranch: 'main', description_untrusted: 'the shop' },
      { repository: 'acme/site', private: false, defaultBranch: 'trunk' },
    ]);
    assert.equal(all.summary, '2 GitHub repositories');
    const hits = await run(context(), 'list_github_repos', { query: 'site', limit: 5 });
    assert.deepEqual(
      (hits.response.repositories as { repository: string }[]).map((r) => r.repository),
      ['acme/site'],
    );
    assert.deepEqual(gh.calls, ['list 30', 'search site']);
  });

  it('the offline chat turns "deploy … from github" into the same tool call', async () => {
    const confirm = new TestConfirm();
    const cards: string[] = [];
    const answer = await answerOffline(
      parseChatIntent('deploy acme/site@v1.0 from github'),
      { registry: createToolRegistry(), ctx: context(), confirm, events: { tool: (c) => cards.push(`${c.name}:${c.status}`) }, cancelDeploy: () => false },
      new AbortController().signal,
    );
    assert.equal(confirm.asked[0].tool, 'deploy_github_repo');
    assert.deepEqual(deploys[0].opts.gitHub, { repository: 'acme/site', ref: 'v1.0', commit: SHA_B });
    assert.match(answer, /^acme\/site at v1\.0 \(bbbbbbb\): /);
    assert.ok(cards.includes('deploy_github_repo:done'), cards.join(', '));
  });
});
