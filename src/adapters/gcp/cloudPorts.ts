import type { Storage } from '@google-cloud/storage';
import { DevgemError } from '../../core/base/errors';
import type { CloudPorts, CredentialsPort } from '../../core/cloud/ports';
import { BuildAdapter } from './buildAdapter';
import { boundedClientConfig, OPERATIONS_CLIENT_CONFIG, type GaxClientConfig } from './clientConfig';
import { domainMappingCreator, domainMappingLister } from './domainMappings';
import { clientSetup, emulatorBaseUrl, type ClientSetup, type GcpConfig } from './gcpConfig';
import { httpProbe } from './httpProbe';
import { LoggingAdapter } from './loggingAdapter';
import { PreflightAdapter } from './preflightAdapter';
import { RegistryAdapter } from './registryAdapter';
import { RunAdapter } from './runAdapter';
import { RunAdminAdapter } from './runAdminAdapter';
import { SecretsAdapter } from './secretsAdapter';
import { StorageAdapter } from './storageAdapter';
import { storageJson } from './storageJson';

const NO_CREDENTIALS_FIX =
  'Sign in with Application Default Credentials: run `gcloud auth application-default login` in a terminal (or set GOOGLE_APPLICATION_CREDENTIALS to a key file), then deploy again.';

/** gaxios' own per-request timeout (not the deploy's cancel, which destroys the upload first). */
function isRequestTimeout(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown; code?: unknown; errors?: { reason?: unknown }[] };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || /operation was aborted|timeout/i.test(String(e?.message ?? ''))) return true;
  // Starting a resumable session reports only {code: HTTP status, errors: [{reason: error code}]}:
  // neither set means no answer and no network error code, which is how gaxios' timeout looks there.
  return e !== null && typeof e === 'object' && 'errors' in e && e.code === undefined && e.message === undefined && e.errors?.[0]?.reason === undefined;
}

/** No SDK call outlives the deploy's own bound on it (DeployOptions.callTimeoutSeconds, 60 s by default) by much. */
const GAX_TOTAL_MS = 60_000;

/**
 * A generated client's options: where it talks to, and its own retry settings bounded
 * (clientConfig.ts), those of the operations client it makes for long-running operations too.
 */
function gaxOptions(s: ClientSetup, config: GaxClientConfig): Record<string, unknown> {
  return { ...s.gax, clientConfig: boundedClientConfig({ interfaces: { ...config.interfaces, ...OPERATIONS_CLIENT_CONFIG.interfaces } }, GAX_TOTAL_MS) };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= make().catch((err) => {
      p = undefined; // let the next deploy try again, e.g. after the user signed in
      throw err;
    });
    return p;
  };
}

/**
 * The real Google Cloud clients behind core's ports. SDK modules are required
 * on first use (not imported at the top) so activating the extension loads none
 * of them; deep paths keep each package's unused clients out of the bundle.
 */
export function createCloudPorts(config: GcpConfig): CloudPorts {
  const setup = once<ClientSetup>(async () => {
    try {
      return await clientSetup(config);
    } catch (err) {
      throw new DevgemError('credentials', `No usable Google Cloud credentials: ${(err as Error).message.split('\n')[0]}`, {
        fix: NO_CREDENTIALS_FIX,
        cause: err,
      });
    }
  });
  /** One Cloud Storage request's limit, before it is retried. */
  const storageTimeout = config.storageRequestTimeoutMs ?? 60_000;
  // Storage takes the project per client.
  const storages = new Map<string, () => Promise<Storage>>();
  const storageFor = (projectId: string) => {
    let get = storages.get(projectId);
    if (get === undefined) {
      get = once(async () => {
        const { Storage, RETRYABLE_ERR_FN_DEFAULT } = require('@google-cloud/storage') as typeof import('@google-cloud/storage');
        const storage = new Storage({
          projectId,
          ...(await setup()).storage,
          // A request that timed out (below) is as worth retrying as one that was reset.
          // Its defaults wait up to 64 s between tries and retry for 10 min, long after the deploy gave up.
          retryOptions: {
            retryableErrorFn: (err) => RETRYABLE_ERR_FN_DEFAULT(err) || isRequestTimeout(err),
            maxRetryDelay: 10,
            totalTimeout: GAX_TOTAL_MS / 1000,
          },
        });
        // Storage sets no request timeout of its own: a request that never answers would hold
        // the upload until the deploy gives up. Timed out, it is retried (an upload resumes).
        // Only uploads (gaxios) honour it; the other calls go through storageJson.ts, which keeps its own.
        storage.interceptors.push({ request: ((o: { timeout?: number }) => Object.assign(o, { timeout: o.timeout ?? storageTimeout })) as never });
        return storage;
      });
      storages.set(projectId, get);
    }
    return get();
  };
  const run = once(async () => {
    const { ServicesClient } =
      require('@google-cloud/run/build/src/v2/services_client.js') as typeof import('@google-cloud/run/build/src/v2/services_client.js');
    return new ServicesClient(
      gaxOptions(await setup(), require('@google-cloud/run/build/src/v2/services_client_config.json')) as ConstructorParameters<typeof ServicesClient>[0],
    );
  });
  const revisions = once(async () => {
    const { RevisionsClient } =
      require('@google-cloud/run/build/src/v2/revisions_client.js') as typeof import('@google-cloud/run/build/src/v2/revisions_client.js');
    return new RevisionsClient(
      gaxOptions(await setup(), require('@google-cloud/run/build/src/v2/revisions_client_config.json')) as ConstructorParameters<typeof RevisionsClient>[0],
    );
  });
  // The generated client of @google-cloud/logging (see loggingAdapter.ts); `fallback: true` in `gax` makes it REST.
  const logging = once(async () => {
    const { LoggingServiceV2Client } =
      require('@google-cloud/logging-api/build/src/v2/logging_service_v2_client.js') as typeof import('@google-cloud/logging-api/build/src/v2/logging_service_v2_client.js');
    return new LoggingServiceV2Client(
      gaxOptions(await setup(), require('@google-cloud/logging-api/build/src/v2/logging_service_v2_client_config.json')) as ConstructorParameters<
        typeof LoggingServiceV2Client
      >[0],
    );
  });
  const build = once(async () => {
    const { CloudBuildClient } =
      require('@google-cloud/cloudbuild/build/src/v1/cloud_build_client.js') as typeof import('@google-cloud/cloudbuild/build/src/v1/cloud_build_client.js');
    return new CloudBuildClient(
      gaxOptions(await setup(), require('@google-cloud/cloudbuild/build/src/v1/cloud_build_client_config.json')) as ConstructorParameters<
        typeof CloudBuildClient
      >[0],
    );
  });
  const registry = once(async () => {
    const { ArtifactRegistryClient } =
      require('@google-cloud/artifact-registry/build/src/v1/artifact_registry_client.js') as typeof import('@google-cloud/artifact-registry/build/src/v1/artifact_registry_client.js');
    return new ArtifactRegistryClient(
      gaxOptions(await setup(), require('@google-cloud/artifact-registry/build/src/v1/artifact_registry_client_config.json')) as ConstructorParameters<
        typeof ArtifactRegistryClient
      >[0],
    );
  });

  const secretManager = once(async () => {
    const { SecretManagerServiceClient } =
      require('@google-cloud/secret-manager/build/src/v1/secret_manager_service_client.js') as typeof import('@google-cloud/secret-manager/build/src/v1/secret_manager_service_client.js');
    return new SecretManagerServiceClient(
      gaxOptions(await setup(), require('@google-cloud/secret-manager/build/src/v1/secret_manager_service_client_config.json')) as ConstructorParameters<
        typeof SecretManagerServiceClient
      >[0],
    );
  });

  const credentials: CredentialsPort = {
    async check() {
      const s = await setup();
      if (s.emulated) return { principal: `emulator at ${config.emulatorHost}` };
      try {
        const { token } = await s.authClient.getAccessToken();
        if (!token) throw new Error('no access token');
      } catch (err) {
        throw new DevgemError('credentials', `Your Google Cloud sign-in does not work: ${(err as Error).message.split('\n')[0]}`, {
          fix: NO_CREDENTIALS_FIX,
          cause: err,
        });
      }
      const email = (s.authClient as { email?: string }).email;
      return { principal: email };
    },
  };

  const storageBase = emulatorBaseUrl(config) ?? 'https://storage.googleapis.com';
  const json = storageJson(async () => (await setup()).authClient, storageBase, storageTimeout);
  const storage = new StorageAdapter(storageFor, json, { chunkBytes: config.uploadChunkBytes });
  return {
    credentials,
    preflight: new PreflightAdapter(async () => (await setup()).authClient, config),
    storage,
    registry: new RegistryAdapter(registry),
    // A past build's log is read back from the bucket its build wrote it to.
    build: new BuildAdapter(build, (o, signal) => storage.readFrom({ ...o, offset: 0 }, signal)),
    run: new RunAdapter(run, domainMappingLister(setup, config)),
    runAdmin: new RunAdminAdapter(run, revisions, domainMappingCreator(setup, config)),
    logging: new LoggingAdapter(logging),
    http: httpProbe,
    secrets: new SecretsAdapter(secretManager),
  };
}
