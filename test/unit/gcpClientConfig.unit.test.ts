import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { boundedClientConfig, OPERATIONS_CLIENT_CONFIG, type GaxClientConfig } from '../../src/adapters/gcp/clientConfig';

// The generated clients' retry settings, bounded so no call lingers long after
// the deploy gave up on it; checked on a real client's resolved call settings.
describe('bounded gax client config', () => {
  it('caps every timeout and retry delay, keeping the retry codes and the rest of the backoff', () => {
    const cfg = require('@google-cloud/cloudbuild/build/src/v1/cloud_build_client_config.json') as GaxClientConfig;
    const out = boundedClientConfig(cfg, 60_000).interfaces['google.devtools.cloudbuild.v1.CloudBuild'];
    const orig = cfg.interfaces['google.devtools.cloudbuild.v1.CloudBuild'];
    assert.equal(orig.methods!.CreateBuild.timeout_millis, 600_000, 'the SDK waits 10 minutes per attempt');
    assert.equal(out.methods!.CreateBuild.timeout_millis, 60_000);
    assert.equal(out.methods!.GetBuild.retry_codes_name, 'idempotent');
    assert.deepEqual(out.retry_codes, orig.retry_codes);
    assert.deepEqual(out.retry_params!.default, { ...orig.retry_params!.default, max_retry_delay_millis: 10_000, total_timeout_millis: 60_000 });
    assert.equal(cfg.interfaces['google.devtools.cloudbuild.v1.CloudBuild'].methods!.CreateBuild.timeout_millis, 600_000, 'the input is not changed');
  });

  it('takes effect on the clients: Cloud Build and Run calls give up within the bound', () => {
    // A preset token: building a client must not look for credentials on the network.
    const { OAuth2Client } = require('google-auth-library') as typeof import('google-auth-library');
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'unit', expiry_date: Date.now() + 3600e3 });
    const local = { fallback: true, authClient, apiEndpoint: '127.0.0.1', port: 9, protocol: 'http' };
    const { CloudBuildClient } = require('@google-cloud/cloudbuild/build/src/v1/cloud_build_client.js');
    const { ServicesClient } = require('@google-cloud/run/build/src/v2/services_client.js');
    const settings = (
      Client: new (o: unknown) => {
        _defaults: Record<string, { timeout: number; retry?: { retryCodes: number[]; backoffSettings: { totalTimeoutMillis: number } } }>;
      },
      path: string,
    ) => new Client({ ...local, clientConfig: boundedClientConfig(require(path) as GaxClientConfig, 60_000) })._defaults;
    const build = settings(CloudBuildClient, '@google-cloud/cloudbuild/build/src/v1/cloud_build_client_config.json');
    assert.equal(build.createBuild.timeout, 60_000);
    assert.equal(build.getBuild.retry?.backoffSettings.totalTimeoutMillis, 60_000);
    assert.ok((build.getBuild.retry?.retryCodes.length ?? 0) > 0, 'getBuild still retries');
    const run = settings(ServicesClient, '@google-cloud/run/build/src/v2/services_client_config.json');
    assert.equal(run.getService.timeout, 10_000, 'a shorter timeout stays');
    assert.ok(run.getService.retry!.backoffSettings.totalTimeoutMillis <= 60_000);
    // The operations client a generated client makes for its long-running operations takes the same override.
    const withOps = boundedClientConfig(
      {
        interfaces: {
          ...(require('@google-cloud/run/build/src/v2/services_client_config.json') as GaxClientConfig).interfaces,
          ...OPERATIONS_CLIENT_CONFIG.interfaces,
        },
      },
      60_000,
    );
    const ops = new ServicesClient({ ...local, clientConfig: withOps }).operationsClient as { innerApiCalls: Record<string, unknown> };
    assert.ok(ops.innerApiCalls.getOperation, 'the operations client is built');
    const { constructSettings } = require('google-gax') as {
      constructSettings: (...a: unknown[]) => Record<string, { retry?: { backoffSettings: { totalTimeoutMillis: number } } }>;
    };
    const opsSettings = constructSettings('google.longrunning.Operations', OPERATIONS_CLIENT_CONFIG, withOps, {});
    assert.equal(opsSettings.getOperation.retry?.backoffSettings.totalTimeoutMillis, 60_000);
    // Our copy is gax's own file (which the package does not export).
    const gaxFile = JSON.parse(
      readFileSync(path.join(path.dirname(require.resolve('google-gax')), 'operations_client_config.json'), 'utf8'),
    ) as GaxClientConfig;
    assert.deepEqual(OPERATIONS_CLIENT_CONFIG, gaxFile);
    const plain = new CloudBuildClient(local)._defaults;
    assert.equal(plain.createBuild.timeout, 600_000, 'without the override the SDK would wait 10 minutes');
  });
});
