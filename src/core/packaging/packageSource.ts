import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { DevgemError } from '../base/errors';
import { comparePaths, writeDeterministicTarGz, type TarGzOptions } from './deterministicTar';
import { ForceInclude } from './forceInclude';
import { IgnoreRules, type RulesFrom } from './ignoreRules';
import { secretReason } from './secretFiles';
import { checkSymlink } from './symlinks';
import { throwIfCancelled } from '../base/wait';
import { TarballSpool } from './tarballSpool';

export { previewManifest } from './uploadPreview';

/** Never uploaded: history. Not even when the user includes it. */
const NEVER = '.git';
/** Never uploaded unless the user includes it by name: the image installs dependencies itself. */
const DEPENDENCIES = 'node_modules';

export interface SourceManifest {
  /** Relative to the root, `/`-separated, sorted (the tarball's entry order). */
  files: string[];
  /** Which ignore file shaped the list, for the tracker's detail line. */
  rulesFrom: RulesFrom;
  /** Files left out because they look like secrets, so the UI can say so. */
  secretsExcluded?: string[];
  /** Entries that can't be uploaded and were left out, with why. */
  skipped?: { path: string; reason: string }[];
}

/** What `listSourceFiles` returns: every field filled. */
export type ListedSource = Required<SourceManifest>;

export interface ListOptions {
  /** Relative paths or gitignore-style globs uploaded even when ignored, built-in excluded or secret-looking. */
  include?: readonly string[];
}

/**
 * Node decodes a name that is not UTF-8 with U+FFFD, so the decoded name no
 * longer exists on disk. tar headers written by node-tar take UTF-8 strings
 * (pax paths must be UTF-8), so such a file can't be represented faithfully:
 * it is skipped and named in `skipped`.
 */
async function undecodableName(dir: string, name: string): Promise<boolean> {
  if (!name.includes('\uFFFD')) return false;
  return fs.lstat(path.join(dir, name)).then(
    () => false,
    () => true,
  );
}

/**
 * The files that will be uploaded, relative to `root`, with `/` separators.
 * Rules: `.gcloudignore` (with `#!include:`), else `.gitignore` files plus
 * defaults; then `.git` always, `node_modules` and secret-looking files unless
 * `options.include` names them. A symlink leaving the folder is refused.
 */
export async function listSourceFiles(root: string, signal?: AbortSignal, options: ListOptions = {}): Promise<ListedSource> {
  throwIfCancelled(signal);
  const rules = await IgnoreRules.load(root);
  const include = new ForceInclude(options.include ?? []);
  const realRoot = await fs.realpath(root);
  const files: string[] = [];
  const secretsExcluded: string[] = [];
  const skipped: { path: string; reason: string }[] = [];

  const visitFile = async (abs: string, rel: string, isLink: boolean): Promise<void> => {
    const forced = include.matches(rel, false);
    if (!forced && rules.ignores(rel, false)) return;
    if (!forced && (await secretReason(rel, abs, isLink))) {
      secretsExcluded.push(rel);
      return;
    }
    if (isLink) await checkSymlink(realRoot, abs, rel);
    files.push(rel);
  };

  const walk = async (dir: string, rel: string): Promise<void> => {
    throwIfCancelled(signal);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (rel === '') throw err;
      skipped.push({ path: rel, reason: `folder can't be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
      return;
    }
    if (rel && entries.some((e) => e.name === '.gitignore' && e.isFile()) && rules.readsNestedGitignore) {
      // An unreadable .gitignore is treated as empty, as git does.
      rules.addNestedGitignore(rel, await fs.readFile(path.join(dir, '.gitignore'), 'utf8').catch(() => ''));
    }
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if (await undecodableName(dir, entry.name)) {
        skipped.push({ path: relPath, reason: 'name is not valid UTF-8, which the tarball cannot hold; rename it' });
      } else if (entry.isDirectory()) {
        if (entry.name === NEVER) continue;
        const excluded = entry.name === DEPENDENCIES || rules.ignores(relPath, true);
        if (!excluded || include.reachesInto(relPath)) await walk(abs, relPath);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // Symlinks are stored as links, never followed: no loops, no double content.
        await visitFile(abs, relPath, entry.isSymbolicLink());
      } else if (!rules.ignores(relPath, false)) {
        // A FIFO would block tar forever; sockets and devices mean nothing in an image.
        skipped.push({ path: relPath, reason: 'not a regular file, folder or symbolic link' });
      }
    }
  };
  await walk(root, '');
  // readdir order is the file system's; sorting makes every list the same on every machine.
  files.sort(comparePaths);
  secretsExcluded.sort(comparePaths);
  skipped.sort((a, b) => comparePaths(a.path, b.path));
  return { files, rulesFrom: rules.rulesFrom, secretsExcluded, skipped };
}

/**
 * Streams the manifest into a deterministic gzipped tarball at `outFile`
 * (memory stays flat); the same files give the same bytes and `sha256`.
 */
export async function writeSourceTarball(
  root: string,
  manifest: SourceManifest,
  outFile: string,
  signal?: AbortSignal,
  opts: TarGzOptions = {},
): Promise<{ bytes: number; sha256: string }> {
  refuseEmpty(manifest);
  return writeDeterministicTarGz(root, manifest.files, outFile, signal, opts);
}

/** The same tarball, compressed in the background into `outFile`; its reader streams it while it grows. */
export function startSourceTarball(root: string, manifest: SourceManifest, outFile: string, signal?: AbortSignal): TarballSpool {
  refuseEmpty(manifest);
  return new TarballSpool(root, manifest.files, outFile, signal);
}

function refuseEmpty(manifest: SourceManifest): void {
  if (manifest.files.length === 0) {
    throw new DevgemError('invalid-argument', 'Nothing to upload: every file is excluded by the ignore rules.', {
      fix: `Check ${manifest.rulesFrom === 'defaults' ? 'the folder' : manifest.rulesFrom}: it must leave the app's files in.`,
    });
  }
}
