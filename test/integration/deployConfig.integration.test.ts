// The saved deploy configuration (.devgem/deploy.json) lands on the Cloud Run request:
// a deploy through the real SDK clients against the emulator, then the service read back.
import * as assert from 'node:assert/strict';
import { ServicesClient } from '@google-cloud/run';
import { OAuth2Client } from 'google-auth-library';
import { applyDeployConfig, readDeployConfig, serializeDeployConfig, updateDeployConfig, type DeployConfig } from '../../src/core/deploy/deployConfig';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { sameWorkspace, testDeployOptions } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const CONFIG: DeployConfig = {
  app: 'apps/api',
  service: 'saved-api',
  cpu: '2',
  memory: '1Gi',
  minInstances: 1,
  maxInstances: 4,
  concurrency: 25,
  timeoutSeconds: 120,
  ingress: 'internal-and-cloud-load-balancing',
  serviceAccount: 'api-runner@demo-project.iam.gserviceaccount.com',
  env: { GREETING: 'from the saved config' },
  vpcConnector: 'my-connector',
  cloudSqlInstances: ['demo-project:europe-west1:main-db'],
};

const FILES: Record<string, string> = {
  'apps/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' } }),
  'apps/api/server.js': "require('http').createServer((q, s) => s.end('api ' + process.env.GREETING)).listen(Number(process.env.PORT));\n",
  'apps/web/package.json': JSON.stringify({ name: 'web', scripts: { start: 'node server.js' } }),
  'apps/web/server.js': "require('http').createServer((q, s) => s.end('web')).listen(Number(process.env.PORT));\n",
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }),
  '.devgem/deploy.json': serializeDeployConfig(CONFIG),
};

describe('saved deploy configuration applied to the Cloud Run request (emulator)', function () {
  this.timeout(90_000);
  const fx = useEmulator({ knobs: { buildSeconds: 0.3, deploySeconds: 0.1 } });

  it('creates, then updates, the service with every saved setting and deploys the saved app without asking', async () => {
    const ws = await sameWorkspace(FILES, 'saved-config-mono');
    try {
      const deploy = async () => {
        const opts = applyDeployConfig(testDeployOptions(ws.root, { verifyTimeoutSeconds: 20 }), await readDeployConfig(ws.root));
        // No ui port: a monorepo without a chosen app would fail here instead of asking.
        return runDeploy(opts, { ports: fx.ports, buildPollMs: 100, emit: () => undefined }, new AbortController().signal);
      };
      const first = await deploy();
      assert.equal(first.outcome, 'success', JSON.stringify(first));
      if (first.outcome === 'success') assert.equal(await (await fetch(first.url)).text(), 'api from the saved config');

      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: 'test', expiry_date: Date.now() + 3600e3 });
      const services = new ServicesClient({ fallback: true, apiEndpoint: '127.0.0.1', port: fx.emu.port, protocol: 'http', authClient: auth });
      const read = async () => (await services.getService({ name: 'projects/demo-project/locations/europe-west1/services/saved-api' }))[0];
      const check = (s: Awaited<ReturnType<typeof read>>, memory: string) => {
        const t = s.template!;
        const c = t.containers![0];
        assert.equal(String(s.ingress), 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
        assert.equal(t.maxInstanceRequestConcurrency, 25);
        assert.equal(Number(t.timeout?.seconds), 120);
        assert.equal(t.serviceAccount, CONFIG.serviceAccount);
        assert.equal(t.vpcAccess?.connector, 'my-connector');
        assert.deepEqual([t.scaling?.minInstanceCount, t.scaling?.maxInstanceCount], [1, 4]);
        assert.deepEqual({ cpu: c.resources?.limits?.cpu, memory: c.resources?.limits?.memory }, { cpu: '2', memory });
        assert.deepEqual(
          t.volumes?.map((v) => [v.name, v.cloudSqlInstance?.instances]),
          [['cloudsql', CONFIG.cloudSqlInstances]],
        );
        assert.deepEqual(
          c.volumeMounts?.map((m) => [m.name, m.mountPath]),
          [['cloudsql', '/cloudsql']],
        );
        assert.equal(c.env?.find((e) => e.name === 'GREETING')?.value, 'from the saved config');
      };
      check(await read(), '1Gi');

      // The user edits the file: the next deploy (an update of the live service) follows it, and keeps one Cloud SQL volume.
      await updateDeployConfig(ws.root, { memory: '2Gi' });
      const second = await deploy();
      assert.equal(second.outcome, 'success', JSON.stringify(second));
      check(await read(), '2Gi');
      await services.close();
    } finally {
      await ws.cleanup();
    }
  });
});
