import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { checkProjectAccess, ensureProjectAccess, PREFLIGHT_CACHE_MS, PreflightCache } from '../../src/core/deploy/projectAccess';
import type { PreflightPort, PreflightProblem } from '../../src/core/cloud/ports';
import { unattendedUi, type DeployUiPort } from '../../src/core/deploy/deployUi';
import { REQUIRED_ROLES } from '../../src/core/deploy/requiredAccess';
import type { DeployEvent } from '../../src/shared/protocol';
import { FakeClock, FakeCloud, type FakeCloudScript } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

const P = 'demo-project';
const NUM = '123456789012';
const signal = () => new AbortController().signal;

function fakePort(script: FakeCloudScript = {}): { port: PreflightPort; cloud: FakeCloud } {
  const cloud = new FakeCloud(script);
  return { port: cloud.ports().preflight, cloud };
}

async function deploy(
  script: FakeCloudScript,
  opts: { ui?: Partial<DeployUiPort>; cache?: PreflightCache; overrides?: Partial<DeployOptions>; cloud?: FakeCloud; clock?: FakeClock } = {},
) {
  const ws = await makeWorkspace(NODE_APP);
  const cloud = opts.cloud ?? new FakeCloud(script);
  const events: DeployEvent[] = [];
  try {
    const result = await runDeploy(
      testDeployOptions(ws.root, { service: 'svc', ...opts.overrides }),
      {
        ports: cloud.ports(),
        ui: { ...unattendedUi, ...opts.ui },
        clock: opts.clock ?? new FakeClock(),
        buildPollMs: 10,
        preflightCache: opts.cache ?? new PreflightCache(),
        emit: (e) => events.push(e),
      },
      signal(),
    );
    return { result, events, cloud };
  } finally {
    await ws.cleanup();
  }
}

describe('preflight: the project check before a deploy', () => {
  it('finds nothing wrong on a project with every API, permission and build role', async () => {
    const { problems, skipped } = await checkProjectAccess(P, { secrets: false }, fakePort().port, signal());
    assert.deepEqual(problems, []);
    assert.deepEqual(skipped, []);
  });

  it('a disabled API: the enable command, the console page, and an automatic fix only for a caller who may enable APIs', async () => {
    const { problems } = await checkProjectAccess(P, { secrets: false }, fakePort({ disabledServices: ['cloudbuild.googleapis.com'] }).port, signal());
    assert.equal(problems.length, 1);
    assert.equal(problems[0].kind, 'api-disabled');
    assert.match(problems[0].message, /Cloud Build API \(cloudbuild\.googleapis\.com\) is not enabled in project demo-project/);
    assert.equal(problems[0].fixCommand, 'gcloud services enable cloudbuild.googleapis.com --project=demo-project');
    assert.equal(problems[0].consoleUrl, 'https://console.cloud.google.com/apis/library/cloudbuild.googleapis.com?project=demo-project');
    assert.deepEqual(problems[0].autoFix, { enableService: 'cloudbuild.googleapis.com' });

    const noEnable = await checkProjectAccess(
      P,
      { secrets: false },
      fakePort({ disabledServices: ['run.googleapis.com'], deniedPermissions: ['serviceusage.services.enable'] }).port,
      signal(),
    );
    assert.equal(noEnable.problems.length, 1);
    assert.equal(noEnable.problems[0].autoFix, undefined);
  });

  it('asks about Secret Manager only when the deploy uses secrets', async () => {
    const without = fakePort({ disabledServices: ['secretmanager.googleapis.com'] });
    assert.deepEqual((await checkProjectAccess(P, { secrets: false }, without.port, signal())).problems, []);
    assert.ok(!without.cloud.preflightCalls.some((c) => c.includes('secretmanager')));
    const withSecrets = await checkProjectAccess(P, { secrets: true }, without.port, signal());
    assert.deepEqual(
      withSecrets.problems.map((p) => p.fixCommand),
      ['gcloud services enable secretmanager.googleapis.com --project=demo-project'],
    );
  });

  it('a missing permission names it and the role to grant, for the signed-in account', async () => {
    const { port } = fakePort({ deniedPermissions: ['run.services.create', 'run.services.setIamPolicy', 'iam.serviceAccounts.actAs'] });
    const { problems } = await checkProjectAccess(P, { secrets: false, principal: 'dev@example.com' }, port, signal());
    assert.deepEqual(
      problems.map((p) => p.kind),
      ['permission-missing', 'permission-missing'],
    );
    assert.match(problems[0].message, /lacks run\.services\.create, run\.services\.setIamPolicy on project demo-project; grant roles\/run\.admin/);
    assert.equal(problems[0].fixCommand, 'gcloud projects add-iam-policy-binding demo-project --member=user:dev@example.com --role=roles/run.admin');
    assert.equal(
      problems[1].fixCommand,
      'gcloud projects add-iam-policy-binding demo-project --member=user:dev@example.com --role=roles/iam.serviceAccountUser',
    );
    assert.equal(problems[0].consoleUrl, 'https://console.cloud.google.com/iam-admin/iam?project=demo-project');
    assert.equal(problems[0].autoFix, undefined);
    const sa = await checkProjectAccess(P, { secrets: false, principal: 'ci@p.iam.gserviceaccount.com' }, port, signal());
    assert.match(sa.problems[0].fixCommand, /--member=serviceAccount:ci@p\.iam\.gserviceaccount\.com /);
    const unknown = await checkProjectAccess(P, { secrets: false }, port, signal());
    assert.match(unknown.problems[0].fixCommand, /--member=user:YOUR_EMAIL /);
  });

  it('the build service account: roles/run.builder or the three narrower roles pass; a missing one is named with the grant', async () => {
    assert.deepEqual(
      (
        await checkProjectAccess(
          P,
          { secrets: false },
          fakePort({ buildAccountRoles: ['roles/logging.logWriter', 'roles/artifactregistry.writer', 'roles/storage.objectAdmin'] }).port,
          signal(),
        )
      ).problems,
      [],
    );
    const { problems } = await checkProjectAccess(
      P,
      { secrets: false },
      fakePort({ buildAccountRoles: ['roles/logging.logWriter', 'roles/artifactregistry.writer'] }).port,
      signal(),
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0].kind, 'build-account-role');
    assert.match(problems[0].message, new RegExp(`${NUM}-compute@developer\\.gserviceaccount\\.com lacks roles/storage\\.objectViewer`));
    assert.equal(
      problems[0].fixCommand,
      `gcloud projects add-iam-policy-binding demo-project --member=serviceAccount:${NUM}-compute@developer.gserviceaccount.com --role=roles/run.builder`,
    );
    const none = await checkProjectAccess(P, { secrets: false }, fakePort({ buildAccountRoles: [] }).port, signal());
    assert.match(none.problems[0].message, /lacks roles\/logging\.logWriter, roles\/artifactregistry\.writer, roles\/storage\.objectViewer/);
  });

  it("an old project building as Cloud Build's own account is checked as that account", async () => {
    const base = fakePort().port;
    const legacy = `serviceAccount:${NUM}@cloudbuild.gserviceaccount.com`;
    const port: PreflightPort = { ...base, projectPolicyBindings: async () => [{ role: 'roles/cloudbuild.builds.builder', members: [legacy] }] };
    assert.deepEqual((await checkProjectAccess(P, { secrets: false }, port, signal())).problems, []);
  });

  it('a check that cannot run (no right to read the policy) is skipped, never blocks, and is not cached', async () => {
    const base = fakePort().port;
    let reads = 0;
    const port: PreflightPort = {
      ...base,
      projectPolicyBindings: async () => {
        reads++;
        throw new DevgemError('permission-denied', 'Reading the project IAM policy failed: The caller does not have permission');
      },
    };
    const cache = new PreflightCache();
    const ctx = { project: P, needs: { secrets: false }, port, ui: unattendedUi, clock: new FakeClock(), cache, signal: signal() };
    assert.match(await ensureProjectAccess(ctx), /not checked: build service account check/);
    await ensureProjectAccess(ctx);
    assert.equal(reads, 2, 'a partial pass is checked again');
  });

  it('a bad sign-in during the check is not hidden as "skipped"', async () => {
    const port: PreflightPort = {
      ...fakePort().port,
      testPermissions: async () => {
        throw new DevgemError('credentials', 'Sign-in expired');
      },
    };
    await assert.rejects(checkProjectAccess(P, { secrets: false }, port, signal()), (e: unknown) => e instanceof DevgemError && e.kind === 'credentials');
  });

  it('caches a full pass per project for ten minutes', async () => {
    const { port, cloud } = fakePort();
    const clock = new FakeClock();
    const cache = new PreflightCache();
    const ctx = { project: P, needs: { secrets: false }, port, ui: unattendedUi, clock, cache, signal: signal() };
    await ensureProjectAccess(ctx);
    assert.equal(await ensureProjectAccess(ctx), 'access checked recently');
    assert.equal(cloud.preflightCalls.filter((c) => c === 'testPermissions').length, 1);
    await ensureProjectAccess({ ...ctx, project: 'other-project' });
    assert.equal(cloud.preflightCalls.filter((c) => c === 'testPermissions').length, 2, 'another project is checked');
    clock.t += PREFLIGHT_CACHE_MS + 1;
    await ensureProjectAccess(ctx);
    assert.equal(cloud.preflightCalls.filter((c) => c === 'testPermissions').length, 3, 'checked again after ten minutes');
  });
});

describe('preflight in the deploy pipeline', () => {
  it('a disabled API fails the preflight stage before anything is uploaded or built, with the fix', async () => {
    const { result, cloud } = await deploy({ disabledServices: ['cloudbuild.googleapis.com', 'artifactregistry.googleapis.com'] });
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'preflight');
    assert.match(result.problem.message, /not ready for a deploy \(2 problems\)/);
    assert.match(result.problem.message, /Cloud Build API/);
    assert.match(result.problem.fix ?? '', /gcloud services enable cloudbuild\.googleapis\.com --project=demo-project/);
    assert.match(result.problem.fix ?? '', /gcloud services enable artifactregistry\.googleapis\.com --project=demo-project/);
    assert.match(result.problem.fix ?? '', /https:\/\/console\.cloud\.google\.com\/apis\/library\/cloudbuild\.googleapis\.com\?project=demo-project/);
    assert.ok(!cloud.calls.some((c) => /^(storage|build|registry|run)\./.test(c)), cloud.calls.join('\n'));
    assert.ok(!cloud.preflightCalls.some((c) => c.startsWith('enableService')), 'nothing enabled without asking');
  });

  it('enables the APIs when the user accepts the offer, then deploys', async () => {
    let offered: PreflightProblem[] = [];
    const { result, cloud } = await deploy(
      { disabledServices: ['cloudbuild.googleapis.com'] },
      { ui: { offerPreflightFix: async (p) => ((offered = p), true) } },
    );
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    assert.deepEqual(
      offered.map((p) => p.autoFix?.enableService),
      ['cloudbuild.googleapis.com'],
    );
    assert.ok(cloud.preflightCalls.includes('enableService cloudbuild.googleapis.com'));
    assert.ok(cloud.calls.some((c) => c.startsWith('build.start')));
  });

  it('a declined offer or a problem only a person can fix fails the stage listing each problem', async () => {
    let asked = 0;
    const { result } = await deploy(
      { disabledServices: ['run.googleapis.com'], deniedPermissions: ['cloudbuild.builds.create'] },
      { ui: { offerPreflightFix: async () => (asked++, false) } },
    );
    assert.equal(asked, 1);
    assert.equal(result.outcome === 'failed' && result.stage, 'preflight');
    if (result.outcome !== 'failed') return;
    assert.match(result.problem.message, /Cloud Run Admin API/);
    assert.match(result.problem.message, /cloudbuild\.builds\.create.*roles\/cloudbuild\.builds\.editor/);
    assert.match(result.problem.fix ?? '', /--role=roles\/cloudbuild\.builds\.editor/);

    let askedForPermissions = 0;
    await deploy({ deniedPermissions: ['run.services.get'] }, { ui: { offerPreflightFix: async () => (askedForPermissions++, true) } });
    assert.equal(askedForPermissions, 0, 'no offer when there is nothing Devgem can enable');
  });

  it('a redeploy in the same session does not repeat the check; a deploy using secrets checks Secret Manager', async () => {
    const cache = new PreflightCache();
    const cloud = new FakeCloud({ disabledServices: ['secretmanager.googleapis.com'] });
    const first = await deploy({}, { cloud, cache });
    assert.equal(first.result.outcome, 'success');
    await deploy({}, { cloud, cache });
    assert.equal(cloud.preflightCalls.filter((c) => c === 'testPermissions').length, 1);
    const secrets = await deploy({}, { cloud, cache, overrides: { runtime: { secrets: { DB_URL: { secret: 'db-url', version: 'latest' } } } } });
    assert.equal(secrets.result.outcome === 'failed' && secrets.result.stage, 'preflight');
    if (secrets.result.outcome === 'failed') assert.match(secrets.result.problem.fix ?? '', /gcloud services enable secretmanager\.googleapis\.com/);
  });
});

describe('required access and the README', () => {
  it('README lists exactly the roles in core/requiredAccess.ts', async () => {
    const readme = await fs.readFile(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.split('Your account needs these roles on the project:')[1]?.split('\n\n')[0] ?? '';
    const listed = [...section.matchAll(/^- `(roles\/[^`]+)`/gm)].map((m) => m[1]);
    assert.deepEqual(
      listed,
      REQUIRED_ROLES.map((r) => r.role),
    );
    for (const r of REQUIRED_ROLES) assert.ok(section.includes(`\`${r.role}\`, ${r.why}`), `README gives the reason for ${r.role}`);
  });
});
