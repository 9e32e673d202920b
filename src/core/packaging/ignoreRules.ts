import ignore, { type Ignore } from 'ignore';
import { DevgemError } from '../base/errors';
import { WorkspaceJail } from '../base/workspaceJail';
import { classifySecretFile } from './secretFiles';

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

/** Rule files are small; a bigger one is not a list of patterns. */
const MAX_RULES_BYTES = 1024 * 1024;

/**
 * Rule files are read like the agent reads files: inside the folder being
 * deployed (links resolved), regular files only, bounded, and never a secret,
 * so `#!include:/etc/shadow` or a `.gitignore` linked to `/dev/zero` stop the
 * deploy with a reason instead of reading the machine.
 */
function rulesJail(root: string): WorkspaceJail {
  return new WorkspaceJail(root, { rule: classifySecretFile, maxReadBytes: MAX_RULES_BYTES });
}

/** An unreadable root rule file counts as absent, as git treats it; a refusal stops the deploy. */
function readRootRules(jail: WorkspaceJail, name: string): Promise<string | undefined> {
  return jail.readText(name).catch((err: unknown) => {
    if (err instanceof DevgemError) throw err;
    return undefined;
  });
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
async function gcloudignoreLines(jail: WorkspaceJail, text: string, depth: number, file = '.gcloudignore'): Promise<string[]> {
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
    const included = await jail.readText(name).catch((err: unknown) => {
      if (!(err instanceof DevgemError)) throw err;
      throw new DevgemError('invalid-argument', `${file} includes ${name}, which Devgem does not read: ${err.message}`, {
        fix: 'Includes name a file inside the folder being deployed, relative to it (e.g. #!include:.gitignore).',
      });
    });
    if (included === undefined) {
      throw new DevgemError('invalid-argument', `.gcloudignore includes ${name}, which does not exist.`, {
        fix: 'Remove that #!include line from .gcloudignore or create the file it names.',
      });
    }
    if (depth < MAX_INCLUDE_DEPTH) lines.push(...(await gcloudignoreLines(jail, included, depth + 1, name)));
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
    const jail = rulesJail(root);
    const gcloudignore = await readRootRules(jail, '.gcloudignore');
    if (gcloudignore !== undefined) {
      return new IgnoreRules('.gcloudignore', ignore(IGNORE_OPTIONS).add(await gcloudignoreLines(jail, gcloudignore, 0)));
    }
    const base = ignore(IGNORE_OPTIONS).add(DEFAULT_IGNORES);
    const gitignore = await readRootRules(jail, '.gitignore');
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
