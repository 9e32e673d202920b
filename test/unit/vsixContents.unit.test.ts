import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// Every file the host bundle requires lazily must ship in the .vsix; a missing
// one only fails when the user first reaches it (dist/github.js once did).
const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('.vscodeignore keeps every bundle the extension loads', () => {
  it('ships extension.js, the webview files and each file esbuild.mjs maps a lazy require to', () => {
    const build = readFileSync(path.join(ROOT, 'esbuild.mjs'), 'utf8');
    const lazy = [...build.matchAll(/path: '\.\/([\w-]+\.js)', external: true/g)].map((m) => m[1]);
    assert.ok(lazy.length >= 4, `lazy bundles found: ${lazy.join(', ')}`);
    const kept = new Set(
      readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('!'))
        .map((l) => l.slice(1).trim()),
    );
    for (const file of ['extension.js', 'webview.js', 'webview.css', ...new Set(lazy)])
      assert.ok(kept.has(`dist/${file}`), `.vscodeignore does not keep dist/${file}`);
  });
});
