// The emulator's Cloud Logging store and filter subset, and the Cloud Run template
// and traffic rules it enforces, without an HTTP server.
import * as assert from 'node:assert/strict';
import { ApiError } from '../../emulator/src/http';
import { LogStore, parseFilter } from '../../emulator/src/logging';
import { canonicalTemplate, validateTemplate, type RevisionRec, type ServiceRec } from '../../emulator/src/runModel';
import { parseTraffic, pickRoute } from '../../emulator/src/runTraffic';

const WHERE = { project: 'p', location: 'europe-west1', service: 'web', revision: 'web-00001-aaa' };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const texts = (r: { entries: Record<string, unknown>[] }) => r.entries.map((e) => e.textPayload ?? JSON.stringify(e.jsonPayload));

function apiError(fn: () => unknown, status: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.status === status && message.test(e.message));
}

describe('emulator Cloud Logging', () => {
  function store(): LogStore {
    const s = new LogStore();
    s.add({ ...WHERE, timestamp: at(1), severity: 'INFO', text: 'one' });
    s.add({ ...WHERE, timestamp: at(3), severity: 'ERROR', text: 'three' });
    s.add({ ...WHERE, timestamp: at(2), severity: 'DEFAULT', text: 'two' });
    s.add({ ...WHERE, service: 'api', timestamp: at(4), text: 'api' });
    s.add({ ...WHERE, project: 'q', timestamp: at(5), text: 'other project' });
    return s;
  }
  const base = { resourceNames: ['projects/p'] };

  it('lists a project oldest first by default, newest first on request, with pages', () => {
    const s = store();
    assert.deepEqual(texts(s.list(base)), ['one', 'two', 'three', 'api']);
    const first = s.list({ ...base, orderBy: 'timestamp desc', pageSize: 3 });
    assert.deepEqual(texts(first), ['api', 'three', 'two']);
    assert.ok(first.nextPageToken);
    const second = s.list({ ...base, orderBy: 'timestamp desc', pageSize: 3, pageToken: first.nextPageToken });
    assert.deepEqual(texts(second), ['one']);
    assert.equal(second.nextPageToken, undefined);
  });

  it('honours the Cloud Run filter subset', () => {
    const s = store();
    const svc = 'resource.type="cloud_run_revision" AND resource.labels.service_name="web" AND resource.labels.location="europe-west1"';
    assert.deepEqual(texts(s.list({ ...base, filter: svc })), ['one', 'two', 'three']);
    assert.deepEqual(texts(s.list({ ...base, filter: `${svc} AND severity>=INFO` })), ['one', 'three']);
    assert.deepEqual(texts(s.list({ ...base, filter: `${svc} severity >= "ERROR"` })), ['three'], 'implicit AND, spaces and quotes');
    assert.deepEqual(texts(s.list({ ...base, filter: `${svc} AND timestamp>="${at(2)}"` })), ['two', 'three']);
    assert.deepEqual(texts(s.list({ ...base, filter: 'resource.labels.service_name!="web"' })), ['api']);
  });

  it('refuses what it does not understand instead of ignoring it', () => {
    const s = store();
    apiError(() => s.list({ ...base, filter: 'resource.labels.service_name="web" OR severity>=ERROR' }), 'INVALID_ARGUMENT', /Unparseable filter/);
    apiError(() => s.list({ ...base, filter: 'jsonPayload.x="y"' }), 'INVALID_ARGUMENT', /does not filter on 'jsonPayload.x'/);
    apiError(() => s.list({ ...base, filter: 'severity>=LOUD' }), 'INVALID_ARGUMENT', /not a LogSeverity/);
    apiError(() => s.list({ ...base, orderBy: 'severity desc' }), 'INVALID_ARGUMENT', /only "timestamp asc" and "timestamp desc"/);
    apiError(() => s.list({ ...base, pageSize: 5000 }), 'INVALID_ARGUMENT', /page_size/);
    apiError(() => s.list({}), 'INVALID_ARGUMENT', /resource_names/);
  });

  it('app lines: stdout DEFAULT, stderr ERROR, JSON lines keep their severity and become jsonPayload', () => {
    const s = new LogStore();
    s.appLine(WHERE, 'stdout', 'plain');
    s.appLine(WHERE, 'stderr', 'oops');
    s.appLine(WHERE, 'stdout', '{"severity":"warning","message":"careful","n":1}');
    s.appLine(WHERE, 'stdout', '{not json');
    s.appLine(WHERE, 'stdout', '   ');
    const entries = s.list({ resourceNames: ['projects/p'] }).entries;
    assert.deepEqual(
      entries.map((e) => [e.severity, e.textPayload ?? e.jsonPayload, e.logName]),
      [
        ['DEFAULT', 'plain', 'projects/p/logs/run.googleapis.com%2Fstdout'],
        ['ERROR', 'oops', 'projects/p/logs/run.googleapis.com%2Fstderr'],
        ['WARNING', { message: 'careful', n: 1 }, 'projects/p/logs/run.googleapis.com%2Fstdout'],
        ['DEFAULT', '{not json', 'projects/p/logs/run.googleapis.com%2Fstdout'],
      ],
    );
    assert.deepEqual((entries[0].resource as { labels: Record<string, string> }).labels, {
      project_id: 'p',
      service_name: 'web',
      revision_name: 'web-00001-aaa',
      location: 'europe-west1',
      configuration_name: 'web',
    });
  });

  it('parseFilter with no clauses matches everything', () => {
    assert.equal(parseFilter('')({ project: 'p', ms: 0, rank: 0, seq: 1, json: {} } as never), true);
  });
});

describe('emulator Cloud Run template and traffic rules', () => {
  it('refuses reserved and malformed env names, bad limits and min above max', () => {
    apiError(() => validateTemplate({ containers: [{ env: [{ name: 'PORT', value: '1' }] }] }), 'INVALID_ARGUMENT', /reserved env names were provided: PORT/);
    apiError(() => validateTemplate({ containers: [{ env: [{ name: 'A=B', value: '1' }] }] }), 'INVALID_ARGUMENT', /not a valid environment variable name/);
    apiError(() => validateTemplate({ containers: [{ env: [{ name: 'S', valueSource: { secretKeyRef: {} } }] }] }), 'INVALID_ARGUMENT', /secretKeyRef.secret/);
    apiError(() => validateTemplate({ containers: [{ resources: { limits: { memory: 'lots' } } }] }), 'INVALID_ARGUMENT', /memory/);
    apiError(() => validateTemplate({ scaling: { minInstanceCount: 5, maxInstanceCount: 2 } }), 'INVALID_ARGUMENT', /must not exceed/);
    assert.doesNotThrow(() =>
      validateTemplate({
        containers: [{ env: [{ name: 'S', valueSource: { secretKeyRef: { secret: 's' } } }], resources: { limits: { cpu: '2', memory: '1Gi' } } }],
        scaling: { minInstanceCount: 1, maxInstanceCount: 3 },
      }),
    );
  });

  it('a template read back with defaults and another key order is the same template', () => {
    const stored = { containers: [{ image: 'i', ports: [{ name: 'http1', containerPort: 8080 }] }], scaling: { maxInstanceCount: 100 }, timeout: '300s' };
    const echoed = {
      timeout: '300s',
      revision: '',
      labels: {},
      scaling: { minInstanceCount: 0, maxInstanceCount: 100 },
      containers: [{ args: [], ports: [{ containerPort: 8080, name: 'http1' }], image: 'i', env: [] }],
    };
    assert.deepEqual(canonicalTemplate(echoed), canonicalTemplate(stored));
    assert.notDeepEqual(canonicalTemplate({ ...echoed, timeout: '60s' }), canonicalTemplate(stored));
  });

  function svc(ready: Record<string, boolean>): ServiceRec {
    const revisions = new Map<string, RevisionRec>(
      Object.entries(ready).map(([id, ok]) => [id, { id, json: { conditions: [{ type: 'Ready', state: ok ? 'CONDITION_SUCCEEDED' : 'CONDITION_FAILED' }] } }]),
    );
    return { revisions, routes: [] } as unknown as ServiceRec;
  }

  it('parseTraffic: default latest, numeric enums, sums, missing and failed revisions', () => {
    const s = svc({ 'web-1': true, 'web-2': false });
    assert.deepEqual(parseTraffic(undefined, s), [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }]);
    assert.deepEqual(parseTraffic([{ type: 2, revision: 'projects/p/locations/l/services/web/revisions/web-1', percent: 100, tag: 'old' }], s), [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-1', percent: 100, tag: 'old' },
    ]);
    apiError(() => parseTraffic([{ type: 2, revision: 'web-1', percent: 60 }], s), 'INVALID_ARGUMENT', /add up to 100, not 60/);
    apiError(() => parseTraffic([{ type: 2, revision: 'web-9', percent: 100 }], s), 'INVALID_ARGUMENT', /Revision named 'web-9'/);
    apiError(() => parseTraffic([{ type: 2, revision: 'web-2', percent: 100 }], s), 'FAILED_PRECONDITION', /not ready/);
    assert.doesNotThrow(
      () =>
        parseTraffic(
          [
            { type: 1, percent: 100 },
            { type: 2, revision: 'web-2', percent: 0, tag: 'broken' },
          ],
          s,
        ),
      'a failed revision may keep a tag at 0 %',
    );
  });

  it('pickRoute splits by share', () => {
    const s = svc({ a: true, b: true });
    s.routes = [
      { rev: s.revisions.get('a')!, percent: 25 },
      { rev: s.revisions.get('b')!, percent: 75 },
    ];
    assert.equal(pickRoute(s, () => 0.1)?.id, 'a');
    assert.equal(pickRoute(s, () => 0.3)?.id, 'b');
    assert.equal(
      pickRoute(svc({}), () => 0.5),
      undefined,
    );
  });
});
