// scripts/importCycles.mjs (run by `npm run lint`) must find loops the way issue 12 counts them, `import type`
// included, and must not let its list of known loops hide a loop that grew or outlive a loop that is gone.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Checker {
  checkLoops(root: string, opts?: { roots?: string[]; known?: string[][] }): string[];
}

describe('import loop check (scripts/importCycles.mjs)', function () {
  // Scanning the whole repository takes seconds on a busy machine.
  this.timeout(60_000);
  let checker: Checker;
  let tmp: string;
  before(async () => {
    checker = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'importCycles.mjs')).href)) as Checker;
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'devgem-cycles-'));
    fs.mkdirSync(path.join(tmp, 'src', 'sub'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function write(files: Record<string, string>): void {
    for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, rel), text);
  }

  it('finds a loop closed by an `import type`', () => {
    write({
      'src/a.ts': "import { b } from './sub/b';\nexport const a = b + 1;\n",
      'src/sub/b.ts': "import type { A } from '../a';\nexport const b = 1;\nexport type B = A;\n",
    });
    assert.deepEqual(checker.checkLoops(tmp, { roots: ['src'], known: [] }), ['Import loop: src/a.ts -> src/sub/b.ts -> src/a.ts']);
  });

  it('finds loops through require(), export-from and typeof import()', () => {
    write({
      'src/a.ts': "export const b = require('./b');\n",
      'src/b.ts': "export * from './c';\n",
      'src/c.ts': "export type A = typeof import('./a');\n",
    });
    assert.deepEqual(checker.checkLoops(tmp, { roots: ['src'], known: [] }), ['Import loop: src/a.ts -> src/b.ts -> src/c.ts -> src/a.ts']);
  });

  it('passes files that import each other only one way', () => {
    write({ 'src/a.ts': "import { b } from './b';\nexport const a = b;\n", 'src/b.ts': 'export const b = 1;\n' });
    assert.deepEqual(checker.checkLoops(tmp, { roots: ['src'], known: [] }), []);
  });

  it('accepts a known loop only while it has exactly the listed files', () => {
    write({
      'src/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'src/b.ts': "import { a } from './a';\nexport const b = 1;\nexport const c = () => a;\n",
    });
    assert.deepEqual(checker.checkLoops(tmp, { roots: ['src'], known: [['src/b.ts', 'src/a.ts']] }), []);
    write({ 'src/b.ts': "import { c } from './c';\nexport const b = c;\n", 'src/c.ts': "import { a } from './a';\nexport const c = () => a;\n" });
    const problems = checker.checkLoops(tmp, { roots: ['src'], known: [['src/a.ts', 'src/b.ts']] });
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0], /^Import loop: src\/a\.ts -> src\/b\.ts -> src\/c\.ts -> src\/a\.ts$/);
    assert.match(problems[1], /^Stale KNOWN_LOOPS entry .*src\/a\.ts, src\/b\.ts$/);
  });

  it('this repository has no loops beyond the known ones', () => {
    assert.deepEqual(checker.checkLoops(ROOT), []);
  });
});
