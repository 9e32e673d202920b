import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfCancelled } from '../base/wait';

// What was uploaded, file by file, and what changed in the workspace since.

/** More files than this and the manifest stops (marked `truncated`): a deploy must not stall on a huge tree. */
export const MAX_MANIFEST_FILES = 50_000;
/** Most paths listed per kind of change; the counts stay exact. */
export const MAX_LISTED_CHANGES = 200;
/** Deploys whose manifests are kept per workspace. */
export const KEPT_MANIFESTS = 5;

/** The files of one deploy's upload: path relative to the build context -> sha256 of the content. */
export interface DeployManifest {
  deployId: string;
  /** The build context, relative to the workspace root ('' for the root itself). */
  context: string;
  at: number;
  commit?: string;
  branch?: string;
  files: Record<string, string>;
  /** True when the upload held more than MAX_MANIFEST_FILES files and only the first were recorded. */
  truncated?: boolean;
}

/** Where manifests live, outside the view snapshot (VS Code: workspaceState; tests: memory). */
export interface ManifestStore {
  /** Newest first. */
  list(): DeployManifest[];
  save(manifests: DeployManifest[]): Promise<void>;
}

export function memoryManifestStore(initial: DeployManifest[] = []): ManifestStore {
  let kept = initial;
  return {
    list: () => kept,
    save: async (m) => {
      kept = m;
    },
  };
}

/** Adds `manifest` as the newest and keeps only the last KEPT_MANIFESTS. */
export async function rememberManifest(store: ManifestStore, manifest: DeployManifest): Promise<void> {
  await store.save([manifest, ...store.list().filter((m) => m.deployId !== manifest.deployId)].slice(0, KEPT_MANIFESTS));
}

/** sha256 of each listed file (symlinks: of the link target, as tar stores them). */
export async function hashFiles(root: string, files: readonly string[], signal?: AbortSignal): Promise<{ files: Record<string, string>; truncated: boolean }> {
  const out: Record<string, string> = {};
  for (const rel of files.slice(0, MAX_MANIFEST_FILES)) {
    throwIfCancelled(signal);
    out[rel] = await hashOne(path.join(root, rel));
  }
  return { files: out, truncated: files.length > MAX_MANIFEST_FILES };
}

async function hashOne(abs: string): Promise<string> {
  const hash = createHash('sha256');
  const stat = await fs.lstat(abs).catch(() => undefined);
  if (!stat) return 'missing';
  if (stat.isSymbolicLink()) return hash.update(`link:${await fs.readlink(abs)}`).digest('hex');
  await new Promise<void>((resolve, reject) => {
    createReadStream(abs)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', resolve)
      .on('error', reject);
  });
  return hash.digest('hex');
}

export interface SourceDiff {
  added: string[];
  removed: string[];
  modified: string[];
  counts: { added: number; removed: number; modified: number; unchanged: number };
  /** True when a list was cut at MAX_LISTED_CHANGES (the counts are still exact). */
  listsTruncated: boolean;
}

/** Added / removed / modified paths between two manifests' files. */
export function diffManifests(before: Record<string, string>, now: Record<string, string>): SourceDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const modified: string[] = [];
  let unchanged = 0;
  for (const [file, hash] of Object.entries(now)) {
    if (!(file in before)) added.push(file);
    else if (before[file] !== hash) modified.push(file);
    else unchanged++;
  }
  for (const file of Object.keys(before)) if (!(file in now)) removed.push(file);
  const cut = (list: string[]) => list.sort().slice(0, MAX_LISTED_CHANGES);
  return {
    added: cut(added),
    removed: cut(removed),
    modified: cut(modified),
    counts: { added: added.length, removed: removed.length, modified: modified.length, unchanged },
    listsTruncated: [added, removed, modified].some((l) => l.length > MAX_LISTED_CHANGES),
  };
}
