// FakeCloud's admin and logging ports behave like the adapters they stand in for,
// so agent tool tests built on them mean something.
import * as assert from 'node:assert/strict';
import { DevgemError } from '../../src/core/base/errors';
import { FakeCloud } from '../support/fakes';

const never = new AbortController().signal;
const REF = { project: 'demo', region: 'europe-west1', service: 'web' };

describe('FakeCloud admin and logging ports', () => {
  it('revisions, traffic pinning, env changes and deletion', async () => {
    const cloud = new FakeCloud();
    cloud.seedService('web', { revisions: 2, env: { GREETING: 'hi' } });
    cloud.seedService('api', { region: 'us-central1' });
    const ports = cloud.ports();
    assert.deepEqual(
      (await ports.runAdmin.listServices({ project: 'demo', region: 'europe-west1' }, never)).map((s) => s.service),
      ['web'],
    );
    const revs = await ports.runAdmin.listRevisions(REF, never);
    assert.deepEqual(
      revs.map((r) => [r.revision, r.percent]),
      [
        ['web-00002-def', 100],
        ['web-00001-abc', 0],
      ],
    );
    await ports.runAdmin.routeAllTraffic(REF, 'web-00001-abc', never);
    assert.deepEqual((await ports.runAdmin.describeService(REF, never))?.traffic, [{ revision: 'web-00001-abc', percent: 100, latest: false }]);

    const info = await ports.runAdmin.updateEnv(REF, { set: { NEW: 'v' }, unset: ['GREETING'] }, never);
    assert.equal(info.latestReadyRevision, 'web-00003-def');
    assert.deepEqual((await ports.runAdmin.describeService(REF, never))?.env, [{ name: 'NEW', value: 'v' }]);
    await assert.rejects(
      ports.runAdmin.updateEnv(REF, { set: { PORT: '1' }, unset: [] }, never),
      (e: unknown) => e instanceof DevgemError && e.kind === 'invalid-argument',
    );

    cloud.addRevision('web', { ready: false });
    await assert.rejects(
      ports.runAdmin.routeAllTraffic(REF, 'web-00004-bad', never),
      (e: unknown) => e instanceof DevgemError && e.kind === 'failed-precondition',
    );
    await assert.rejects(ports.runAdmin.routeAllTraffic(REF, 'nope', never), (e: unknown) => e instanceof DevgemError && e.kind === 'not-found');

    await ports.runAdmin.deleteService(REF, never);
    assert.equal(await ports.runAdmin.describeService(REF, never), undefined);
    await assert.rejects(ports.runAdmin.deleteService(REF, never), (e: unknown) => e instanceof DevgemError && e.kind === 'not-found');
    assert.ok(cloud.calls.includes('runAdmin.updateEnv web set=NEW unset=GREETING'), cloud.calls.join('\n'));
    assert.ok(!cloud.calls.some((c) => c.includes('=v')), 'env values never reach the call log');
  });

  it('a deploy after a rollback serves latest again and keeps live runtime fields', async () => {
    const cloud = new FakeCloud();
    const ports = cloud.ports();
    await ports.run.createService(REF, { image: 'a', port: 8080, labels: {}, env: { A: '1' }, minInstances: 1, memory: '1Gi' }, never);
    await ports.run.updateService(REF, { image: 'b', port: 8080, labels: {}, secrets: { A: { secret: 's', version: '2' } } }, never);
    await ports.runAdmin.routeAllTraffic(REF, 'web-00001-abc', never);
    await ports.run.updateService(REF, { image: 'c', port: 8080, labels: {} }, never);
    const d = (await ports.runAdmin.describeService(REF, never))!;
    assert.deepEqual(d.traffic, [{ revision: 'web-00003-def', percent: 100, latest: true }]);
    assert.deepEqual([d.minInstances, d.memory, d.image], [1, '1Gi', 'c']);
    assert.deepEqual(d.env, [{ name: 'A', secret: { secret: 's', version: '2' } }]);
  });

  it('logs: newest `limit` entries that pass severity and since, oldest first', async () => {
    const cloud = new FakeCloud();
    const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
    cloud.seedLogs('web', [
      { timestamp: t(3), severity: 'ERROR', text: 'c' },
      { timestamp: t(1), severity: 'INFO', text: 'a' },
      { timestamp: t(2), severity: 'DEFAULT', text: 'b' },
    ]);
    cloud.seedLogs('api', [{ timestamp: t(4), severity: 'ERROR', text: 'other' }]);
    const read = cloud.ports().logging.readServiceLogs;
    assert.deepEqual(
      (await read({ ...REF, limit: 10 }, never)).map((e) => e.text),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      (await read({ ...REF, limit: 2 }, never)).map((e) => e.text),
      ['b', 'c'],
    );
    assert.deepEqual(
      (await read({ ...REF, limit: 10, minSeverity: 'INFO' }, never)).map((e) => e.text),
      ['a', 'c'],
    );
    assert.deepEqual(
      (await read({ ...REF, limit: 10, sinceIso: t(2) }, never)).map((e) => e.text),
      ['b', 'c'],
    );
  });
});
