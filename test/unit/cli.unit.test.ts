import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import type { WorkspaceAnalysis } from '../../src/core/analysis/types';
import { GENERATED_HEADER } from '../../src/core/dockerfiles/generator';
import { runCli } from '../../src/cli/runCli';
import { FIXTURES } from '../support/analysisFixtures';
import { makeWorkspace } from '../support/workspace';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], cwd = FIXTURES): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

/** Expected errors are messages, never stack traces. */
function assertNoStack(r: Run): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

describe('devgem CLI', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('prints help and version with exit code 0', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: devgem <command>/);
    assert.match(help.stdout, /analyze \[dir\] \[--json\]/);
    const version = await cli(['-v']);
    assert.deepEqual([version.code, version.stdout], [0, 'devgem 0.1.0\n']);
  });

  it('exits 2 with the usage for a missing or unknown command, an unknown flag or a missing value', async () => {
    for (const argv of [
      [],
      ['deploy', '--bogus'],
      ['analyze', '--bogus'],
      ['analyze', '--out', 'x'],
      ['dockerfile', '--app'],
      ['package', 'dockerfile-env-port'],
      ['analyze', 'a', 'b'],
      ['analyze', '--json=yes'],
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^devgem: .+\n\nUsage: devgem/, argv.join(' '));
      assert.equal(r.stdout, '');
    }
    assert.match((await cli(['analyze', '--bogus'])).stderr, /Unknown option --bogus for analyze/);
  });

  it('analyze --json prints the WorkspaceAnalysis as JSON', async () => {
    const r = await cli(['analyze', 'mono-services-dockerfiles', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const analysis = JSON.parse(r.stdout) as WorkspaceAnalysis;
    assert.equal(analysis.root, path.join(FIXTURES, 'mono-services-dockerfiles'));
    assert.deepEqual(
      analysis.apps.map((a) => a.dockerfile),
      ['services/api/Dockerfile', 'services/worker/Dockerfile', 'services/web/Dockerfile'],
    );
    assert.equal(analysis.monorepo?.value, 'dockerfiles');
  });

  it('analyze prints a human summary, and what it found when it recognises nothing', async () => {
    const r = await cli(['analyze'], path.join(FIXTURES, 'dockerfile-shell-cmd'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1 deployable app, best first:\n1\. dockerfile-shell-cmd: .*listens on \$PORT/);
    assert.match(r.stdout, /\n {5}start \/bin\/sh -c exec gunicorn --bind :\$PORT app:app: Dockerfile:7 /);
    const unknown = await cli(['analyze', 'unknown-c']);
    assert.equal(unknown.code, 0);
    assert.match(unknown.stdout, /^Devgem does not recognise this stack: found Makefile, README\.md, main\.c/);
  });

  it('exits 1 with the message and fix, no stack, when the folder does not exist', async () => {
    const r = await cli(['analyze', 'no-such-folder']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^devgem: .*no-such-folder is not a folder .*\nFix: Open or pass the folder/);
    assertNoStack(r);
  });

  it('dockerfile says when the app brings its own, and fails for an unknown --app or an unrecognised stack', async () => {
    const own = await cli(['dockerfile', 'mono-services-dockerfiles', '--app', './services/web/']);
    assert.deepEqual([own.code, own.stdout], [0, 'services/web has its own Dockerfile (services/web/Dockerfile); Devgem builds it as it is.\n']);
    const missing = await cli(['dockerfile', 'mono-services-dockerfiles', '--app=services/nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No app at services\/nope\.\nFix: Choose one of: services\/api, services\/worker, services\/web\./);
    const unknown = await cli(['dockerfile', 'unknown-c']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^devgem: Devgem does not recognise this stack/);
    assertNoStack(unknown);
  });

  it('dockerfile prints the generated Dockerfile, and says on stderr when the context is the workspace root', async () => {
    const worker = await cli(['dockerfile', 'mono-go-work', '--app', 'worker']);
    assert.equal(worker.code, 0, worker.stderr);
    assert.ok(worker.stdout.startsWith(`${GENERATED_HEADER}\n`), worker.stdout);
    assert.match(worker.stdout, /^FROM golang:1\.\d+ AS build$/m);
    assert.equal(worker.stderr, '');
    const api = await cli(['dockerfile', 'mono-go-work']);
    assert.equal(api.code, 0, api.stderr);
    assert.equal(api.stderr, 'Build context: the workspace root (not api).\n');
  });

  it('package --list prints the files to upload, without .env, .git or node_modules', async () => {
    const w = await makeWorkspace({ 'server.js': 'x', '.env': 'SECRET=1', 'node_modules/a/index.js': '', 'src/lib.js': '', '.git/HEAD': 'ref' });
    cleanups.push(w.cleanup);
    const r = await cli(['package', '--list', w.root]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'server.js\nsrc/lib.js\n');
    assert.equal(r.stderr, '2 files (rules from defaults)\n');
  });

  it('package --out writes the tarball and reports its size', async () => {
    const w = await makeWorkspace({ 'server.js': 'console.log(1)', '.env': 'SECRET=1', 'lib/a.js': 'a' });
    cleanups.push(w.cleanup);
    const r = await cli(['package', '.', '--out', 'source.tgz'], w.root);
    assert.equal(r.code, 0, r.stderr);
    const out = path.join(w.root, 'source.tgz');
    const { size } = await fs.stat(out);
    assert.match(r.stdout, new RegExp(`^Wrote ${out.replace(/[.\\]/g, '\\$&')}: 2 files, ${size} bytes \\(rules from defaults\\)\\n`));
    assert.match(r.stdout, /\nsha256 [0-9a-f]{64}\n$/);
    const entries: string[] = [];
    await tar.list({ file: out, onReadEntry: (e) => entries.push(e.path) });
    assert.deepEqual(entries.sort(), ['lib/a.js', 'server.js']);

    // Written again into the same folder, the old tarball is not packed into the new one.
    const again = await cli(['package', '--out', 'source.tgz'], w.root);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /: 2 files, /);
  });
});
