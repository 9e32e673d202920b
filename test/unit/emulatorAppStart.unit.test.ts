// The emulator starts a revision's app as a process on a free host port. Another process can take
// that port between the choice and the app's listen (Cloud Run has no such clash: each instance
// has its own network), so a clash is retried on another port and its output is not the app's log.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StartupError, startApp } from '../../emulator/src/appRunner';

/** An app that fails with Node's own EADDRINUSE message `clashes` times (counted in a file), then listens on PORT. */
const APP = `
const fs = require('fs');
const n = Number(fs.existsSync('count') ? fs.readFileSync('count', 'utf8') : '0');
fs.writeFileSync('count', String(n + 1));
console.log('start ' + (n + 1));
if (n < Number(process.env.CLASHES)) {
  console.error('Error: listen EADDRINUSE: address already in use 127.0.0.1:' + process.env.PORT);
  process.exit(1);
}
require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);
`;

describe('emulator app start: a port taken by another process first', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-appstart-'));
    await fs.writeFile(path.join(dir, 'app.js'), APP);
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  async function start(clashes: number) {
    const lines: string[] = [];
    const log: string[] = [];
    const run = startApp({
      argv: [process.execPath, 'app.js'],
      cwd: dir,
      env: { CLASHES: String(clashes) },
      timeoutMs: 15_000,
      log: (l) => log.push(l),
      label: 'svc/svc-00001-abc',
      onLine: (_stream, line) => lines.push(line),
    });
    return { run, lines, log };
  }

  it('starts the app again on another port, and the clash is not in the revision log', async () => {
    const { run, lines, log } = await start(1);
    const app = await run;
    try {
      assert.equal(await (await fetch(`http://127.0.0.1:${app.port}/`)).text(), 'ok');
      assert.deepEqual(lines, ['start 2']);
      assert.ok(
        log.some((l) => /was taken by another process first/.test(l)),
        log.join('\n'),
      );
    } finally {
      await app.stop();
    }
  });

  it('gives up after three clashes, with the last attempt in the revision log', async () => {
    const { run, lines } = await start(99);
    await assert.rejects(run, (e: Error) => e instanceof StartupError && /exited with code 1/.test(e.message));
    assert.equal(lines[0], 'start 3');
    assert.match(lines[1], /EADDRINUSE/);
    assert.equal(lines.length, 2);
  });

  it('does not retry an app that fails for its own reasons', async () => {
    await fs.writeFile(path.join(dir, 'app.js'), "console.error('Error: Cannot find module express'); process.exit(1);\n");
    const { run, lines, log } = await start(0);
    await assert.rejects(run, StartupError);
    assert.deepEqual(lines, ['Error: Cannot find module express']);
    assert.ok(!log.some((l) => /taken by another process/.test(l)));
  });

  it('refuses an app that listens on loopback only, as Cloud Run cannot reach it', async function () {
    if (process.platform !== 'linux') this.skip();
    await fs.writeFile(path.join(dir, 'app.js'), "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1');\n");
    const { run, log } = await start(0);
    // Stopped if it started after all, so a failing test does not leave it running.
    await assert.rejects(
      run.then(async (app) => {
        await app.stop();
        return app;
      }),
      (e: Error) => e instanceof StartupError && /loopback\) only/.test(e.message),
    );
    assert.ok(!log.some((l) => /listening on 127\.0\.0\.1/.test(l)), log.join('\n'));
  });
});
