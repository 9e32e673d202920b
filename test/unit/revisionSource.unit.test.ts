// The source commit a deploy records on its revision: the labels and annotation
// the Run adapter writes on the template, their removal, how a listed revision
// reads them back, and that the revision-diff guard does not count them.
import * as assert from 'node:assert/strict';
import type { protos } from '@google-cloud/run';
import { COMMIT_LABEL, DIRTY_LABEL, REPOSITORY_ANNOTATION, revisionSource, sourceMetadata, withSource } from '../../src/adapters/gcp/revisionSource';
import { revisionInfos } from '../../src/adapters/gcp/runViews';
import { liveSpec, noTrafficService, updatedService } from '../../src/adapters/gcp/serviceUpdate';
import type { ServiceSpec } from '../../src/core/cloud/ports';
import { shortCommit, sourceText } from '../../src/core/explorer/revisionSourceText';
import { riskyChanges } from '../../src/core/deploy/specDiff';
import { validateLabels } from '../../emulator/src/runModel';

type Service = protos.google.cloud.run.v2.IService;

const SHA1 = '0123456789abcdef0123456789abcdef01234567';
const SHA2 = 'fedcba9876543210fedcba9876543210fedcba98';
const SHA256 = 'a'.repeat(64);

function live(template: protos.google.cloud.run.v2.IRevisionTemplate): Service {
  return {
    name: 'projects/p/locations/europe-west1/services/web',
    labels: { 'managed-by': 'devgem', team: 'web' },
    latestReadyRevision: 'projects/p/locations/europe-west1/services/web/revisions/web-00001-abc',
    traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    template: { revision: 'web-00001-abc', containers: [{ image: 'old', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }], ...template },
  };
}

function spec(source?: ServiceSpec['source']): ServiceSpec {
  return { image: 'new', port: 8080, labels: { 'managed-by': 'devgem' }, ...(source ? { source } : {}) };
}

describe('revision source labels', () => {
  it('records the commit as a label, uncommitted changes as another, the GitHub repository as an annotation', () => {
    assert.deepEqual(sourceMetadata({ commit: SHA1, dirty: true, repository: 'octo/shop' }), {
      labels: { [COMMIT_LABEL]: SHA1, [DIRTY_LABEL]: 'true' },
      annotations: { [REPOSITORY_ANNOTATION]: 'octo/shop' },
    });
    assert.deepEqual(sourceMetadata({ commit: SHA1, dirty: false }), { labels: { [COMMIT_LABEL]: SHA1 }, annotations: {} });
    assert.deepEqual(sourceMetadata(undefined), { labels: {}, annotations: {} });
  });

  it("keeps every label value within Google's rule: a SHA-256 commit is abbreviated, anything not hex is left out", () => {
    assert.equal(sourceMetadata({ commit: SHA256 }).labels[COMMIT_LABEL], SHA256.slice(0, 40));
    assert.equal(sourceMetadata({ commit: SHA1.toUpperCase() }).labels[COMMIT_LABEL], SHA1);
    for (const bad of ['main', 'abc', `${SHA1} rm -rf`, 'g'.repeat(40)]) assert.deepEqual(sourceMetadata({ commit: bad, dirty: true }).labels, {}, bad);
    assert.deepEqual(sourceMetadata({ repository: 'a/b/c' }).annotations, {});
    assert.deepEqual(sourceMetadata({ repository: 'no-slash' }).annotations, {});
    for (const source of [{ commit: SHA1, dirty: true }, { commit: SHA256 }])
      assert.doesNotThrow(() => validateLabels('labels', sourceMetadata(source).labels));
    // The emulator refuses what Cloud Run refuses, so an unfit label would fail the integration tests.
    assert.throws(() => validateLabels('labels', { [COMMIT_LABEL]: SHA256 }), /at most 63/);
    assert.throws(() => validateLabels('labels', { [COMMIT_LABEL]: 'octo/shop' }), /Invalid label value/);
  });

  it('withSource replaces what an earlier deploy recorded and keeps the other labels and annotations', () => {
    const before = { labels: { team: 'web', [COMMIT_LABEL]: SHA1, [DIRTY_LABEL]: 'true' }, annotations: { keep: 'me', [REPOSITORY_ANNOTATION]: 'octo/old' } };
    assert.deepEqual(withSource(before, { commit: SHA2, repository: 'octo/shop' }), {
      labels: { team: 'web', [COMMIT_LABEL]: SHA2 },
      annotations: { keep: 'me', [REPOSITORY_ANNOTATION]: 'octo/shop' },
    });
    assert.deepEqual(withSource(before, undefined), { labels: { team: 'web' }, annotations: { keep: 'me' } });
    assert.deepEqual(before.labels[COMMIT_LABEL], SHA1, 'the live template is not changed in place');
    assert.equal(withSource({ labels: {} }, { commit: SHA1 }).annotations, undefined, 'no empty annotations where there were none');
  });

  it('an update records the new commit on the template only, and a deploy without one removes the stale commit', () => {
    const running = live({
      labels: { 'managed-by': 'devgem', [COMMIT_LABEL]: SHA1, [DIRTY_LABEL]: 'true' },
      annotations: { [REPOSITORY_ANNOTATION]: 'octo/shop' },
    });
    const next = updatedService(running, spec({ commit: SHA2 }));
    assert.deepEqual(next.template?.labels, { 'managed-by': 'devgem', [COMMIT_LABEL]: SHA2 });
    assert.deepEqual(next.template?.annotations, {});
    assert.deepEqual(next.labels, { 'managed-by': 'devgem', team: 'web' }, "the service's own labels name no commit");
    assert.equal(next.template?.revision, undefined);

    const plain = updatedService(running, spec());
    assert.deepEqual(plain.template?.labels, { 'managed-by': 'devgem' });
    assert.equal(plain.template?.annotations?.[REPOSITORY_ANNOTATION], undefined);

    const preview = noTrafficService(running, spec({ commit: SHA2, repository: 'octo/shop' }), 'pr-1', 'web-p-abcde');
    assert.equal(preview.template?.labels?.[COMMIT_LABEL], SHA2);
    assert.equal(preview.template?.annotations?.[REPOSITORY_ANNOTATION], 'octo/shop');
    assert.equal(preview.template?.revision, 'web-p-abcde');
  });

  it('the revision-diff guard sees no risk in a changed or removed commit', () => {
    const running = live({ labels: { [COMMIT_LABEL]: SHA1 }, annotations: { [REPOSITORY_ANNOTATION]: 'octo/shop' } });
    for (const source of [{ commit: SHA2, dirty: true }, undefined]) {
      const sent = updatedService(running, { ...spec(source), env: { A: '1' } });
      assert.notDeepEqual(sent.template?.labels, running.template?.labels);
      assert.deepEqual(riskyChanges(liveSpec(running), liveSpec(sent)), []);
    }
  });

  it('a listed revision reads its commit, dirty flag and repository back; others have none', () => {
    const base = 'projects/p/locations/europe-west1/services/web/revisions/';
    const service: Service = { trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: `${base}web-00002-bbb`, percent: 100 }] };
    const at = (iso: string) => ({ seconds: Date.parse(iso) / 1000 });
    const junk = { labels: { [COMMIT_LABEL]: 'not a sha', [DIRTY_LABEL]: 'true' }, annotations: { [REPOSITORY_ANNOTATION]: '<script>' } };
    const [newer, older, foreign] = revisionInfos(service, [
      { name: `${base}web-00001-aaa`, createTime: at('2026-01-01T00:00:00Z'), labels: { [COMMIT_LABEL]: SHA1 } },
      {
        name: `${base}web-00002-bbb`,
        createTime: at('2026-01-02T00:00:00Z'),
        labels: { [COMMIT_LABEL]: SHA2, [DIRTY_LABEL]: 'true' },
        annotations: { [REPOSITORY_ANNOTATION]: 'octo/shop' },
      },
      { name: `${base}web-00000-zzz`, createTime: at('2025-12-31T00:00:00Z'), ...junk },
    ]);
    assert.deepEqual([newer.revision, newer.commit, newer.dirty, newer.repository, newer.percent], ['web-00002-bbb', SHA2, true, 'octo/shop', 100]);
    assert.deepEqual([older.commit, older.dirty, older.repository], [SHA1, undefined, undefined]);
    assert.deepEqual(revisionSource(junk), {});
    assert.equal(foreign.commit, undefined);
  });

  it('reads as a short commit and a sentence', () => {
    assert.equal(shortCommit({ commit: SHA1 }), '0123456');
    assert.equal(shortCommit({ commit: SHA1, dirty: true }), '0123456*');
    assert.equal(shortCommit({}), undefined);
    assert.equal(sourceText({ commit: SHA1, dirty: true, repository: 'octo/shop' }), `octo/shop@${SHA1}, with uncommitted changes`);
    assert.equal(sourceText({}), 'not recorded');
  });
});
