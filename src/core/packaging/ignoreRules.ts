import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { DevgemError } from '../base/errors';

export type RulesFrom = '.gcloudignore' | '.gitignore' | 'defaults';

/**
 * Applied when there is no .gcloudignore, like the default gcloud generates:
 * per-machine folders the image rebuilds anyway. `.git` and `node_modules`
 * are excluded by the walker whatever the rules say.
 */
export const DEFAULT_IGNORES = ['.git/', 'node_modules/', '.venv/', '__pycache__/', '*.py[co]', 'vendor/bundle/', '.DS_Store'];

/** A folder named `...` is legal; without this `ignore` throws on it as "not relative". */
const IGNORE_OPTIONS = { allowRelativePaths: true };

/** gcloud nests includes; a cap stops `a` including `b` including `a`. */
const MAX_INCLUDE_DEPTH = 8;

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Why a line cannot be an ignore pattern (binary bytes, text that is not UTF-8, a reversed range), or undefined. */
function patternProblem(line: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(line)) return 'holds control characters (is the file binary?)';
  if (line.includes('\ufffd')) return 'is not valid UTF-8 text';
  for (const m of line.matchAll(/\[!?([^\]\\])-([^\]\\])\]/g)) {
    if (m[1] > m[2]) return `has a character range that runs backwards ([${m[1]}-${m[2]}])`;
  }
  return undefined;
}

/** The lines of `.gcloudignore` with every `#!include:FILE` replaced by that file's lines (FILE is relative to the root). */
async function gcloudignoreLines(root: string, text: string, depth: number, file = '.gcloudignore'): Promise<string[]> {
  const lines: string[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const bad = patternProblem(line);
    if (bad) {
      // A corrupt ignore file would silently decide what is uploaded: stop and say where.
      throw new DevgemError('invalid-argument', `${file} line ${i + 1} is not a valid pattern: it ${bad}.`, {
        fix: `Rewrite ${file} as plain-text patterns, one per line (as in .gitignore), or delete it to fall back to .gitignore.`,
      });
    }
    const include = /^#!include:(.+)$/.exec(line.trim());
    if (!include) {
      lines.push(line);
      continue;
    }
    const name = include[1].trim();
    const included = await readOptional(path.join(root, name));
    if (included === undefined) {
      throw new DevgemError('invalid-argument', `.gcloudignore includes ${name}, which does not exist.`, {
        fix: 'Remove that #!include line from .gcloudignore or create the file it names.',
      });
    }
    if (depth < MAX_INCLUDE_DEPTH) lines.push(...(await gcloudignoreLines(root, included, depth + 1, name)));
  }
  return lines;
}

/**
 * gcloud's precedence: the root `.gcloudignore` alone when present (with its
 * includes), else every `.gitignore` — each applying below its own folder,
 * deeper files overriding shallower ones as in git — on top of DEFAULT_IGNORES.
 */
export class IgnoreRules {
  /** Folder (relative, '' = root) -> its rules. */
  private readonly layers = new Map<string, Ignore>();

  private constructor(
    private mode: RulesFrom,
    root: Ignore,
  ) {
    this.layers.set('', root);
  }

  get rulesFrom(): RulesFrom {
    return this.mode;
  }

  /** Whether nested `.gitignore` files count (not when `.gcloudignore` decides). */
  get readsNestedGitignore(): boolean {
    return this.mode !== '.gcloudignore';
  }

  static async load(root: string): Promise<IgnoreRules> {
    const gcloudignore = await readOptional(path.join(root, '.gcloudignore'));
    if (gcloudignore !== undefined) {
      return new IgnoreRules('.gcloudignore', ignore(IGNORE_OPTIONS).add(await gcloudignoreLines(root, gcloudignore, 0)));
    }
    const base = ignore(IGNORE_OPTIONS).add(DEFAULT_IGNORES);
    const gitignore = await readOptional(path.join(root, '.gitignore'));
    if (gitignore === undefined) return new IgnoreRules('defaults', base);
    return new IgnoreRules('.gitignore', base.add(gitignore));
  }

  /** Adds the `.gitignore` found in folder `relDir` (not the root, which `load` reads). */
  addNestedGitignore(relDir: string, text: string): void {
    if (!this.readsNestedGitignore || relDir === '') return;
    this.layers.set(relDir, ignore(IGNORE_OPTIONS).add(text));
    this.mode = '.gitignore';
  }

  /** Whether `relPath` (`/`-separated) is excluded; the deepest rule file with an opinion wins. */
  ignores(relPath: string, isDir: boolean): boolean {
    let ignored = false;
    let dir = '';
    let rest = relPath;
    for (;;) {
      const layer = this.layers.get(dir);
      if (layer) {
        const verdict = layer.test(isDir ? `${rest}/` : rest);
        if (verdict.ignored) ignored = true;
        else if (verdict.unignored) ignored = false;
      }
      const slash = rest.indexOf('/');
      if (slash < 0) return ignored;
      dir = dir ? `${dir}/${rest.slice(0, slash)}` : rest.slice(0, slash);
      rest = rest.slice(slash + 1);
    }
  }
}
