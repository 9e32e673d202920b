// Cancel at every stage of an update of a live service, through the real SDK
// clients against the emulator: the service keeps serving what it served (its
// traffic put back when the update had begun), no build is left running, and
// nothing new is created.
import * as assert from 'node:assert/strict';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { DEPLOY_STAGES, type DeployEvent, type DeployResult, type DeployStage } from '../../src/shared/protocol';
import { envEchoFiles, sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const SERVICE = 'cancel-app';
const DEPLOY_SECONDS = 1;

interface EmuService {
  name: string;
  uri: string;
  latestReadyRevision: string | null;
  latestCreatedRevision: string | null;
  routes: { revision: string; percent: number }[];
  revisions: { name: string; ready: boolean }[];
}
interface EmuState {
  builds: { id: string; status: string }[];
  services: EmuService[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('cancel at every stage of an update (real SDKs against the emulator)', function () {
  this.timeout(120_000);
  const fx = useEmulator({ knobs: { buildSeconds: 1.2, deploySeconds: DEPLOY_SECONDS } });

  async function state(): Promise<EmuState> {
    return fx.state<EmuState>();
  }

  /** The service once the emulator has nothing in flight for it (bounded). */
  async function settledService(): Promise<EmuService> {
    const deadline = Date.now() + 15_000;
    let last = '';
    await sleep(DEPLOY_SECONDS * 1000 + 300);
    while (Date.now() < deadline) {
      const s = (await state()).services.find((x) => x.name.endsWith(`/${SERVICE}`));
      assert.ok(s, 'the service still exists');
      const now = JSON.stringify([s.routes, s.revisions, s.latestReadyRevision]);
      if (now === last) return s;
      last = now;
      await sleep(300);
    }
    assert.fail(`the service did not settle within 15 s: ${last}`);
  }

  async function deploy(version: string, cancelAt?: DeployStage): Promise<{ result: DeployResult; events: DeployEvent[] }> {
    // Redeploys come from the same folder, as a user's do (ownership.ts asks otherwise).
    const ws = await sameWorkspace(await envEchoFiles(version), SERVICE);
    const events: DeployEvent[] = [];
    const controller = new AbortController();
    try {
      const result = await runDeploy(
        testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, approvedSpecChanges: 'all' }),
        {
          ports: fx.ports,
          buildPollMs: 100,
          emit: (e) => {
            events.push(e);
            if (!cancelAt || e.type !== 'stage' || e.stage !== cancelAt || e.status !== 'running') return;
            // The build once Cloud Build has an id; the deploy while the update's operation runs.
            if (cancelAt === 'build' && !e.detail) return;
            if (cancelAt === 'deploy') setTimeout(() => controller.abort(), 200);
            else controller.abort();
          },
        },
        controller.signal,
      );
      return { result, events };
    } finally {
      await ws.cleanup();
    }
  }

  async function body(url: string): Promise<string> {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return `${res.status} ${await res.text()}`;
  }

  for (const stage of DEPLOY_STAGES) {
    it(`cancelled at ${stage}: the live service still serves v1, no build runs on, nothing new exists`, async () => {
      const first = await deploy('1');
      assert.equal(first.result.outcome, 'success', JSON.stringify(first.result));
      const before = (await state()).services.find((x) => x.name.endsWith(`/${SERVICE}`))!;
      const v1 = before.latestReadyRevision!.split('/').pop()!;
      const url = before.uri;
      assert.match(await body(url), /^200 hello nobody from v1/);

      const { result, events } = await deploy('2', stage);
      assert.equal(result.outcome, 'cancelled', JSON.stringify(result));
      assert.equal(result.outcome === 'cancelled' && result.stage, stage);
      assert.equal(events.filter((e) => e.type === 'finished').length, 1);

      const after = await settledService();
      assert.deepEqual(after.routes, [{ revision: v1, percent: 100 }], `${stage}: traffic ${JSON.stringify(after.routes)}`);
      assert.match(await body(url), /^200 hello nobody from v1/, 'the URL still serves v1');
      const s = await state();
      assert.equal(s.services.length, 1, 'no other service');
      assert.ok(
        s.builds.every((b) => ['SUCCESS', 'CANCELLED', 'FAILURE'].includes(b.status)),
        `a build runs on: ${JSON.stringify(s.builds)}`,
      );
      if (stage === 'build') assert.equal(s.builds.at(-1)?.status, 'CANCELLED');
      const updated = DEPLOY_STAGES.indexOf(stage) >= DEPLOY_STAGES.indexOf('deploy');
      const note = events.find((e) => e.type === 'stage' && e.status === 'cancelled');
      if (updated) assert.match(note?.type === 'stage' ? (note.detail ?? '') : '', new RegExp(`serves ${v1} again`));
      else assert.equal(s.services[0].revisions.length, 1, 'no new revision before the deploy stage');
    });
  }
});
