import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findRepository } from './gitInfo';

/** A repository's config is a few KB; past this we stop reading. */
const MAX_CONFIG_BYTES = 256 * 1024;

/** What identifies a git repository wherever it is cloned: its remote's URL, else where its work tree is. */
export interface RepositoryIdentity {
  /** The `origin` remote's URL (else the first remote's), as the config has it; undefined without remotes. */
  remoteUrl?: string;
  /** The folder holding `.git`. */
  workTree: string;
}

/**
 * Reads the repository that holds `folder` straight from its config file (no
 * `git` binary needed); undefined outside a repository. Never throws.
 */
export async function readRepositoryIdentity(folder: string): Promise<RepositoryIdentity | undefined> {
  try {
    const dirs = await findRepository(folder);
    if (!dirs) return undefined;
    const config = await readCapped(path.join(dirs.commonDir, 'config'));
    return { remoteUrl: config ? remoteUrl(config) : undefined, workTree: dirs.workTree };
  } catch {
    return undefined;
  }
}

/** The `url` of `[remote "origin"]`, else of the first remote that has one. */
export function remoteUrl(config: string): string | undefined {
  const urls = new Map<string, string>();
  let remote: string | undefined;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([^\s\]"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      remote = section[1].toLowerCase() === 'remote' ? section[2] : undefined;
      continue;
    }
    const kv = /^url\s*=\s*(.*)$/i.exec(line);
    if (remote !== undefined && kv && !urls.has(remote)) urls.set(remote, kv[1].trim().replace(/^"(.*)"$/, '$1'));
  }
  return urls.get('origin') ?? urls.values().next().value;
}

async function readCapped(file: string): Promise<string | undefined> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buf = Buffer.alloc(MAX_CONFIG_BYTES);
    const { bytesRead } = await handle.read(buf, 0, MAX_CONFIG_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close().catch(() => undefined);
  }
}
