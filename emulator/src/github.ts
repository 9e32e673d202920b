import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { jsonBody, sendJson, type Req } from './http';

// The GitHub REST subset Octokit calls for a repository deploy, mounted under
// /github (Octokit `baseUrl: http://HOST/github`, like GHE's /api/v3), plus a
// codeload-like /github-codeload that streams the tarballs. Errors are GitHub's
// shape ({ message, documentation_url }), not Google's.

/** The token every emulator client may use (code-server has no GitHub sign-in). */
export const GITHUB_TEST_TOKEN = 'ghu_devgem_emulator_token';

/** One file of a seeded ref; `linkTo` makes it a symlink, `path` is written as is (tests use `../x`). */
export interface SeedGitHubFile {
  path: string;
  content?: string;
  linkTo?: string;
  /** 0o755 for scripts; 0o644 by default. */
  mode?: number;
}

export interface SeedGitHubRepo {
  /** owner/name */
  fullName: string;
  private?: boolean;
  defaultBranch?: string;
  description?: string;
  branches?: Record<string, SeedGitHubFile[]>;
  tags?: Record<string, SeedGitHubFile[]>;
}

interface Ref {
  name: string;
  kind: 'branch' | 'tag';
  sha: string;
  files: SeedGitHubFile[];
}

interface Repo {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  description: string;
  refs: Ref[];
}

export interface GitHubRateLimit {
  /** Unix seconds when the limit resets. */
  resetAt: number;
}

const DOCS = 'https://docs.github.com/rest';

export class GitHubState {
  private repos: Repo[] = [];
  private tokens = new Set<string>([GITHUB_TEST_TOKEN]);
  private rateLimited?: GitHubRateLimit;
  /** Codeload tokens → the archive they unlock (GitHub signs private tarball redirects the same way). */
  private downloads = new Map<string, { repo: Repo; ref: Ref }>();
  private nextId = 1000;
  /** The login /user answers for any accepted token. */
  login = 'devgem-tester';
  /** Archive requests served, for tests. */
  tarballRequests = 0;

  clear(): void {
    this.repos = [];
    this.tokens = new Set([GITHUB_TEST_TOKEN]);
    this.rateLimited = undefined;
    this.downloads.clear();
    this.tarballRequests = 0;
  }

  seed(s: SeedGitHubRepo): void {
    const [owner, name] = s.fullName.split('/');
    if (!owner || !name) throw new Error(`seedGitHubRepo: fullName must be owner/name, got ${s.fullName}`);
    const refs: Ref[] = [];
    const sha = (kind: string, ref: string, files: SeedGitHubFile[]) =>
      createHash('sha1')
        .update(`${s.fullName}\0${kind}\0${ref}\0${JSON.stringify(files)}`)
        .digest('hex');
    for (const [ref, files] of Object.entries(s.branches ?? { main: [] })) refs.push({ name: ref, kind: 'branch', sha: sha('b', ref, files), files });
    for (const [ref, files] of Object.entries(s.tags ?? {})) refs.push({ name: ref, kind: 'tag', sha: sha('t', ref, files), files });
    this.repos = this.repos.filter((r) => `${r.owner}/${r.name}`.toLowerCase() !== s.fullName.toLowerCase());
    this.repos.push({
      id: this.nextId++,
      owner,
      name,
      private: s.private ?? false,
      defaultBranch: s.defaultBranch ?? refs.find((r) => r.kind === 'branch')?.name ?? 'main',
      description: s.description ?? '',
      refs,
    });
  }

  acceptToken(token: string): void {
    this.tokens.add(token);
  }

  /** Every API call answers 403 with `x-ratelimit-remaining: 0` until `resetAt` (or until turned off). */
  setRateLimited(limit: GitHubRateLimit | undefined): void {
    this.rateLimited = limit;
  }

  control(r: Req, res: ServerResponse): void {
    const what = r.segments[2];
    const b = jsonBody(r);
    if (what === 'repos' && r.method === 'POST') {
      this.seed(b as unknown as SeedGitHubRepo);
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'tokens' && r.method === 'POST') {
      this.acceptToken(String(b.token));
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'rate-limit' && r.method === 'POST') {
      this.setRateLimited(b.limited === false ? undefined : { resetAt: Number(b.resetAt ?? Math.floor(Date.now() / 1000) + 600) });
      return sendJson(res, 200, { ok: true });
    }
    return sendGitHubError(res, 404, 'Not Found');
  }

  /** /github/... (the API) and /github-codeload/... (archives). */
  handle(r: Req, res: ServerResponse): void {
    if (r.segments[0] === 'github-codeload') return this.codeload(r, res);
    const seg = r.segments.slice(1);
    const token = bearer(r);
    const authed = token !== undefined && this.tokens.has(token);
    if (token !== undefined && !authed) return sendGitHubError(res, 401, 'Bad credentials');
    if (this.rateLimited) {
      return sendGitHubError(res, 403, `API rate limit exceeded for user ID 1. [rate limit]`, {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(this.rateLimited.resetAt),
      });
    }
    if (r.method !== 'GET') return sendGitHubError(res, 404, 'Not Found');
    const visible = this.repos.filter((repo) => authed || !repo.private);
    if (seg[0] === 'user' && seg.length === 1) {
      if (!authed) return sendGitHubError(res, 401, 'Requires authentication');
      return sendJson(res, 200, { login: this.login, id: 1, type: 'User' });
    }
    if (seg[0] === 'user' && seg[1] === 'repos' && seg.length === 2) {
      if (!authed) return sendGitHubError(res, 401, 'Requires authentication');
      return this.paged(
        r,
        res,
        visible.map((repo) => repoJson(repo, r.baseUrl)),
        (items) => items,
      );
    }
    if (seg[0] === 'search' && seg[1] === 'repositories') {
      const words = (r.query.get('q') ?? '')
        .split(/\s+/)
        .filter((w) => w && !w.includes(':'))
        .map((w) => w.toLowerCase());
      const hits = visible.filter((repo) => words.every((w) => `${repo.owner}/${repo.name} ${repo.description}`.toLowerCase().includes(w)));
      return this.paged(
        r,
        res,
        hits.map((repo) => repoJson(repo, r.baseUrl)),
        (items) => ({ total_count: hits.length, incomplete_results: false, items }),
      );
    }
    if (seg[0] !== 'repos' || seg.length < 3) return sendGitHubError(res, 404, 'Not Found');
    const repo = visible.find((x) => x.owner.toLowerCase() === seg[1].toLowerCase() && x.name.toLowerCase() === seg[2].toLowerCase());
    if (!repo) return sendGitHubError(res, 404, 'Not Found');
    const rest = seg.slice(3);
    if (rest.length === 0) return sendJson(res, 200, repoJson(repo, r.baseUrl));
    if (rest[0] === 'branches' && rest.length === 1) {
      return this.paged(
        r,
        res,
        repo.refs.filter((x) => x.kind === 'branch').map((x) => ({ name: x.name, commit: { sha: x.sha }, protected: false })),
        (i) => i,
      );
    }
    if (rest[0] === 'tags' && rest.length === 1) {
      return this.paged(
        r,
        res,
        repo.refs.filter((x) => x.kind === 'tag').map((x) => ({ name: x.name, commit: { sha: x.sha } })),
        (i) => i,
      );
    }
    if (rest[0] === 'commits' && rest.length >= 2) {
      const ref = findRef(repo, rest.slice(1).join('/'));
      if (!ref) return sendGitHubError(res, 422, `No commit found for SHA: ${rest.slice(1).join('/')}`);
      return sendJson(res, 200, { sha: ref.sha, commit: { message: `Seeded ${ref.kind} ${ref.name}` } });
    }
    if (rest[0] === 'tarball') {
      const ref = findRef(repo, rest.slice(1).join('/') || repo.defaultBranch);
      if (!ref) return sendGitHubError(res, 404, 'Not Found');
      const key = randomBytes(12).toString('hex');
      this.downloads.set(key, { repo, ref });
      res.writeHead(302, {
        Location: `${r.baseUrl}/github-codeload/${repo.owner}/${repo.name}/legacy.tar.gz/${encodeURIComponent(ref.name)}?token=${key}`,
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    return sendGitHubError(res, 404, 'Not Found');
  }

  private codeload(r: Req, res: ServerResponse): void {
    const found = this.downloads.get(r.query.get('token') ?? '');
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('404: Not Found');
      return;
    }
    this.tarballRequests++;
    const { repo, ref } = found;
    const top = `${repo.owner}-${repo.name}-${ref.sha.slice(0, 7)}/`;
    const gz = gzipSync(tarOf(top, ref.files));
    res.writeHead(200, {
      'Content-Type': 'application/x-gzip',
      'Content-Length': String(gz.length),
      'Content-Disposition': `attachment; filename=${top.slice(0, -1)}.tar.gz`,
    });
    // Written in chunks so a client's size limit can stop a download part way.
    let offset = 0;
    const CHUNK = 16 * 1024;
    const pump = (): void => {
      while (offset < gz.length) {
        const piece = gz.subarray(offset, offset + CHUNK);
        offset += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => res.removeListener('drain', pump));
    pump();
  }

  /** GitHub's paging: `per_page` (≤100, default 30), `page`, and a Link header with rel="next"/"last". */
  private paged<T>(r: Req, res: ServerResponse, all: T[], wrap: (items: T[]) => unknown): void {
    const perPage = Math.min(100, Math.max(1, Number(r.query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(r.query.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const link = (p: number): string => {
        const q = new URLSearchParams(r.query);
        q.set('page', String(p));
        q.set('per_page', String(perPage));
        return `<${r.baseUrl}${r.rawPath}?${q.toString()}>`;
      };
      headers.Link = `${link(page + 1)}; rel="next", ${link(last)}; rel="last"`;
    }
    sendJson(res, 200, wrap(all.slice((page - 1) * perPage, page * perPage)), headers);
  }
}

export function isGitHubPath(seg: string[]): boolean {
  return seg[0] === 'github' || seg[0] === 'github-codeload';
}

function bearer(r: Req): string | undefined {
  const m = /^(?:Bearer|token)\s+(\S+)/i.exec(String(r.headers.authorization ?? ''));
  return m?.[1];
}

function findRef(repo: Repo, name: string): Ref | undefined {
  return repo.refs.find((x) => x.name === name || x.sha === name) ?? repo.refs.find((x) => name.length >= 7 && x.sha.startsWith(name));
}

function repoJson(repo: Repo, baseUrl: string): Record<string, unknown> {
  return {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner },
    private: repo.private,
    description: repo.description || null,
    default_branch: repo.defaultBranch,
    html_url: `https://github.com/${repo.owner}/${repo.name}`,
    url: `${baseUrl}/github/repos/${repo.owner}/${repo.name}`,
    updated_at: '2026-01-01T00:00:00Z',
  };
}

function sendGitHubError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { message, documentation_url: DOCS, status: String(status) }, headers);
}

/** A ustar archive of `files` under `top` (names written as given, so tests can seed `../` entries). */
function tarOf(top: string, files: SeedGitHubFile[]): Buffer {
  const blocks: Buffer[] = [header(top, '5', 0o755, 0, '')];
  for (const f of files) {
    if (f.linkTo !== undefined) {
      blocks.push(header(top + f.path, '2', 0o777, 0, f.linkTo));
      continue;
    }
    const body = Buffer.from(f.content ?? '');
    blocks.push(header(top + f.path, '0', f.mode ?? 0o644, body.length, ''), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function header(name: string, type: string, mode: number, size: number, link: string): Buffer {
  const h = Buffer.alloc(512);
  const octal = (off: number, width: number, v: number) => h.write(`${v.toString(8).padStart(width - 1, '0')}\0`, off, width, 'ascii');
  h.write(name, 0, 100, 'utf8');
  octal(100, 8, mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 1_700_000_000);
  h.write(type, 156, 1, 'ascii');
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 8, 'ascii');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}
