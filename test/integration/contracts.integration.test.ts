// Google's published API contracts, enforced by the emulator (emulator/src/contracts),
// seen from the real clients: the SDK's REST transport and the auth client the adapters use.
import * as assert from 'node:assert/strict';
import { ServicesClient } from '@google-cloud/run';
import { OAuth2Client } from 'google-auth-library';
import { startEmulator, type Emulator } from '../../emulator/src/server';

const PROJECT = 'devgem-test';
const PARENT = `projects/${PROJECT}/locations/us-central1`;
const IMAGE = 'us-central1-docker.pkg.dev/devgem-test/devgem/app:v1';

interface GaxiosFailure {
  status?: number;
  response?: { status: number; data: unknown; headers: unknown };
}

describe('Google’s published contracts in the emulator (real clients)', function () {
  this.timeout(30000);
  let emu: Emulator;
  let auth: OAuth2Client;
  let services: ServicesClient;

  before(async () => {
    emu = await startEmulator({ knobs: { deploySeconds: 0.1 } });
    auth = new OAuth2Client();
    auth.setCredentials({ access_token: 'test', expiry_date: Date.now() + 3600e3 });
    services = new ServicesClient({ fallback: true, apiEndpoint: '127.0.0.1', port: emu.port, protocol: 'http', authClient: auth });
  });
  after(async () => {
    await services?.close();
    await emu?.close();
  });
  beforeEach(() => emu.reset());

  /** A raw REST call through the auth client, as the adapters' own JSON calls go; the answer whatever its status. */
  async function rest(method: 'GET' | 'POST' | 'PATCH', path: string, data?: unknown): Promise<{ status: number; data: unknown }> {
    try {
      const res = await auth.request({ url: `${emu.baseUrl}${path}`, method, data, retry: false });
      return { status: res.status, data: res.data };
    } catch (err) {
      const r = (err as GaxiosFailure).response;
      if (!r) throw err;
      return { status: r.status, data: r.data };
    }
  }

  it('the SDK drops a misspelled field itself: a raw request with one gets Google’s 400 Unknown name', async () => {
    const service = { template: { containers: [{ image: IMAGE, envs: [{ name: 'A', value: '1' }] }] } };
    // Through the SDK: its proto3 serializer (fromObject) silently leaves the unknown `envs` out, so the
    // service is created without it. Google never sees the typo, which is why the check needs raw REST.
    // (The rollout then fails, as no image was built here; what was accepted is what matters.)
    await services.createService({ parent: PARENT, serviceId: 'typo-sdk', service: service as never });
    const [created] = await services.getService({ name: `${PARENT}/services/typo-sdk` });
    assert.equal(created.template?.containers?.[0]?.image, IMAGE);
    assert.equal(created.template?.containers?.[0]?.env?.length ?? 0, 0);

    const res = await rest('POST', `/v2/${PARENT}/services?serviceId=typo-raw`, service);
    const message = `Invalid JSON payload received. Unknown name "envs" at 'service.template.containers[0]': Cannot find field.`;
    assert.equal(res.status, 400);
    assert.deepEqual(res.data, {
      error: {
        code: 400,
        message,
        status: 'INVALID_ARGUMENT',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'service.template.containers[0]', description: message }] },
        ],
      },
    });
    const [list] = await services.listServices({ parent: PARENT });
    assert.deepEqual(
      list.map((s) => s.name),
      [`${PARENT}/services/typo-sdk`],
    );
  });

  it('a misspelled required field through the SDK comes back as Google’s "required field not present"', async () => {
    await assert.rejects(
      services.createService({ parent: PARENT, serviceId: 'web', service: { templat: { containers: [{ image: IMAGE }] } } as never }),
      (err: Error & { code?: number }) => {
        assert.equal(err.code, 3); // INVALID_ARGUMENT
        assert.match(err.message, /Violation in CreateServiceRequest\.service\.template: required field not present\./);
        return true;
      },
    );
  });

  it('an unpublished URL is Google’s HTML 404, an unknown query parameter a 400', async () => {
    const missing = await rest('GET', `/v2/${PARENT}/servicez`);
    assert.equal(missing.status, 404);
    assert.match(
      String(missing.data),
      /The requested URL <code>\/v2\/projects\/devgem-test\/locations\/us-central1\/servicez<\/code> was not found on this server/,
    );
    const query = await rest('GET', `/v2/${PARENT}/services?pageSise=5`);
    assert.equal(query.status, 400);
    assert.match(JSON.stringify(query.data), /Unknown name \\"pageSise\\": Cannot bind query parameter/);
  });

  it('Cloud Storage: an unknown bucket field is refused in Storage’s error shape', async () => {
    const res = await rest('POST', `/storage/v1/b?project=${PROJECT}`, { name: 'devgem-typo', locaton: 'EU' });
    assert.equal(res.status, 400);
    const error = (res.data as { error: { message: string; errors: { reason: string }[] } }).error;
    assert.equal(error.message, 'Invalid JSON payload received. Unknown name "locaton": Cannot find field.');
    assert.equal(error.errors[0].reason, 'invalid');
  });

  it('the contracts knob turns the check off for a test that needs the old leniency', async () => {
    emu.configure({ contracts: false });
    const res = await rest('POST', `/v2/${PARENT}/services?serviceId=lenient`, { template: { containers: [{ image: IMAGE, envs: [] }] } });
    assert.equal(res.status, 200);
  });
});
