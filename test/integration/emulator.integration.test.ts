import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactRegistryClient } from '@google-cloud/artifact-registry';
import { CloudBuildClient, protos as cbProtos } from '@google-cloud/cloudbuild';
import { RevisionsClient, ServicesClient, protos as runProtos } from '@google-cloud/run';
import { CRC32C, Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
import { create as tarCreate } from 'tar';
import { useEmulator } from '../support/useEmulator';

const PROJECT = 'devgem-test';
const REGION = 'us-central1';
const LRO = { longrunning: { initialRetryDelayMillis: 10, retryDelayMultiplier: 1.3, maxRetryDelayMillis: 200, totalTimeoutMillis: 30000 } };
const BuildStatus = cbProtos.google.devtools.cloudbuild.v1.Build.Status;
const CondState = runProtos.google.cloud.run.v2.Condition.State;

/** Enum values come back as names from get* calls and as numbers from LRO results. */
function enumName(e: Record<string, string | number>, v: unknown): string {
  return typeof v === 'number' ? String(e[v]) : String(v);
}

function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function tarball(files: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'devgem-emu-test-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const chunks: Buffer[] = [];
    const stream = tarCreate({ gzip: true, cwd: dir }, Object.keys(files)) as unknown as NodeJS.ReadableStream;
    for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SERVER_JS = `const http = require('http');
http.createServer((req, res) => {
  res.end('hello from fixture' + (process.env.SUFFIX ? ' ' + process.env.SUFFIX : ''));
}).listen(Number(process.env.PORT), () => console.log('fixture listening on ' + process.env.PORT));
`;
const NODE_APP = {
  Dockerfile: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
  'server.js': SERVER_JS,
  'package.json': JSON.stringify({ name: 'fixture', version: '1.0.0', scripts: { start: 'node server.js' } }),
};

describe('Devgem cloud emulator (real Google SDKs)', function () {
  this.timeout(30000);
  // The tests build on each other (a bucket, a build, a service made by earlier ones): no reset between them.
  const fx = useEmulator({ knobs: { buildSeconds: 0.6, deploySeconds: 0.1 }, resetEachTest: false, printLogOnFailure: true });
  let storage: Storage;
  let builds: CloudBuildClient;
  let services: ServicesClient;
  let revisions: RevisionsClient;
  let registry: ArtifactRegistryClient;
  const SRC_BUCKET = `${PROJECT}_cloudbuild`;
  const LOG_BUCKET = `${PROJECT}-build-logs`;
  const IMAGE = `${REGION}-docker.pkg.dev/${PROJECT}/devgem/app:v1`;
  const PARENT = `projects/${PROJECT}/locations/${REGION}`;

  before(async () => {
    const emu = fx.emu;
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'test', expiry_date: Date.now() + 3600e3 });
    const opts = { fallback: true, apiEndpoint: '127.0.0.1', port: emu.port, protocol: 'http', authClient };
    storage = new Storage({ apiEndpoint: emu.baseUrl, projectId: PROJECT });
    builds = new CloudBuildClient(opts);
    services = new ServicesClient(opts);
    revisions = new RevisionsClient(opts);
    registry = new ArtifactRegistryClient(opts);
  });

  after(async () => {
    await Promise.all([builds?.close(), services?.close(), revisions?.close(), registry?.close()]);
  });

  async function submit(files: Record<string, string>, image: string, object: string): Promise<string> {
    await storage
      .bucket(SRC_BUCKET)
      .file(object)
      .save(await tarball(files), { resumable: false });
    const [op] = await builds.createBuild(
      {
        projectId: PROJECT,
        build: {
          source: { storageSource: { bucket: SRC_BUCKET, object } },
          steps: [{ name: 'gcr.io/cloud-builders/docker', args: ['build', '-t', image, '.'] }],
          images: [image],
          logsBucket: `gs://${LOG_BUCKET}`,
          options: { logging: 'GCS_ONLY' },
          timeout: { seconds: 600 },
        },
      },
      LRO,
    );
    const meta = op.metadata as cbProtos.google.devtools.cloudbuild.v1.IBuildOperationMetadata;
    assert.ok(meta.build?.id, 'operation metadata carries the build');
    assert.match(String(op.name), new RegExp(`^operations/build/${PROJECT}/[A-Za-z0-9+/=]+$`));
    return meta.build.id;
  }

  async function waitBuild(id: string): Promise<cbProtos.google.devtools.cloudbuild.v1.IBuild> {
    for (;;) {
      const [b] = await builds.getBuild({ projectId: PROJECT, id });
      if (!['QUEUED', 'WORKING'].includes(enumName(BuildStatus, b.status))) return b;
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  const readLog = async (id: string): Promise<string> => (await storage.bucket(LOG_BUCKET).file(`log-${id}.txt`).download())[0].toString('utf8');

  describe('Cloud Storage', () => {
    it('creates, gets and lists buckets; names are global (409)', async () => {
      const [bucket] = await storage.createBucket(SRC_BUCKET, { location: 'us-central1' });
      const [meta] = await bucket.getMetadata();
      assert.equal(meta.name, SRC_BUCKET);
      assert.equal(meta.location, 'US-CENTRAL1');
      assert.match(String(meta.projectNumber), /^\d{12}$/);
      await storage.createBucket(LOG_BUCKET);
      const [list] = await storage.getBuckets({ prefix: PROJECT });
      assert.deepEqual(list.map((b) => b.name).sort(), [SRC_BUCKET, LOG_BUCKET].sort());
      await assert.rejects(storage.createBucket(SRC_BUCKET), (e: { code?: number; message: string }) => e.code === 409 && /already own it/.test(e.message));
      fx.emu.seedBucket('someone-elses-bucket', 'other-project');
      await assert.rejects(
        storage.createBucket('someone-elses-bucket'),
        (e: { code?: number; message: string }) => e.code === 409 && /not available/.test(e.message),
      );
      const [mine] = await storage.getBuckets();
      assert.ok(!mine.some((b) => b.name === 'someone-elses-bucket'), 'other projects buckets are not listed');
      await assert.rejects(storage.bucket('no-such-bucket-xyz').getMetadata(), (e: { code?: number }) => e.code === 404);
    });

    it('resumable upload of several MB, then full and ranged download', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 123);
      const file = storage.bucket(SRC_BUCKET).file('big/blob.bin');
      await pipeline(
        Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)]),
        file.createWriteStream({ resumable: true, contentType: 'application/octet-stream' }),
      );
      const [meta] = await file.getMetadata();
      assert.equal(Number(meta.size), data.length);
      assert.ok(meta.crc32c && meta.md5Hash && meta.generation);
      const [all] = await file.download();
      assert.ok(all.equals(data));
      const [tail] = await file.download({ start: 3_000_000 });
      assert.ok(tail.equals(data.subarray(3_000_000)));
      await assert.rejects(file.download({ start: data.length + 5 }), (e: { code?: number }) => e.code === 416);
    });

    it('resumable upload in chunks answers 308 with Range', async () => {
      const data = randomBytes(600 * 1024);
      const file = storage.bucket(SRC_BUCKET).file('chunked.bin');
      await file.save(data, { resumable: true, chunkSize: 256 * 1024 });
      const [back] = await file.download();
      assert.ok(back.equals(data));
    });

    it('ifGenerationMatch: 0 writes only a new object (412 once it exists, resumable or not); the current generation overwrites', async () => {
      const file = storage.bucket(SRC_BUCKET).file('precondition/only-once.txt');
      await file.save('first', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } });
      const [meta] = await file.getMetadata();
      for (const resumable of [true, false]) {
        await assert.rejects(
          file.save(`second ${resumable}`, { resumable, preconditionOpts: { ifGenerationMatch: 0 } }),
          (e: { code?: number }) => e.code === 412,
          `resumable: ${resumable}`,
        );
      }
      assert.equal((await file.download())[0].toString(), 'first', 'a refused write changed nothing');
      await assert.rejects(
        file.save('stale', { resumable: false, preconditionOpts: { ifGenerationMatch: Number(meta.generation) + 1 } }),
        (e: { code?: number }) => e.code === 412,
      );
      await file.save('third', { resumable: false, preconditionOpts: { ifGenerationMatch: Number(meta.generation) } });
      assert.equal((await file.download())[0].toString(), 'third');
    });

    it('a resumable session started while the object was absent is refused at the end if it appeared meanwhile', async () => {
      const name = 'precondition/raced.bin';
      const res = await fetch(
        `${fx.emu.baseUrl}/upload/storage/v1/b/${SRC_BUCKET}/o?uploadType=resumable&name=${encodeURIComponent(name)}&ifGenerationMatch=0`,
        {
          method: 'POST',
          headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
          body: '{}',
        },
      );
      assert.equal(res.status, 200);
      const session = res.headers.get('location');
      assert.ok(session);
      await storage.bucket(SRC_BUCKET).file(name).save('someone else', { resumable: false });
      const put = await fetch(session, { method: 'PUT', headers: { 'content-range': 'bytes 0-3/4' }, body: 'mine' });
      assert.equal(put.status, 412);
      assert.equal((await storage.bucket(SRC_BUCKET).file(name).download())[0].toString(), 'someone else');
    });

    it('multipart upload, metadata with crc32c, list and delete', async () => {
      const file = storage.bucket(SRC_BUCKET).file('small.txt');
      await file.save('hello storage', { resumable: false, contentType: 'text/plain' });
      const [meta] = await file.getMetadata();
      assert.equal(Number(meta.size), 13);
      assert.equal(meta.contentType, 'text/plain');
      const expected = new CRC32C();
      expected.update(Buffer.from('hello storage'));
      assert.equal(meta.crc32c, expected.toString());
      const [files] = await storage.bucket(SRC_BUCKET).getFiles();
      assert.ok(files.some((f) => f.name === 'small.txt'));
      await file.delete();
      assert.equal((await file.exists())[0], false);
    });
  });

  describe('Artifact Registry', () => {
    it('404 before, create (LRO) then get', async () => {
      const name = `${PARENT}/repositories/devgem`;
      await assert.rejects(registry.getRepository({ name }), (e: { code?: number }) => e.code === 5);
      const [op] = await registry.createRepository({ parent: PARENT, repositoryId: 'devgem', repository: { format: 'DOCKER' } }, LRO);
      const [repo] = await op.promise();
      assert.equal(repo.name, name);
      const [got] = await registry.getRepository({ name });
      assert.equal(got.name, name);
      assert.equal(got.format, 'DOCKER');
      await assert.rejects(registry.createRepository({ parent: PARENT, repositoryId: 'devgem', repository: {} }), (e: { code?: number }) => e.code === 6);
    });
  });

  describe('Cloud Build', () => {
    it('builds a tarball to SUCCESS, log object grows while WORKING', async () => {
      fx.emu.configure({ buildSeconds: 1.2 });
      const id = await submit(NODE_APP, IMAGE, 'source/app-v1.tgz');
      const sizes: number[] = [];
      for (;;) {
        const [b] = await builds.getBuild({ projectId: PROJECT, id });
        const status = enumName(BuildStatus, b.status);
        if (status === 'WORKING') {
          const [exists] = await storage.bucket(LOG_BUCKET).file(`log-${id}.txt`).exists();
          if (exists) sizes.push((await readLog(id)).length);
        } else if (status !== 'QUEUED') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      fx.emu.configure({ buildSeconds: 0.6 });
      const distinct = [...new Set(sizes)];
      assert.ok(distinct.length >= 2, `log grew in steps while WORKING: ${distinct.join(',')}`);
      assert.deepEqual(
        distinct,
        [...distinct].sort((a, b) => a - b),
      );
      const b = await waitBuild(id);
      assert.equal(enumName(BuildStatus, b.status), 'SUCCESS');
      assert.equal(b.results?.images?.[0]?.name, IMAGE);
      assert.match(String(b.results?.images?.[0]?.digest), /^sha256:[0-9a-f]{64}$/);
      assert.ok(b.logUrl && b.createTime && b.startTime && b.finishTime);
      const log = await readLog(id);
      for (const want of [
        'FETCHSOURCE',
        `Fetching storage object: gs://${SRC_BUCKET}/source/app-v1.tgz`,
        'BUILD',
        'Step 1/4 : FROM node:20-slim',
        'Step 4/4 : CMD ["node", "server.js"]',
        'Successfully built',
        'PUSH',
        `Pushing ${IMAGE}`,
        'DONE',
      ]) {
        assert.ok(log.includes(want), `log has ${want}`);
      }
    });

    it('the LRO resolves to the Build (numeric enums in LRO results)', async () => {
      const [op] = await builds.createBuild(
        {
          projectId: PROJECT,
          build: {
            source: { storageSource: { bucket: SRC_BUCKET, object: 'source/app-v1.tgz' } },
            steps: [{ name: 'gcr.io/cloud-builders/docker', args: ['build', '-t', `${IMAGE}-again`, '.'] }],
            images: [`${IMAGE}-again`],
          },
        },
        LRO,
      );
      const [b] = await op.promise();
      assert.equal(enumName(BuildStatus, b.status), 'SUCCESS');
      assert.match(String(b.logsBucket), /^gs:\/\/\d+\.cloudbuild-logs\.googleusercontent\.com$/);
    });

    it('regional builds use the locations form and regional operations', async () => {
      const [op] = await builds.createBuild(
        {
          parent: PARENT,
          build: {
            source: { storageSource: { bucket: SRC_BUCKET, object: 'source/app-v1.tgz' } },
            steps: [{ name: 'gcr.io/cloud-builders/docker', args: ['build', '-t', `${IMAGE}-regional`, '.'] }],
            images: [`${IMAGE}-regional`],
          },
        },
        LRO,
      );
      assert.match(String(op.name), new RegExp(`^${PARENT}/operations/`));
      const [b] = await op.promise();
      assert.equal(enumName(BuildStatus, b.status), 'SUCCESS');
      const [got] = await builds.getBuild({ name: `${PARENT}/builds/${String(b.id)}` });
      assert.equal(got.id, b.id);
    });

    it('fails on RUN exit 1 with docker and Cloud Build error lines', async () => {
      const id = await submit(
        { ...NODE_APP, Dockerfile: 'FROM node:20-slim\nCOPY . .\nRUN npm test && exit 1\nCMD ["node","server.js"]\n' },
        `${REGION}-docker.pkg.dev/${PROJECT}/devgem/broken:v1`,
        'source/broken.tgz',
      );
      const b = await waitBuild(id);
      assert.equal(enumName(BuildStatus, b.status), 'FAILURE');
      assert.ok(b.failureInfo?.detail?.includes('step exited with non-zero status: 1'));
      const lines = (await readLog(id)).trimEnd().split('\n');
      assert.equal(lines[lines.length - 1], 'ERROR: build step 0 "gcr.io/cloud-builders/docker" failed: step exited with non-zero status: 1');
      assert.ok(lines.includes("The command '/bin/sh -c npm test && exit 1' returned a non-zero code: 1"));
      assert.equal(fx.emu.knobs.buildOutcome, 'success');
    });

    it('fails without a Dockerfile, and via the buildOutcome knob', async () => {
      const noDockerfile = await submit({ 'server.js': SERVER_JS }, `${REGION}-docker.pkg.dev/${PROJECT}/devgem/nodf:v1`, 'source/nodf.tgz');
      assert.equal(enumName(BuildStatus, (await waitBuild(noDockerfile)).status), 'FAILURE');
      assert.ok(
        (await readLog(noDockerfile)).includes(
          'unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat /workspace/Dockerfile: no such file or directory',
        ),
      );
      fx.emu.configure({ buildOutcome: 'failure' });
      try {
        const forced = await submit(NODE_APP, `${REGION}-docker.pkg.dev/${PROJECT}/devgem/forced:v1`, 'source/forced.tgz');
        assert.equal(enumName(BuildStatus, (await waitBuild(forced)).status), 'FAILURE');
        assert.ok((await readLog(forced)).includes('npm ERR! code ERESOLVE'));
      } finally {
        fx.emu.configure({ buildOutcome: 'success' });
      }
      const [missingOp] = await builds.createBuild(
        {
          projectId: PROJECT,
          build: {
            source: { storageSource: { bucket: SRC_BUCKET, object: 'nope.tgz' } },
            steps: [{ name: 'gcr.io/cloud-builders/docker', args: ['build', '-t', 'x', '.'] }],
          },
        },
        LRO,
      );
      await assert.rejects(missingOp.promise(), (e: { code?: number }) => e.code === 2);
    });

    it('cancel yields CANCELLED', async () => {
      fx.emu.configure({ buildSeconds: 10 });
      try {
        const id = await submit(NODE_APP, `${REGION}-docker.pkg.dev/${PROJECT}/devgem/cancel:v1`, 'source/cancel.tgz');
        const [cancelled] = await builds.cancelBuild({ projectId: PROJECT, id });
        assert.equal(enumName(BuildStatus, cancelled.status), 'CANCELLED');
        const [b] = await builds.getBuild({ projectId: PROJECT, id });
        assert.equal(enumName(BuildStatus, b.status), 'CANCELLED');
        await assert.rejects(builds.getBuild({ projectId: PROJECT, id: 'no-such-build' }), (e: { code?: number }) => e.code === 5);
      } finally {
        fx.emu.configure({ buildSeconds: 0.6 });
      }
    });
  });

  describe('Cloud Run', () => {
    const SVC = `${PARENT}/services/hello`;
    let uri = '';

    it('missing service is NOT_FOUND (code 5)', async () => {
      await assert.rejects(services.getService({ name: SVC }), (e: { code?: number }) => e.code === 5);
    });

    it('creates a service through the LRO; its uri answers 403 while private', async () => {
      const [op] = await services.createService(
        { parent: PARENT, serviceId: 'hello', service: { template: { containers: [{ image: IMAGE, ports: [{ containerPort: 8080 }] }] } } },
        LRO,
      );
      assert.match(String(op.name), new RegExp(`^${PARENT}/operations/`));
      const [svc] = await op.promise();
      uri = String(svc.uri);
      assert.match(uri, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(svc.urls, [uri]);
      assert.equal(enumName(CondState, svc.terminalCondition?.state), 'CONDITION_SUCCEEDED');
      assert.match(String(svc.latestReadyRevision), new RegExp(`^${SVC}/revisions/hello-00001-[a-z]{3}$`));
      assert.equal(svc.latestCreatedRevision, svc.latestReadyRevision);
      assert.equal(svc.traffic?.[0]?.percent, 100);
      const res = await httpGet(uri);
      assert.equal(res.status, 403);
      assert.match(res.body, /Error: Forbidden/);
      assert.match(res.body, /does not have permission to get URL/);
      await assert.rejects(
        services.createService({ parent: PARENT, serviceId: 'hello', service: { template: { containers: [{ image: IMAGE }] } } }),
        (e: { code?: number }) => e.code === 6,
      );
    });

    it('refused knobs map to PERMISSION_DENIED (7) and FAILED_PRECONDITION (9)', async () => {
      fx.emu.configure({ refuseInvokerIamDisabled: true, refusePublicIam: true });
      try {
        const [svc] = await services.getService({ name: SVC });
        await assert.rejects(services.updateService({ service: { ...svc, invokerIamDisabled: true } }), (e: { code?: number }) => e.code === 7);
        await assert.rejects(
          services.setIamPolicy({ resource: SVC, policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] } }),
          (e: { code?: number; message: string }) => e.code === 9 && e.message.includes('iam.allowedPolicyMemberDomains'),
        );
        assert.equal((await httpGet(uri)).status, 403);
      } finally {
        fx.emu.configure({ refuseInvokerIamDisabled: false, refusePublicIam: false });
      }
    });

    it('an allUsers invoker binding makes the uri serve the real Node app', async () => {
      const [policy] = await services.setIamPolicy({ resource: SVC, policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] } });
      assert.ok(policy.etag && policy.etag.length > 0);
      const [read] = await services.getIamPolicy({ resource: SVC });
      assert.deepEqual(
        read.bindings?.map((b) => [b.role, b.members]),
        [['roles/run.invoker', ['allUsers']]],
      );
      const res = await httpGet(uri);
      assert.equal(res.status, 200);
      assert.equal(res.body, 'hello from fixture');
      assert.ok(
        fx.log.some((l) => l.includes('fixture listening on')),
        'app stdout goes to the log',
      );
    });

    it('an update makes revision 2 at the same uri and stops revision 1', async () => {
      const [svc] = await services.getService({ name: SVC });
      const [op] = await services.updateService(
        { service: { ...svc, template: { containers: [{ image: IMAGE, env: [{ name: 'SUFFIX', value: 'v2' }] }] } } },
        LRO,
      );
      const [updated] = await op.promise();
      assert.equal(updated.uri, uri);
      assert.match(String(updated.latestReadyRevision), /\/revisions\/hello-00002-[a-z]{3}$/);
      assert.equal(String(updated.generation), '2');
      assert.equal((await httpGet(uri)).body, 'hello from fixture v2');
      const state = JSON.parse((await httpGet(`${fx.emu.baseUrl}/__emulator/state`)).body) as {
        services: { name: string; public: boolean; revisions: { name: string; mode: string }[] }[];
      };
      const s = state.services.find((x) => x.name === SVC);
      assert.ok(s?.public);
      assert.deepEqual(
        s?.revisions.map((r) => r.mode),
        ['none', 'process'],
      );
      const [revs] = await revisions.listRevisions({ parent: SVC });
      assert.equal(revs.length, 2);
      const [rev] = await revisions.getRevision({ name: String(updated.latestReadyRevision) });
      assert.equal(rev.name, updated.latestReadyRevision);
      const [list] = await services.listServices({ parent: PARENT });
      assert.deepEqual(
        list.map((x) => x.name),
        [SVC],
      );
    });

    it('a container that exits fails the revision; the previous one keeps serving', async () => {
      const crashImage = `${REGION}-docker.pkg.dev/${PROJECT}/devgem/crash:v1`;
      const id = await submit({ ...NODE_APP, 'server.js': 'console.error("boom"); process.exit(3);\n' }, crashImage, 'source/crash.tgz');
      assert.equal(enumName(BuildStatus, (await waitBuild(id)).status), 'SUCCESS');
      const [svc] = await services.getService({ name: SVC });
      const [op] = await services.updateService({ service: { ...svc, template: { containers: [{ image: crashImage }] } } }, LRO);
      await assert.rejects(
        op.promise(),
        (e: { code?: number; message: string }) =>
          e.code === 9 && e.message.includes('failed to start and listen on the port defined provided by the PORT=8080'),
      );
      assert.equal((await httpGet(uri)).body, 'hello from fixture v2');
      const [after] = await services.getService({ name: SVC });
      assert.match(String(after.latestCreatedRevision), /hello-00003-/);
      assert.match(String(after.latestReadyRevision), /hello-00002-/);
      assert.equal(enumName(CondState, after.terminalCondition?.state), 'CONDITION_FAILED');
    });

    it('invokerIamDisabled makes a service public; an image never built fails with code 9', async () => {
      const [op] = await services.createService(
        { parent: PARENT, serviceId: 'open', service: { invokerIamDisabled: true, template: { containers: [{ image: IMAGE }] } } },
        LRO,
      );
      const [svc] = await op.promise();
      assert.equal(svc.invokerIamDisabled, true);
      assert.equal((await httpGet(String(svc.uri))).body, 'hello from fixture');
      const missing = `${REGION}-docker.pkg.dev/${PROJECT}/devgem/never:v1`;
      const [bad] = await services.createService({ parent: PARENT, serviceId: 'ghost', service: { template: { containers: [{ image: missing }] } } }, LRO);
      await assert.rejects(bad.promise(), (e: { code?: number; message: string }) => e.code === 9 && e.message.includes(`Image '${missing}' not found.`));
    });

    it('PATCH with allowMissing creates; a revision it cannot run (no Docker daemon) is marked and answers 501', async () => {
      const depImage = `${REGION}-docker.pkg.dev/${PROJECT}/devgem/deps:v1`;
      const id = await submit({ ...NODE_APP, 'package.json': JSON.stringify({ name: 'x', dependencies: { express: '^4.0.0' } }) }, depImage, 'source/deps.tgz');
      await waitBuild(id);
      const name = `${PARENT}/services/deps`;
      const [op] = await services.updateService(
        { allowMissing: true, service: { name, invokerIamDisabled: true, template: { containers: [{ image: depImage }] } } },
        LRO,
      );
      const [svc] = await op.promise();
      const res = await httpGet(String(svc.uri));
      assert.equal(res.status, 501, 'nothing ran, so no success status');
      assert.equal(res.headers['x-devgem-emulator'], 'not-started');
      assert.match(res.body, /^Not started by the emulator: revision deps-00001-[a-z]{3} \(package\.json has dependencies, and no Docker daemon/);
      const [revision] = await revisions.getRevision({ name: String(svc.latestReadyRevision) });
      assert.match(revision.annotations?.['emulator.devgem.dev/not-started'] ?? '', /package\.json has dependencies/);
    });

    it('runs a Python app (shell-form CMD) and an `npm start` app', async () => {
      const pyImage = `${REGION}-docker.pkg.dev/${PROJECT}/devgem/py:v1`;
      const npmImage = `${REGION}-docker.pkg.dev/${PROJECT}/devgem/npm:v1`;
      const appPy = [
        'import os',
        'from http.server import BaseHTTPRequestHandler, HTTPServer',
        'class H(BaseHTTPRequestHandler):',
        '    def do_GET(self):',
        '        self.send_response(200)',
        '        self.end_headers()',
        "        self.wfile.write(b'hello from python')",
        // Every address, as on Cloud Run: one that listens on 127.0.0.1 only never starts there (nor here).
        "HTTPServer(('', int(os.environ['PORT'])), H).serve_forever()",
        '',
      ].join('\n');
      const ids = await Promise.all([
        submit(
          {
            Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n',
            'app.py': appPy,
            'requirements.txt': '# none\n',
          },
          pyImage,
          'source/py.tgz',
        ),
        submit({ ...NODE_APP, Dockerfile: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["npm", "start"]\n' }, npmImage, 'source/npm.tgz'),
      ]);
      for (const id of ids) assert.equal(enumName(BuildStatus, (await waitBuild(id)).status), 'SUCCESS');
      for (const [serviceId, image, reply] of [
        ['py', pyImage, 'hello from python'],
        ['npm', npmImage, 'hello from fixture'],
      ]) {
        const [op] = await services.createService(
          { parent: PARENT, serviceId, service: { invokerIamDisabled: true, template: { containers: [{ image }] } } },
          LRO,
        );
        const [svc] = await op.promise();
        const res = await httpGet(String(svc.uri));
        assert.equal(res.status, 200);
        assert.equal(res.body, reply);
      }
    });

    it('delete removes the service and its front', async () => {
      const name = `${PARENT}/services/open`;
      const [svc] = await services.getService({ name });
      const [op] = await services.deleteService({ name }, LRO);
      await op.promise();
      await assert.rejects(services.getService({ name }), (e: { code?: number }) => e.code === 5);
      await assert.rejects(httpGet(String(svc.uri)), /ECONNREFUSED/);
    });
  });

  describe('knobs and control endpoints', () => {
    it('requireAuth rejects requests without a bearer token (401 / code 16)', async () => {
      fx.emu.configure({ requireAuth: true });
      try {
        const raw = await httpGet(`${fx.emu.baseUrl}/v2/projects/${PROJECT}/locations/${REGION}/services`);
        assert.equal(raw.status, 401);
        assert.equal((JSON.parse(raw.body) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');
        const [list] = await services.listServices({ parent: PARENT });
        assert.ok(list.length >= 1, 'the SDK sends a bearer token');
        await assert.rejects(storage.bucket(SRC_BUCKET).getMetadata(), (e: { code?: number }) => e.code === 401);
      } finally {
        fx.emu.configure({ requireAuth: false });
      }
    });

    it('POST /__emulator/knobs, GET /__emulator/state, POST /__emulator/reset', async () => {
      const post = (path: string, body: unknown): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const req = request(`${fx.emu.baseUrl}${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
            let b = '';
            res.on('data', (d: Buffer) => (b += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
          });
          req.on('error', reject);
          req.end(JSON.stringify(body));
        });
      assert.equal((await post('/__emulator/knobs', { deploySeconds: 0.2 })).status, 200);
      assert.equal(fx.emu.knobs.deploySeconds, 0.2);
      const state = JSON.parse((await httpGet(`${fx.emu.baseUrl}/__emulator/state`)).body) as {
        buckets: { name: string; objects: string[] }[];
        builds: { status: string }[];
        repositories: unknown[];
        services: { uri: string }[];
      };
      assert.ok(state.buckets.find((b) => b.name === LOG_BUCKET)?.objects.some((o) => /^log-.*\.txt$/.test(o)));
      assert.ok(state.builds.some((b) => b.status === 'CANCELLED'));
      assert.equal(state.repositories.length, 1);
      const hello = state.services[0].uri;
      assert.equal((await post('/__emulator/reset', {})).status, 200);
      const after = JSON.parse((await httpGet(`${fx.emu.baseUrl}/__emulator/state`)).body) as { buckets: unknown[]; services: unknown[]; builds: unknown[] };
      assert.deepEqual([after.buckets.length, after.services.length, after.builds.length], [0, 0, 0]);
      assert.equal(fx.emu.knobs.deploySeconds, 0.1, 'reset restores the start knobs');
      await assert.rejects(httpGet(hello), /ECONNREFUSED/);
    });
  });
});
