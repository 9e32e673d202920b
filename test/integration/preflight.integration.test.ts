// The preflight through the real auth client (Service Usage and Resource
// Manager over REST) against the local emulator.
import * as assert from 'node:assert/strict';
import { DevgemError } from '../../src/core/base/errors';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { PreflightCache } from '../../src/core/deploy/projectAccess';
import { unattendedUi, type DeployUiPort } from '../../src/core/deploy/deployUi';
import type { DeployEvent } from '../../src/shared/protocol';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

interface EmuState {
  buckets: { name: string; objects: string[] }[];
  builds: { id: string }[];
  repositories: unknown[];
}

describe('preflight with the real auth client against the emulator', function () {
  this.timeout(60_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.5, deploySeconds: 0.1 } });

  async function state(): Promise<EmuState> {
    return fx.state<EmuState>();
  }

  async function deploy(ui: Partial<DeployUiPort> = {}) {
    const ws = await makeWorkspace(NODE_APP, 'pf-app');
    const events: DeployEvent[] = [];
    try {
      const result = await runDeploy(
        testDeployOptions(ws.root, { verifyTimeoutSeconds: 20 }),
        {
          ports: fx.ports,
          ui: { ...unattendedUi, ...ui },
          buildPollMs: 150,
          // A fresh cache: each deploy here checks the project again.
          preflightCache: new PreflightCache(),
          emit: (e) => events.push(e),
        },
        new AbortController().signal,
      );
      return { result, events };
    } finally {
      await ws.cleanup();
    }
  }

  it('reads enabled APIs, permissions, the project number and the IAM policy through the port', async () => {
    fx.emu.configure({ disabledServices: ['cloudbuild.googleapis.com'], deniedPermissions: ['run.services.create'] });
    const port = fx.ports.preflight;
    const s = new AbortController().signal;
    assert.deepEqual(await port.enabledServices('demo-project', ['run.googleapis.com', 'cloudbuild.googleapis.com'], s), {
      'run.googleapis.com': true,
      'cloudbuild.googleapis.com': false,
    });
    assert.deepEqual(await port.testPermissions('demo-project', ['run.services.get', 'run.services.create'], s), ['run.services.get']);
    const num = await port.projectNumber('demo-project', s);
    assert.match(num, /^\d{12}$/);
    const bindings = await port.projectPolicyBindings('demo-project', s);
    assert.ok(bindings.some((b) => b.role === 'roles/run.builder' && b.members.includes(`serviceAccount:${num}-compute@developer.gserviceaccount.com`)));
  });

  it('a disabled Cloud Build API is found before any upload: no objects, no builds, and the enable command', async () => {
    fx.emu.configure({ disabledServices: ['cloudbuild.googleapis.com'] });
    const { result } = await deploy();
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'preflight');
    assert.match(result.problem.message, /Cloud Build API \(cloudbuild\.googleapis\.com\) is not enabled/);
    assert.match(result.problem.fix ?? '', /gcloud services enable cloudbuild\.googleapis\.com --project=demo-project/);
    const s = await state();
    assert.deepEqual(
      s.buckets.flatMap((b) => b.objects),
      [],
    );
    assert.deepEqual(s.builds, []);
  });

  it('the disabled API itself answers 403 SERVICE_DISABLED, which the adapters turn into the enable command', async () => {
    fx.emu.configure({ disabledServices: ['cloudbuild.googleapis.com'] });
    const ports = fx.ports;
    const err = await ports.build.get({ project: 'demo-project', region: 'europe-west1', id: 'nope' }, new AbortController().signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof DevgemError, String(err));
    assert.match(err.message, /has not been used in project \d+ before or it is disabled/);
    assert.match(err.fix ?? '', /gcloud services enable cloudbuild\.googleapis\.com --project=demo-project/);
  });

  it('a denied permission is listed with the role to grant', async () => {
    fx.emu.configure({ deniedPermissions: ['cloudbuild.builds.create'] });
    const { result } = await deploy();
    assert.equal(result.outcome === 'failed' && result.stage, 'preflight');
    if (result.outcome !== 'failed') return;
    assert.match(result.problem.message, /lacks cloudbuild\.builds\.create on project demo-project; grant roles\/cloudbuild\.builds\.editor/);
    assert.match(
      result.problem.fix ?? '',
      /gcloud projects add-iam-policy-binding demo-project --member=user:YOUR_EMAIL --role=roles\/cloudbuild\.builds\.editor/,
    );
    assert.deepEqual((await state()).builds, []);
  });

  it('a build service account without roles is named with the grant', async () => {
    fx.emu.configure({ buildServiceAccountRoles: [] });
    const { result } = await deploy();
    assert.equal(result.outcome === 'failed' && result.stage, 'preflight');
    if (result.outcome !== 'failed') return;
    assert.match(result.problem.fix ?? '', /--member=serviceAccount:\d+-compute@developer\.gserviceaccount\.com --role=roles\/run\.builder/);
  });

  it('enabling the API through the port makes the next deploy pass', async () => {
    fx.emu.configure({ disabledServices: ['cloudbuild.googleapis.com'] });
    assert.equal((await deploy()).result.outcome, 'failed');
    const port = fx.ports.preflight;
    await port.enableService('demo-project', 'cloudbuild.googleapis.com', new AbortController().signal);
    assert.deepEqual(await port.enabledServices('demo-project', ['cloudbuild.googleapis.com']), { 'cloudbuild.googleapis.com': true });
    const { result } = await deploy();
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    assert.equal((await state()).builds.length, 1);
  });

  it('accepting the offer enables the API through Service Usage and the same deploy goes on', async () => {
    fx.emu.configure({ disabledServices: ['cloudbuild.googleapis.com', 'artifactregistry.googleapis.com'] });
    let offered = 0;
    const { result, events } = await deploy({ offerPreflightFix: async (problems) => ((offered = problems.length), true) });
    assert.equal(offered, 2);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    const preflightDone = events.find((e) => e.type === 'stage' && e.stage === 'preflight' && e.status === 'done');
    assert.match(
      preflightDone && 'detail' in preflightDone ? String(preflightDone.detail) : '',
      /enabled cloudbuild\.googleapis\.com, artifactregistry\.googleapis\.com/,
    );
    assert.deepEqual(fx.emu.knobs.disabledServices, []);
  });

  it('a caller who may not read the IAM policy still deploys (that check is skipped)', async () => {
    fx.emu.configure({ deniedPermissions: ['resourcemanager.projects.getIamPolicy'] });
    const { result, events } = await deploy();
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    const preflightDone = events.find((e) => e.type === 'stage' && e.stage === 'preflight' && e.status === 'done');
    assert.match(preflightDone && 'detail' in preflightDone ? String(preflightDone.detail) : '', /not checked: build service account check/);
  });
});
