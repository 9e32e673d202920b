// Writes l10n/bundle.l10n.json, the English source of the host's translatable messages:
// every string literal passed to vscode.l10n.t(...) in src/. Translators copy it to
// bundle.l10n.<locale>.json. `node scripts/l10n-bundle.mjs` after changing a message;
// a unit test fails when the bundle is out of date.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export function collectMessages(dir = join(root, 'src')) {
  const found = new Set();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/l10n\.t\(\s*(['"])((?:\\.|(?!\1).)*)\1/g)) found.add(m[2].replace(/\\(.)/g, '$1'));
      }
    }
  };
  walk(dir);
  return Object.fromEntries([...found].sort().map((m) => [m, m]));
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  mkdirSync(join(root, 'l10n'), { recursive: true });
  writeFileSync(join(root, 'l10n', 'bundle.l10n.json'), JSON.stringify(collectMessages(), null, 2) + '\n');
}
