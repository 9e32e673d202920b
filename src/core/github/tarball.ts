import { createWriteStream, promises as fs } from 'node:fs';
import { t as listTar, x as extractTar, type ReadEntry } from 'tar';
import { DevgemError } from '../base/errors';
import { CancelledError } from '../base/errors';
import { throwIfCancelled } from '../base/wait';

/**
 * Writes a tarball body to `file`, aborting as soon as more than `maxBytes`
 * arrived (or the announced size is already over), or when `signal` fires.
 * The partial file is removed on failure.
 */
export async function saveTarball(
  body: AsyncIterable<Uint8Array>,
  file: string,
  opts: { maxBytes: number; size?: number; repository: string; signal: AbortSignal },
): Promise<number> {
  const { maxBytes, signal } = opts;
  if (opts.size !== undefined && opts.size > maxBytes) throw tooBig(opts.repository, maxBytes);
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', resolve);
    out.once('error', reject);
  });
  let bytes = 0;
  try {
    for await (const chunk of body) {
      throwIfCancelled(signal);
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw tooBig(opts.repository, maxBytes);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
    throwIfCancelled(signal);
    out.end();
    await closed;
    return bytes;
  } catch (err) {
    out.destroy();
    await closed.catch(() => undefined);
    await fs.rm(file, { force: true });
    throw err;
  }
}

function tooBig(repository: string, maxBytes: number): DevgemError {
  const mb = Math.round(maxBytes / (1024 * 1024));
  return new DevgemError('resource-exhausted', `The archive of ${repository} is larger than the ${mb} MB limit; the download was stopped.`, {
    fix: 'Raise "devgem.github.maxDownloadMB" if the repository really is that big, or deploy it from a local clone.',
  });
}

/** Why an archive entry may not be extracted, or undefined when it is safe. */
export function unsafeEntry(entryPath: string, type: string, linkpath: string | undefined): string | undefined {
  const p = entryPath.replaceAll('\\', '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return `${entryPath} is an absolute path`;
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) return `${entryPath} climbs out of the folder`;
  if (type === 'SymbolicLink' || type === 'Link') {
    const target = (linkpath ?? '').replaceAll('\\', '/');
    if (target.startsWith('/') || /^[A-Za-z]:/.test(target)) return `${entryPath} links to an absolute path`;
    // A symlink resolves beside itself; a hard link names a path from the archive root (GitHub's top folder first).
    const targetParts = target.split('/');
    const escapes = type === 'SymbolicLink' ? climbsOut(parts.slice(1, -1), targetParts) : targetParts.includes('..');
    if (escapes) return `${entryPath} links outside the folder`;
  }
  if (
    ![
      'File',
      'OldFile',
      'ContiguousFile',
      'Directory',
      'SymbolicLink',
      'Link',
      'ExtendedHeader',
      'GlobalExtendedHeader',
      'NextFileHasLongPath',
      'NextFileHasLongLinkpath',
      'OldExtendedHeader',
    ].includes(type)
  ) {
    return `${entryPath} is a ${type} entry`;
  }
  return undefined;
}

/** Whether following `target` from the folder `base` (parts below the root) ever leaves the root. */
function climbsOut(base: string[], target: string[]): boolean {
  let depth = base.length;
  for (const part of target) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * Extracts a GitHub archive into `dest` without its `owner-repo-sha7/` top
 * folder. Refuses the whole archive when any entry has an absolute path,
 * `..`, a link leading outside, or a device/fifo type.
 */
export async function extractTarball(file: string, dest: string, signal: AbortSignal): Promise<void> {
  throwIfCancelled(signal);
  const refused: string[] = [];
  const check = (entry: ReadEntry): void => {
    const why = unsafeEntry(entry.path, entry.type, entry.linkpath);
    if (why) refused.push(why);
  };
  // First pass lists only, so nothing is written from an archive that is refused.
  await listTar({ file, onReadEntry: check });
  if (refused.length) {
    throw new DevgemError(
      'invalid-argument',
      `The repository archive has unsafe entries and was not extracted: ${refused.slice(0, 3).join('; ')}${refused.length > 3 ? ` and ${refused.length - 3} more` : ''}.`,
      {
        fix: 'Remove those paths or links from the repository (or deploy a different ref).',
      },
    );
  }
  if (signal.aborted) throw new CancelledError();
  await fs.mkdir(dest, { recursive: true });
  await extractTar({ file, cwd: dest, strip: 1, strict: true, preservePaths: false, noChmod: false });
  throwIfCancelled(signal);
}
