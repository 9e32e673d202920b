import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lookUpTarget } from '../../src/core/deploy/target';
import { REGION_PATTERN, projectDescription, projectPicks, regionDescription, regionPickerGroups, typedRegion } from '../../src/core/setup/pickers';
import { regionGroups } from '../../src/core/cloud/regions';
import { FakeCloud } from '../support/fakes';
import { DevgemError } from '../../src/core/base/errors';

describe('pickers: project and region choices', () => {
  describe('projectPicks', () => {
    it('sorts by ID, drops duplicates and blank IDs, and puts the current project first, marked', () => {
      const picks = projectPicks(
        [
          { projectId: 'zeta-app', name: 'Zeta' },
          { projectId: 'alpha-app' },
          { projectId: 'mid-app', name: ' Mid ' },
          { projectId: 'alpha-app', name: 'dup' },
          { projectId: ' ' },
        ],
        'mid-app',
      );
      assert.deepEqual(picks, [
        { projectId: 'mid-app', name: 'Mid', current: true },
        { projectId: 'alpha-app', name: undefined, current: false },
        { projectId: 'zeta-app', name: 'Zeta', current: false },
      ]);
    });

    it('keeps a current project that is not in the list, first and flagged', () => {
      const picks = projectPicks([{ projectId: 'alpha-app' }], 'someone-elses');
      assert.deepEqual(
        picks.map((p) => [p.projectId, p.current, p.unlisted ?? false]),
        [
          ['someone-elses', true, true],
          ['alpha-app', false, false],
        ],
      );
      assert.match(projectDescription(picks[0], 'GOOGLE_CLOUD_PROJECT'), /not in your project list · current \(GOOGLE_CLOUD_PROJECT\)/);
    });

    it('marks nothing without a current project', () => {
      const picks = projectPicks([{ projectId: 'b-project' }, { projectId: 'a-project', name: 'A' }]);
      assert.deepEqual(
        picks.map((p) => p.projectId),
        ['a-project', 'b-project'],
      );
      assert.ok(picks.every((p) => !p.current));
      assert.equal(projectDescription(picks[0]), 'A');
    });

    it('does not repeat a name equal to the ID', () => {
      assert.equal(projectDescription({ projectId: 'same-id', name: 'same-id', current: false }), '');
    });
  });

  describe('regionPickerGroups', () => {
    it('puts a listed current region alone in a first "Current" section and not again below', () => {
      const groups = regionPickerGroups('europe-west1');
      assert.equal(groups[0].label, 'Current');
      assert.deepEqual(
        groups[0].regions.map((r) => r.id),
        ['europe-west1'],
      );
      const below = groups.slice(1).flatMap((g) => g.regions.map((r) => r.id));
      assert.ok(!below.includes('europe-west1'));
      assert.equal(below.length + 1, regionGroups().flatMap((g) => g.regions).length, 'every other region still shows');
      assert.match(
        regionDescription(groups[0].regions[0], { region: 'europe-west1', regionFrom: 'setting devgem.region' }),
        /current \(setting devgem\.region\)$/,
      );
    });

    it('leaves the order alone without a current region, and keeps an unknown one first', () => {
      assert.deepEqual(regionPickerGroups(undefined), regionGroups());
      const unknown = regionPickerGroups('mars-north1');
      assert.deepEqual(
        unknown[0].regions.map((r) => r.id),
        ['mars-north1'],
      );
      assert.equal(unknown.filter((g) => g.regions.some((r) => r.id === 'mars-north1')).length, 1);
    });

    it("offers Cloud Run's own list when it answered: only its regions, newer ones under Other regions, the current first", () => {
      const listed = [
        { id: 'us-central1', displayName: 'Iowa' },
        { id: 'europe-west1', displayName: 'Belgium' },
        { id: 'europe-west99', displayName: 'Atlantis' },
      ];
      const groups = regionPickerGroups('europe-west1', listed);
      assert.deepEqual(
        groups.map((g) => [g.label, g.regions.map((r) => `${r.id} ${r.location}`)]),
        [
          ['Current', ['europe-west1 Belgium']],
          ['Americas', ['us-central1 Iowa']],
          ['Other regions', ['europe-west99 Atlantis']],
        ],
      );
      const missing = regionPickerGroups('asia-east1', listed);
      assert.deepEqual(missing[0], {
        label: 'Current setting',
        regions: [{ id: 'asia-east1', location: 'not in the regions Cloud Run lists for this project' }],
      });
    });

    it('takes a typed region id in full, explains a malformed one, and lets other text filter', () => {
      const listed = ['europe-west1', 'us-central1'];
      assert.deepEqual(typedRegion(' us-north7 ', listed), { region: 'us-north7' });
      assert.deepEqual(typedRegion('EUROPE-WEST3', listed), { region: 'europe-west3' });
      assert.equal(typedRegion('europe-west1', listed), undefined, 'a listed region is picked from the list');
      assert.equal(typedRegion('tokyo', listed), undefined, 'a city filters the list');
      assert.equal(typedRegion('', listed), undefined);
      assert.deepEqual(typedRegion('europe-west', listed), { problem: '"europe-west" is not a region name: they look like europe-west1.' });
      assert.ok(REGION_PATTERN.test('northamerica-south1'));
      assert.ok(!REGION_PATTERN.test('us_central1') && !REGION_PATTERN.test('us-central1/x'));
    });

    it('marks only the current region', () => {
      const [a, b] = regionGroups()[0].regions;
      const now = { region: a.id, regionFrom: 'default' };
      assert.match(regionDescription(a, now), /current \(default\)/);
      assert.doesNotMatch(regionDescription(b, now), /current/);
    });
  });

  describe('lookUpTarget', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-pickers-'));
      await fs.mkdir(path.join(dir, 'configurations'));
      await fs.writeFile(path.join(dir, 'active_config'), 'work\n');
      await fs.writeFile(path.join(dir, 'configurations', 'config_work'), '[core]\nproject = gcloud-project\n[run]\nregion = asia-east1\n');
    });
    afterEach(() => fs.rm(dir, { recursive: true, force: true }));

    it('prefers settings, then the environment, then gcloud, like resolveTarget', async () => {
      assert.deepEqual(
        await lookUpTarget({
          project: 'set-project',
          region: 'europe-west4',
          env: { GOOGLE_CLOUD_PROJECT: 'env-project' },
          gcloudConfigDir: dir,
        }),
        {
          project: 'set-project',
          projectFrom: 'setting devgem.project',
          region: 'europe-west4',
          regionFrom: 'setting devgem.region',
        },
      );
      const fromEnv = await lookUpTarget({
        env: { GOOGLE_CLOUD_PROJECT: 'env-project', CLOUDSDK_RUN_REGION: 'us-east1' },
        gcloudConfigDir: dir,
      });
      assert.deepEqual([fromEnv.project, fromEnv.projectFrom, fromEnv.region], ['env-project', 'GOOGLE_CLOUD_PROJECT', 'us-east1']);
      const fromGcloud = await lookUpTarget({ project: '  ', env: {}, gcloudConfigDir: dir });
      assert.deepEqual([fromGcloud.project, fromGcloud.projectFrom, fromGcloud.region], ['gcloud-project', 'gcloud configuration "work"', 'asia-east1']);
    });

    it('has no project and the default region when nothing is set, without throwing', async () => {
      const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-pickers-empty-'));
      try {
        assert.deepEqual(await lookUpTarget({ env: {}, gcloudConfigDir: empty }), {
          project: undefined,
          projectFrom: undefined,
          region: 'us-central1',
          regionFrom: 'default',
        });
      } finally {
        await fs.rm(empty, { recursive: true, force: true });
      }
    });
  });

  describe('FakeCloud listProjects', () => {
    it('returns the scripted projects or throws the scripted error', async () => {
      const s = new AbortController().signal;
      assert.deepEqual(await new FakeCloud({ projects: [{ projectId: 'one-project' }] }).ports().preflight.listProjects(s), [{ projectId: 'one-project' }]);
      const err = new DevgemError('failed-precondition', 'API disabled', { fix: 'Enable it.' });
      await assert.rejects(new FakeCloud({ projects: err }).ports().preflight.listProjects(s), err);
    });
  });
});
