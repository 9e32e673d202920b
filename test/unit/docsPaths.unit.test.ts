// ARCHITECTURE.md and CONTRIBUTING.md are the map a newcomer follows: every
// file or folder they name in backticks must exist, so a move that forgets the
// docs fails here instead of misleading the next reader.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where a short path in the docs may be rooted ("core/deploy/" means src/core/deploy/). */
const BASES = ['', 'src', 'src/adapters/vscode', 'webview-ui/src', 'src/core/deploy', 'src/core', 'src/core/agent'];

export function namedPaths(markdown: string): string[] {
  const names = new Set<string>();
  for (const [, code] of markdown.matchAll(/`([^`\s]+)`/g)) {
    const name = code.replace(/[(),:].*$/, '');
    if (!/[A-Z]{3,}/.test(name) && /^[\w.-]+(\/[\w.-]+)*\/?$/.test(name) && (name.includes('/') || /\.(ts|mjs|md|json|sh)$/.test(name))) names.add(name);
  }
  return [...names];
}

/** Every file and folder name in the code, for a bare name written inside its folder's row ("`chatTurn.ts`", "`intents/`"). */
function allNames(dir: string, out = new Set<string>()): Set<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'out', 'dist', 'fixtures', '.git'].includes(e.name)) continue;
    out.add(e.isDirectory() ? `${e.name}/` : e.name);
    if (e.isDirectory()) allNames(path.join(dir, e.name), out);
  }
  return out;
}
const NAMES = ['src', 'webview-ui/src', 'emulator', 'scripts', 'test', 'bench', 'docs'].reduce(
  (set, d) => allNames(path.join(ROOT, d), set),
  new Set<string>(),
);

function exists(name: string): boolean {
  if (/^[^/]+\/?$/.test(name) && NAMES.has(name)) return true;
  return BASES.some((b) => existsSync(path.join(ROOT, b, name)));
}

describe('the docs name only files that exist', () => {
  for (const doc of ['ARCHITECTURE.md', 'CONTRIBUTING.md']) {
    it(doc, () => {
      const names = namedPaths(readFileSync(path.join(ROOT, doc), 'utf8')).filter((n) => !n.startsWith('dist/') && !n.startsWith('out/'));
      assert.ok(names.length > 10, `${doc} names files`);
      const missing = names.filter((n) => !exists(n));
      assert.deepEqual(missing, []);
    });
  }

  it('a moved file is caught', () => {
    const missing = namedPaths('see `core/deploy/nowhere.ts` and `gone.ts` and `src/core/deploy/stage.ts`').filter((n) => !exists(n));
    assert.deepEqual(missing, ['core/deploy/nowhere.ts', 'gone.ts']);
  });
});
