// The pure halves of the Cloud Run and Cloud Logging adapters: env merge and
// checks, runtime settings on a template, resource views, log filter and entry text.
import * as assert from 'node:assert/strict';
import type { protos } from '@google-cloud/run';
import { entryInfo, serviceLogFilter, structToJson } from '../../src/adapters/gcp/logEntries';
import { applyRuntime, checkEnv, envInfo, envNameProblem, mergeEnv } from '../../src/adapters/gcp/runSpec';
import { details, revisionInfos, summary, timestampIso } from '../../src/adapters/gcp/runViews';
import { DevgemError } from '../../src/core/base/errors';

const REF = { project: 'demo', region: 'europe-west1', service: 'web' };

describe('Cloud Run env vars', () => {
  it('accepts ordinary names and refuses what Cloud Run refuses', () => {
    for (const ok of ['GREETING', 'db_url', '1ST', 'a.b-c']) assert.equal(envNameProblem(ok), undefined, ok);
    assert.match(envNameProblem('') ?? '', /empty/);
    assert.match(envNameProblem('A=B') ?? '', /"="/);
    for (const reserved of ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']) assert.match(envNameProblem(reserved) ?? '', /set by Cloud Run/);
    assert.match(envNameProblem('X_GOOGLE_THING') ?? '', /X_GOOGLE_/);
  });

  it('checkEnv lists every problem in one invalid-argument error without echoing values', () => {
    const err = (() => {
      try {
        checkEnv({ PORT: 'p0rt-value', OK: 'fine', BIG: 'x'.repeat(33 * 1024) }, ['K_REVISION']);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof DevgemError);
    assert.equal(err.kind, 'invalid-argument');
    assert.match(
      err.message,
      /PORT is set by Cloud Run itself; K_REVISION is set by Cloud Run itself; the value of BIG is longer than Cloud Run's 32 KiB limit/,
    );
    assert.doesNotMatch(err.message, /p0rt-value|xxxx/);
    assert.ok(err.fix);
    assert.doesNotThrow(() => checkEnv({ GREETING: 'hi' }, ['DB_URL']));
  });

  it('mergeEnv keeps order, replaces plain with secret and back, unsets, and cleans decoded oneofs', () => {
    const live = [
      { name: 'A', value: '1' },
      // What the SDK decodes for a secret ref: an empty `value` beside the valueSource.
      { name: 'B', value: '', valueSource: { secretKeyRef: { secret: 'b-secret', version: '2' } } },
      { name: 'C', value: '3', valueSource: null },
    ];
    const merged = mergeEnv(live, { set: { B: 'plain', D: '4' }, secrets: { A: { secret: 'projects/p/secrets/a', version: 'latest' } }, unset: ['C'] });
    assert.deepEqual(merged, [
      { name: 'A', valueSource: { secretKeyRef: { secret: 'projects/p/secrets/a', version: 'latest' } } },
      { name: 'B', value: 'plain' },
      { name: 'D', value: '4' },
    ]);
    assert.deepEqual(mergeEnv(live, {}), [
      { name: 'A', value: '1' },
      { name: 'B', valueSource: { secretKeyRef: { secret: 'b-secret', version: '2' } } },
      { name: 'C', value: '3' },
    ]);
  });

  it('envInfo shows plain values and secret refs without values', () => {
    assert.deepEqual(
      envInfo([{ name: 'A', value: '1' }, { name: 'B', value: '', valueSource: { secretKeyRef: { secret: 's', version: '' } } }, { name: '' }]),
      [
        { name: 'A', value: '1' },
        { name: 'B', secret: { secret: 's', version: 'latest' } },
      ],
    );
  });
});

describe('runtime settings on a revision template', () => {
  const liveTemplate = { scaling: { minInstanceCount: 0, maxInstanceCount: 100 }, timeout: { seconds: 300 } };
  const liveContainer = { image: 'old', env: [{ name: 'KEEP', value: 'k' }], resources: { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: true } };

  it('applies every field given and keeps the live value of every field absent', () => {
    const { template, container } = applyRuntime(liveTemplate, liveContainer, { env: { NEW: 'n' }, maxInstances: 5, memory: '1Gi' });
    assert.deepEqual(template.scaling, { minInstanceCount: 0, maxInstanceCount: 5 });
    assert.deepEqual(template.timeout, { seconds: 300 });
    assert.deepEqual(container.resources, { limits: { cpu: '1000m', memory: '1Gi' }, cpuIdle: true });
    assert.deepEqual(container.env, [
      { name: 'KEEP', value: 'k' },
      { name: 'NEW', value: 'n' },
    ]);
    assert.deepEqual(liveContainer.resources.limits, { cpu: '1000m', memory: '512Mi' }, 'the live objects are not mutated');
  });

  it('an empty spec changes nothing', () => {
    const { template, container } = applyRuntime(liveTemplate, liveContainer, {});
    assert.deepEqual(template, liveTemplate);
    assert.deepEqual(container, liveContainer);
  });

  it('refuses a minimum above the maximum, counting the live maximum', () => {
    assert.throws(
      () => applyRuntime({ scaling: { maxInstanceCount: 3 } }, {}, { minInstances: 4 }),
      (e: unknown) => e instanceof DevgemError && e.kind === 'invalid-argument' && /above maximum/.test(e.message),
    );
  });

  it('refuses reserved env names before anything is sent', () => {
    assert.throws(() => applyRuntime({}, {}, { secrets: { PORT: { secret: 's', version: '1' } } }), /PORT is set by Cloud Run itself/);
  });
});

describe('Cloud Run resources as core sees them', () => {
  // As an LRO result decodes: enum numbers and Long-like seconds (hence the cast).
  const service = {
    name: 'projects/demo/locations/europe-west1/services/web',
    uri: 'https://web.example',
    labels: { 'managed-by': 'devgem' },
    latestReadyRevision: 'projects/demo/locations/europe-west1/services/web/revisions/web-00002-bbb',
    updateTime: { seconds: { toString: () => '1767225600' }, nanos: 500_000_000 },
    lastModifier: 'dev@example.com',
    template: {
      containers: [{ image: 'img:2', ports: [{ containerPort: 3000 }], env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '2', memory: '1Gi' } } }],
      scaling: { minInstanceCount: 1, maxInstanceCount: 4 },
      serviceAccount: 'sa@demo.iam.gserviceaccount.com',
    },
    traffic: [{ type: 2, revision: 'web-00001-aaa', percent: 100 }],
    trafficStatuses: [
      { type: 2, revision: 'web-00001-aaa', percent: 100, tag: 'stable' },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-00002-bbb', percent: 0, tag: 'next' },
    ],
    terminalCondition: { type: 'Ready', state: 4 },
  } as unknown as protos.google.cloud.run.v2.IService;

  it('details read numbers, enums and timestamps in either encoding', () => {
    const d = details(service);
    assert.equal(d.service, 'web');
    assert.equal(d.region, 'europe-west1');
    assert.equal(d.latestReadyRevision, 'web-00002-bbb');
    assert.equal(d.updateTime, '2026-01-01T00:00:00.500Z');
    assert.deepEqual([d.image, d.port, d.cpu, d.memory, d.minInstances, d.maxInstances], ['img:2', 3000, '2', '1Gi', 1, 4]);
    assert.equal(d.serviceAccount, 'sa@demo.iam.gserviceaccount.com');
    assert.equal(d.ready, true);
    assert.deepEqual(d.traffic, [
      { revision: 'web-00001-aaa', percent: 100, tag: 'stable', latest: false },
      { revision: 'web-00002-bbb', percent: 0, tag: 'next', latest: false },
    ]);
  });

  it('"latest" traffic without a resolved revision names the latest ready one', () => {
    const d = details({
      ...service,
      trafficStatuses: [],
      traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
      terminalCondition: { state: 'CONDITION_FAILED', message: 'boom' },
    });
    assert.deepEqual(d.traffic, [{ revision: 'web-00002-bbb', percent: 100, tag: undefined, latest: true }]);
    assert.equal(d.ready, false);
    assert.equal(d.statusMessage, 'boom');
  });

  it('summary marks Devgem services', () => {
    const s = summary(service);
    assert.deepEqual([s.service, s.region, s.managedByDevgem, s.lastModifier], ['web', 'europe-west1', true, 'dev@example.com']);
    assert.equal(summary({ ...service, labels: {} }).managedByDevgem, false);
  });

  it('revisions come newest first with their share of traffic and tags', () => {
    const rev = (id: string, created: string, ready: boolean) =>
      ({
        name: `${service.name}/revisions/${id}`,
        createTime: created,
        containers: [{ image: `img:${id}` }],
        conditions: [{ type: 'Ready', state: ready ? 'CONDITION_SUCCEEDED' : 'CONDITION_FAILED' }],
      }) as unknown as protos.google.cloud.run.v2.IRevision;
    const list = revisionInfos(service, [
      rev('web-00001-aaa', '2026-01-01T00:00:00Z', true),
      rev('web-00003-ccc', '2026-01-03T00:00:00Z', false),
      rev('web-00002-bbb', '2026-01-02T00:00:00Z', true),
    ]);
    assert.deepEqual(
      list.map((r) => [r.revision, r.ready, r.percent, r.tags]),
      [
        ['web-00003-ccc', false, 0, []],
        ['web-00002-bbb', true, 0, ['next']],
        ['web-00001-aaa', true, 100, ['stable']],
      ],
    );
  });

  it('timestampIso takes strings, {seconds, nanos} and nothing', () => {
    assert.equal(timestampIso('2026-01-01T00:00:00Z'), '2026-01-01T00:00:00Z');
    assert.equal(timestampIso({ seconds: '60', nanos: 0 }), '1970-01-01T00:01:00.000Z');
    assert.equal(timestampIso(null), undefined);
    assert.equal(timestampIso({ seconds: '0', nanos: 0 }), undefined);
  });
});

describe('Cloud Logging for a service', () => {
  it('filters on the Cloud Run revision resource, quoting names, with severity and a normalised since', () => {
    assert.equal(
      serviceLogFilter(REF),
      'resource.type="cloud_run_revision" AND resource.labels.service_name="web" AND resource.labels.location="europe-west1"',
    );
    assert.equal(
      serviceLogFilter({ ...REF, service: 'we"b\\', minSeverity: 'WARNING', sinceIso: '2026-01-01T01:00:00+01:00' }),
      'resource.type="cloud_run_revision" AND resource.labels.service_name="we\\"b\\\\" AND resource.labels.location="europe-west1" AND severity>=WARNING AND timestamp>="2026-01-01T00:00:00.000Z"',
    );
    assert.doesNotMatch(serviceLogFilter({ ...REF, minSeverity: 'DEFAULT' }), /severity/, 'DEFAULT is everything');
    assert.throws(() => serviceLogFilter({ ...REF, sinceIso: 'yesterday' }), /RFC 3339/);
  });

  it('entry text: text payload, else the JSON message, else the JSON', () => {
    const ts = { seconds: '1767225600', nanos: 0 };
    assert.deepEqual(entryInfo({ timestamp: ts, severity: 'ERROR', textPayload: 'boom\n', resource: { labels: { revision_name: 'web-00001-aaa' } } }), {
      timestamp: '2026-01-01T00:00:00.000Z',
      severity: 'ERROR',
      text: 'boom',
      revision: 'web-00001-aaa',
    });
    const struct = { fields: { message: { stringValue: 'hello', kind: 'stringValue' }, n: { numberValue: 2, kind: 'numberValue' } } };
    assert.equal(entryInfo({ timestamp: ts, severity: 200, jsonPayload: struct }).text, 'hello');
    assert.equal(entryInfo({ timestamp: ts, severity: 200, jsonPayload: struct }).severity, 'INFO');
    const noMessage = {
      fields: {
        code: { numberValue: 7 },
        tags: { listValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } },
        nested: { structValue: { fields: { x: { nullValue: 'NULL_VALUE', kind: 'nullValue' } } } },
      },
    };
    assert.equal(entryInfo({ timestamp: ts, jsonPayload: noMessage }).text, '{"code":7,"tags":["a",true],"nested":{"x":null}}');
    assert.equal(entryInfo({ timestamp: '2026-01-01T00:00:00Z', severity: 'BOGUS' }).severity, 'DEFAULT');
  });

  it('structToJson of nothing is an empty object', () => {
    assert.deepEqual(structToJson(undefined), {});
  });
});
