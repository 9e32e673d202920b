// What the tarball can't hold (FIFOs, sockets, devices, names that are not
// UTF-8) is left out and said (issue 13): in the manifest, the upload preview
// and the package stage's detail line, never silently.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { runDeploy } from '../../src/core/deploy/pipeline';
import { listSourceFiles, previewManifest } from '../../src/core/packaging/packageSource';
import type { DeployEvent } from '../../src/shared/protocol';
import { FakeClock, FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP, testDeployOptions } from '../support/workspace';

describe('entries the tarball cannot hold', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: net.Server | undefined;
  beforeEach(async function () {
    if (spawnSync('mkfifo', ['--version']).status !== 0) this.skip();
    ws = await makeWorkspace(NODE_APP);
    assert.equal(spawnSync('mkfifo', [path.join(ws.root, 'events.pipe')]).status, 0);
    await fs.writeFile(Buffer.concat([Buffer.from(`${ws.root}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin-1 name');
    server = net.createServer();
    await new Promise<void>((resolve) => server!.listen(path.join(ws.root, 'dev.sock'), resolve));
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await ws?.cleanup();
  });

  it('lists them with why in the manifest and the upload preview', async () => {
    const m = await listSourceFiles(ws.root);
    assert.deepEqual(m.files, ['package.json', 'server.js']);
    const preview = await previewManifest(ws.root, m);
    assert.deepEqual(
      (preview.skipped ?? []).map((s) => s.path),
      ['caf\uFFFD.txt', 'dev.sock', 'events.pipe'],
    );
    assert.match(preview.skipped![0].reason, /not valid UTF-8/);
    assert.match(preview.skipped![2].reason, /not a regular file/);
  });

  it('names them in the package stage’s detail', async () => {
    const events: DeployEvent[] = [];
    const result = await runDeploy(
      testDeployOptions(ws.root, { service: 'svc', deployId: '20261125-120000-abcd' }),
      { ports: new FakeCloud().ports(), clock: new FakeClock(), buildPollMs: 10, emit: (e) => events.push(e) },
      new AbortController().signal,
    );
    assert.equal(result.outcome, 'success');
    const detail = events.flatMap((e) => (e.type === 'stage' && e.stage === 'package' && e.status === 'done' ? [e.detail ?? ''] : []))[0];
    assert.match(detail, /left out: caf\uFFFD\.txt \(name is not valid UTF-8[^)]*\), dev\.sock \(not a regular file[^)]*\), events\.pipe \(not a regular file/);
  });
});
