import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import ignore, { type Ignore } from 'ignore';
import * as tar from 'tar';
import { DevgemError } from './errors';
import { throwIfCancelled } from './wait';

/** Never uploaded, whatever the ignore files say: history, dependencies and secrets. */
const ALWAYS_EXCLUDED_DIRS = new Set(['.git', 'node_modules']);
function isSecretFile(name: string): boolean {
  return name === '.env' || name.startsWith('.env.');
}

export interface SourceManifest {
  files: string[];
  /** Which ignore file shaped the list, for the tracker's detail line. */
  rulesFrom: '.gcloudignore' | '.gitignore' | 'defaults';
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** gcloud's rule: `.gcloudignore` if present (with `#!include:` lines), else `.gitignore`. */
async function loadRules(root: string): Promise<{ ig: Ignore; rulesFrom: SourceManifest['rulesFrom'] }> {
  const ig = ignore();
  const gcloudignore = await readOptional(path.join(root, '.gcloudignore'));
  if (gcloudignore !== undefined) {
    for (const line of gcloudignore.split(/\r?\n/)) {
      const include = /^#!include:(.+)$/.exec(line.trim());
      if (include) {
        const included = await readOptional(path.join(root, include[1].trim()));
        if (included === undefined) {
          throw new DevgemError('invalid-argument', `.gcloudignore includes ${include[1].trim()}, which does not exist.`, {
            fix: 'Remove that #!include line from .gcloudignore or create the file it names.',
          });
        }
        ig.add(included);
      } else {
        ig.add(line);
      }
    }
    return { ig, rulesFrom: '.gcloudignore' };
  }
  const gitignore = await readOptional(path.join(root, '.gitignore'));
  if (gitignore !== undefined) {
    ig.add(gitignore);
    return { ig, rulesFrom: '.gitignore' };
  }
  return { ig, rulesFrom: 'defaults' };
}

/** The files that will be uploaded, relative to `root`, with `/` separators. */
export async function listSourceFiles(root: string, signal?: AbortSignal): Promise<SourceManifest> {
  const { ig, rulesFrom } = await loadRules(root);
  const files: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    throwIfCancelled(signal);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (ALWAYS_EXCLUDED_DIRS.has(entry.name) || ig.ignores(`${relPath}/`)) continue;
        await walk(path.join(dir, entry.name), relPath);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // Symlinks are stored as links, never followed: a link to /etc uploads nothing of /etc.
        if (isSecretFile(entry.name) || ig.ignores(relPath)) continue;
        files.push(relPath);
      }
    }
  };
  await walk(root, '');
  return { files, rulesFrom };
}

/** Streams the manifest into a gzipped tarball at `outFile` (memory stays flat). */
export async function writeSourceTarball(root: string, manifest: SourceManifest, outFile: string, signal?: AbortSignal): Promise<{ bytes: number }> {
  if (manifest.files.length === 0) {
    throw new DevgemError('invalid-argument', 'Nothing to upload: every file is excluded by the ignore rules.', {
      fix: `Check ${manifest.rulesFrom === 'defaults' ? 'the folder' : manifest.rulesFrom}: it must leave the app's files in.`,
    });
  }
  // 1 MiB reads instead of tar's 16 MiB keep memory flat on large files (docs/benchmarks.md).
  const pack = tar.create({ gzip: true, cwd: root, portable: true, noDirRecurse: true, maxReadSize: 1024 * 1024 }, manifest.files);
  await pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(outFile), { signal });
  const { size } = await fs.stat(outFile);
  return { bytes: size };
}
