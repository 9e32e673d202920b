// What Devgem needs from GitHub, in core's words (no Octokit types). The
// adapter under src/adapters/github translates Octokit's answers and errors.

export interface GitHubRepo {
  /** owner/name */
  fullName: string;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  description?: string;
}

export interface GitHubRef {
  name: string;
  kind: 'branch' | 'tag';
  /** The commit it points at (full SHA). */
  sha: string;
}

/** A tarball body as it arrives; the size GitHub announced, when it did. */
export interface GitHubTarball {
  body: AsyncIterable<Uint8Array>;
  size?: number;
}

export interface GitHubPort {
  /** The signed-in user's repositories (owned, collaborator, org member), most recently updated first, at most `limit`. */
  listRepos(limit: number, signal: AbortSignal): Promise<GitHubRepo[]>;
  /** Repositories matching `query` the user can see. */
  searchRepos(query: string, limit: number, signal: AbortSignal): Promise<GitHubRepo[]>;
  /** One repository; DevgemError not-found when it is missing or the user has no access. */
  getRepo(owner: string, name: string, signal: AbortSignal): Promise<GitHubRepo>;
  /** Branches then tags. */
  listRefs(owner: string, name: string, signal: AbortSignal): Promise<GitHubRef[]>;
  /** The full commit SHA a branch, tag or SHA names; DevgemError not-found for a bad ref. */
  resolveCommit(owner: string, name: string, ref: string, signal: AbortSignal): Promise<string>;
  /** The archive of a commit (gzip'd tar with one `owner-repo-sha7/` top folder). */
  openTarball(owner: string, name: string, sha: string, signal: AbortSignal): Promise<GitHubTarball>;
}

/** Where a deploy's source came from, recorded on the deploy. */
export interface GitHubSource {
  /** owner/name */
  repository: string;
  ref: string;
  commit: string;
}

/** `owner/name`, `github.com/owner/name`, `https://github.com/owner/name(.git)`; undefined otherwise. */
export function parseRepoName(text: string): { owner: string; name: string } | undefined {
  const m = /^(?:(?:https?:\/\/)?(?:www\.)?github\.com\/)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100}?)(?:\.git)?\/?$/.exec(text.trim());
  if (!m || m[2] === '.' || m[2] === '..') return undefined;
  return { owner: m[1], name: m[2] };
}
