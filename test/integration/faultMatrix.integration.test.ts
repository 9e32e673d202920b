// Issue 7, faults: every Cloud call a deploy makes, under every fault the
// emulator can inject (429, 500, 503, reset, hang, slow body), through the real
// SDK clients. Each case ends in a success after bounded retries or in a failed
// result that names the call, the cause and a fix, never a hang or a
// half-reported success, and never a duplicate build or service.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import { PreflightCache } from '../../src/core/deploy/projectAccess';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent, DeployResult } from '../../src/shared/protocol';
import type { Emulator, Fault } from '../../emulator/src/server';
import { emulatorState, useEmulator } from '../support/useEmulator';
import { sameWorkspace, testDeployOptions } from '../support/workspace';

/** 'corrupt' is not a failure of a call but damage only a checksum sees: its own test is below. */
type Kind = Exclude<Fault['kind'], 'corrupt'>;
const KINDS: Kind[] = ['429', '500', '503', 'reset', 'hang', 'slow'];

/** first: a new service; iam: the same, with the org refusing invokerIamDisabled (so the IAM policy path runs); update: a live service gets new code. */
type Scenario = 'first' | 'iam' | 'update';

interface Row {
  call: string;
  scenario: Scenario;
  method: string;
  path: RegExp;
  on?: 'service';
  /** Which matching request to fault (1 when absent). */
  nth?: number;
  /** What a failure's problem must name. */
  names: RegExp;
  /** Fault kinds after which this call must not make the deploy fail (the pipeline goes on without it, or retries it safely). */
  survives?: Kind[];
  /** Per-call limit for this row's deploy, when the SDK's own backoff needs more than LIMITS gives. */
  callTimeoutSeconds?: number;
}

const P = '/v1/projects/demo-project';
const L = `${P}/locations/europe-west1`;
const RUN = '/v2/projects/demo-project/locations/europe-west1';
const BUCKET = 'devgem-demo-project-europe-west1';
const ALL: Kind[] = KINDS;
const RETRIED: Kind[] = ['429', '500', '503', 'reset', 'slow'];

// The calls, as a deploy against the emulator makes them (the first test checks this list is complete).
const ROWS: Row[] = [
  { call: 'Service Usage batchGet', scenario: 'first', method: 'GET', path: new RegExp(`^${P}/services:batchGet$`), names: /enabled APIs/, survives: ALL },
  {
    call: 'Resource Manager testIamPermissions',
    scenario: 'first',
    method: 'POST',
    path: new RegExp(`^${P}:testIamPermissions$`),
    names: /permissions/,
    survives: ALL,
  },
  { call: 'Resource Manager project get', scenario: 'first', method: 'GET', path: new RegExp(`^${P}$`), names: /project/, survives: ALL },
  { call: 'Resource Manager getIamPolicy', scenario: 'first', method: 'POST', path: new RegExp(`^${P}:getIamPolicy$`), names: /IAM policy/, survives: ALL },
  {
    call: 'Artifact Registry getTag (incremental)',
    scenario: 'first',
    method: 'GET',
    path: new RegExp(`^${L}/repositories/devgem/packages/[^/]+/tags/`),
    names: /image/,
    survives: ALL,
  },
  // Bucket preparation (two calls, bounded at twice the per-call limit) gets 5 s per call, room for a loaded
  // CI machine: a hung request ends at its 1.5 s limit (storageRequestTimeoutMs) and is tried again after 0.5 s.
  { call: 'Storage bucket list', scenario: 'first', method: 'GET', path: /^\/storage\/v1\/b$/, names: /bucket/, survives: ALL, callTimeoutSeconds: 5 },
  { call: 'Storage bucket create', scenario: 'first', method: 'POST', path: /^\/storage\/v1\/b$/, names: /bucket/, survives: ALL, callTimeoutSeconds: 5 },
  { call: 'Storage resumable session start', scenario: 'first', method: 'POST', path: /^\/upload\/storage\/v1\/b\/[^/]+\/o$/, names: /Upload/, survives: ALL },
  { call: 'Storage chunk PUT', scenario: 'first', method: 'PUT', path: /^\/upload\/storage\/v1\/b\/[^/]+\/o$/, names: /Upload/, survives: ALL },
  {
    call: 'Artifact Registry repository get',
    scenario: 'first',
    method: 'GET',
    path: new RegExp(`^${L}/repositories/devgem$`),
    names: /Artifact Registry/,
    survives: RETRIED,
  },
  {
    call: 'Artifact Registry repository create',
    scenario: 'first',
    method: 'POST',
    path: new RegExp(`^${L}/repositories$`),
    names: /Artifact Registry/,
    survives: RETRIED,
  },
  {
    call: 'Artifact Registry operation poll',
    scenario: 'first',
    method: 'GET',
    path: new RegExp(`^${L}/operations/`),
    names: /Artifact Registry/,
    survives: RETRIED,
  },
  { call: 'Cloud Build create', scenario: 'first', method: 'POST', path: new RegExp(`^${L}/builds$`), names: /Cloud Build/, survives: ['slow'] },
  { call: 'Cloud Build log read', scenario: 'first', method: 'GET', path: new RegExp(`^/storage/v1/b/${BUCKET}/o/log-`), names: /build log/, survives: ALL },
  { call: 'Cloud Build get (poll)', scenario: 'first', method: 'GET', path: new RegExp(`^${L}/builds/[^/]+$`), names: /build/, survives: ALL },
  // Before the build: is the service new, or Devgem's from this folder (ownership.ts)?
  {
    call: 'Cloud Run service get (ownership check)',
    scenario: 'first',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    names: /service/,
    survives: RETRIED,
  },
  {
    call: 'Cloud Run service get',
    scenario: 'first',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    nth: 2,
    names: /service/,
    survives: RETRIED,
  },
  { call: 'Cloud Run service create', scenario: 'first', method: 'POST', path: new RegExp(`^${RUN}/services$`), names: /service/, survives: ['slow'] },
  { call: 'Cloud Run operation poll', scenario: 'first', method: 'GET', path: new RegExp(`^${RUN}/operations/`), names: /service/, survives: RETRIED },
  {
    call: 'Cloud Run patch (invokerIamDisabled)',
    scenario: 'first',
    method: 'PATCH',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    names: /invoker/,
    survives: RETRIED,
  },
  {
    call: 'Cloud Run getIamPolicy',
    scenario: 'iam',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app:getIamPolicy$`),
    names: /allUsers|invoker/,
    survives: RETRIED,
  },
  {
    call: 'Cloud Run setIamPolicy',
    scenario: 'iam',
    method: 'POST',
    path: new RegExp(`^${RUN}/services/fixture-app:setIamPolicy$`),
    names: /allUsers|invoker/,
    survives: RETRIED,
  },
  { call: 'health check GET of the service URL', scenario: 'first', method: 'GET', path: /^\/$/, on: 'service', names: /http:\/\/127\.0\.0\.1/, survives: ALL },
  {
    call: 'Cloud Run service get (update: ownership check)',
    scenario: 'update',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    names: /service/,
    survives: RETRIED,
  },
  {
    // Who may call it, shown if the service is not Devgem's: a policy that cannot be read is said so, not fatal.
    call: 'Cloud Run getIamPolicy (update: ownership check)',
    scenario: 'update',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app:getIamPolicy$`),
    names: /service/,
    survives: RETRIED,
  },
  {
    call: 'Cloud Run service get (update: lookup)',
    scenario: 'update',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    nth: 2,
    names: /service/,
    survives: RETRIED,
  },
  {
    call: 'Cloud Run service get (update: spec check)',
    scenario: 'update',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    nth: 3,
    names: /service/,
    survives: RETRIED,
  },
  {
    call: 'Cloud Run service get (update: before patch)',
    scenario: 'update',
    method: 'GET',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    nth: 4,
    names: /service/,
    survives: RETRIED,
  },
  {
    call: 'Cloud Run patch (update)',
    scenario: 'update',
    method: 'PATCH',
    path: new RegExp(`^${RUN}/services/fixture-app$`),
    names: /service/,
    survives: ['slow'],
  },
  {
    call: 'Cloud Run operation poll (update)',
    scenario: 'update',
    method: 'GET',
    path: new RegExp(`^${RUN}/operations/`),
    names: /service/,
    survives: RETRIED,
  },
];

/** What a failure's problem must say about the cause, per fault. */
const CAUSE: Record<Kind, RegExp> = {
  '429': /HTTP 429|rate|quota|too many/i,
  '500': /HTTP 500|internal/i,
  '503': /HTTP 503|unavailable/i,
  reset: /connection reset|socket hang up|ECONNRESET/i,
  hang: /timed out/i,
  slow: /timed out/i,
};

const APP = (text: string): Record<string, string> => ({
  'package.json': JSON.stringify({ name: 'fixture', scripts: { start: 'node server.js' } }),
  'server.js': `require('http').createServer((q, s) => s.end(${JSON.stringify(text)})).listen(Number(process.env.PORT));\n`,
});

interface EmuState {
  builds: { id: string }[];
  services: { name: string; latestReadyRevision: string | null }[];
}

/** Small limits, so a hung call fails the deploy in seconds. */
const LIMITS = { callTimeoutSeconds: 3, deployTimeoutSeconds: 6, verifyTimeoutSeconds: 4, buildTimeoutSeconds: 60 };

async function deploy(emu: Emulator, text: string, limits: Partial<typeof LIMITS> = {}): Promise<{ result: DeployResult; events: DeployEvent[]; ms: number }> {
  // The update scenario redeploys from the same folder, as a user does (ownership.ts asks otherwise); one per emulator, as they run side by side.
  const ws = await sameWorkspace(APP(text), `${emu.port}/fixture-app`);
  const events: DeployEvent[] = [];
  const started = Date.now();
  try {
    const result = await runDeploy(
      testDeployOptions(ws.root, { ...LIMITS, ...limits }),
      {
        ports: createCloudPorts({ emulatorHost: emu.host, storageRequestTimeoutMs: 1500 }),
        buildPollMs: 100,
        preflightCache: new PreflightCache(),
        emit: (e) => events.push(e),
      },
      new AbortController().signal,
    );
    return { result, events, ms: Date.now() - started };
  } finally {
    await ws.cleanup();
  }
}

async function state(emu: Emulator): Promise<EmuState> {
  return emulatorState<EmuState>(emu);
}

function faultOf(kind: Kind): Fault {
  if (kind === '429') return { kind, retryAfterSeconds: 1 };
  if (kind === 'slow') return { kind, bytesPerSecond: 4000 };
  return { kind } as Fault;
}

/** Resets the emulator and brings it to the scenario's starting point. */
async function prepare(emu: Emulator, scenario: Scenario): Promise<void> {
  emu.reset();
  await new Promise((r) => setTimeout(r, 50));
  if (scenario === 'iam') emu.configure({ refuseInvokerIamDisabled: true });
  if (scenario === 'update') {
    const first = await deploy(emu, 'v1');
    assert.equal(first.result.outcome, 'success', `setup deploy: ${JSON.stringify(first.result)}`);
    emu.faults.clear();
  }
}

interface CaseOutcome {
  kind: Kind;
  outcome: string;
  ms: number;
  fired: number;
  problems: string[];
  summary: string;
}

/** A case that threw (its setup failed), with what the emulator said about apps it ran. */
function thrown(kind: Kind, reason: unknown, log: readonly string[]): CaseOutcome {
  const message = reason instanceof Error ? reason.message : String(reason);
  const appLines = log.filter((l) => /^\[(run|fixture-app)/.test(l)).slice(-8);
  return { kind, outcome: 'threw', ms: 0, fired: 0, problems: [`${message}\n      emulator: ${appLines.join('\n      emulator: ')}`], summary: 'threw' };
}

/** One deploy under one fault; returns what went wrong (nothing: the case holds). */
async function runCase(emu: Emulator, row: Row, kind: Kind): Promise<CaseOutcome> {
  await prepare(emu, row.scenario);
  const before = await state(emu);
  emu.faults.add({ method: row.method, path: row.path, calls: [row.nth ?? 1], fault: faultOf(kind), on: row.on ?? 'api' });
  const { result, events, ms } = await deploy(emu, 'v2', row.callTimeoutSeconds ? { callTimeoutSeconds: row.callTimeoutSeconds } : {});
  const fired = emu.faults.hits().length;
  const problems: string[] = [];
  const after = await state(emu);
  const finished = events.filter((e) => e.type === 'finished');
  if (finished.length !== 1 || events[events.length - 1].type !== 'finished') problems.push('not exactly one finished event, last');
  if (fired !== 1) problems.push(`the fault fired ${fired} times (the row's call was not made as listed)`);
  const newBuilds = after.builds.length - before.builds.length;
  if (newBuilds > 1) problems.push(`${newBuilds} builds for one deploy`);
  if (after.services.length > 1) problems.push(`${after.services.length} services`);
  const mustSurvive = row.survives?.includes(kind) ?? false;
  if (result.outcome === 'success') {
    if (newBuilds !== 1) problems.push(`success with ${newBuilds} builds`);
    if (after.services.length !== 1 || !after.services[0].latestReadyRevision) problems.push('success without a ready service');
    const body = await fetch(result.url).then(
      (r) => (r.ok ? r.text() : `HTTP ${r.status}`),
      (e: Error) => e.message,
    );
    if (body !== 'v2') problems.push(`success, but the URL answers "${body}"`);
    const failedStage = events.find((e) => e.type === 'stage' && e.status === 'failed');
    if (failedStage) problems.push('success after a failed stage');
  } else if (result.outcome === 'failed') {
    if (mustSurvive) problems.push(`failed, but a ${kind} on this call should be survived`);
    const { message, fix } = result.problem;
    if (!row.names.test(message)) problems.push(`problem does not name the call (${row.names}): ${message}`);
    if (!CAUSE[kind].test(message)) problems.push(`problem does not name the cause (${CAUSE[kind]}): ${message}`);
    if (!fix || fix.length < 10) problems.push(`no fix: ${message}`);
    if (/^Unexpected error/.test(message)) problems.push(`untranslated: ${message}`);
  } else {
    problems.push(`outcome ${result.outcome}`);
  }
  const summary = result.outcome === 'failed' ? `failed: ${result.problem.message} | fix: ${result.problem.fix}` : result.outcome;
  return { kind, outcome: result.outcome, ms, fired, problems, summary };
}

describe('fault matrix: every deploy call × every fault, real SDKs against the emulator', function () {
  this.timeout(180_000);
  // One emulator per fault kind, so a row's cases run side by side; runCase resets the one it uses.
  const fixtures = KINDS.map(() => useEmulator({ knobs: { buildSeconds: 0.3, deploySeconds: 0.1 }, resetEachTest: false }));

  it('the table lists every call a deploy makes (first deploy, IAM fallback, update)', async () => {
    const emu = fixtures[0].emu;
    const seen = new Set<string>();
    for (const scenario of ['first', 'iam', 'update'] as Scenario[]) {
      await prepare(emu, scenario);
      const { result } = await deploy(emu, 'v2');
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      for (const r of emu.faults.requests()) {
        const row = ROWS.find((x) => x.method === r.method && x.path.test(r.path) && (x.on ?? 'api') === r.on);
        if (!row) seen.add(`${r.on} ${r.method} ${r.path}`);
      }
    }
    assert.deepEqual([...seen], [], 'calls the fault table does not cover');
  });

  for (const row of ROWS) {
    it(`${row.call}: ${KINDS.join(', ')}`, async () => {
      // Every case ends before the test does: one left running would reset the next test's emulator under it.
      const settled = await Promise.allSettled(KINDS.map((kind, i) => runCase(fixtures[i].emu, row, kind)));
      const outcomes = settled.map((s, i) => (s.status === 'fulfilled' ? s.value : thrown(KINDS[i], s.reason, fixtures[i].log)));
      if (process.env.FAULT_MATRIX_LOG) for (const o of outcomes) console.log(`    ${o.kind.padEnd(5)} ${String(o.ms).padStart(6)} ms ${o.summary}`);
      const bad = outcomes.filter((o) => o.problems.length);
      assert.deepEqual(
        bad.map((o) => `${o.kind}: ${o.problems.join('; ')}`),
        [],
      );
    });
  }
});

const MiB = 1024 * 1024;

/** Random bytes to upload in 1 MiB chunks to a fresh bucket of the emulator. */
async function uploadSetup(emu: Emulator, bytes: number, bucket: string) {
  const ports = createCloudPorts({ emulatorHost: emu.host, uploadChunkBytes: MiB });
  const at = { project: 'demo-project', bucket, object: 'source/big.tar.gz' };
  await ports.storage.ensureBucket({ project: at.project, bucket, location: 'europe-west1' }, new AbortController().signal);
  return { data: randomBytes(bytes), ports, at };
}

describe('a resumable upload survives a connection dropped half way through a chunk', function () {
  this.timeout(60_000);
  const fx = useEmulator();

  it('resumes from the last committed byte, not from zero', async () => {
    // Random bytes do not compress: a tarball of this size uploads as 4 chunks of 1 MiB.
    const { data, ports, at } = await uploadSetup(fx.emu, 3 * MiB + 12345, 'resume-test-bucket');
    // The second chunk PUT: its connection drops once half of it arrived.
    fx.emu.faults.add({ method: 'PUT', path: /^\/upload\/storage\/v1\/b\/[^/]+\/o$/, calls: [2], fault: { kind: 'reset' } });
    await ports.storage.upload({ ...at, source: Readable.from([data]), contentType: 'application/gzip' }, new AbortController().signal);

    assert.deepEqual(
      fx.emu.faults.hits().map((h) => h.kind),
      ['reset'],
    );
    const [session] = fx.emu.uploads().filter((u) => u.name === at.object);
    assert.equal(session.size, data.length);
    // Chunk 1 committed, chunk 2 dropped (nothing of it kept), then chunk 2 again from its first byte.
    assert.deepEqual(session.received, [
      { start: 0, end: MiB },
      { start: MiB, end: 2 * MiB },
      { start: 2 * MiB, end: 3 * MiB },
      { start: 3 * MiB, end: data.length },
    ]);
    assert.equal(session.received.filter((r) => r.start === 0).length, 1, 'the retry did not start over from byte 0');
    const stored = Buffer.from(await (await fetch(`${fx.emu.baseUrl}/storage/v1/b/${at.bucket}/o/${encodeURIComponent(at.object)}?alt=media`)).arrayBuffer());
    assert.ok(stored.equals(data), 'the object is the uploaded bytes');
  });
});

describe('an upload damaged on the way is caught by its CRC32C', function () {
  this.timeout(60_000);
  const fx = useEmulator();

  it('fails with what happened and what to do, and deletes the damaged object so no build reads it', async () => {
    const { data, ports, at } = await uploadSetup(fx.emu, 2 * MiB + 777, 'damage-test-bucket');
    // The second chunk arrives with one byte changed; the emulator stores what it got, as Cloud Storage would.
    fx.emu.faults.add({ method: 'PUT', path: /^\/upload\/storage\/v1\/b\/[^/]+\/o$/, calls: [2], fault: { kind: 'corrupt' } });
    await assert.rejects(
      ports.storage.upload({ ...at, source: Readable.from([data]), contentType: 'application/gzip' }, new AbortController().signal),
      (err: Error & { fix?: string }) => /arrived damaged/.test(err.message) && /Deploy again/.test(String(err.fix)),
    );
    assert.deepEqual(
      fx.emu.faults.hits().map((h) => h.kind),
      ['corrupt'],
    );
    const left = await fetch(`${fx.emu.baseUrl}/storage/v1/b/${at.bucket}/o/${encodeURIComponent(at.object)}`);
    assert.equal(left.status, 404, 'the damaged object was deleted');
  });
});
