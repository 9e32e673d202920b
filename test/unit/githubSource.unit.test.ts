// Extraction safety and the download limit of GitHub repository deploys (no network).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { toGitHubError } from '../../src/adapters/github/gitHubErrors';
import { DevgemError } from '../../src/core/base/errors';
import { parseRepoName } from '../../src/core/github/gitHubPort';
import { extractTarball, saveTarball, unsafeEntry } from '../../src/core/github/tarball';

describe('GitHub source: archive safety', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-gh-unit-'));
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('accepts ordinary files, folders and links that stay inside', () => {
    assert.equal(unsafeEntry('o-r-abc1234/src/a.js', 'File', undefined), undefined);
    assert.equal(unsafeEntry('o-r-abc1234/src/', 'Directory', undefined), undefined);
    assert.equal(unsafeEntry('o-r-abc1234/src/link', 'SymbolicLink', '../README.md'), undefined);
    assert.equal(unsafeEntry('o-r-abc1234/a/b/link', 'SymbolicLink', '../../c'), undefined);
    assert.equal(unsafeEntry('o-r-abc1234/hard', 'Link', 'o-r-abc1234/README.md'), undefined);
  });

  it('refuses absolute paths, `..`, escaping links and device entries', () => {
    assert.match(unsafeEntry('/etc/passwd', 'File', undefined) ?? '', /absolute path/);
    assert.match(unsafeEntry('C:/Windows/x', 'File', undefined) ?? '', /absolute path/);
    assert.match(unsafeEntry('o-r-abc1234/../../x', 'File', undefined) ?? '', /climbs out/);
    assert.match(unsafeEntry('o-r-abc1234\\..\\x', 'File', undefined) ?? '', /climbs out/);
    assert.match(unsafeEntry('o-r-abc1234/link', 'SymbolicLink', '../secret') ?? '', /links outside/);
    assert.match(unsafeEntry('o-r-abc1234/a/link', 'SymbolicLink', '../../x') ?? '', /links outside/);
    assert.match(unsafeEntry('o-r-abc1234/a/link', 'SymbolicLink', 'b/../../../x') ?? '', /links outside/);
    assert.match(unsafeEntry('o-r-abc1234/link', 'SymbolicLink', '/etc/passwd') ?? '', /absolute path/);
    assert.match(unsafeEntry('o-r-abc1234/hard', 'Link', 'o-r-abc1234/../../etc/passwd') ?? '', /links outside/);
    assert.match(unsafeEntry('o-r-abc1234/dev', 'CharacterDevice', undefined) ?? '', /CharacterDevice/);
  });

  it('extracts a real archive without its top folder, and writes nothing from a refused one', async () => {
    const src = path.join(tmp, 'src');
    await fs.mkdir(path.join(src, 'o-r-abc1234', 'lib'), { recursive: true });
    await fs.writeFile(path.join(src, 'o-r-abc1234', 'package.json'), '{}');
    await fs.writeFile(path.join(src, 'o-r-abc1234', 'lib', 'x.js'), 'x');
    await fs.symlink('../package.json', path.join(src, 'o-r-abc1234', 'lib', 'pkg'));
    const good = path.join(tmp, 'good.tar.gz');
    await tar.c({ gzip: true, file: good, cwd: src }, ['o-r-abc1234']);
    const dest = path.join(tmp, 'out');
    await fs.mkdir(dest);
    await extractTarball(good, dest, new AbortController().signal);
    assert.deepEqual((await fs.readdir(dest)).sort(), ['lib', 'package.json']);
    assert.equal(await fs.readlink(path.join(dest, 'lib', 'pkg')), '../package.json');

    await fs.symlink('../../../../etc', path.join(src, 'o-r-abc1234', 'escape'));
    const bad = path.join(tmp, 'bad.tar.gz');
    await tar.c({ gzip: true, file: bad, cwd: src }, ['o-r-abc1234']);
    const dest2 = path.join(tmp, 'out2');
    await fs.mkdir(dest2);
    await assert.rejects(
      extractTarball(bad, dest2, new AbortController().signal),
      (e: unknown) => e instanceof DevgemError && /escape links outside/.test(e.message) && !!e.fix,
    );
    assert.deepEqual(await fs.readdir(dest2), [], 'nothing extracted');
  });

  it('stops a streamed download once it passes the limit, even with no announced size', async () => {
    let sent = 0;
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        sent++;
        yield new Uint8Array(64 * 1024);
      }
    }
    const file = path.join(tmp, 'x.tar.gz');
    await assert.rejects(
      saveTarball(body(), file, { maxBytes: 200 * 1024, repository: 'o/r', signal: new AbortController().signal }),
      (e: unknown) => e instanceof DevgemError && e.kind === 'resource-exhausted' && /o\/r/.test(e.message),
    );
    assert.ok(sent <= 4, `stopped early (read ${sent} chunks)`);
    await assert.rejects(fs.access(file), 'partial file removed');
    await assert.rejects(saveTarball(body(), file, { maxBytes: 10, size: 11, repository: 'o/r', signal: new AbortController().signal }), /larger than/);
  });

  it('cancels a download when the signal fires', async () => {
    const controller = new AbortController();
    async function* body(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      controller.abort();
      yield new Uint8Array(10);
    }
    await assert.rejects(
      saveTarball(body(), path.join(tmp, 'y'), { maxBytes: 1000, repository: 'o/r', signal: controller.signal }),
      (e: unknown) => e instanceof DevgemError && e.kind === 'cancelled',
    );
  });
});

describe('GitHub source: names and errors', () => {
  it('parses repository names and URLs', () => {
    assert.deepEqual(parseRepoName('acme/shop'), { owner: 'acme', name: 'shop' });
    assert.deepEqual(parseRepoName('github.com/acme/shop'), { owner: 'acme', name: 'shop' });
    assert.deepEqual(parseRepoName('https://github.com/acme/shop.git'), { owner: 'acme', name: 'shop' });
    assert.equal(parseRepoName('acme'), undefined);
    assert.equal(parseRepoName('acme/..'), undefined);
    assert.equal(parseRepoName('https://gitlab.com/acme/shop'), undefined);
  });

  it('turns Octokit errors into DevgemErrors with a fix', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    const rate = toGitHubError(
      {
        status: 403,
        message: 'API rate limit exceeded',
        response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 600) } },
      },
      { what: 'listing' },
      () => now,
    );
    assert.ok(rate instanceof DevgemError);
    assert.match(rate.message, /resets at 10:10 UTC \(in 10 min\)/);
    assert.equal(rate.fix, 'Wait until the limit resets at 10:10 UTC, then deploy again; a signed-in GitHub account has a higher limit.');
    const missing = toGitHubError({ status: 404, message: 'Not Found' }, { what: 'x', repository: 'a/b' });
    assert.ok(missing instanceof DevgemError && missing.kind === 'not-found' && /a\/b/.test(missing.message));
    const badRef = toGitHubError({ status: 422, message: 'No commit' }, { what: 'x', repository: 'a/b', ref: 'nope' });
    assert.ok(badRef instanceof DevgemError && /"nope"/.test(badRef.message));
    const offline = toGitHubError(new TypeError('fetch failed'), { what: 'listing' });
    assert.ok(offline instanceof DevgemError && offline.kind === 'unavailable' && !!offline.fix);
  });
});
