// Cloud Run admin operations, Cloud Logging and a deploy's runtime settings,
// through the real SDK clients (createCloudPorts) against the local emulator.
import * as assert from 'node:assert/strict';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { LogEntryInfo, RuntimeSpec, ServiceRef } from '../../src/core/cloud/ports';
import { envEchoFiles, sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'env-echo' };
const never = new AbortController().signal;

/** GET with a bounded wait; resolves with the body of a 200 and rejects on anything else. */
async function text(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 200)}`);
  return body;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('Cloud Run admin and Cloud Logging through the real SDKs against the emulator', function () {
  this.timeout(90_000);
  const fx = useEmulator();

  async function deploy(version: string, runtime?: RuntimeSpec, opts: { service?: string; files?: Record<string, string> } = {}) {
    // Redeploys come from the same folder, as a user's do (ownership.ts asks otherwise).
    const ws = await sameWorkspace(opts.files ?? (await envEchoFiles(version)), opts.service ?? REF.service);
    try {
      // These check what reaches the service; the revision-diff guard's questions are specGuard's tests.
      const result = await runDeploy(
        // deployAnyway: some apps here never listen on purpose (a failed revision), past the analysis's stop (readinessGate.ts).
        testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, runtime, approvedSpecChanges: 'all', deployAnyway: true }),
        { ports: fx.ports, buildPollMs: 100, emit: () => undefined },
        never,
      );
      return result;
    } finally {
      await ws.cleanup();
    }
  }

  async function deployOk(version: string, runtime?: RuntimeSpec, service?: string): Promise<{ url: string; revision: string }> {
    const result = await deploy(version, runtime, { service });
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    if (result.outcome !== 'success') throw new Error('unreachable');
    return { url: result.url, revision: result.revision ?? '' };
  }

  it("a deploy's env, secret refs, scaling and resources reach the live service and the app", async () => {
    // Cloud Run resolves the ref when the revision starts: version 3 must exist and be readable.
    fx.emu.seedSecret({ project: 'demo-project', id: 'db-url', versions: ['postgres://one', 'postgres://two', 'postgres://three'] });
    const first = await deployOk('1', {
      env: { GREETING: 'world' },
      secrets: { DB_URL: { secret: 'db-url', version: '3' } },
      minInstances: 1,
      maxInstances: 3,
      cpu: '2',
      memory: '1Gi',
    });
    assert.equal(await text(first.url), 'hello world from v1; secret present\n');
    const d = await fx.ports.runAdmin.describeService(REF, never);
    assert.ok(d, 'the service exists');
    assert.deepEqual(
      d.env.sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'DB_URL', secret: { secret: 'db-url', version: '3' } },
        { name: 'GREETING', value: 'world' },
      ],
    );
    assert.deepEqual([d.minInstances, d.maxInstances, d.cpu, d.memory, d.port], [1, 3, '2', '1Gi', 8080]);
    assert.match(d.image ?? '', /^europe-west1-docker\.pkg\.dev\/demo-project\/devgem\/env-echo:/);
    assert.equal(d.ready, true);
    assert.equal(d.latestReadyRevision, first.revision);
    assert.deepEqual(d.traffic, [{ revision: first.revision, percent: 100, tag: undefined, latest: true }]);

    // Absent fields keep the live value; a plain value replaces a secret ref of the same name.
    const second = await deployOk('2', { env: { DB_URL: 'postgres://plain' }, memory: '2Gi' });
    assert.equal(await text(second.url), 'hello world from v2; secret present\n');
    const d2 = (await fx.ports.runAdmin.describeService(REF, never))!;
    assert.deepEqual(
      d2.env.sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'DB_URL', value: 'postgres://plain' },
        { name: 'GREETING', value: 'world' },
      ],
    );
    assert.deepEqual([d2.minInstances, d2.maxInstances, d2.cpu, d2.memory], [1, 3, '2', '2Gi']);
  });

  it('updateEnv sets and unsets what the app sees, each change a new revision; refused names change nothing', async () => {
    const { url, revision } = await deployOk('1', { env: { GREETING: 'world', KEEP: 'me' } });
    const afterSet = await fx.ports.runAdmin.updateEnv(REF, { set: { GREETING: 'mars' }, unset: [] }, never);
    assert.notEqual(afterSet.latestReadyRevision, revision);
    assert.equal(await text(url), 'hello mars from v1; secret absent\n');
    const afterUnset = await fx.ports.runAdmin.updateEnv(REF, { set: {}, unset: ['GREETING'] }, never);
    assert.equal(await text(url), 'hello nobody from v1; secret absent\n');
    const d = (await fx.ports.runAdmin.describeService(REF, never))!;
    assert.deepEqual(d.env, [{ name: 'KEEP', value: 'me' }]);

    const err = await rejection(fx.ports.runAdmin.updateEnv(REF, { set: { PORT: '9000', 'A=B': 'x', OK: 'fine' }, unset: [] }, never));
    assert.ok(err instanceof DevgemError, String(err));
    assert.equal(err.kind, 'invalid-argument');
    assert.match(err.message, /PORT is set by Cloud Run itself/);
    assert.match(err.message, /"A=B" contains "="/);
    assert.doesNotMatch(err.message, /9000/, 'values are never echoed');
    assert.ok(err.fix);
    const revisions = await fx.ports.runAdmin.listRevisions(REF, never);
    assert.equal(revisions.length, 3, 'the refused change made no revision');
    assert.equal(revisions[0].revision, afterUnset.latestReadyRevision);
  });

  it('listServices lists the services of the region with their summary', async () => {
    assert.deepEqual(await fx.ports.runAdmin.listServices({ project: REF.project, region: REF.region }, never), []);
    const a = await deployOk('1', undefined, 'alpha-app');
    const b = await deployOk('1', undefined, 'beta-app');
    const list = await fx.ports.runAdmin.listServices({ project: REF.project, region: REF.region }, never);
    assert.deepEqual(
      list.map((s) => [s.service, s.region, s.uri, s.latestReadyRevision, s.managedByDevgem]),
      [
        ['alpha-app', REF.region, a.url, a.revision, true],
        ['beta-app', REF.region, b.url, b.revision, true],
      ],
    );
    assert.ok(
      list.every((s) => s.updateTime && !Number.isNaN(Date.parse(s.updateTime))),
      JSON.stringify(list),
    );
    assert.deepEqual(await fx.ports.runAdmin.listServices({ project: REF.project, region: 'us-central1' }, never), []);
  });

  it('listRevisions after two deploys; routeAllTraffic to the older one serves it again until the next deploy', async () => {
    const v1 = await deployOk('1');
    const v2 = await deployOk('2');
    assert.equal(await text(v2.url), 'hello nobody from v2; secret absent\n');
    const before = await fx.ports.runAdmin.listRevisions(REF, never);
    assert.deepEqual(
      before.map((r) => [r.revision, r.ready, r.percent]),
      [
        [v2.revision, true, 100],
        [v1.revision, true, 0],
      ],
    );
    assert.notEqual(before[0].image, before[1].image);

    const routed = await fx.ports.runAdmin.routeAllTraffic(REF, v1.revision, never);
    assert.equal(routed.latestReadyRevision, v2.revision, 'routing makes no new revision');
    for (let i = 0; i < 3; i++) assert.equal(await text(v1.url), 'hello nobody from v1; secret absent\n');
    const after = await fx.ports.runAdmin.listRevisions(REF, never);
    assert.deepEqual(
      after.map((r) => [r.revision, r.percent]),
      [
        [v2.revision, 0],
        [v1.revision, 100],
      ],
    );
    const d = (await fx.ports.runAdmin.describeService(REF, never))!;
    assert.deepEqual(d.traffic, [{ revision: v1.revision, percent: 100, tag: undefined, latest: false }]);

    const v3 = await deployOk('3');
    assert.equal(await text(v3.url), 'hello nobody from v3; secret absent\n', 'a deploy serves the new code again');
  });

  it('routeAllTraffic refuses a missing revision and one that is not ready, and moves nothing', async () => {
    const v1 = await deployOk('1');
    const broken = await deploy('2', undefined, {
      files: { ...(await envEchoFiles('2')), 'server.js': "console.error('boom: missing config'); process.exit(1);\n" },
    });
    assert.equal(broken.outcome, 'failed');
    const failed = (await fx.ports.runAdmin.listRevisions(REF, never)).find((r) => !r.ready);
    assert.ok(failed, 'the failed revision is listed');

    const missing = await rejection(fx.ports.runAdmin.routeAllTraffic(REF, 'env-echo-00099-zzz', never));
    assert.ok(missing instanceof DevgemError, String(missing));
    assert.equal(missing.kind, 'not-found');
    assert.match(missing.message, /no revision "env-echo-00099-zzz"/);
    assert.match(missing.fix ?? '', /revisions/);

    const notReady = await rejection(fx.ports.runAdmin.routeAllTraffic(REF, failed.revision, never));
    assert.ok(notReady instanceof DevgemError, String(notReady));
    assert.equal(notReady.kind, 'failed-precondition');
    assert.match(notReady.message, new RegExp(`Revision ${failed.revision} is not ready`));
    assert.ok(notReady.fix);

    const noService = await rejection(fx.ports.runAdmin.routeAllTraffic({ ...REF, service: 'no-such-app' }, v1.revision, never));
    assert.ok(noService instanceof DevgemError && noService.kind === 'not-found', String(noService));
    assert.equal(await text(v1.url), 'hello nobody from v1; secret absent\n');
  });

  it('deleteService removes the service: describe is undefined and the URL stops answering', async () => {
    const { url } = await deployOk('1');
    await fx.ports.runAdmin.deleteService(REF, never);
    assert.equal(await fx.ports.runAdmin.describeService(REF, never), undefined);
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(5000) }), 'the front is closed');
    const again = await rejection(fx.ports.runAdmin.deleteService(REF, never));
    assert.ok(again instanceof DevgemError && again.kind === 'not-found', String(again));
    assert.match(again.message, /no Cloud Run service "env-echo"/);
    const listing = await rejection(fx.ports.runAdmin.listRevisions(REF, never));
    assert.ok(listing instanceof DevgemError && listing.kind === 'not-found', String(listing));
  });

  it("readServiceLogs returns the app's own lines oldest first, honouring severity, limit and since", async () => {
    const { url, revision } = await deployOk('1', { env: { GREETING: 'logs' } });
    await text(url);
    await text(`${url}/second`);
    const read = (o: { limit: number; minSeverity?: LogEntryInfo['severity']; sinceIso?: string }) => fx.ports.logging.readServiceLogs({ ...REF, ...o }, never);
    // The app's output reaches the emulator through a pipe: wait (bounded) for the last line.
    let all: LogEntryInfo[] = [];
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      all = await read({ limit: 100 });
      if (all.some((e) => e.text.includes('/second'))) break;
    }
    const texts = all.map((e) => e.text);
    assert.ok(
      texts.some((t) => /^listening on \d+ \(v1\)$/.test(t)),
      texts.join('\n'),
    );
    // The deploy's verify step made the first requests; ours are the last two.
    assert.deepEqual(
      all
        .filter((e) => e.text.startsWith('served'))
        .map((e) => e.text)
        .slice(-2),
      ['served GET / greeting=logs', 'served GET /second greeting=logs'],
    );
    assert.equal(all.find((e) => e.text === 'warning: no cache configured')?.severity, 'ERROR', 'stderr is ERROR');
    assert.equal(all.find((e) => e.text === 'structured hello')?.severity, 'NOTICE', 'a JSON line keeps its severity and message');
    assert.equal(all.find((e) => e.text.startsWith('served'))?.severity, 'DEFAULT');
    assert.ok(
      all.every((e) => e.revision === revision),
      'entries name the revision',
    );
    const times = all.map((e) => Date.parse(e.timestamp));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'oldest first',
    );

    const notices = await read({ limit: 100, minSeverity: 'NOTICE' });
    assert.deepEqual(notices.map((e) => e.text).sort(), ['structured hello', 'warning: no cache configured']);
    assert.deepEqual(
      (await read({ limit: 100, minSeverity: 'ERROR' })).map((e) => e.text),
      ['warning: no cache configured'],
    );

    const newest = await read({ limit: 2 });
    assert.deepEqual(newest, all.slice(-2), 'limit keeps the newest entries');
    assert.deepEqual(await read({ limit: 10, sinceIso: new Date(Date.now() + 60_000).toISOString() }), []);
  });

  it('readServiceLogs reads seeded entries of this service only, with the JSON payload as text', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    fx.emu.seedLogs([
      { project: REF.project, location: REF.region, service: REF.service, revision: 'env-echo-00001-abc', timestamp: at(1), severity: 'INFO', text: 'one' },
      { project: REF.project, location: REF.region, service: REF.service, timestamp: at(3), severity: 'WARNING', json: { code: 7 } },
      { project: REF.project, location: REF.region, service: REF.service, timestamp: at(2), severity: 'DEBUG', json: { message: 'two' } },
      { project: REF.project, location: REF.region, service: 'other-app', timestamp: at(4), text: 'not mine' },
      { project: REF.project, location: 'us-central1', service: REF.service, timestamp: at(5), text: 'other region' },
      { project: 'other-project', location: REF.region, service: REF.service, timestamp: at(6), text: 'other project' },
    ]);
    const all = await fx.ports.logging.readServiceLogs({ ...REF, limit: 10 }, never);
    assert.deepEqual(
      all.map((e) => [e.timestamp, e.severity, e.text, e.revision]),
      [
        [at(1), 'INFO', 'one', 'env-echo-00001-abc'],
        [at(2), 'DEBUG', 'two', undefined],
        [at(3), 'WARNING', '{"code":7}', undefined],
      ],
    );
    const since = await fx.ports.logging.readServiceLogs({ ...REF, limit: 10, sinceIso: at(2), minSeverity: 'INFO' }, never);
    assert.deepEqual(
      since.map((e) => e.text),
      ['{"code":7}'],
    );
  });
});
