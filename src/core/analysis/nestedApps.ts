// When the workspace root holds no app and no workspace config names members,
// the app may sit a few folders down (a repository with hello/sub/package.json
// and nothing else). This finds such folders: breadth-first, at most
// MAX_DEPTH levels, never inside dependency, build-output, vendored or test
// folders, and not below a folder that is itself an app.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfCancelled } from '../base/wait';
import { SKIP_DIRS } from './dirView';

const MAX_DEPTH = 3;
/** Never list more folders than this, however wide the tree. */
const MAX_FOLDERS = 400;
/** Folders that hold other people's code or test data, not the app. */
const NOT_APPS = new Set([
  'vendor',
  'third_party',
  'third-party',
  'external',
  'testdata',
  'fixtures',
  'test',
  'tests',
  '__tests__',
  'spec',
  'docs',
  'doc',
  'examples',
  'node_modules',
  'site-packages',
  'Pods',
]);
/** A file that makes a folder worth running the detectors on. */
const MARKERS =
  /^(package\.json|requirements\.txt|pyproject\.toml|Pipfile|setup\.py|go\.mod|pom\.xml|build\.gradle(\.kts)?|build\.sbt|Gemfile|composer\.json|Cargo\.toml|mix\.exs|pubspec\.yaml|Package\.swift|deno\.jsonc?|Dockerfile|Procfile|Staticfile|index\.html|index\.php|main\.(py|go|ts)|app\.py|server\.(js|ts)|manage\.py|.*\.csproj)$/;

export async function findNestedAppFolders(root: string, signal?: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  let level = [''];
  let listed = 0;
  for (let depth = 1; depth <= MAX_DEPTH && level.length; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      throwIfCancelled(signal);
      if (++listed > MAX_FOLDERS) return found;
      const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith('.') || SKIP_DIRS.has(e.name) || NOT_APPS.has(e.name)) continue;
        const rel = dir ? `${dir}/${e.name}` : e.name;
        const files = await fs.readdir(path.join(root, rel)).catch(() => [] as string[]);
        if (files.some((f) => MARKERS.test(f))) found.push(rel);
        else next.push(rel);
      }
    }
    level = next.sort();
  }
  return found.sort();
}
