// npm 11 warns at every install about dependencies whose install scripts are
// not reviewed in package.json's allowScripts (and npm 12 skips them): every
// installed package with an install script must be listed, so a fresh clone's
// `npm ci` is quiet and keeps working under npm 12.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('install scripts', () => {
  it('every installed dependency with an install script is reviewed in allowScripts', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean; optional?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([where, p]) => where && p.hasInstallScript && existsSync(path.join(ROOT, where)))
      .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
    assert.ok(withScripts.length > 0, 'the lockfile lists packages with install scripts');
    const unreviewed = withScripts.filter((name) => pkg.allowScripts?.[name] === undefined);
    assert.deepEqual(unreviewed, [], 'add them to allowScripts in package.json (npm install-scripts approve <pkg>)');
  });
});
