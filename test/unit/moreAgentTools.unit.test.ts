// Issue 16 item 5: the tools a chat-to-deploy user expects, on FakeCloud. Each
// write tool asks first, with a plan that shows before → after, and does
// nothing when declined.
import * as assert from 'node:assert/strict';
import { createToolRegistry } from '../../src/core/agent/tools/index';
import { logQueryOf } from '../../src/core/agent/tools/serviceTools';
import { validateArgs } from '../../src/core/agent/schema';
import { TestConfirm, testAgentContext, type TestContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP } from '../support/workspace';

const never = new AbortController().signal;
const registry = createToolRegistry();

describe('the added agent tools (FakeCloud)', () => {
  let cleanup: () => Promise<void>;
  let cloud: FakeCloud;
  let ctx: TestContext;
  let chosen: string[];

  beforeEach(async () => {
    let root: string;
    ({ root, cleanup } = await makeWorkspace(NODE_APP));
    cloud = new FakeCloud({ existingService: true, projects: [{ projectId: 'demo-project' }, { projectId: 'shop-prod', name: 'Shop' }] });
    ctx = testAgentContext(root, cloud.ports());
    chosen = [];
    ctx.chooseProject = async (p) => void chosen.push(p);
  });
  afterEach(() => cleanup());

  async function run(name: string, args: Record<string, unknown>, confirm = new TestConfirm()) {
    const o = await registry.execute({ name, args }, ctx, { confirm }, never);
    return { ...o, asked: confirm.asked };
  }
  const detail = (r: { asked: { details: { label: string; value: string }[] }[] }, label: string) => r.asked[0]?.details.find((d) => d.label === label)?.value;

  it('list_projects and choose_project (asked, before → after)', async () => {
    const list = await run('list_projects', {});
    assert.deepEqual(
      (list.response.projects as { projectId: string }[]).map((p) => p.projectId),
      ['demo-project', 'shop-prod'],
    );
    assert.equal(list.response.current, 'demo-project');
    const choose = await run('choose_project', { project: 'shop-prod' });
    assert.equal(choose.status, 'done');
    assert.equal(detail(choose, 'Project'), 'demo-project → shop-prod (Shop)');
    assert.deepEqual(chosen, ['shop-prod']);
    const unknown = await run('choose_project', { project: 'not-mine-123' });
    assert.equal(unknown.status, 'failed');
    assert.equal(unknown.asked.length, 0);
    const declined = await run('choose_project', { project: 'shop-prod' }, new TestConfirm([false]));
    assert.equal(declined.status, 'declined');
    assert.deepEqual(chosen, ['shop-prod'], 'nothing changed when declined');
  });

  it('list_services across all regions asks for the regions, then lists each (v2 has no "-" wildcard)', async () => {
    await cloud.ports().run.createService({ project: 'demo-project', region: 'us-central1', service: 'api' }, { image: 'img', port: 8080, labels: {} }, never);
    const one = await run('list_services', {});
    assert.deepEqual(
      (one.response.services as { service: string }[]).map((s) => s.service),
      ['svc'],
    );
    const all = await run('list_services', { all_regions: true });
    assert.deepEqual((all.response.services as { service: string; region: string }[]).map((s) => `${s.service}@${s.region}`).sort(), [
      'api@us-central1',
      'svc@europe-west1',
    ]);
    assert.ok(cloud.calls.includes('runAdmin.listRegions'));
    assert.ok(!cloud.calls.includes('runAdmin.listServices -'));
  });

  it('get_service_logs: errors in the last hour, with text and revision', async () => {
    const now = Date.now();
    const at = (min: number) => new Date(now - min * 60_000).toISOString();
    cloud.seedLogs('svc', [
      { timestamp: at(120), severity: 'ERROR', text: 'old error: timeout', revision: 'svc-00001-aaa' },
      { timestamp: at(30), severity: 'ERROR', text: 'DB timeout', revision: 'svc-00001-aaa' },
      { timestamp: at(20), severity: 'INFO', text: 'timeout config read', revision: 'svc-00001-aaa' },
      { timestamp: at(10), severity: 'ERROR', text: 'null pointer', revision: 'svc-00002-bbb' },
    ]);
    const r = await run('get_service_logs', { service: 'svc', severity: 'ERROR', since_minutes: 60, text: 'timeout', revision: 'svc-00001-aaa' });
    assert.deepEqual(
      (r.response.entries_untrusted as { text: string }[]).map((e) => e.text),
      ['DB timeout'],
    );
    const q = logQueryOf({ severity: 'ERROR', since_minutes: 60 }, Date.parse('2026-01-01T12:00:00Z'));
    assert.deepEqual(q, { minSeverity: 'ERROR', sinceIso: '2026-01-01T11:00:00.000Z' });
    const both = await run('get_service_logs', { since_minutes: 5, since: '2026-01-01T00:00:00Z' });
    assert.equal(both.status, 'failed');
  });

  it('update_service_config: before → after, a new revision without a build, public ↔ private', async () => {
    const r = await run('update_service_config', { service: 'svc', minInstances: 1, memory: '1Gi', public: false });
    assert.equal(r.status, 'done', JSON.stringify(r.response));
    assert.equal(r.asked[0].risk, 'write');
    assert.equal(detail(r, 'Min instances'), '0 → 1');
    assert.match(detail(r, 'Memory') ?? '', /→ 1Gi$/);
    assert.match(detail(r, 'Access') ?? '', /→ private/);
    assert.ok(cloud.calls.some((c) => c.startsWith('runAdmin.updateConfig svc {"minInstances":1,"memory":"1Gi"}')));
    assert.ok(cloud.calls.includes('runAdmin.setPublic svc false'));
    assert.ok(!cloud.calls.some((c) => c.startsWith('build.')), 'no build');
    const before = cloud.calls.length;
    const declined = await run('update_service_config', { service: 'svc', maxInstances: 3 }, new TestConfirm([false]));
    assert.equal(declined.status, 'declined');
    assert.equal(cloud.calls.filter((c, i) => i >= before && /updateConfig|setPublic/.test(c)).length, 0);
    const nothing = await run('update_service_config', { service: 'svc' });
    assert.equal(nothing.status, 'failed');
  });

  it('split_traffic and promote_tag', async () => {
    const second = cloud.addRevision('svc').revision;
    const bad = await run('split_traffic', { service: 'svc', split: [{ revision: 'svc-00001-aaa', percent: 50 }] });
    assert.equal(bad.status, 'failed');
    assert.match(String(bad.response.error), /add up to 50/);
    const r = await run('split_traffic', {
      service: 'svc',
      split: [
        { revision: 'svc-00001-aaa', percent: 90 },
        { revision: second, percent: 10, tag: 'canary' },
      ],
    });
    assert.equal(r.status, 'done', JSON.stringify(r.response));
    assert.match(detail(r, 'After') ?? '', /svc-00001-aaa 90%, .* 10% \(tag canary\)/);
    const promote = await run('promote_tag', { service: 'svc', tag: 'canary' });
    assert.equal(promote.status, 'done', JSON.stringify(promote.response));
    assert.equal(promote.response.servingRevision, second);
    assert.ok(cloud.calls.includes(`runAdmin.setTraffic svc ${second}=100#canary`));
  });

  it('domain mappings: list, and create after approval', async () => {
    const created = await run('create_domain_mapping', { service: 'svc', domain: 'api.example.com' });
    assert.equal(created.status, 'done', JSON.stringify(created.response));
    assert.equal(detail(created, 'Domains'), 'none → api.example.com');
    assert.deepEqual(created.response.dnsRecords, [{ type: 'CNAME', name: 'api', rrdata: 'ghs.googlehosted.com.' }]);
    const list = await run('list_domain_mappings', { service: 'svc' });
    assert.deepEqual(list.response.domains, ['api.example.com']);
    assert.deepEqual(validateArgs(registry.get('create_domain_mapping')!.parameters, { domain: 'not a domain' }).ok, false);
  });

  it('deploy_image: no build, the plan names the image', async () => {
    const r = await run('deploy_image', { image: 'us-docker.pkg.dev/cloudrun/container/hello', service: 'hello', public: true });
    assert.equal(r.status, 'done', JSON.stringify(r.response));
    assert.match(detail(r, 'Image') ?? '', /none → us-docker\.pkg\.dev\/cloudrun\/container\/hello \(no build\)/);
    assert.ok(cloud.calls.includes('run.createService us-docker.pkg.dev/cloudrun/container/hello'));
    assert.ok(cloud.calls.includes('runAdmin.setPublic hello true'));
    assert.ok(!cloud.calls.some((c) => c.startsWith('build.')));
  });

  it('cancel_deploy asks first and refuses when nothing runs', async () => {
    const r = await run('cancel_deploy', {});
    assert.equal(r.status, 'failed');
    assert.match(String(r.response.error), /No deploy is running/);
    assert.equal(registry.get('cancel_deploy')!.risk, 'write');
  });

  it('deploy_github_repo takes env, secrets, public and subfolder', () => {
    const schema = registry.get('deploy_github_repo')!.parameters;
    const ok = validateArgs(schema, { repository: 'o/r', subfolder: 'api', env: { MODE: 'x' }, secrets: { DB: 'db-pass:2' }, public: false });
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(validateArgs(schema, { repository: 'o/r', secrets: { DB: 'bad value!' } }).ok, false);
  });
});
