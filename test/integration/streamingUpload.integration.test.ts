// The tarball streams into Cloud Storage's resumable upload while it is being
// compressed: the stored object is the same tarball a plain write produces,
// a dropped connection resumes from the committed offset, and the content hash
// known before the upload still lets an unchanged source skip upload and build.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { listSourceFiles, writeSourceTarball } from '../../src/core/packaging/packageSource';
import type { DeployEvent } from '../../src/shared/protocol';
import { useEmulator } from '../support/useEmulator';
import { makeWorkspace, testDeployOptions } from '../support/workspace';

const MiB = 1024 * 1024;

describe('upload while compressing, through the real Storage SDK against the emulator', function () {
  this.timeout(90_000);
  // A slow uplink (4 MB/s per request) makes the upload outlast the compression, as on a real network.
  const fx = useEmulator({ knobs: { buildSeconds: 0.3, deploySeconds: 0.1, uploadBytesPerSecond: 4_000_000 } });

  it('stores exactly the deterministic tarball, resumes after a dropped chunk, and skips an unchanged source next time', async () => {
    const ws = await makeWorkspace({
      'package.json': JSON.stringify({ name: 'stream', scripts: { start: 'node server.js' } }),
      'server.js': "require('http').createServer((q, s) => s.end('streamed')).listen(Number(process.env.PORT));\n",
    });
    try {
      // Random bytes do not compress: the tarball is ~3.5 MiB, four 1 MiB upload chunks.
      await fs.mkdir(path.join(ws.root, 'assets'));
      await fs.writeFile(path.join(ws.root, 'assets/blob.bin'), randomBytes(3 * MiB + 500_000));
      const ports = createCloudPorts({ emulatorHost: fx.emu.host, uploadChunkBytes: MiB });
      // The second chunk's connection drops half way.
      fx.emu.faults.add({ method: 'PUT', path: /^\/upload\/storage\/v1\/b\/[^/]+\/o$/, calls: [2], fault: { kind: 'reset' } });
      const deploy = async () => {
        const events: DeployEvent[] = [];
        const result = await runDeploy(
          testDeployOptions(ws.root, { verifyTimeoutSeconds: 20 }),
          { ports, buildPollMs: 100, emit: (e) => events.push(e) },
          new AbortController().signal,
        );
        const stage = (name: string) => events.filter((e) => e.type === 'stage' && e.stage === name).at(-1) as { status: string } | undefined;
        return { result, stage };
      };

      const first = await deploy();
      assert.equal(first.result.outcome, 'success', JSON.stringify(first.result));
      assert.deepEqual(
        fx.emu.faults.hits().map((h) => h.kind),
        ['reset'],
      );
      const [session] = fx.emu.uploads().filter((u) => u.name.startsWith('source/'));
      assert.equal(session.received.filter((r) => r.start === 0).length, 1, `resumed, not restarted: ${JSON.stringify(session.received)}`);
      assert.ok(session.received.length >= 4, `several chunks: ${JSON.stringify(session.received)}`);

      // The same bytes as the tarball written in one go, from the same files.
      const expectedFile = path.join(path.dirname(ws.root), 'expected.tgz');
      await writeSourceTarball(ws.root, await listSourceFiles(ws.root), expectedFile);
      const expected = await fs.readFile(expectedFile);
      const stored = Buffer.from(
        await (await fetch(`${fx.emu.baseUrl}/storage/v1/b/${session.bucket}/o/${encodeURIComponent(session.name)}?alt=media`)).arrayBuffer(),
      );
      assert.equal(session.size, expected.length);
      assert.ok(stored.equals(expected), 'the object is the deterministic tarball');

      const second = await deploy();
      assert.equal(second.result.outcome, 'success', JSON.stringify(second.result));
      assert.equal(second.stage('upload')?.status, 'skipped', 'unchanged source: no upload');
      assert.equal(fx.emu.uploads().filter((u) => u.name.startsWith('source/')).length, 1, 'one upload session in all');
    } finally {
      await ws.cleanup();
    }
  });
});
