import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CLOUD_RUN_REGIONS, isPlausibleRegion, regionGroups } from '../../src/core/cloud/regions';
import { DEFAULT_REGION, resolveTarget } from '../../src/core/deploy/target';

describe('Cloud Run regions for the picker', () => {
  it("has each region once, every one accepted by the deploy's own target check, the default among them", async () => {
    const ids = CLOUD_RUN_REGIONS.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    assert.ok(ids.includes(DEFAULT_REGION));
    assert.ok(ids.length >= 30, 'the whole list, not a sample');
    for (const region of ids) {
      const { target: t } = await resolveTarget({
        project: 'my-project-123',
        region,
        env: {},
        workspaceRoot: '/w/app',
        gcloudConfigDir: path.join(__dirname, 'no-gcloud'),
      });
      assert.equal(t.region, region);
    }
  });

  it('groups by geography in a fixed order, cheaper Tier 1 regions first, each region exactly once', () => {
    const groups = regionGroups();
    assert.deepEqual(
      groups.map((g) => g.label),
      ['Americas', 'Europe', 'Asia Pacific', 'Middle East', 'Africa'],
    );
    const listed = groups.flatMap((g) => g.regions.map((r) => r.id));
    assert.deepEqual([...listed].sort(), CLOUD_RUN_REGIONS.map((r) => r.id).sort());
    for (const g of groups) {
      const tiers = g.regions.map((r) => r.tier ?? 2);
      assert.deepEqual(tiers, [...tiers].sort(), `${g.label}: Tier 1 before Tier 2`);
      assert.ok(g.regions.every((r) => CLOUD_RUN_REGIONS.find((x) => x.id === r.id)?.geography === g.label));
    }
    assert.equal(groups[0].regions[0].id, 'us-central1', 'list order is kept within a tier');
  });

  it('keeps a current region that is not in the list visible at the top, and does not repeat a known one', () => {
    const withUnknown = regionGroups(' mars-north1 ');
    assert.equal(withUnknown[0].label, 'Current setting');
    assert.deepEqual(
      withUnknown[0].regions.map((r) => r.id),
      ['mars-north1'],
    );
    assert.equal(withUnknown.length, 6);
    const known = regionGroups('europe-west1');
    assert.equal(known.length, 5);
    assert.equal(known.flatMap((g) => g.regions).filter((r) => r.id === 'europe-west1').length, 1);
  });
});

describe('isPlausibleRegion', () => {
  it('accepts listed regions and new ones of a known geography, refuses other shapes and places', () => {
    for (const ok of ['us-central1', 'europe-west1', 'me-central2', 'europe-west99', 'asia-southeast9']) assert.ok(isPlausibleRegion(ok), ok);
    for (const bad of ['mars-north1', 'moon-base1', 'US-CENTRAL1', 'us-central', 'us_central1', 'us-central1; rm -rf /', '', 'europe-west1 '])
      assert.ok(!isPlausibleRegion(bad), bad);
  });
});
