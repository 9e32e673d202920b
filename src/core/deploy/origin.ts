// Which workspace or repository a deploy comes from, as one stable short value
// Devgem records on what it creates (the `devgem-origin` label, ownership.ts):
// a clone of the same repository anywhere, and a GitHub deploy of it, are the
// same origin; another repository, or a folder elsewhere, is not.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readRepositoryIdentity } from '../git/gitRemote';

export interface Origin {
  /** How the user knows it: `github.com/owner/name`, `the folder /home/me/app`. Never holds credentials. */
  describe: string;
  /** The label value: a hash of the identity (a label value holds at most 63 lowercase letters, digits, `_` and `-`; a URL or path does not fit). */
  label: string;
}

const LABEL_HEX = 16;

function originFor(identity: string, describe: string): Origin {
  return { describe, label: createHash('sha256').update(identity).digest('hex').slice(0, LABEL_HEX) };
}

/**
 * A remote URL as the repository's identity: host and path, lowercase, without
 * user, password, port, scheme or `.git`, so SSH and HTTPS clones of one
 * repository agree. undefined when the URL names no host (a local path).
 */
export function normalizeRemote(url: string): string | undefined {
  const u = url.trim();
  // scp-like: git@github.com:owner/name.git
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(u);
  let host: string | undefined;
  let repoPath: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    try {
      const parsed = new URL(u);
      if (parsed.protocol === 'file:') return undefined;
      host = parsed.hostname;
      repoPath = decodeURIComponent(parsed.pathname);
    } catch {
      return undefined;
    }
  } else if (scp && !/^[a-z]:$/i.test(`${scp[1]}:`)) {
    [, host, repoPath] = scp;
  }
  if (!host || !repoPath) return undefined;
  const clean = repoPath
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^\/+/, '');
  return clean ? `${host}/${clean}`.toLowerCase() : undefined;
}

/**
 * Where a deploy comes from: a GitHub deploy's repository; else the remote of
 * the git repository holding the folder; else the repository's (or the
 * folder's) real path.
 */
export async function originOf(source: { workspaceRoot: string; gitHub?: { repository: string } }): Promise<Origin> {
  if (source.gitHub) {
    const id = `github.com/${source.gitHub.repository}`.toLowerCase();
    return originFor(id, id);
  }
  const repo = await readRepositoryIdentity(source.workspaceRoot);
  const remote = repo?.remoteUrl ? normalizeRemote(repo.remoteUrl) : undefined;
  if (remote) return originFor(remote, remote);
  const folder = repo?.workTree ?? source.workspaceRoot;
  const real = await fs.realpath(folder).catch(() => path.resolve(folder));
  return originFor(`folder:${real}`, `the folder ${real}`);
}
