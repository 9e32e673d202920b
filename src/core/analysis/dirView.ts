import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Folders no analysis needs to look into: dependencies, build output, VCS, caches. */
export const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  'env',
  '__pycache__',
  '.tox',
  'vendor',
  'dist',
  'build',
  'target',
  'out',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.output',
  '.gradle',
  '.idea',
  '.vscode',
  'bin',
  'obj',
  'deps',
  '_build',
  '.dart_tool',
  '.build',
  'coverage',
  '.turbo',
  '.cache',
]);

const MAX_TEXT = 512 * 1024;

/**
 * A read-only, cached view of one app folder inside the workspace. Detectors
 * read through it so a folder's files are read once however many detectors ask.
 */
export class DirView {
  private readonly lists = new Map<string, Promise<string[]>>();
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly finds = new Map<string, Promise<string[]>>();

  /** @param root absolute workspace root; @param dir app folder relative to it ('' = root). */
  constructor(
    readonly root: string,
    readonly dir: string,
  ) {}

  /** Absolute path of `rel` (relative to the app folder). */
  abs(rel = ''): string {
    return path.join(this.root, this.dir, rel);
  }

  /** Path relative to the workspace root, for evidence. */
  rel(rel: string): string {
    return [this.dir, rel].filter(Boolean).join('/');
  }

  /** Entry names of a subfolder ('' = the app folder); [] when it does not exist. */
  list(rel = ''): Promise<string[]> {
    let p = this.lists.get(rel);
    if (!p) {
      p = fs.readdir(this.abs(rel)).then(
        (e) => e.sort(),
        () => [],
      );
      this.lists.set(rel, p);
    }
    return p;
  }

  async exists(rel: string): Promise<boolean> {
    const dir = path.posix.dirname(rel);
    return (await this.list(dir === '.' ? '' : dir)).includes(path.posix.basename(rel));
  }

  /** Text of a file (first 512 KiB); undefined when missing or unreadable. */
  readText(rel: string): Promise<string | undefined> {
    let p = this.texts.get(rel);
    if (!p) {
      p = (async () => {
        try {
          const handle = await fs.open(this.abs(rel), 'r');
          try {
            const buf = Buffer.alloc(MAX_TEXT);
            const { bytesRead } = await handle.read(buf, 0, MAX_TEXT, 0);
            return buf.subarray(0, bytesRead).toString('utf8');
          } finally {
            await handle.close();
          }
        } catch {
          return undefined;
        }
      })();
      this.texts.set(rel, p);
    }
    return p;
  }

  /** Parsed JSON; undefined when missing. Throws SyntaxError (with the file name) when corrupt. */
  async readJson<T>(rel: string): Promise<T | undefined> {
    const text = await this.readText(rel);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new SyntaxError(`${this.rel(rel)}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Source files below the app folder with one of `extensions` (e.g. ['.js', '.ts']),
   * skipping SKIP_DIRS, breadth-first, bounded by `maxFiles` and `maxDepth`.
   */
  findFiles(extensions: string[], opts: { maxFiles?: number; maxDepth?: number } = {}): Promise<string[]> {
    // Several detectors and the readiness check ask the same question; the tree is walked once.
    const key = `${extensions.join(',')}|${opts.maxFiles ?? ''}|${opts.maxDepth ?? ''}`;
    let p = this.finds.get(key);
    if (!p) {
      p = this.walk(extensions, opts);
      this.finds.set(key, p);
    }
    return p;
  }

  private async walk(extensions: string[], opts: { maxFiles?: number; maxDepth?: number }): Promise<string[]> {
    const maxFiles = opts.maxFiles ?? 200;
    const maxDepth = opts.maxDepth ?? 4;
    const out: string[] = [];
    let level: string[] = [''];
    for (let depth = 0; depth <= maxDepth && level.length && out.length < maxFiles; depth++) {
      const next: string[] = [];
      for (const dir of level) {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await fs.readdir(this.abs(dir), { withFileTypes: true });
        } catch {
          continue;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          const rel = dir ? `${dir}/${e.name}` : e.name;
          if (e.isDirectory()) {
            if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) next.push(rel);
          } else if (e.isFile() && extensions.some((x) => e.name.endsWith(x))) {
            out.push(rel);
            if (out.length >= maxFiles) return out;
          }
        }
      }
      level = next;
    }
    return out;
  }
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The first match of `re` in a file, as evidence; undefined when absent. */
export async function grep(view: DirView, rel: string, re: RegExp): Promise<{ match: RegExpExecArray; line: number; text: string } | undefined> {
  const text = await view.readText(rel);
  if (text === undefined) return undefined;
  const match = re.exec(text);
  if (!match) return undefined;
  const line = lineAt(text, match.index);
  return { match, line, text: text.split(/\r?\n/)[line - 1] ?? '' };
}
