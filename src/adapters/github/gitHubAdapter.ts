import type { Octokit } from '@octokit/rest' with { 'resolution-mode': 'import' };
import type { GitHubPort, GitHubRef, GitHubRepo, GitHubTarball } from '../../core/github/gitHubPort';
import { toGitHubError, type GitHubCall } from './gitHubErrors';

export interface GitHubConfig {
  /** A GitHub token (VS Code's GitHub session, or the emulator's test token). */
  token: string;
  /** https://api.github.com by default; the emulator's http://127.0.0.1:PORT/github in tests. */
  baseUrl?: string;
  userAgent?: string;
}

interface RepoJson {
  full_name: string;
  name: string;
  owner: { login: string } | null;
  private: boolean;
  default_branch?: string;
  description?: string | null;
}

function repoOf(r: RepoJson): GitHubRepo {
  const owner = r.owner?.login ?? r.full_name.split('/')[0];
  return {
    fullName: r.full_name,
    owner,
    name: r.name,
    private: r.private,
    defaultBranch: r.default_branch ?? 'main',
    ...(r.description ? { description: r.description } : {}),
  };
}

/** GitHubPort over Octokit. @octokit/rest is ESM-only; Node 22's require(esm) and the bundle both load it. */
export class OctokitGitHub implements GitHubPort {
  private readonly octokit: Octokit;

  constructor(config: GitHubConfig) {
    const { Octokit: OctokitClass } = require('@octokit/rest') as { Octokit: typeof Octokit };
    this.octokit = new OctokitClass({
      auth: config.token,
      ...(config.baseUrl ? { baseUrl: config.baseUrl.replace(/\/+$/, '') } : {}),
      userAgent: config.userAgent ?? 'devgem',
      // Devgem says when the limit resets; it never sleeps through it silently.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }

  private async call<T>(call: GitHubCall, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw toGitHubError(err, call);
    }
  }

  listRepos(limit: number, signal: AbortSignal): Promise<GitHubRepo[]> {
    return this.call({ what: 'listing your repositories' }, async () => {
      const out: GitHubRepo[] = [];
      const pages = this.octokit.paginate.iterator(this.octokit.rest.repos.listForAuthenticatedUser, {
        per_page: Math.min(100, limit),
        sort: 'updated',
        request: { signal },
      });
      for await (const page of pages) {
        for (const r of page.data) out.push(repoOf(r));
        if (out.length >= limit) break;
      }
      return out.slice(0, limit);
    });
  }

  searchRepos(query: string, limit: number, signal: AbortSignal): Promise<GitHubRepo[]> {
    return this.call({ what: `searching repositories for "${query}"` }, async () => {
      const { data } = await this.octokit.rest.search.repos({ q: query, per_page: Math.min(100, limit), request: { signal } });
      return data.items.slice(0, limit).map((r) => repoOf(r as RepoJson));
    });
  }

  getRepo(owner: string, name: string, signal: AbortSignal): Promise<GitHubRepo> {
    return this.call({ what: `looking up ${owner}/${name}`, repository: `${owner}/${name}` }, async () => {
      const { data } = await this.octokit.rest.repos.get({ owner, repo: name, request: { signal } });
      return repoOf(data);
    });
  }

  listRefs(owner: string, name: string, signal: AbortSignal): Promise<GitHubRef[]> {
    return this.call({ what: `listing the branches and tags of ${owner}/${name}`, repository: `${owner}/${name}` }, async () => {
      const [branches, tags] = await Promise.all([
        this.octokit.paginate(this.octokit.rest.repos.listBranches, { owner, repo: name, per_page: 100, request: { signal } }),
        this.octokit.paginate(this.octokit.rest.repos.listTags, { owner, repo: name, per_page: 100, request: { signal } }),
      ]);
      return [
        ...branches.map((b): GitHubRef => ({ name: b.name, kind: 'branch', sha: b.commit.sha })),
        ...tags.map((t): GitHubRef => ({ name: t.name, kind: 'tag', sha: t.commit.sha })),
      ];
    });
  }

  resolveCommit(owner: string, name: string, ref: string, signal: AbortSignal): Promise<string> {
    return this.call({ what: `resolving ${ref}`, repository: `${owner}/${name}`, ref }, async () => {
      const { data } = await this.octokit.rest.repos.getCommit({ owner, repo: name, ref, request: { signal } });
      return data.sha;
    });
  }

  openTarball(owner: string, name: string, sha: string, signal: AbortSignal): Promise<GitHubTarball> {
    return this.call({ what: `downloading ${owner}/${name}`, repository: `${owner}/${name}`, ref: sha }, async () => {
      // Unparsed: the body stays a stream, so the caller can write it to disk and stop at its size limit.
      const res = await this.octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
        owner,
        repo: name,
        ref: sha,
        request: { signal, parseSuccessResponseBody: false },
      });
      const body = res.data as unknown as ReadableStream<Uint8Array> | null;
      if (!body) throw new Error('the archive response had no body');
      const size = Number(res.headers['content-length']);
      return { body: body as unknown as AsyncIterable<Uint8Array>, ...(Number.isFinite(size) && size > 0 ? { size } : {}) };
    });
  }
}
