// Never take over silently: a Cloud Run service Devgem did not create (or
// created from another workspace) stays exactly as it was through every entry
// point unless the user says "take over", and a take-over keeps its labels.
// Real SDK clients against the emulator.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EMULATOR_GITHUB_TOKEN, gitHubApiBase } from '../../src/adapters/github/gitHubEndpoint';
import { createGitHubPort } from '../../src/adapters/github/index';
import { runCli } from '../../src/cli/runCli';
import { createToolRegistry } from '../../src/core/agent/tools';
import { unattendedUi, type DeployUiPort } from '../../src/core/deploy/deployUi';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { originOf } from '../../src/core/deploy/origin';
import type { TakeOver } from '../../src/core/deploy/ownership';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { deployGitHubRepo, gitHubDeployOptions } from '../../src/core/github/gitHubSource';
import type { DeployResult } from '../../src/shared/protocol';
import { TestConfirm, testAgentContext } from '../support/agentHarness';
import { useEmulator } from '../support/useEmulator';
import { useTempDir } from '../support/useTempDir';
import { NODE_APP, testDeployOptions } from '../support/workspace';

const PROJECT = 'demo-project';
const REGION = 'europe-west1';
const FOREIGN_IMAGE = 'europe-docker.pkg.dev/payments/app/api:v7';

interface ServiceState {
  name: string;
  image: string;
  labels: Record<string, string>;
  public: boolean;
  invokerIamDisabled: boolean;
  revisions: { name: string }[];
  iamBindings: { role: string; members: string[] }[];
}
interface EmuState {
  builds: unknown[];
  buckets: { name: string; labels: Record<string, string> }[];
  repositories: { name: string; labels: Record<string, string> }[];
  services: ServiceState[];
}

describe('ownership: never take over a service silently', function () {
  this.timeout(90_000);
  const fx = useEmulator({
    seed: (emu) =>
      emu.github.seedRepo({ fullName: 'acme/api', private: false, branches: { main: Object.entries(NODE_APP).map(([p, content]) => ({ path: p, content })) } }),
  });
  const tmp = useTempDir('devgem-ownership-');

  /** The private service of the payments team, made without Devgem. */
  const seedForeign = () =>
    fx.emu.seedService({
      project: PROJECT,
      region: REGION,
      service: 'api',
      image: FOREIGN_IMAGE,
      labels: { team: 'payments' },
      invokers: ['group:payments@example.com'],
      updateTime: '2026-01-02T03:04:05.000Z',
    });

  async function service(name: string): Promise<ServiceState | undefined> {
    return (await fx.state<EmuState>()).services.find((s) => s.name.endsWith(`/services/${name}`));
  }

  /** The seeded service exactly as seeded: image, labels, IAM, one revision, nothing built. */
  async function assertUntouched(): Promise<void> {
    const s = await service('api');
    assert.ok(s);
    assert.equal(s.image, FOREIGN_IMAGE);
    assert.deepEqual(s.labels, { team: 'payments' });
    assert.equal(s.public, false);
    assert.equal(s.invokerIamDisabled, false);
    assert.deepEqual(s.iamBindings, [{ role: 'roles/run.invoker', members: ['group:payments@example.com'] }]);
    assert.equal(s.revisions.length, 1);
  }

  async function workspace(name: string): Promise<string> {
    const root = path.join(tmp.path, name);
    await fs.mkdir(root, { recursive: true });
    for (const [rel, content] of Object.entries(NODE_APP)) await fs.writeFile(path.join(root, rel), content);
    return root;
  }

  function deploy(opts: DeployOptions, ui?: DeployUiPort): Promise<DeployResult> {
    return runDeploy(opts, { ports: fx.ports, emit: () => undefined, buildPollMs: 50, ui }, new AbortController().signal);
  }

  describe('the pipeline (sidebar and palette: the deploy UI port)', () => {
    it('unattended, stops before the build at a service it did not create, says what is there, and touches nothing', async () => {
      await seedForeign();
      const result = await deploy(testDeployOptions(await workspace('api')));
      assert.equal(result.outcome, 'failed');
      assert.ok(result.outcome === 'failed');
      assert.equal(result.stage, 'analyze');
      assert.match(result.problem.message, /api \(demo-project, europe-west1\) already exists, and Devgem did not create it/);
      assert.match(result.problem.message, /team: payments/);
      assert.match(result.problem.message, /private: only IAM-authorized callers \(run\.invoker: group:payments@example\.com\)/);
      assert.match(result.problem.message, new RegExp(FOREIGN_IMAGE.replace(/[.]/g, '\\.')));
      assert.match(result.problem.message, /2026-01-02T03:04:05\.000Z/);
      assert.match(result.problem.fix ?? '', /Take Over/);
      await assertUntouched();
      assert.equal((await fx.state<EmuState>()).builds.length, 0, 'nothing was built');
    });

    it('asks with what is there now; a "no" leaves it, a take-over keeps its labels and adds Devgem\'s', async () => {
      await seedForeign();
      const root = await workspace('api');
      const asked: TakeOver[] = [];
      const no: DeployUiPort = { ...unattendedUi, confirmTakeOver: async (t) => (asked.push(t), false) };
      assert.equal((await deploy(testDeployOptions(root), no)).outcome, 'failed');
      assert.equal(asked.length, 1);
      assert.equal(asked[0].ownership, 'foreign');
      assert.deepEqual(asked[0].existing.labels, { team: 'payments' });
      assert.equal(asked[0].existing.image, FOREIGN_IMAGE);
      assert.equal(asked[0].existing.public, false);
      assert.equal(asked[0].existing.updateTime, '2026-01-02T03:04:05.000Z');
      assert.equal(asked[0].makesPublic, true);
      await assertUntouched();

      const yes: DeployUiPort = { ...unattendedUi, confirmTakeOver: async () => true };
      const result = await deploy(testDeployOptions(root, { allowUnauthenticated: false }), yes);
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      const s = await service('api');
      const origin = (await originOf({ workspaceRoot: root })).label;
      assert.deepEqual(s?.labels, { team: 'payments', 'managed-by': 'devgem', 'devgem-origin': origin });
      assert.notEqual(s?.image, FOREIGN_IMAGE);
      assert.equal(s?.public, false, 'still private');
      assert.deepEqual(s?.iamBindings, [{ role: 'roles/run.invoker', members: ['group:payments@example.com'] }]);

      // Taken over, it is Devgem's from this folder: the next deploy asks nothing.
      const again = await deploy(testDeployOptions(root, { allowUnauthenticated: false }));
      assert.equal(again.outcome, 'success', JSON.stringify(again));
    });

    it('a service Devgem deployed from another workspace also asks; the same workspace does not', async () => {
      const mine = await workspace('one/app');
      const other = await workspace('two/app');
      const first = await deploy(testDeployOptions(mine, { service: 'shared' }));
      assert.equal(first.outcome, 'success', JSON.stringify(first));
      const labels = (await service('shared'))?.labels;
      assert.equal(labels?.['managed-by'], 'devgem');
      assert.equal(labels?.['devgem-origin'], (await originOf({ workspaceRoot: mine })).label);

      const asked: TakeOver[] = [];
      const refused = await deploy(testDeployOptions(other, { service: 'shared' }), { ...unattendedUi, confirmTakeOver: async (t) => (asked.push(t), false) });
      assert.equal(refused.outcome, 'failed');
      assert.ok(refused.outcome === 'failed');
      assert.match(refused.problem.message, /Devgem created it from another workspace or repository/);
      assert.equal(asked[0]?.ownership, 'other-origin');
      assert.equal((await service('shared'))?.revisions.length, 1);

      assert.equal((await deploy(testDeployOptions(mine, { service: 'shared' }))).outcome, 'success');
      assert.equal((await service('shared'))?.revisions.length, 2);
    });

    it('labels the bucket and the repository it creates', async () => {
      const root = await workspace('labelled');
      assert.equal((await deploy(testDeployOptions(root))).outcome, 'success');
      const origin = (await originOf({ workspaceRoot: root })).label;
      const s = await fx.state<EmuState>();
      assert.deepEqual(s.buckets[0]?.labels, { 'managed-by': 'devgem', 'devgem-origin': origin });
      assert.deepEqual(s.repositories[0]?.labels, { 'managed-by': 'devgem', 'devgem-origin': origin });
    });

    it('flags private → public on its own private service, and does not open it unattended', async () => {
      const root = await workspace('closed');
      assert.equal((await deploy(testDeployOptions(root, { allowUnauthenticated: false }))).outcome, 'success');
      const result = await deploy(testDeployOptions(root));
      assert.equal(result.outcome, 'failed');
      assert.ok(result.outcome === 'failed');
      assert.equal(result.stage, 'deploy');
      assert.match(result.problem.message, /Makes the private service public/);
      const s = await service('closed');
      assert.equal(s?.public, false);
      assert.equal(s?.revisions.length, 1);
    });
  });

  describe('the chat agent', () => {
    it('its plan shows the take-over; without the click nothing changes; with it the labels stay', async () => {
      await seedForeign();
      const root = await workspace('api');
      const ctx = testAgentContext(root, fx.ports);
      const declined = new TestConfirm([false]);
      const out = await createToolRegistry().execute({ name: 'deploy', args: {} }, ctx, { confirm: declined }, new AbortController().signal);
      assert.equal(out.status, 'declined');
      const plan = declined.asked[0];
      assert.equal(plan.title, 'Take over Cloud Run service "api" and deploy to it');
      assert.equal(plan.approveLabel, 'Take Over and Deploy');
      const details = Object.fromEntries(plan.details.map((d) => [d.label, d.value]));
      assert.match(details['Why asking'], /Devgem did not create it/);
      assert.equal(details['Labels now'], 'team: payments');
      assert.equal(details['Image now'], FOREIGN_IMAGE);
      assert.match(details['Access now'], /^private/);
      assert.match(details['Last deploy'], /2026-01-02T03:04:05\.000Z by payments-team@example\.com/);
      assert.match(details['Take over'], /keeps its labels .* and makes it public/);
      assert.ok(plan.details.some((d) => /Makes the private service public/.test(d.value)));
      assert.deepEqual(ctx.deploys, []);
      await assertUntouched();

      const approved = new TestConfirm([true]);
      const done = await createToolRegistry().execute({ name: 'deploy', args: {} }, ctx, { confirm: approved }, new AbortController().signal);
      assert.equal(done.status, 'done', JSON.stringify(done.response));
      assert.equal(done.response.outcome, 'success');
      const s = await service('api');
      assert.equal(s?.labels.team, 'payments');
      assert.equal(s?.labels['managed-by'], 'devgem');
      assert.equal(s?.public, true, 'the plan said so and the user approved it');
    });
  });

  describe('devgem deploy', () => {
    async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, {
        stdout: (s) => (stdout += s),
        stderr: (s) => (stderr += s),
        cwd: tmp.path,
        env: { DEVGEM_EMULATOR_HOST: fx.emu.host, CLOUDSDK_CONFIG: path.join(tmp.path, 'no-gcloud') },
      });
      return { code, stdout, stderr };
    }
    const TARGET = ['--project', PROJECT, '--region', REGION];

    it('refuses with exit code 3 without --take-over (--yes is not enough), then --take-over keeps team: payments', async () => {
      await seedForeign();
      const dir = await workspace('api');
      await fs.writeFile(path.join(dir, 'Dockerfile'), 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n');
      const refused = await cli(['deploy', dir, ...TARGET, '--yes']);
      assert.equal(refused.code, 3, refused.stderr);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /Devgem did not create it/);
      assert.match(refused.stderr, /Fix: .*pass --take-over/);
      await assertUntouched();

      // Take over, but a private service is not opened without its own consent.
      const closed = await cli(['deploy', dir, ...TARGET, '--take-over']);
      assert.equal(closed.code, 1, closed.stderr);
      assert.match(closed.stderr, /taking over api \(--take-over\)/);
      assert.match(closed.stderr, /Makes the private service public/);
      assert.equal((await service('api'))?.image, FOREIGN_IMAGE);

      const ok = await cli(['deploy', dir, ...TARGET, '--take-over', '--private']);
      assert.equal(ok.code, 0, ok.stderr);
      const s = await service('api');
      assert.equal(s?.labels.team, 'payments');
      assert.equal(s?.labels['managed-by'], 'devgem');
      assert.notEqual(s?.image, FOREIGN_IMAGE);
      assert.equal(s?.public, false);
    });
  });

  describe('GitHub deploys', () => {
    const gitHub = () => createGitHubPort({ token: EMULATOR_GITHUB_TOKEN, baseUrl: gitHubApiBase(fx.emu.host) });

    it('a repository named api does not replace the api service: unattended, nor through the agent without approval', async () => {
      await seedForeign();
      const base = gitHubDeployOptions(testDeployOptions(path.join(tmp.path, 'none')), 'api');
      const { result } = await deployGitHubRepo(
        gitHub(),
        { owner: 'acme', name: 'api', maxBytes: 1024 * 1024 },
        base,
        (opts, signal) => runDeploy(opts, { ports: fx.ports, emit: () => undefined, buildPollMs: 50 }, signal),
        new AbortController().signal,
      );
      assert.equal(result.outcome, 'failed');
      assert.ok(result.outcome === 'failed');
      assert.match(result.problem.message, /Devgem did not create it/);
      await assertUntouched();

      await fs.mkdir(path.join(tmp.path, 'workspace'));
      const ctx = testAgentContext(path.join(tmp.path, 'workspace'), fx.ports);
      ctx.gitHub = async () => ({ port: gitHub(), maxBytes: 1024 * 1024 });
      const confirm = new TestConfirm([false]);
      const out = await createToolRegistry().execute(
        { name: 'deploy_github_repo', args: { repository: 'acme/api' } },
        ctx,
        { confirm },
        new AbortController().signal,
      );
      assert.equal(out.status, 'declined');
      assert.match(confirm.asked[0].title, /^Deploy acme\/api \(main\): take over Cloud Run service "api"/);
      assert.equal(Object.fromEntries(confirm.asked[0].details.map((d) => [d.label, d.value]))['Labels now'], 'team: payments');
      await assertUntouched();
    });
  });
});
