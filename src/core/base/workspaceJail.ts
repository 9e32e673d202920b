import { constants, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { DevgemError } from './errors';

/**
 * Why the file at `relPath` (`/`-separated, relative to the workspace) may not
 * be read or written, or undefined. `head` reads the file's first bytes, for
 * rules that look inside; it gives '' for a file still to be created.
 */
export type JailRule = (relPath: string, head: (bytes: number) => Promise<string>) => Promise<string | undefined> | string | undefined;

export interface JailOptions {
  /** Files refused even inside the folder (secrets, `.git`). */
  rule?: JailRule;
  /** Larger files are refused rather than read in part. */
  maxReadBytes?: number;
}

export const MAX_READ_BYTES = 1024 * 1024;

// Not following a final link and not waiting for a FIFO's writer are what make the checks below hold at open time.
// Windows has neither flag; there the lstat/realpath checks stand alone.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NO_BLOCK = constants.O_NONBLOCK ?? 0;

function refused(given: string, why: string, fix?: string): DevgemError {
  return new DevgemError('invalid-argument', `"${given}" ${why}`, fix ? { fix } : {});
}

/**
 * `given` as a clean `/`-separated path inside the folder, or a refusal:
 * absolute paths (`/x`, `C:\x`, `\\server\x`), `..` that climbs out, NUL bytes.
 * Judged on the text alone; where it really leads is for `WorkspaceJail`.
 */
export function cleanRelPath(given: string): string {
  const slashed = given.replace(/\\/g, '/');
  const notInside = () => refused(given, 'is not a file inside the workspace.', 'Give the path relative to the workspace folder, e.g. "src/app.js".');
  if (slashed.includes('\0') || slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) throw notInside();
  const clean = path.posix
    .normalize(slashed)
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (!clean || clean === '.' || clean === '..' || clean.startsWith('../')) throw notInside();
  return clean;
}

/** `target`'s path below `realRoot` (`/`-separated, '' for the root itself), or undefined when it is elsewhere. */
function below(realRoot: string, target: string): string | undefined {
  const rel = path.relative(realRoot, target);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'is a folder, not a file.';
  if (s.isFIFO()) return 'is a named pipe (FIFO), not a file; Devgem does not read or write pipes.';
  if (s.isSocket()) return 'is a socket, not a file.';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'is a device, not a file; Devgem does not read or write devices.';
  return 'is not a regular file.';
}

/** Names alone decide first (before anything is opened); what a file holds is looked at once it is open. */
const noHead = async () => '';

async function headOf(handle: fs.FileHandle, bytes: number): Promise<string> {
  const buf = Buffer.alloc(bytes);
  const { bytesRead } = await handle.read(buf, 0, bytes, 0);
  return buf.subarray(0, bytesRead).toString('utf8');
}

interface Located {
  /** As asked, cleaned. */
  clean: string;
  /** Where it really is (links resolved); for a missing file, its real folder plus the missing parts. */
  real: string;
  /** `real` relative to the real workspace folder. */
  realRel: string;
  exists: boolean;
}

/**
 * The open folder as the only place the agent's file tools reach. Every path
 * is resolved the way the OS will (links at every level, `..`, absolute
 * paths) and refused when it lands outside the folder or on a file the rule
 * refuses; reads take only regular files and never more than the bound.
 */
export class WorkspaceJail {
  private readonly maxReadBytes: number;

  constructor(
    readonly root: string,
    private readonly options: JailOptions = {},
  ) {
    this.maxReadBytes = options.maxReadBytes ?? MAX_READ_BYTES;
  }

  /** The text of a workspace file, or undefined when there is none; a refusal (DevgemError) when it may not be read. */
  async readText(given: string): Promise<string | undefined> {
    const at = await this.locate(given);
    await this.checkRule(given, at, noHead);
    if (!at.exists) return undefined;
    const handle = await this.openChecked(given, at);
    try {
      // One byte more than allowed tells "too large" apart; the file may grow meanwhile, the read never does.
      const buf = Buffer.alloc(this.maxReadBytes + 1);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, total, buf.length - total, total);
        if (bytesRead === 0) break;
        total += bytesRead;
        if (total === buf.length) break;
      }
      if (total > this.maxReadBytes) {
        throw refused(given, `is larger than ${Math.round(this.maxReadBytes / 1024)} KiB, more than Devgem reads into the chat.`, 'Ask about a smaller file.');
      }
      return buf.subarray(0, total).toString('utf8');
    } finally {
      await handle.close();
    }
  }

  /** Writes `content` to a workspace file (creating its folders) and returns its real path; refuses like `readText`. */
  async writeText(given: string, content: string): Promise<string> {
    const at = await this.locate(given);
    await this.checkRule(given, at, noHead);
    if (at.exists) {
      const before = await fs.stat(at.real);
      if (!before.isFile()) throw refused(given, kindOf(before));
    } else {
      await fs.mkdir(path.dirname(at.real), { recursive: true });
    }
    const handle = await fs.open(at.real, constants.O_RDWR | constants.O_CREAT | NO_FOLLOW | NO_BLOCK, 0o666);
    try {
      await this.confirmOpened(given, at, handle);
      if (at.exists) await this.checkRule(given, at, (n) => headOf(handle, Math.min(n, this.maxReadBytes)));
      const bytes = Buffer.from(content, 'utf8');
      await handle.truncate(0);
      for (let off = 0; off < bytes.length;) off += (await handle.write(bytes, off, bytes.length - off, off)).bytesWritten;
    } finally {
      await handle.close();
    }
    return at.real;
  }

  /**
   * Where a write of `given` would land and whether that file exists, refused like `writeText`;
   * nothing is written (the editor applies the edit, see agentHost.ts).
   */
  async writeTarget(given: string): Promise<{ real: string; exists: boolean }> {
    const at = await this.locate(given);
    await this.checkRule(given, at, noHead);
    if (!at.exists) return { real: at.real, exists: false };
    await (await this.openChecked(given, at)).close();
    return { real: at.real, exists: true };
  }

  /**
   * An existing workspace file opened read-only, once it proved to be a regular
   * file, the one `locate` found, and one the rule lets through by its content.
   */
  private async openChecked(given: string, at: Located): Promise<fs.FileHandle> {
    // Judged before opening: a device or FIFO is never opened, let alone read.
    const before = await fs.stat(at.real);
    if (!before.isFile()) throw refused(given, kindOf(before));
    const handle = await fs.open(at.real, constants.O_RDONLY | NO_FOLLOW | NO_BLOCK);
    try {
      await this.confirmOpened(given, at, handle);
      await this.checkRule(given, at, (n) => headOf(handle, Math.min(n, this.maxReadBytes)));
      return handle;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Where `given` really leads: the deepest part that exists, resolved, plus the parts still to be created. */
  private async locate(given: string): Promise<Located> {
    const clean = cleanRelPath(given);
    const realRoot = await fs.realpath(this.root).catch(() => {
      throw new DevgemError('not-found', `The workspace folder ${this.root} does not exist.`);
    });
    const parts = clean.split('/');
    for (let i = parts.length; i > 0; i--) {
      const candidate = path.join(realRoot, ...parts.slice(0, i));
      let real: string;
      try {
        real = await fs.realpath(candidate);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') throw refused(given, 'is a loop of symbolic links.');
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
        // A link to something missing is not a missing file: writing through it would create its target, wherever that is.
        if (
          await fs.lstat(candidate).then(
            (s) => s.isSymbolicLink(),
            () => false,
          )
        )
          throw refused(given, 'is a symbolic link to something that does not exist.');
        continue;
      }
      const full = path.join(real, ...parts.slice(i));
      const realRel = below(realRoot, full);
      if (realRel === undefined) {
        throw refused(
          given,
          'leads outside the workspace folder (through a symbolic link); Devgem reads and edits only files inside it.',
          'Ask about a file that lives inside the workspace folder.',
        );
      }
      if (realRel === '') throw refused(given, 'is the workspace folder itself, not a file in it.');
      return { clean, real: full, realRel, exists: i === parts.length };
    }
    return { clean, real: path.join(realRoot, ...parts), realRel: clean, exists: false };
  }

  /** The rule, on the path asked for and on the path it leads to (`notes.md` → `.env` is `.env`). */
  private async checkRule(given: string, at: Located, head: (bytes: number) => Promise<string>): Promise<void> {
    const rule = this.options.rule;
    if (!rule) return;
    for (const rel of at.realRel === at.clean ? [at.clean] : [at.clean, at.realRel]) {
      const why = await rule(rel, head);
      if (!why) continue;
      const via = rel === at.clean ? '' : ` leads to ${rel}, which`;
      throw refused(given, `${via} looks like a secret or private file (${why}); Devgem does not read or edit it.`.trimStart());
    }
  }

  /** The file opened is the one checked: a regular file, still at the same real path (no link swapped in meanwhile). */
  private async confirmOpened(given: string, at: Located, handle: fs.FileHandle): Promise<void> {
    const opened = await handle.stat();
    if (!opened.isFile()) throw refused(given, kindOf(opened));
    const now = await fs.realpath(at.real).catch(() => undefined);
    const there = now === at.real ? await fs.stat(now).catch(() => undefined) : undefined;
    if (!there || there.ino !== opened.ino || there.dev !== opened.dev) throw refused(given, 'changed while Devgem opened it; try again.');
  }
}
