// Cloud calls that really stop when Devgem stops waiting: through the real SDK
// clients against the emulator, a request Google never answers ends as soon as
// the caller's signal aborts, its connection closes (the emulator sees the
// client hang up), and nothing is tried again. Cloud Storage's JSON calls also
// end on their own per-request limit and are retried.
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import { isCancelled } from '../../src/core/base/errors';
import type { CloudPorts } from '../../src/core/cloud/ports';
import type { Emulator, FaultHit } from '../../emulator/src/server';
import { useEmulator } from '../support/useEmulator';

const PROJECT = 'demo-project';
const REGION = 'europe-west1';
const REF = { project: PROJECT, region: REGION, service: 'abort-app' };
const SPEC = { image: `${REGION}-docker.pkg.dev/${PROJECT}/devgem/abort-app:1`, port: 8080, labels: { 'managed-by': 'devgem' } };
const BUILD = { project: PROJECT, region: REGION, id: 'no-such-build' };
const BUCKET = 'devgem-abort-test-bucket';
const OPERATIONS = new RegExp(`^/v2/projects/${PROJECT}/locations/${REGION}/operations/`);

/**
 * Far below the SDKs' own limits (60 s a try), so only the abort can have ended
 * the call, yet roomy enough for a loaded CI machine (a 1 s bound failed there).
 */
const PROMPT_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
    await sleep(20);
  }
}

/** How `p` ended within `ms`: its value or error, or `pending` when it had not. */
async function ending(p: Promise<unknown>, ms: number): Promise<{ rejected: boolean; err?: unknown; pending?: boolean; value?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ rejected: boolean; pending: boolean }>((r) => (timer = setTimeout(() => r({ rejected: false, pending: true }), ms)));
  try {
    return await Promise.race([
      p.then(
        (value) => ({ rejected: false, value }),
        (err: unknown) => ({ rejected: true, err }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** REF's service, created without waiting for its rollout. */
async function createLiveService(emu: Emulator): Promise<void> {
  const res = await fetch(`${emu.baseUrl}/v2/projects/${PROJECT}/locations/${REGION}/services?serviceId=${REF.service}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer emulator' },
    body: JSON.stringify({ template: { containers: [{ image: SPEC.image }] } }),
  });
  assert.equal(res.status, 200, await res.text());
}

/**
 * `p`, collecting garbage every 50 ms until it settles. Node may collect an
 * AbortSignal.timeout joined to another signal with AbortSignal.any before it
 * fires (nodejs/node#57736): a time limit built that way then never ends a
 * request, and this makes that certain instead of occasional.
 */
async function collectingGarbage<T>(p: Promise<T>): Promise<T> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const timer = setInterval(gc, 50);
  try {
    return await p;
  } finally {
    clearInterval(timer);
  }
}

function hang(emu: Emulator): FaultHit | undefined {
  return emu.faults.hits().find((h) => h.kind === 'hang');
}

/**
 * Starts `work`, waits until its request hangs at the emulator, aborts, and checks
 * that the call ends at once as a cancel, that its connection was closed and that
 * no request followed.
 */
async function abortWhileHung(emu: Emulator, work: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const controller = new AbortController();
  const call = work(controller.signal);
  call.catch(() => undefined);
  await until('the request reached the emulator and hangs', () => hang(emu));
  const requests = emu.faults.requests().length;
  const abortedAt = Date.now();
  controller.abort();
  const end = await ending(call, 10_000);
  const ms = Date.now() - abortedAt;
  assert.ok(!end.pending, 'the call still waits 10 s after its signal aborted');
  assert.ok(end.rejected, 'the call succeeded though its request never got an answer');
  assert.ok(isCancelled(end.err), `not a cancel: ${String((end.err as Error)?.message ?? end.err)}`);
  assert.ok(ms < PROMPT_MS, `the call ended ${ms} ms after the abort`);
  await until('the emulator saw the client close the hung connection', () => (hang(emu)?.closedByClient ? true : undefined), 2000);
  await sleep(600);
  assert.deepEqual(emu.faults.requests().slice(requests), [], 'requests after the abort (a retry, or polling)');
}

describe('SDK calls stop when Devgem stops waiting (real SDKs against the emulator)', function () {
  this.timeout(60_000);
  // Rollouts take long enough for a test to abort the wait for one.
  const fx = useEmulator({ knobs: { buildSeconds: 0.4, deploySeconds: 20 } });

  describe('every port call ends at once, and hangs up, when its signal aborts while Google does not answer', () => {
    const CALLS: Record<string, (p: CloudPorts, s: AbortSignal) => Promise<unknown>> = {
      'run.getService': (p, s) => p.run.getService(REF, s),
      'run.previewUpdate': (p, s) => p.run.previewUpdate(REF, SPEC, s),
      'run.createService': (p, s) => p.run.createService(REF, SPEC, s),
      'run.updateService': (p, s) => p.run.updateService(REF, SPEC, s),
      'run.disableInvokerIam': (p, s) => p.run.disableInvokerIam(REF, s),
      'run.grantPublicInvoker': (p, s) => p.run.grantPublicInvoker(REF, s),
      'run.listDomainMappings': (p, s) => p.run.listDomainMappings(REF, s),
      'runAdmin.listServices': (p, s) => p.runAdmin.listServices({ project: PROJECT, region: REGION }, s),
      'runAdmin.describeService': (p, s) => p.runAdmin.describeService(REF, s),
      'runAdmin.listRevisions': (p, s) => p.runAdmin.listRevisions(REF, s),
      'runAdmin.routeAllTraffic': (p, s) => p.runAdmin.routeAllTraffic(REF, 'abort-app-00001-abc', s),
      'runAdmin.updateEnv': (p, s) => p.runAdmin.updateEnv(REF, { set: { A: '1' }, unset: [] }, s),
      'runAdmin.deleteService': (p, s) => p.runAdmin.deleteService(REF, s),
      'build.start': (p, s) =>
        p.build.start(
          {
            project: PROJECT,
            region: REGION,
            bucket: BUCKET,
            object: 'source/a.tar.gz',
            image: SPEC.image,
            dockerfile: 'Dockerfile',
            logsBucket: `gs://${BUCKET}`,
            timeoutSeconds: 600,
          },
          s,
        ),
      'build.get': (p, s) => p.build.get(BUILD, s),
      'build.readLog': (p, s) => p.build.readLog({ ...BUILD, maxLines: 10 }, s),
      'build.cancel': (p, s) => p.build.cancel(BUILD, s),
      'registry.ensureDockerRepository': (p, s) => p.registry.ensureDockerRepository({ project: PROJECT, location: REGION, repository: 'devgem' }, s),
      'registry.findImageByTag': (p, s) =>
        p.registry.findImageByTag({ project: PROJECT, location: REGION, repository: 'devgem', image: 'abort-app', tag: 'src-1' }, s),
      'secrets.ensureSecret': (p, s) => p.secrets.ensureSecret(PROJECT, 'ABORT_SECRET', { 'managed-by': 'devgem' }, s),
      'secrets.latestMatching': (p, s) => p.secrets.latestMatching(PROJECT, 'ABORT_SECRET', 'value', s),
      'secrets.addVersion': (p, s) => p.secrets.addVersion(PROJECT, 'ABORT_SECRET', 'value', s),
      'secrets.roleMembers': (p, s) => p.secrets.roleMembers(PROJECT, 'ABORT_SECRET', 'roles/secretmanager.secretAccessor', s),
      'secrets.grantRole': (p, s) => p.secrets.grantRole(PROJECT, 'ABORT_SECRET', 'roles/secretmanager.secretAccessor', 'serviceAccount:a@b.c', s),
      'logging.readServiceLogs': (p, s) => p.logging.readServiceLogs({ ...REF, limit: 10 }, s),
      'storage.ensureBucket': (p, s) => p.storage.ensureBucket({ project: PROJECT, bucket: BUCKET, location: REGION }, s),
      'storage.readFrom': (p, s) => p.storage.readFrom({ project: PROJECT, bucket: BUCKET, object: 'log-1.txt', offset: 0 }, s),
      'preflight.enabledServices': (p, s) => p.preflight.enabledServices(PROJECT, ['run.googleapis.com'], s),
      'preflight.testPermissions': (p, s) => p.preflight.testPermissions(PROJECT, ['run.services.get'], s),
    };
    for (const [name, work] of Object.entries(CALLS)) {
      it(name, async () => {
        // The call's first request, whatever it is, never gets an answer.
        fx.emu.faults.add({ path: /.*/, calls: [1], fault: { kind: 'hang' } });
        await abortWhileHung(fx.emu, (s) => work(fx.ports, s));
      });
    }

    // Lists are read a page at a time by Devgem: gax's own paging would leave the request in flight.
    const PAGED: Record<string, [RegExp, (p: CloudPorts, s: AbortSignal) => Promise<unknown>]> = {
      'runAdmin.listServices (a page)': [
        new RegExp(`^/v2/projects/${PROJECT}/locations/${REGION}/services$`),
        (p, s) => p.runAdmin.listServices({ project: PROJECT, region: REGION }, s),
      ],
      'runAdmin.listRevisions (a page)': [/\/revisions$/, (p, s) => p.runAdmin.listRevisions(REF, s)],
    };
    for (const [name, [path, work]] of Object.entries(PAGED)) {
      it(name, async () => {
        await createLiveService(fx.emu);
        fx.emu.faults.add({ method: 'GET', path, calls: [1], fault: { kind: 'hang' } });
        await abortWhileHung(fx.emu, (s) => work(fx.ports, s));
      });
    }
  });

  describe('long-running operations stop polling when the signal aborts', () => {
    it('a Cloud Run rollout: the poll in flight hangs up and no poll follows', async () => {
      fx.emu.faults.add({ method: 'GET', path: OPERATIONS, calls: [2], fault: { kind: 'hang' } });
      await abortWhileHung(fx.emu, (s) => fx.ports.run.createService(REF, SPEC, s));
      assert.equal(fx.emu.faults.requests().filter((r) => OPERATIONS.test(r.path)).length, 2);
    });

    it('an operation looked up again after a failed poll (check…Progress) gets the signal too', async () => {
      // The first poll fails (500: not retried by gax, transient for Devgem), the
      // operation is looked up again by name (2nd GET), and its first poll hangs.
      fx.emu.faults.add({ method: 'GET', path: OPERATIONS, calls: [1], fault: { kind: '500' } });
      fx.emu.faults.add({ method: 'GET', path: OPERATIONS, calls: [3], fault: { kind: 'hang' } });
      await abortWhileHung(fx.emu, (s) => fx.ports.run.createService(REF, SPEC, s));
      assert.deepEqual(
        fx.emu.faults.hits().map((h) => [h.kind, h.call]),
        [
          ['500', 1],
          ['hang', 3],
        ],
      );
    });

    it("a rollout waited for on gax's own backoff (runAdmin.updateEnv): the wait ends between two polls", async () => {
      await createLiveService(fx.emu);
      const polls = () => fx.emu.faults.requests().filter((r) => r.method === 'GET' && OPERATIONS.test(r.path)).length;
      const controller = new AbortController();
      const call = fx.ports.runAdmin.updateEnv(REF, { set: { A: '1' }, unset: [] }, controller.signal);
      call.catch(() => undefined);
      // gax's default backoff grows ×1.3 from 100 ms: after the 11th poll the next is 1.8 s away, nothing in flight.
      await until('11 polls of the rollout', () => (polls() >= 11 ? true : undefined), 10_000);
      const atAbort = polls();
      controller.abort();
      const end = await ending(call, 10_000);
      const atEnd = polls();
      assert.ok(end.rejected && isCancelled(end.err), `not a cancel: ${end.pending ? 'still waiting' : String((end.err as Error)?.message)}`);
      // Without the fix the wait ends only at the next poll: here it ended before one was sent.
      assert.equal(atEnd, atAbort, 'the wait lasted until another poll');
      const seen = polls();
      await sleep(2500);
      assert.equal(polls(), seen, 'polled after the abort');
    });
  });

  describe('Cloud Storage JSON calls end on their own per-request limit and are retried', () => {
    let ports: CloudPorts;
    before(() => {
      ports = createCloudPorts({ emulatorHost: fx.emu.host, storageRequestTimeoutMs: 1000 });
    });
    const signal = () => new AbortController().signal;

    it('a hung bucket list: the bucket is still created, after one retry', async () => {
      fx.emu.faults.add({ method: 'GET', path: /^\/storage\/v1\/b$/, calls: [1], fault: { kind: 'hang' } });
      // Without a working per-request limit the hung list never ends; with its 1 s limit it ends after one retry,
      // so 30 s only leaves room for a loaded machine's GC pauses (the collector runs every 50 ms here).
      const end = await ending(collectingGarbage(ports.storage.ensureBucket({ project: PROJECT, bucket: BUCKET, location: REGION }, signal())), 30_000);
      assert.ok(!end.pending && !end.rejected, `ensureBucket: ${end.pending ? 'still waiting after 30 s' : String((end.err as Error)?.message)}`);
      assert.equal(hang(fx.emu)?.closedByClient, true, 'the timed-out request was not hung up');
      // On a loaded machine the create itself may outlast the 1 s limit and be retried (a 409 then re-lists): only the start is fixed.
      assert.deepEqual(
        fx.emu.faults
          .requests()
          .slice(0, 3)
          .map((r) => `${r.method} ${r.path}`),
        ['GET /storage/v1/b', 'GET /storage/v1/b', 'POST /storage/v1/b'],
      );
      const { buckets } = await fx.state<{ buckets: { name: string }[] }>();
      assert.equal(buckets.filter((b) => b.name === BUCKET).length, 1);
    });

    it('a hung bucket create: the bucket exists once, after one retry', async () => {
      fx.emu.faults.add({ method: 'POST', path: /^\/storage\/v1\/b$/, calls: [1], fault: { kind: 'hang' } });
      const end = await ending(collectingGarbage(ports.storage.ensureBucket({ project: PROJECT, bucket: BUCKET, location: REGION }, signal())), 30_000);
      assert.ok(!end.pending && !end.rejected, `ensureBucket: ${end.pending ? 'still waiting after 30 s' : String((end.err as Error)?.message)}`);
      assert.equal(hang(fx.emu)?.closedByClient, true);
      const { buckets } = await fx.state<{ buckets: { name: string }[] }>();
      assert.equal(buckets.filter((b) => b.name === BUCKET).length, 1);
    });

    it('a hung object read (a build log) returns the object after one retry', async () => {
      await ports.storage.ensureBucket({ project: PROJECT, bucket: BUCKET, location: REGION }, signal());
      await ports.storage.upload(
        { project: PROJECT, bucket: BUCKET, object: 'log-1.txt', source: Readable.from([Buffer.from('step 1\nstep 2\n')]), contentType: 'text/plain' },
        signal(),
      );
      fx.emu.faults.add({ method: 'GET', path: /^\/storage\/v1\/b\/[^/]+\/o\/log-1\.txt$/, calls: [1], fault: { kind: 'hang' } });
      const end = await ending(
        collectingGarbage(ports.storage.readFrom({ project: PROJECT, bucket: BUCKET, object: 'log-1.txt', offset: 7 }, signal())),
        30_000,
      );
      assert.ok(!end.pending && !end.rejected, `readFrom: ${end.pending ? 'still waiting after 30 s' : String((end.err as Error)?.message)}`);
      assert.equal((end.value as Buffer | undefined)?.toString('utf8'), 'step 2\n');
      assert.equal(hang(fx.emu)?.closedByClient, true);
      // Nothing past the end yet, and no such object: what the log tailer polls for.
      assert.equal((await ports.storage.readFrom({ project: PROJECT, bucket: BUCKET, object: 'log-1.txt', offset: 14 }, signal()))?.length, 0);
      assert.equal(await ports.storage.readFrom({ project: PROJECT, bucket: BUCKET, object: 'log-2.txt', offset: 0 }, signal()), undefined);
    });
  });
});
