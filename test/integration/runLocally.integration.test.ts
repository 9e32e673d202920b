// Run Locally against a real Docker daemon (the private one scripts/containers/setup.sh
// starts): builds samples/hello-node with Devgem's generated Dockerfile through the
// CLI adapter, runs it on a loopback port and reads its page. Skipped, with the
// reason, where there is no daemon.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ContainerCli } from '../../src/adapters/local/containerCli';
import { freeLoopbackPort, probeHttp } from '../../src/adapters/local/localHttp';
import { LocalRun } from '../../src/core/local/localRun';
import { DOCKER_HOST, REPO, dockerSkipReason } from '../support/docker';

describe('Run Locally with the real daemon', function () {
  this.timeout(15 * 60_000);
  before(function () {
    const reason = dockerSkipReason();
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
  });

  it('builds samples/hello-node, answers HTTP on 127.0.0.1:PORT with the env, and stop removes the container', async () => {
    const engine = new ContainerCli({ env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST } });
    const logs: string[] = [];
    const run = new LocalRun(
      { workspaceRoot: path.join(REPO, 'samples', 'hello-node'), name: 'hello-node-it', env: { GREETING: 'from-run-locally' } },
      { engine, probe: probeHttp, freePort: freeLoopbackPort, chooseApp: async (apps) => apps[0] },
      { step: () => undefined, log: (l) => logs.push(l) },
    );
    try {
      const r = await run.start(new AbortController().signal);
      assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await fetch(r.url, { signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.match(body, /Hello from Devgem/, body.slice(0, 300));
      assert.ok(
        logs.some((l) => /^Step \d+\/\d+ : FROM /.test(l) || /FROM /.test(l)),
        'build output streamed',
      );
      // The app read PORT: its own log line says where it listens (the log stream may bring it after the first answer).
      const listening = `hello-node listening on ${r.port}`;
      for (const end = Date.now() + 10_000; !logs.includes(listening) && Date.now() < end;) await new Promise((res) => setTimeout(res, 100));
      assert.ok(logs.includes(listening), logs.slice(-5).join('\n'));
      assert.equal(await engine.isRunning(r.containerId, AbortSignal.timeout(30_000)), true);
      await run.stop();
      assert.equal(await engine.isRunning(r.containerId, AbortSignal.timeout(30_000)), false);
      assert.equal(await probeHttp(r.url, AbortSignal.timeout(10_000)), undefined);
    } finally {
      await run.stop();
    }
  });

  it('says the daemon is not running when DOCKER_HOST points nowhere', async () => {
    const engine = new ContainerCli({ env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: 'unix:///tmp/devgem-no-such-docker.sock' } });
    await assert.rejects(engine.detect(AbortSignal.timeout(30_000)), /daemon is not running at unix:\/\/\/tmp\/devgem-no-such-docker\.sock/);
  });

  it('says no engine is installed when neither docker nor podman is on PATH', async () => {
    const engine = new ContainerCli({ env: { PATH: '/nonexistent' } });
    await assert.rejects(engine.detect(AbortSignal.timeout(30_000)), /No container engine found: Run Locally needs Docker or Podman/);
  });
});
