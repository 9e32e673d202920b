// "Approve exactly what runs", for the rest of the write tools: each card pins what it showed
// (the service as it was, the tag's revision, the domains, the file's content, the project,
// the deploy, the folder) and the tool refuses when that changed between the card and the click.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConfirmPort } from '../../src/core/agent/registry';
import { createToolRegistry } from '../../src/core/agent/tools';
import type { CloudPorts, ServiceRef } from '../../src/core/cloud/ports';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { testAgentContext, type AskedConfirmation, type TestContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP } from '../support/workspace';

const never = new AbortController().signal;
const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'svc' };
const IMAGE = 'us-docker.pkg.dev/cloudrun/container/hello';

/** Approves every card, after `meanwhile` (what happens in the world while the card is open). */
class ApproveAfter implements ConfirmPort {
  readonly asked: AskedConfirmation[] = [];
  constructor(private readonly meanwhile: () => Promise<unknown> | unknown = () => undefined) {}
  async ask(request: AskedConfirmation): Promise<boolean> {
    this.asked.push(request);
    await this.meanwhile();
    return true;
  }
}

describe('approve exactly what runs: the other write tools', () => {
  let cleanup: () => Promise<void>;
  let root: string;
  let cloud: FakeCloud;
  let ports: CloudPorts;
  let ctx: TestContext;
  const registry = createToolRegistry();
  const run = (name: string, args: Record<string, unknown>, confirm: ConfirmPort) => registry.execute({ name, args }, ctx, { confirm }, never);
  /** Someone changes the service meanwhile (a new revision). */
  const touch = () => ports.runAdmin.updateConfig(REF, { memory: '1Gi' }, never);
  const revisions = async () => (await ports.runAdmin.listRevisions(REF, never)).map((r) => r.revision);
  const callsOf = (prefix: string) => cloud.calls.filter((c) => c.startsWith(prefix));
  /** The deploy options from now on, as if a setting changed. */
  const settingsNow = (o: Partial<DeployOptions>) => {
    const base = ctx.deployOptions.bind(ctx);
    ctx.deployOptions = (x) => ({ ...base(x), ...o });
  };
  const refused = (out: { status: string; response: Record<string, unknown> }, why: RegExp) => {
    assert.equal(out.status, 'failed', JSON.stringify(out.response));
    assert.match(String(out.response.error), why);
    assert.match(String(out.response.error), /Ask again/);
  };

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace(NODE_APP, 'svc'));
    cloud = new FakeCloud({ existingService: true, projects: [{ projectId: 'demo-project' }, { projectId: 'shop-prod' }, { projectId: 'third-proj' }] });
    ports = cloud.ports();
    ctx = testAgentContext(root, ports, { overrides: { service: 'svc' } });
  });
  afterEach(() => cleanup());

  it('update_service_config refuses after the service changed, and applies the change when it did not', async () => {
    const stale = await run('update_service_config', { minInstances: 2 }, new ApproveAfter(touch));
    refused(stale, /svc .*changed after you saw this plan \(.*its latest revision/);
    assert.deepEqual(callsOf('runAdmin.updateConfig svc {"minInstances"'), []);
    const ok = await run('update_service_config', { minInstances: 2 }, new ApproveAfter());
    assert.equal(ok.status, 'done', JSON.stringify(ok.response));
    assert.equal(callsOf('runAdmin.updateConfig svc {"minInstances":2}').length, 1);
  });

  it('split_traffic refuses after the service changed', async () => {
    await touch();
    const [a, b] = await revisions();
    const split = [
      { revision: a, percent: 90 },
      { revision: b, percent: 10 },
    ];
    refused(await run('split_traffic', { split }, new ApproveAfter(touch)), /changed after you saw this plan/);
    assert.deepEqual(callsOf('runAdmin.setTraffic'), []);
    assert.equal((await run('split_traffic', { split }, new ApproveAfter())).status, 'done');
  });

  it('promote_tag refuses after the tag moved to another revision', async () => {
    await touch();
    const [a, b] = await revisions();
    await ports.runAdmin.setTraffic(
      REF,
      [
        { revision: a, percent: 100 },
        { revision: b, percent: 0, tag: 'preview' },
      ],
      never,
    );
    const moveTag = () =>
      ports.runAdmin.setTraffic(
        REF,
        [
          { revision: b, percent: 100 },
          { revision: a, percent: 0, tag: 'preview' },
        ],
        never,
      );
    const out = await run('promote_tag', { tag: 'preview' }, new ApproveAfter(moveTag));
    refused(out, /changed after you saw this plan \(.*its traffic split/);
    assert.equal(callsOf('runAdmin.setTraffic').length, 2, 'only the two of the test');
  });

  it('create_domain_mapping refuses after the service got another domain meanwhile', async () => {
    const out = await run(
      'create_domain_mapping',
      { domain: 'api.example.com' },
      new ApproveAfter(() => cloud.domainMappings.push({ domain: 'www.example.com', service: 'svc' })),
    );
    refused(out, /The custom domains of svc changed since you approved: none → www\.example\.com/);
    assert.deepEqual(callsOf('runAdmin.createDomainMapping'), []);
  });

  it('deploy_image refuses after the service changed, or was created while the card said "new"', async () => {
    refused(await run('deploy_image', { image: IMAGE, service: 'svc' }, new ApproveAfter(touch)), /changed after you saw this plan/);
    const created = () => ports.run.createService({ ...REF, service: 'hello' }, { image: 'someone-else', port: 8080, labels: {} }, never);
    refused(await run('deploy_image', { image: IMAGE, service: 'hello' }, new ApproveAfter(created)), /hello .*it was created or deleted/);
    assert.deepEqual(
      cloud.calls.filter((c) => c.includes(IMAGE)),
      [],
    );
  });

  it('choose_project refuses after the current project changed', async () => {
    const chosen: string[] = [];
    ctx.chooseProject = async (p) => void chosen.push(p);
    const out = await run('choose_project', { project: 'shop-prod' }, new ApproveAfter(() => settingsNow({ project: 'third-proj' })));
    refused(out, /The current project changed since you approved: it went from demo-project → third-proj/);
    assert.deepEqual(chosen, []);
  });

  it('cancel_deploy cancels only the deploy its card named', async () => {
    let cancels = 0;
    ctx.cancelDeploy = () => (cancels++, true);
    let current = { deployId: 'deploy-1', stages: {} };
    ctx.lastDeploy = () => current as never;
    const out = await run('cancel_deploy', {}, new ApproveAfter(() => (current = { deployId: 'deploy-2', stages: {} })));
    refused(out, /The running deploy changed since you approved: deploy-1 ended and deploy-2 runs now/);
    assert.equal(cancels, 0);
    assert.equal((await run('cancel_deploy', {}, new ApproveAfter())).status, 'done');
    assert.equal(cancels, 1);
  });

  it('save_deploy_config refuses after the file was edited, and keeps the edit', async () => {
    const file = path.join(root, '.devgem', 'deploy.json');
    const edited = '{ "cpu": "2" }\n';
    const write = async () => (await fs.mkdir(path.dirname(file), { recursive: true }), await fs.writeFile(file, edited));
    refused(await run('save_deploy_config', { memory: '1Gi' }, new ApproveAfter(write)), /\.devgem\/deploy\.json changed since you approved: it was created/);
    assert.equal(await fs.readFile(file, 'utf8'), edited);
    refused(await run('save_deploy_config', { memory: '1Gi' }, new ApproveAfter(() => fs.writeFile(file, '{}\n'))), /it was edited/);
  });

  it('import_env_file refuses after the .env file or the service changed', async () => {
    const env = path.join(root, '.env');
    await fs.writeFile(env, 'GREETING=hi\n');
    refused(
      await run('import_env_file', {}, new ApproveAfter(() => fs.writeFile(env, 'GREETING=bye\n'))),
      /\.env changed since you approved: its content was edited/,
    );
    refused(await run('import_env_file', {}, new ApproveAfter(touch)), /svc .*changed after you saw this plan/);
    assert.deepEqual(callsOf('runAdmin.updateEnv'), []);
    assert.equal((await run('import_env_file', {}, new ApproveAfter())).status, 'done');
    assert.equal(callsOf('runAdmin.updateEnv').length, 1, cloud.calls.join('\n'));
  });

  it('run_locally refuses after another folder became current', async () => {
    let runs = 0;
    ctx.runLocally = async () => (runs++, { url: 'http://127.0.0.1:1', engine: 'docker', app: '.' });
    const out = await run('run_locally', {}, new ApproveAfter(() => settingsNow({ workspaceRoot: path.join(root, 'elsewhere') })));
    refused(out, /The folder to run changed since you approved/);
    assert.equal(runs, 0);
  });

  it('rollback and send_traffic act in the project the card showed, even after a project switch', async () => {
    const projects: string[] = [];
    const route = ports.runAdmin.routeAllTraffic.bind(ports.runAdmin);
    ports.runAdmin.routeAllTraffic = (ref, ...rest) => (projects.push(ref.project), route(ref, ...rest));
    await touch();
    const [first] = await revisions();
    const switchProject = () => settingsNow({ project: 'shop-prod' });
    assert.equal((await run('rollback', {}, new ApproveAfter(switchProject))).status, 'done');
    ctx = testAgentContext(root, ports, { overrides: { service: 'svc' } });
    assert.equal((await run('send_traffic', { revision: first }, new ApproveAfter(switchProject))).status, 'done');
    assert.deepEqual(projects, ['demo-project', 'demo-project']);
  });
});
