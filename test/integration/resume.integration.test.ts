// A deploy whose window reloads during the build, finished by a new session
// through the real Google Cloud SDK clients against the emulator.
import * as assert from 'node:assert/strict';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import { DeploySession, type SnapshotStore } from '../../src/core/deploy/deploySession';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { resumeDeploy } from '../../src/core/deploy/resume';
import type { DeployResult, ViewSnapshot } from '../../src/shared/protocol';
import { makeWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'resumed', scripts: { start: 'node server.js' } }),
  'server.js': "require('http').createServer((q, s) => s.end('hello after the reload')).listen(Number(process.env.PORT));\n",
};

interface EmuState {
  builds: { id: string; status: string }[];
  services: { name: string; revisions: { name: string }[] }[];
}

/** Workspace storage that stops taking writes when the window "dies", as a killed extension host does. */
class DyingStore implements SnapshotStore {
  private last?: ViewSnapshot;
  dead = false;
  load(): ViewSnapshot | undefined {
    return this.last && structuredClone(this.last);
  }
  save(snapshot: ViewSnapshot): void {
    if (!this.dead) this.last = snapshot;
  }
}

describe('a deploy survives a window reload (real SDKs against the emulator)', function () {
  this.timeout(90_000);
  const fx = useEmulator({ knobs: { buildSeconds: 8, deploySeconds: 0.1 } });

  async function state(): Promise<EmuState> {
    return fx.state<EmuState>();
  }

  /**
   * Starts a deploy in a first "window" and kills it once the build runs and
   * its log has begun: nothing is cancelled, the store keeps what it had.
   */
  async function deployThenReload(): Promise<{ store: DyingStore; buildId: string; cleanup(): Promise<void> }> {
    const ws = await makeWorkspace(APP, 'resumed-app');
    const store = new DyingStore();
    const first = new DeploySession(store);
    const ports = fx.ports;
    // The old host dies with the pipeline; its "cancel the build" never leaves it.
    const dying: CloudPorts = {
      ...ports,
      build: {
        start: (req, s) => ports.build.start(req, s),
        get: (opts, s) => ports.build.get(opts, s),
        cancel: async () => undefined,
        readLog: (opts, s) => ports.build.readLog(opts, s),
      },
    };
    const host = new AbortController();
    let buildId: string | undefined;
    const pipeline = first.run(
      (emit, signal) =>
        runDeploy(
          testDeployOptions(ws.root, { verifyTimeoutSeconds: 20 }),
          {
            ports: dying,
            buildPollMs: 150,
            emit: (e) => {
              if (store.dead) return;
              emit(e);
              if (e.type === 'build') buildId = e.id;
              if (e.type === 'log' && buildId) {
                store.dead = true;
                host.abort();
              }
            },
          },
          signal,
        ),
      host.signal,
    );
    const ended = await pipeline;
    assert.ok(buildId, `the build started before the reload (the first window ended with ${JSON.stringify(ended)})`);
    return { store, buildId, cleanup: ws.cleanup };
  }

  async function resumeIn(store: DyingStore, buildPollMs = 150) {
    const second = new DeploySession(store);
    const pending = second.pendingResume();
    assert.ok(pending, 'the new window finds the deploy to continue');
    const result: DeployResult = await second.resume((d, emit, signal) =>
      // A new window makes its own SDK clients.
      resumeDeploy(d, { ports: createCloudPorts({ emulatorHost: fx.emu.host }), emit, buildPollMs }, signal),
    );
    return { pending, result, deploy: second.current.deploy! };
  }

  it('re-attaches to the running build, continues its log and finishes the same deploy with a URL that answers', async () => {
    const { store, buildId, cleanup } = await deployThenReload();
    try {
      const saved = store.load()!;
      assert.equal(saved.deploy?.build?.id, buildId, 'the build id was saved before the reload');
      assert.ok(saved.deploy?.resume, 'so was what the stages after the build need');
      assert.equal(saved.deploy?.result, undefined);
      const during = (await state()).builds.find((b) => b.id === buildId);
      assert.ok(during && ['QUEUED', 'WORKING'].includes(during.status), `Cloud Build still builds: ${during?.status}`);

      const { pending, result, deploy } = await resumeIn(store);
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      if (result.outcome !== 'success') return;
      assert.equal(deploy.deployId, pending.deployId, 'the same deploy finished');
      assert.deepEqual(deploy.result, result);
      for (const stage of ['build', 'deploy', 'expose', 'verify'] as const) assert.equal(deploy.stages[stage].status, 'done', stage);
      assert.equal(await (await fetch(result.url)).text(), 'hello after the reload');

      // The tracker's log is Cloud Build's log, each line once, across the reload.
      const bucket = deploy.resume!.bucket;
      const object = deploy.build!.logObject ?? `log-${buildId}.txt`;
      const text = await (await fetch(`${fx.emu.baseUrl}/storage/v1/b/${bucket}/o/${encodeURIComponent(object)}?alt=media`)).text();
      assert.deepEqual(deploy.log, text.replace(/\n$/, '').split('\n'));
      assert.ok(deploy.log.length > saved.deploy!.log.length, 'lines arrived after the reload');

      const s = await state();
      assert.deepEqual(
        s.builds.map((b) => [b.id, b.status]),
        [[buildId, 'SUCCESS']],
        'one build, never cancelled, none started again',
      );
      assert.equal(s.services.length, 1);
    } finally {
      await cleanup();
    }
  });

  it('a build that fails while no window watches ends the deploy at the build with its log tail', async () => {
    fx.emu.configure({ buildOutcome: 'failure' });
    const { store, cleanup } = await deployThenReload();
    try {
      const { result, deploy } = await resumeIn(store);
      assert.equal(result.outcome, 'failed');
      if (result.outcome !== 'failed') return;
      assert.equal(result.stage, 'build');
      assert.match(result.problem.message, /Cloud Build failed/);
      assert.ok(
        result.problem.logTail?.some((l) => /returned a non-zero code: 1/.test(l)),
        result.problem.logTail?.join('\n'),
      );
      assert.equal(deploy.stages.deploy.status, 'pending');
      assert.equal((await state()).services.length, 0);
    } finally {
      await cleanup();
    }
  });
});
