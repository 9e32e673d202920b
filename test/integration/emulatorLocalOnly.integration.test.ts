// The emulator is a model of a Google Cloud account on the developer's machine: a web page must
// not reach it (no Origin, only a loopback Host), and the apps it runs as local processes see
// what a Cloud Run container sees, not the emulator's own environment.
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const never = new AbortController().signal;

/** A raw request, so that any Origin and Host can be sent. */
function call(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/__emulator/state', method: 'GET', headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    req.end();
  });
}

describe('the emulator answers only local programs', function () {
  this.timeout(60_000);
  const fx = useEmulator();

  it('answers a local client addressed by 127.0.0.1 or localhost', async () => {
    assert.equal((await call(fx.emu.port, {})).status, 200);
    assert.equal((await call(fx.emu.port, { Host: `localhost:${fx.emu.port}` })).status, 200);
    assert.equal((await call(fx.emu.port, { Host: 'LOCALHOST' })).status, 200);
  });

  it('refuses a request that carries an Origin header (a web page)', async () => {
    for (const origin of ['https://attacker.example', 'null', `http://127.0.0.1:${fx.emu.port}`]) {
      const res = await call(fx.emu.port, { Origin: origin });
      assert.equal(res.status, 403, origin);
      assert.match(res.body, /refuses requests from web pages/);
      assert.match(res.body, /PERMISSION_DENIED/);
    }
  });

  it('refuses a Host other than 127.0.0.1 or localhost (DNS rebinding)', async () => {
    for (const host of ['attacker.example', `attacker.example:${fx.emu.port}`, '127.0.0.1.attacker.example', 'localhost.evil:80', '10.0.0.1']) {
      const res = await call(fx.emu.port, { Host: host });
      assert.equal(res.status, 403, host);
      assert.match(res.body, /only requests addressed to 127\.0\.0\.1 or localhost/);
    }
  });

  it('starts a deployed app with a container’s environment, not the emulator’s', async () => {
    const marker = 'DEVGEM_TEST_EMULATOR_ONLY_MARKER';
    process.env[marker] = 'must-not-leak';
    const ws = await sameWorkspace(
      {
        'package.json': JSON.stringify({ name: 'env-keys', scripts: { start: 'node server.js' } }),
        'server.js': "require('http').createServer((q, s) => s.end(JSON.stringify(process.env))).listen(process.env.PORT || 8080);\n",
      },
      'env-keys',
    );
    try {
      const result = await runDeploy(
        testDeployOptions(ws.root, { verifyTimeoutSeconds: 20, approvedSpecChanges: 'all' }),
        { ports: fx.ports, buildPollMs: 100, emit: () => undefined },
        never,
      );
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      if (result.outcome !== 'success') return;
      const res = await fetch(result.url, { signal: AbortSignal.timeout(5000) });
      const env = (await res.json()) as Record<string, string>;
      assert.equal(env[marker], undefined, 'the emulator’s own environment reached the app');
      assert.equal(env.K_SERVICE, 'env-keys');
      assert.ok(env.K_REVISION?.startsWith('env-keys-'), env.K_REVISION);
      assert.equal(env.K_CONFIGURATION, 'env-keys');
      assert.match(env.PORT ?? '', /^\d+$/);
      assert.ok(env.PATH);
      const unexpected = Object.keys(env).filter((k) => !/^(PORT|K_SERVICE|K_REVISION|K_CONFIGURATION|PATH|HOME|NODE_ENV)$/.test(k));
      assert.deepEqual(unexpected, [], 'only what a container would have (plus the image’s ENV)');
    } finally {
      delete process.env[marker];
      await ws.cleanup();
    }
  });
});
