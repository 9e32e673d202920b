import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DevgemError } from '../../src/core/base/errors';
import {
  DEFAULT_REGION,
  gcloudConfigDir,
  parseIni,
  readGcloudConfig,
  resolveTarget,
  serviceNameFromFolder,
  validateServiceName,
  type TargetSettings,
} from '../../src/core/deploy/target';

/** A gcloud config dir as gcloud writes it: `active_config` plus `configurations/config_<name>`. */
async function makeGcloudDir(configs: Record<string, string>, active?: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-gcloud-'));
  await fs.mkdir(path.join(dir, 'configurations'));
  if (active !== undefined) await fs.writeFile(path.join(dir, 'active_config'), `${active}\n`);
  for (const [name, text] of Object.entries(configs)) await fs.writeFile(path.join(dir, 'configurations', `config_${name}`), text);
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

const ini = (project?: string, region?: string) => [project ? `[core]\nproject = ${project}` : '', region ? `[run]\nregion = ${region}` : ''].join('\n');

describe('target resolution', () => {
  let gcloud: { dir: string; cleanup(): Promise<void> };
  const noGcloud = path.join(os.tmpdir(), 'devgem-no-such-gcloud-dir');

  beforeEach(async () => {
    gcloud = await makeGcloudDir({ default: ini('gcloud-default', 'asia-east1'), work: ini('gcloud-work', 'europe-west4') }, 'work');
  });
  afterEach(() => gcloud.cleanup());

  const resolve = (settings: TargetSettings, env: Record<string, string | undefined> = {}, dir = gcloud.dir, workspaceRoot = '/tmp/my-app') =>
    resolveTarget({ ...settings, env, workspaceRoot, gcloudConfigDir: dir }).then((r) => ({
      ...r.target,
      projectFrom: r.projectFrom,
      regionFrom: r.regionFrom,
    }));

  async function rejection(p: Promise<unknown>): Promise<DevgemError> {
    const err = await p.then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DevgemError, `a DevgemError, got ${String(err)}`);
    return err;
  }

  describe('project precedence', () => {
    const env = { GOOGLE_CLOUD_PROJECT: 'env-google', CLOUDSDK_CORE_PROJECT: 'env-cloudsdk' };

    it('takes the devgem.project setting over everything else', async () => {
      const t = await resolve({ project: 'from-settings' }, env);
      assert.equal(t.project, 'from-settings');
      assert.equal(t.projectFrom, 'setting devgem.project');
    });

    it('takes GOOGLE_CLOUD_PROJECT over CLOUDSDK_CORE_PROJECT and gcloud', async () => {
      const t = await resolve({}, env);
      assert.equal(t.project, 'env-google');
      assert.equal(t.projectFrom, 'GOOGLE_CLOUD_PROJECT');
    });

    it('takes CLOUDSDK_CORE_PROJECT over the gcloud configuration', async () => {
      const t = await resolve({}, { CLOUDSDK_CORE_PROJECT: 'env-cloudsdk' });
      assert.equal(t.project, 'env-cloudsdk');
      assert.equal(t.projectFrom, 'CLOUDSDK_CORE_PROJECT');
    });

    it('falls back to the active gcloud configuration named in active_config', async () => {
      const t = await resolve({}, {});
      assert.equal(t.project, 'gcloud-work');
      assert.match(t.projectFrom, /gcloud configuration "work"/);
    });

    it('honours CLOUDSDK_ACTIVE_CONFIG_NAME over active_config', async () => {
      const t = await resolve({}, { CLOUDSDK_ACTIVE_CONFIG_NAME: 'default' });
      assert.equal(t.project, 'gcloud-default');
      assert.equal(t.region, 'asia-east1');
    });

    it('skips blank settings and trims the value it uses', async () => {
      const t = await resolve({ project: '   ' }, { GOOGLE_CLOUD_PROJECT: '  env-google  ' });
      assert.equal(t.project, 'env-google');
    });

    it('without any project fails with kind config and a fix naming both ways to set one', async () => {
      const err = await rejection(resolve({}, {}, noGcloud));
      assert.equal(err.kind, 'config');
      assert.match(err.message, /No Google Cloud project/);
      assert.match(err.fix ?? '', /devgem\.project/);
      assert.match(err.fix ?? '', /gcloud config set project/);
    });

    it('a gcloud configuration without core/project counts as no project', async () => {
      const empty = await makeGcloudDir({ default: ini(undefined, 'europe-west1') });
      try {
        const err = await rejection(resolve({}, {}, empty.dir));
        assert.equal(err.kind, 'config');
      } finally {
        await empty.cleanup();
      }
    });

    for (const bad of ['My Project', '123456789012', 'ab', 'proj_underscore', 'ends-with-hyphen-']) {
      it(`rejects the invalid project ID "${bad}" and says where it came from`, async () => {
        const err = await rejection(resolve({ project: bad }));
        assert.equal(err.kind, 'config');
        assert.ok(err.message.includes(`"${bad}"`), err.message);
        assert.match(err.message, /setting devgem\.project/);
        assert.match(err.message, /not a valid Google Cloud project ID/);
        assert.match(err.fix ?? '', /devgem\.project/);
      });
    }

    it('accepts a domain-scoped project ID', async () => {
      const t = await resolve({ project: 'example.com:my-project' });
      assert.equal(t.project, 'example.com:my-project');
    });
  });

  describe('region precedence', () => {
    it('takes the devgem.region setting first', async () => {
      const t = await resolve({ project: 'my-project', region: 'us-east4' }, { CLOUDSDK_RUN_REGION: 'europe-west1', GOOGLE_CLOUD_REGION: 'asia-south1' });
      assert.equal(t.region, 'us-east4');
      assert.equal(t.regionFrom, 'setting devgem.region');
    });

    it('then CLOUDSDK_RUN_REGION, then GOOGLE_CLOUD_REGION', async () => {
      const a = await resolve({ project: 'my-project' }, { CLOUDSDK_RUN_REGION: 'europe-west1', GOOGLE_CLOUD_REGION: 'asia-south1' });
      assert.equal(a.region, 'europe-west1');
      assert.equal(a.regionFrom, 'CLOUDSDK_RUN_REGION');
      const b = await resolve({ project: 'my-project' }, { GOOGLE_CLOUD_REGION: 'asia-south1' });
      assert.equal(b.region, 'asia-south1');
      assert.equal(b.regionFrom, 'GOOGLE_CLOUD_REGION');
    });

    it('then the gcloud configuration run/region', async () => {
      const t = await resolve({ project: 'my-project' }, {});
      assert.equal(t.region, 'europe-west4');
      assert.match(t.regionFrom, /gcloud configuration "work"/);
    });

    it(`defaults to ${DEFAULT_REGION}`, async () => {
      assert.equal(DEFAULT_REGION, 'us-central1');
      const t = await resolve({ project: 'my-project' }, {}, noGcloud);
      assert.equal(t.region, 'us-central1');
      assert.equal(t.regionFrom, 'default');
    });

    for (const bad of ['US-CENTRAL1', 'uscentral1', 'us-central', 'europe west1']) {
      it(`rejects the invalid region "${bad}"`, async () => {
        const err = await rejection(resolve({ project: 'my-project', region: bad }));
        assert.equal(err.kind, 'config');
        assert.ok(err.message.includes(`"${bad}"`), err.message);
        assert.match(err.message, /not a Cloud Run region/);
        assert.match(err.fix ?? '', /devgem\.region/);
      });
    }
  });

  describe('service name', () => {
    it('is made from the folder name when not set', async () => {
      const t = await resolve({ project: 'my-project' }, {}, noGcloud, path.join(os.tmpdir(), 'My_App 2'));
      assert.equal(t.service, 'my-app-2');
    });

    it('takes devgem.serviceName when set', async () => {
      const t = await resolve({ project: 'my-project', service: ' api-v2 ' }, {}, noGcloud);
      assert.equal(t.service, 'api-v2');
    });

    for (const bad of ['Api', '2fast', 'my_service', 'trailing-', 'a'.repeat(50)]) {
      it(`rejects the invalid setting "${bad.length > 20 ? `${bad.slice(0, 8)}…` : bad}"`, async () => {
        const err = await rejection(resolve({ project: 'my-project', service: bad }, {}, noGcloud));
        assert.equal(err.kind, 'config');
        assert.match(err.message, /Invalid Cloud Run service name/);
        assert.match(err.fix ?? '', /devgem\.serviceName/);
      });
    }
  });
});

describe('validateServiceName', () => {
  it('accepts valid names', () => {
    for (const ok of ['a', 'my-app', 'app2', 'a'.repeat(49), 'a-1-b']) assert.equal(validateServiceName(ok), undefined, ok);
  });

  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['a'.repeat(50), /longer than 49/],
    ['1app', /start with a lowercase letter/],
    ['-app', /start with a lowercase letter/],
    ['App', /start with a lowercase letter/],
    ['my_app', /only lowercase letters, digits and hyphens/],
    ['my.app', /only lowercase letters, digits and hyphens/],
    ['myApp', /only lowercase letters, digits and hyphens/],
    ['app-', /must not end with a hyphen/],
  ];
  for (const [name, why] of cases) {
    it(`rejects "${name.length > 20 ? `${name.slice(0, 6)}…(${name.length})` : name}" saying why`, () => {
      assert.match(validateServiceName(name) ?? '', why);
    });
  }
});

describe('serviceNameFromFolder', () => {
  const cases: [string, string][] = [
    ['My_App 2', 'my-app-2'],
    ['123app', 'app'],
    ['---', 'app'],
    ['', 'app'],
    ['hello--world', 'hello-world'],
    ['Café Ünïcode!', 'caf-n-code'],
    ['9-lives-', 'lives'],
  ];
  for (const [folder, expected] of cases) {
    it(`"${folder}" -> "${expected}"`, () => {
      assert.equal(serviceNameFromFolder(folder), expected);
      assert.equal(validateServiceName(serviceNameFromFolder(folder)), undefined);
    });
  }

  it('shortens a 70-character name to a valid one without a trailing hyphen', () => {
    const folder = `${'a'.repeat(48)}-${'b'.repeat(21)}`;
    assert.equal(folder.length, 70);
    const name = serviceNameFromFolder(folder);
    assert.ok(name.length <= 49, `${name.length} chars`);
    assert.equal(name, 'a'.repeat(48), 'the hyphen at position 49 is trimmed');
    assert.equal(validateServiceName(name), undefined);
  });

  it('every generated name is valid', () => {
    const folders = ['My_App 2', '123app', '---', 'x'.repeat(70), 'Z'.repeat(49) + '-', '_.-_', 'ÅÄÖ', 'a b c d e f', `${'a'.repeat(40)}${'  '.repeat(20)}z`];
    for (const folder of folders) {
      const name = serviceNameFromFolder(folder);
      assert.equal(validateServiceName(name), undefined, `"${folder}" -> "${name}"`);
      assert.ok(name.length <= 49 && /^[a-z]/.test(name) && !name.endsWith('-'));
    }
  });
});

describe('gcloud configuration files', () => {
  it('parseIni reads sections, trims keys and values and skips comments', () => {
    const parsed = parseIni(
      '# comment\n; also\n[core]\n  project =  my-proj  \naccount = me@example.com\r\n\n[ run ]\nregion=europe-west1\nnot a pair\n= no key\n',
    );
    assert.deepEqual(parsed, {
      core: { project: 'my-proj', account: 'me@example.com' },
      run: { region: 'europe-west1' },
    });
  });

  it('parseIni keeps everything after the first "=" as the value', () => {
    assert.deepEqual(parseIni('[a]\nk = x=y'), { a: { k: 'x=y' } });
  });

  it('readGcloudConfig reads the configuration active_config names', async () => {
    const g = await makeGcloudDir({ dev: '[core]\nproject = p\n[run]\nregion = r' }, 'dev');
    try {
      assert.deepEqual(await readGcloudConfig(g.dir, {}), { project: 'p', region: 'r', configName: 'dev' });
    } finally {
      await g.cleanup();
    }
  });

  it('readGcloudConfig prefers CLOUDSDK_ACTIVE_CONFIG_NAME and defaults to "default"', async () => {
    const g = await makeGcloudDir({ default: ini('p-default'), other: ini('p-other', 'us-east1') });
    try {
      assert.deepEqual(await readGcloudConfig(g.dir, {}), { project: 'p-default', region: undefined, configName: 'default' });
      assert.deepEqual(await readGcloudConfig(g.dir, { CLOUDSDK_ACTIVE_CONFIG_NAME: 'other' }), {
        project: 'p-other',
        region: 'us-east1',
        configName: 'other',
      });
    } finally {
      await g.cleanup();
    }
  });

  it('readGcloudConfig returns nothing for a missing folder instead of throwing', async () => {
    const got = await readGcloudConfig(path.join(os.tmpdir(), 'devgem-absent-gcloud'), {});
    assert.deepEqual(got, { project: undefined, region: undefined, configName: 'default' });
  });

  it('gcloudConfigDir follows CLOUDSDK_CONFIG, then HOME/.config/gcloud', () => {
    assert.equal(gcloudConfigDir({ CLOUDSDK_CONFIG: '/custom/gcloud', HOME: '/home/me' }), '/custom/gcloud');
    if (process.platform !== 'win32') assert.equal(gcloudConfigDir({ HOME: '/home/me' }), path.join('/home/me', '.config', 'gcloud'));
  });
});
