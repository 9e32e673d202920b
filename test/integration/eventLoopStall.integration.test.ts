// Nothing heavy on the host's main thread: while a deploy packs, hashes,
// compresses and uploads a large tree, the event loop never stalls over 50 ms
// (perf_hooks.monitorEventLoopDelay). A correctness test on stalls, not a
// timing of speed. The emulator runs in a process of its own, so only the
// deploying side is measured (its build unpacks the tarball with tar on its thread).
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { watchStalls } from '../support/stallMonitor';
import { makeWorkspace, testDeployOptions } from '../support/workspace';

const STALL_MS = 50;

describe('the host stays responsive during a deploy of a large tree', function () {
  this.timeout(180_000);
  let child: ChildProcess | undefined;
  let host = '';
  let tmp = '';

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-stall-'));
    const portFile = path.join(tmp, 'port');
    child = spawn(process.execPath, [path.join(__dirname, '../../emulator/src/main.js'), '--port-file', portFile, '--build-seconds', '0.3', '--quiet'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 300 && !host; i++) {
      const port = await fs.readFile(portFile, 'utf8').catch(() => '');
      if (port.trim()) host = `127.0.0.1:${port.trim()}`;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(host, 'the emulator started');
    await fetch(`http://${host}/__emulator/knobs`, {
      method: 'POST',
      body: JSON.stringify({ deploySeconds: 0.1 }),
      headers: { 'content-type': 'application/json' },
    });
  });
  after(async () => {
    child?.kill();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it(`never blocks the event loop for more than ${STALL_MS} ms while packing and uploading 20,000 files / ~60 MB`, async () => {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'big', scripts: { start: 'node server.js' } }),
      'server.js': "require('http').createServer((q, s) => s.end('big')).listen(Number(process.env.PORT));\n",
    };
    const ws = await makeWorkspace(files, 'big-app');
    try {
      // Written one by one, so the test's own heap stays small (its garbage collection would count as a stall).
      const line = 'export const value = request.handler(config.items);\n';
      // As many files as the large tree (per-file loops scale with the count), fewer bytes (those go to workers).
      for (let d = 0; d < 100; d++) await fs.mkdir(path.join(ws.root, `src/p${d}`), { recursive: true });
      for (let i = 0; i < 20_000; i++) await fs.writeFile(path.join(ws.root, `src/p${i % 100}/f${i}.ts`), line.repeat(5 + (i % 40)));
      await fs.mkdir(path.join(ws.root, 'assets'));
      for (let i = 0; i < 4; i++) await fs.writeFile(path.join(ws.root, `assets/blob${i}.bin`), randomBytes(8 * 1024 * 1024));
      const ports = createCloudPorts({ emulatorHost: host });
      // A first small deploy loads the SDK modules (a one-time require, as on the extension's first deploy); the big one is measured.
      const small = await makeWorkspace({ 'package.json': files['package.json'], 'server.js': files['server.js'] }, 'warm-up');
      try {
        await runDeploy(
          testDeployOptions(small.root, { verifyTimeoutSeconds: 20 }),
          { ports, buildPollMs: 100, emit: () => undefined },
          new AbortController().signal,
        );
      } finally {
        await small.cleanup();
      }
      const watch = watchStalls();
      let result;
      let seen;
      try {
        result = await runDeploy(
          testDeployOptions(ws.root, { verifyTimeoutSeconds: 20 }),
          { ports, buildPollMs: 100, emit: () => undefined },
          new AbortController().signal,
        );
      } finally {
        seen = watch.stop();
      }
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      assert.ok(
        seen.worstBusyMs < STALL_MS,
        `the main thread ran ${seen.worstBusyMs.toFixed(1)} ms without yielding (event-loop delay: max ${seen.maxDelayMs.toFixed(1)} ms, p99 ${seen.p99DelayMs.toFixed(1)} ms, wall time on a shared machine)`,
      );
    } finally {
      await ws.cleanup();
    }
  });
});
