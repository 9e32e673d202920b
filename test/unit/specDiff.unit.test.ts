import * as assert from 'node:assert/strict';
import type { protos } from '@google-cloud/run';
import { liveSpec, updatedService } from '../../src/adapters/gcp/serviceUpdate';
import { cliDeployUi } from '../../src/cli/deployUi';
import type { AgentContext } from '../../src/core/agent/context';
import { deployTool } from '../../src/core/agent/tools/deployTools';
import type { DeployArgs } from '../../src/core/deploy/deployRequest';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { LiveServiceSpec, ServiceSpec, SpecChange } from '../../src/core/cloud/ports';
import { unattendedUi, type DeployUiPort } from '../../src/core/deploy/deployUi';
import { allApproved, riskyChanges } from '../../src/core/deploy/specDiff';
import type { DeployEvent } from '../../src/shared/protocol';
import { FakeClock, FakeCloud, type FakeCloudScript } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const BASE: LiveServiceSpec = { env: [], minInstances: 0, cpuAlwaysAllocated: false, ingress: 'all', public: true };
const spec = (s: Partial<LiveServiceSpec>): LiveServiceSpec => ({ ...BASE, ...s });
const messages = (changes: SpecChange[]) => changes.map((c) => c.message);
const DOMAIN = [{ domain: 'api.example.com', service: 'svc' }];

describe('revision-diff guard: riskyChanges', () => {
  it('raises nothing when the next spec is the live one (a plain redeploy)', () => {
    const live = spec({
      env: [
        { name: 'A', value: '1' },
        { name: 'DB_URL', secret: { secret: 'db-url', version: 'latest' } },
      ],
      minInstances: 2,
      cpuAlwaysAllocated: true,
      ingress: 'internal',
    });
    assert.deepEqual(riskyChanges(live, structuredClone(live), DOMAIN), []);
  });

  it('says which env vars and secret references an update removes, never a value', () => {
    const live = spec({
      env: [
        { name: 'FOO', value: 'hunter2-value' },
        { name: 'KEEP', value: 'k' },
        { name: 'DB_URL', secret: { secret: 'db-url', version: 'latest' } },
      ],
    });
    const changes = riskyChanges(live, spec({ env: [{ name: 'KEEP', value: 'k' }] }));
    assert.deepEqual(messages(changes), ['Removes env var FOO', 'Drops the secret reference DB_URL → db-url:latest']);
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['env-removed', 'secret-dropped'],
    );
    assert.ok(!messages(changes).join(' ').includes('hunter2'));
  });

  it('calls a plain value over a secret reference, or another secret, a dropped reference', () => {
    const live = spec({
      env: [
        { name: 'DB_URL', secret: { secret: 'db-url', version: 'latest' } },
        { name: 'KEY', secret: { secret: 'key', version: '3' } },
      ],
    });
    const next = spec({
      env: [
        { name: 'DB_URL', value: 'postgres://x' },
        { name: 'KEY', secret: { secret: 'key', version: '4' } },
      ],
    });
    assert.deepEqual(messages(riskyChanges(live, next)), [
      'Drops the secret reference DB_URL → db-url:latest (DB_URL becomes a plain value)',
      'Replaces the secret reference KEY → key:3 with key:4',
    ]);
  });

  it('gives no false alarm for changed or new plain values, or the same secret by its full name', () => {
    const live = spec({
      env: [
        { name: 'A', value: '1' },
        { name: 'S', secret: { secret: 'db-url', version: 'latest' } },
      ],
    });
    const next = spec({
      env: [
        { name: 'A', value: '2' },
        { name: 'S', secret: { secret: 'projects/p/secrets/db-url', version: 'latest' } },
        { name: 'NEW', value: 'x' },
      ],
    });
    assert.deepEqual(riskyChanges(live, next), []);
  });

  it('says what a different minimum of instances means', () => {
    assert.deepEqual(messages(riskyChanges(spec({ minInstances: 2 }), spec({ minInstances: 0 }))), ['Min instances 2 → 0 (cold starts return)']);
    assert.deepEqual(messages(riskyChanges(spec({ minInstances: 3 }), spec({ minInstances: 1 }))), ['Min instances 3 → 1 (fewer warm instances)']);
    assert.deepEqual(messages(riskyChanges(spec({ minInstances: 0 }), spec({ minInstances: 1 }))), ['Min instances 0 → 1 (billed while idle)']);
  });

  it('says when CPU allocation changes, both ways', () => {
    assert.deepEqual(messages(riskyChanges(spec({ cpuAlwaysAllocated: true }), spec({}))), [
      'CPU always allocated → only during requests (background work stops between requests)',
    ]);
    assert.deepEqual(
      riskyChanges(spec({}), spec({ cpuAlwaysAllocated: true })).map((c) => c.kind),
      ['cpu-allocation'],
    );
  });

  it('flags private → public, and says when an ingress restriction is dropped', () => {
    assert.deepEqual(
      riskyChanges(spec({ public: false }), spec({ public: true })).map((c) => [c.kind, c.message]),
      [['public', 'Makes the private service public: anyone with the URL can call it (now only IAM-authorized callers can)']],
    );
    assert.deepEqual(riskyChanges(spec({ public: true }), spec({ public: true })), []);
    assert.deepEqual(messages(riskyChanges(spec({ ingress: 'internal' }), spec({ ingress: 'all' }))), [
      'Ingress internal → all (drops the ingress restriction: reachable from the internet)',
    ]);
    assert.deepEqual(messages(riskyChanges(spec({ ingress: 'none' }), spec({ ingress: 'internal-and-cloud-load-balancing' }))), [
      'Ingress none → internal-and-cloud-load-balancing (drops the ingress restriction: reachable from more networks)',
    ]);
  });

  it('warns about an ingress change, naming the custom domains that map to the service', () => {
    assert.deepEqual(messages(riskyChanges(spec({}), spec({ ingress: 'internal' }))), ['Ingress all → internal']);
    assert.match(messages(riskyChanges(spec({}), spec({ ingress: 'internal' }), DOMAIN))[0], /custom domain api\.example\.com may stop answering/);
  });

  it('warns about going private only when a custom domain serves the public service', () => {
    const changes = riskyChanges(spec({ public: true }), spec({ public: false }), DOMAIN);
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['domain-private'],
    );
    assert.match(changes[0].message, /api\.example\.com.*403/);
    assert.deepEqual(riskyChanges(spec({ public: true }), spec({ public: false })), [], 'no domain: nothing to break');
    assert.deepEqual(riskyChanges(spec({ public: false }), spec({ public: false }), DOMAIN), [], 'already private');
  });

  it('takes approvals that cover every change, or all', () => {
    const changes: SpecChange[] = [
      { kind: 'min-instances', message: 'a' },
      { kind: 'env-removed', message: 'b' },
    ];
    assert.ok(allApproved(changes, ['a', 'b']));
    assert.ok(!allApproved(changes, ['a']));
    assert.ok(!allApproved(changes, undefined));
    assert.ok(allApproved(changes, 'all'));
  });
});

type Service = protos.google.cloud.run.v2.IService;

/** A live service as Cloud Run returns it: defaults filled in, env with a secret, warm instances. */
function liveService(resources?: protos.google.cloud.run.v2.IResourceRequirements | null): Service {
  return {
    name: 'projects/p/locations/europe-west1/services/svc',
    invokerIamDisabled: true,
    ingress: 'INGRESS_TRAFFIC_ALL',
    template: {
      revision: 'svc-00003-abc',
      scaling: { minInstanceCount: 2, maxInstanceCount: 10 },
      containers: [
        {
          image: 'old',
          ports: [{ containerPort: 8080 }],
          env: [
            { name: 'A', value: '1' },
            { name: 'DB_URL', value: '', valueSource: { secretKeyRef: { secret: 'db-url', version: 'latest' } } },
          ],
          resources: resources === undefined ? { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: false } : resources,
        },
      ],
    },
  };
}

const deploySpec = (runtime: Partial<ServiceSpec> = {}): ServiceSpec => ({ image: 'new', port: 8080, labels: { 'managed-by': 'devgem' }, ...runtime });

describe('revision-diff guard: on exactly what updateService sends', () => {
  function diff(live: Service, s: ServiceSpec, isPublic = false) {
    return riskyChanges(liveSpec(live), { ...liveSpec(updatedService(live, s)), public: isPublic || liveSpec(live).public });
  }

  it('a plain redeploy keeps env, secrets, scaling and CPU allocation: no question', () => {
    const live = liveService();
    const sent = updatedService(live, deploySpec());
    assert.equal(sent.template?.containers?.[0].image, 'new');
    assert.deepEqual(diff(live, deploySpec()), []);
  });

  it('merges env: setting one var keeps the others', () => {
    assert.deepEqual(diff(liveService(), deploySpec({ env: { NEW: 'x', A: '2' } })), []);
  });

  it('sees a lower minimum of instances and a plain value over a secret', () => {
    const changes = diff(liveService(), deploySpec({ minInstances: 0, env: { DB_URL: 'postgres://x' } }));
    assert.deepEqual(changes.map((c) => c.kind).sort(), ['min-instances', 'secret-dropped']);
  });

  it('a CPU limit on a container without resources keeps CPU only during requests', () => {
    const live = liveService(null);
    assert.equal(liveSpec(live).cpuAlwaysAllocated, false);
    assert.deepEqual(diff(live, deploySpec({ cpu: '2' })), []);
    assert.equal(updatedService(live, deploySpec({ cpu: '2' })).template?.containers?.[0].resources?.cpuIdle, true);
  });

  it('reads ingress and CPU allocation from enum numbers as well as names', () => {
    const s = liveService();
    const fromLro = { ...s, ingress: 2 as unknown as Service['ingress'] };
    assert.equal(liveSpec(fromLro).ingress, 'internal');
    assert.equal(liveSpec(s).cpuAlwaysAllocated, true);
    assert.equal(liveSpec({ ...s, invokerIamDisabled: false }, true).public, true, 'an allUsers grant is public too');
  });
});

describe('revision-diff guard in the deploy pipeline (fakes)', () => {
  async function deploy(
    opts: { script?: FakeCloudScript; ui?: Partial<DeployUiPort>; overrides?: Partial<DeployOptions>; prepare?: (cloud: FakeCloud) => void } = {},
  ) {
    const ws = await makeWorkspace(NODE_APP);
    const cloud = await new FakeCloud({ existingService: true, ...opts.script }).ownedBy(ws.root);
    const svc = cloud.services.get('svc')!;
    svc.spec.minInstances = 2;
    svc.env = [{ name: 'DB_URL', secret: { secret: 'db-url', version: 'latest' } }];
    opts.prepare?.(cloud);
    const events: DeployEvent[] = [];
    try {
      const result = await runDeploy(
        testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd', ...opts.overrides }),
        {
          ports: cloud.ports(),
          ui: opts.ui ? { ...unattendedUi, ...opts.ui } : undefined,
          clock: new FakeClock(),
          buildPollMs: 10,
          emit: (e) => events.push(e),
        },
        new AbortController().signal,
      );
      const deployDetail = events
        .filter((e) => e.type === 'stage' && e.stage === 'deploy')
        .map((e) => (e as { detail?: string }).detail)
        .filter(Boolean)
        .at(-1);
      return { result, cloud, svc, deployDetail };
    } finally {
      await ws.cleanup();
    }
  }
  const never: Partial<DeployUiPort> = { confirmSpecChanges: async () => assert.fail('asked about spec changes') };

  it('asks nothing on a plain redeploy, and reads no domain mappings', async () => {
    const { result, cloud } = await deploy({ ui: never });
    assert.equal(result.outcome, 'success');
    assert.ok(cloud.calls.includes('run.previewUpdate'));
    assert.ok(!cloud.calls.includes('run.listDomainMappings'));
  });

  it('a "no" leaves the service untouched and fails the deploy stage clearly', async () => {
    let asked: SpecChange[] = [];
    const { result, cloud, svc } = await deploy({ ui: { confirmSpecChanges: async (c) => ((asked = c), false) }, overrides: { runtime: { minInstances: 0 } } });
    assert.deepEqual(messages(asked), ['Min instances 2 → 0 (cold starts return)']);
    assert.ok(result.outcome === 'failed' && result.stage === 'deploy');
    assert.match(result.problem.message, /The deploy would: Min instances 2 → 0 \(cold starts return\)\. Nothing was changed\./);
    assert.match(result.problem.fix ?? '', /Deploy Anyway/);
    assert.ok(!cloud.calls.some((c) => c.startsWith('run.updateService')));
    assert.equal(svc.spec.minInstances, 2);
    assert.equal(svc.revisions, 1);
  });

  it('a "yes" updates the service and the stage says what was approved', async () => {
    const { result, svc, deployDetail } = await deploy({ ui: { confirmSpecChanges: async () => true }, overrides: { runtime: { minInstances: 0 } } });
    assert.equal(result.outcome, 'success');
    assert.equal(svc.spec.minInstances, 0);
    assert.match(deployDetail ?? '', /approved: Min instances 2 → 0/);
  });

  it('unattended refuses and says how to go on; approving "all" goes on', async () => {
    const refused = await deploy({ overrides: { runtime: { env: { DB_URL: 'postgres://user:pw@db' } } } });
    assert.ok(refused.result.outcome === 'failed' && refused.result.problem.fix?.includes('--yes'));
    const message = refused.result.outcome === 'failed' ? refused.result.problem.message : '';
    assert.match(message, /Drops the secret reference DB_URL → db-url:latest/);
    assert.ok(!message.includes('postgres://'), 'names, never values');
    assert.equal(refused.svc.revisions, 1);
    const forced = await deploy({ overrides: { runtime: { minInstances: 0 }, approvedSpecChanges: 'all' } });
    assert.equal(forced.result.outcome, 'success');
    assert.equal(forced.svc.spec.minInstances, 0);
  });

  it('does not ask again for changes the user approved in the plan, but does for new ones', async () => {
    const approved = await deploy({
      ui: never,
      overrides: { runtime: { minInstances: 0 }, approvedSpecChanges: ['Min instances 2 → 0 (cold starts return)'] },
    });
    assert.equal(approved.result.outcome, 'success');
    let asked = 0;
    const more = await deploy({
      ui: { confirmSpecChanges: async () => (asked++, false) },
      overrides: { runtime: { minInstances: 0, env: { DB_URL: 'x' } }, approvedSpecChanges: ['Min instances 2 → 0 (cold starts return)'] },
    });
    assert.equal(asked, 1);
    assert.equal(more.result.outcome, 'failed');
  });

  it('asks before making a public service with a custom domain private', async () => {
    let asked: SpecChange[] = [];
    const { result, cloud } = await deploy({
      ui: { confirmSpecChanges: async (c) => ((asked = c), false) },
      overrides: { allowUnauthenticated: false },
      prepare: (c) => c.domainMappings.push({ domain: 'shop.example.com', service: 'svc' }, { domain: 'other.example.com', service: 'other' }),
    });
    assert.deepEqual(
      asked.map((c) => c.kind),
      ['domain-private'],
    );
    assert.match(asked[0].message, /shop\.example\.com/);
    assert.doesNotMatch(asked[0].message, /other\.example\.com/);
    assert.equal(result.outcome, 'failed');
    assert.ok(cloud.calls.includes('run.listDomainMappings'));
  });

  it('a failing domain lookup never blocks the deploy: the stage notes it', async () => {
    const { result, deployDetail } = await deploy({
      ui: never,
      script: { domainMappingError: new DevgemError('permission-denied', '403 Permission denied on domainmappings.list') },
      overrides: { allowUnauthenticated: false },
    });
    assert.equal(result.outcome, 'success');
    assert.match(deployDetail ?? '', /custom domain mappings not checked: 403 Permission denied/);
  });
});

describe("revision-diff guard in the agent's deploy plan", () => {
  it('lists the risky changes in the one approval and hands them to the deploy as approved', async () => {
    const ws = await makeWorkspace(NODE_APP);
    try {
      const cloud = await new FakeCloud({ existingService: true }).ownedBy(ws.root);
      cloud.services.get('svc')!.spec.minInstances = 2;
      const ports = cloud.ports();
      let ran: DeployOptions | undefined;
      const ctx = {
        deployOptions: () => testDeployOptions(ws.root, { service: 'svc' }),
        cloud: () => ports,
        runDeploy: async (opts: DeployOptions) => ((ran = opts), { outcome: 'success' as const, url: 'https://svc.example', image: 'i' }),
        lastDeploy: () => undefined,
        deployHistory: () => [],
        writeWorkspaceFile: async () => undefined,
        readWorkspaceFile: async () => undefined,
      } satisfies AgentContext;
      const tool = deployTool();
      const signal = new AbortController().signal;
      const args: DeployArgs = { minInstances: 0 };
      const draft = await tool.confirmation!(args, ctx, signal);
      assert.deepEqual(
        draft.details.filter((d) => d.label === 'Warning').map((d) => d.value),
        ['Min instances 2 → 0 (cold starts return)'],
      );
      await tool.run(args, ctx, signal, draft.pin);
      assert.deepEqual(ran?.approvedSpecChanges, ['Min instances 2 → 0 (cold starts return)']);

      const plain: DeployArgs = {};
      const quiet = await tool.confirmation!(plain, ctx, signal);
      assert.ok(!quiet.details.some((d) => d.label === 'Warning'), 'a plain redeploy warns about nothing');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('revision-diff guard on the command line', () => {
  const changes: SpecChange[] = [{ kind: 'min-instances', message: 'Min instances 2 → 0 (cold starts return)' }];
  const signal = new AbortController().signal;

  it('goes on only with --yes, and says so on stderr', async () => {
    const err: string[] = [];
    assert.equal(await cliDeployUi({ yes: false, workspaceRoot: '/w', stderr: (t) => err.push(t) }).confirmSpecChanges(changes, signal), false);
    assert.equal(await cliDeployUi({ yes: true, workspaceRoot: '/w', stderr: (t) => err.push(t) }).confirmSpecChanges(changes, signal), true);
    assert.deepEqual(err, ['[deploy] warning: going on with these changes to the live service (--yes): Min instances 2 → 0 (cold starts return)\n']);
  });
});
