// Which archive entries are safe to extract; pure, shared by the host and the extraction worker.

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

/** Extraction limits (devgem.github.maxExtractMB, devgem.github.maxEntries). */
export interface ExtractLimits {
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_MAX_EXTRACT_MB = 1024;
export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxBytes: DEFAULT_MAX_EXTRACT_MB * 1024 * 1024, maxEntries: DEFAULT_MAX_ENTRIES };
