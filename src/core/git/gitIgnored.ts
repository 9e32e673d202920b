import ignore, { type Ignore } from 'ignore';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseGitIndex } from './gitIndex';

// "Does the enclosing repository ignore this folder?" without a git binary, as
// `git check-ignore` answers it: a folder is ignored when it or one of its
// parents (below the work tree) matches the ignore rules — `.git/info/exclude`,
// then each `.gitignore` from the root down, deeper files winning — and no file
// under it is tracked. An ignored folder (a scratch copy of a sample, a build
// output) is not part of that repository, so its commit is not the folder's.
// The user's global excludes file (core.excludesFile) is not read.

/** Rule files are small; a bigger one is not read (the folder then counts as not ignored). */
const MAX_RULES_BYTES = 1024 * 1024;
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

async function readRules(file: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_RULES_BYTES) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The verdict of one rule file on `rel` (relative to that file's folder): true, false, or no opinion. */
function verdict(rules: Ignore, rel: string): boolean | undefined {
  const v = rules.test(`${rel}/`);
  return v.ignored ? true : v.unignored ? false : undefined;
}

/** Whether `folder` (inside `workTree`) is excluded by the repository's ignore rules and holds no tracked file. */
export async function ignoredByRepository(workTree: string, commonDir: string, gitDir: string, folder: string): Promise<boolean> {
  const rel = path.relative(workTree, path.resolve(folder));
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  const parts = rel.split(path.sep);
  // Layers from the lowest precedence up: info/exclude, the root .gitignore, then one per folder on the way down.
  const layers: { dir: string[]; rules: Ignore }[] = [];
  const add = (dir: string[], text: string | undefined) => {
    if (text !== undefined) layers.push({ dir, rules: ignore({ allowRelativePaths: true }).add(text) });
  };
  add([], await readRules(path.join(commonDir, 'info', 'exclude')));
  for (let depth = 0; depth < parts.length; depth++) {
    const dir = parts.slice(0, depth);
    add(dir, await readRules(path.join(workTree, ...dir, '.gitignore')));
    // git does not look inside an ignored folder, so the first ignored prefix decides.
    const prefix = parts.slice(0, depth + 1);
    let ignored = false;
    for (const layer of layers) {
      const v = verdict(layer.rules, prefix.slice(layer.dir.length).join('/'));
      if (v !== undefined) ignored = v;
    }
    if (ignored) return !(await tracksUnder(gitDir, prefix.join('/')));
  }
  return false;
}

/** Whether git's index holds a file under `relDir`; tracked files stay part of the repository whatever the rules say. */
async function tracksUnder(gitDir: string, relDir: string): Promise<boolean> {
  try {
    const file = path.join(gitDir, 'index');
    const stat = await fs.stat(file);
    if (stat.size > MAX_INDEX_BYTES) return true;
    const entries = parseGitIndex(await fs.readFile(file));
    // An index we cannot read: keep the repository's answer rather than guess.
    if (!entries) return true;
    return entries.some((e) => e.path.startsWith(`${relDir}/`));
  } catch {
    return false;
  }
}
