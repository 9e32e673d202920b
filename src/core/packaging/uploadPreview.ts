import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { yieldToEventLoop } from '../base/wait';
import { secretReason } from './secretFiles';

/** What the upload will hold, shown before it leaves the machine. */
export interface UploadPreview {
  fileCount: number;
  totalBytes: number;
  largest: { path: string; bytes: number }[];
  redFlags: { path: string; reason: string }[];
  /** Entries left out because a tarball can't hold them (FIFOs, sockets, devices, names that are not UTF-8), with why. */
  skipped?: { path: string; reason: string }[];
}

/** Decimal units, as the thresholds are said to people ("100 MB", "1 GB"). */
export const LARGE_FILE_BYTES = 100 * 1000 * 1000;
export const MAX_TOTAL_BYTES = 1000 * 1000 * 1000;
export const MAX_FILES = 50_000;
const LARGEST_SHOWN = 5;
/** lstat this many files at once: fast on 50k files without opening thousands of handles. */
const STAT_BATCH = 64;
/** Checking names of this many files takes ~2 ms; then the event loop gets a turn. */
const YIELD_EVERY = 256;

/** Dependency folders the image installs itself; uploading them is slow and usually a mistake. */
function dependencyDir(relPath: string): string | undefined {
  const parts = relPath.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === 'node_modules' || parts[i] === '.venv') return parts.slice(0, i + 1).join('/');
    if (parts[i] === 'vendor' && parts[i + 1] === 'bundle' && i + 1 < parts.length - 1) return parts.slice(0, i + 2).join('/');
  }
  return undefined;
}

function formatSize(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

/**
 * What the upload will hold, and what looks wrong in it: huge files, a
 * dependency folder, a secret-looking file (in the manifest only because the
 * user force-included it), too many files or bytes. Symlinks count 0 bytes:
 * the tarball stores the link, not its target.
 */
export async function previewManifest(
  root: string,
  manifest: { files: readonly string[]; skipped?: readonly { path: string; reason: string }[] },
): Promise<UploadPreview> {
  const sizes: { path: string; bytes: number; link: boolean }[] = [];
  for (let i = 0; i < manifest.files.length; i += STAT_BATCH) {
    const batch = manifest.files.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((f) => fs.lstat(path.join(root, f))));
    batch.forEach((f, j) => sizes.push({ path: f, bytes: stats[j].isFile() ? stats[j].size : 0, link: stats[j].isSymbolicLink() }));
  }
  const totalBytes = sizes.reduce((sum, s) => sum + s.bytes, 0);
  const largest = [...sizes]
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
    .slice(0, LARGEST_SHOWN)
    .map(({ path: p, bytes }) => ({ path: p, bytes }));

  const redFlags: UploadPreview['redFlags'] = [];
  const flaggedDirs = new Set<string>();
  for (const [i, { path: file, bytes, link }] of sizes.entries()) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    if (bytes >= LARGE_FILE_BYTES) redFlags.push({ path: file, reason: `large file (${formatSize(bytes)})` });
    const dir = dependencyDir(file);
    if (dir && !flaggedDirs.has(dir)) {
      flaggedDirs.add(dir);
      redFlags.push({ path: dir, reason: 'dependency folder: the image installs dependencies itself; exclude it in .gcloudignore' });
    }
    const secret = await secretReason(file, path.join(root, file), link);
    if (secret) redFlags.push({ path: file, reason: `looks like a secret (${secret}) and is included because you asked for it` });
  }
  if (manifest.files.length > MAX_FILES) redFlags.push({ path: '.', reason: `${manifest.files.length} files (more than ${MAX_FILES})` });
  if (totalBytes > MAX_TOTAL_BYTES) redFlags.push({ path: '.', reason: `${formatSize(totalBytes)} in all (more than 1 GB)` });
  return { fileCount: manifest.files.length, totalBytes, largest, redFlags, skipped: [...(manifest.skipped ?? [])] };
}

/** What was left out and why, in one line (empty when nothing was). */
export function describeSkipped(preview: Pick<UploadPreview, 'skipped'>, max = 3): string {
  const s = preview.skipped ?? [];
  if (!s.length) return '';
  const named = s.slice(0, max).map((e) => `${e.path} (${e.reason})`);
  return `${named.join(', ')}${s.length > max ? `, and ${s.length - max} more` : ''}`;
}

/** The flagged things in one line, for an error that stops the upload. */
export function describeRedFlags(preview: UploadPreview): string {
  return preview.redFlags.map((f) => `${f.path} (${f.reason})`).join('; ');
}
