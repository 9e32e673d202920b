import { DevgemError } from '../../core/base/errors';

// Octokit's RequestError, by shape: the adapter bundle's copy of the class is
// not the one a test or the host would import.
interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(err: unknown): err is RequestErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

/** What was being done, for the message: e.g. { repository: 'o/r', ref: 'v1' }. */
export interface GitHubCall {
  what: string;
  repository?: string;
  ref?: string;
}

/** Translates an Octokit error into a DevgemError with a fix; passes DevgemErrors and aborts through. */
export function toGitHubError(err: unknown, call: GitHubCall, now: () => number = Date.now): unknown {
  if (err instanceof DevgemError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  if (!isRequestError(err)) {
    const msg = err instanceof Error ? err.message : String(err);
    return new DevgemError('unavailable', `GitHub could not be reached while ${call.what}: ${msg}`, {
      fix: 'Check your network connection (and a proxy, if you use one) and retry; githubstatus.com may show an outage.',
      cause: err,
    });
  }
  const headers = err.response?.headers ?? {};
  const remaining = headers['x-ratelimit-remaining'];
  if ((err.status === 403 || err.status === 429) && (String(remaining) === '0' || /rate limit/i.test(err.message))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter = Number(headers['retry-after']);
    const at = Number.isFinite(reset) && reset > 0 ? reset * 1000 : Number.isFinite(retryAfter) ? now() + retryAfter * 1000 : undefined;
    const when =
      at === undefined ? 'in a while' : `at ${new Date(at).toISOString().slice(11, 16)} UTC (in ${Math.max(1, Math.ceil((at - now()) / 60_000))} min)`;
    return new DevgemError('resource-exhausted', `GitHub's API rate limit is used up; it resets ${when}.`, {
      fix: `Wait until the limit resets${at === undefined ? '' : ` ${when.replace(/ \(.*/, '')}`}, then deploy again; a signed-in GitHub account has a higher limit.`,
    });
  }
  if (err.status === 401) {
    return new DevgemError('credentials', `GitHub did not accept the sign-in while ${call.what}.`, {
      fix: 'Sign out of GitHub in VS Code (Accounts menu) and sign in again, then retry.',
    });
  }
  if (err.status === 404 && call.ref) {
    return new DevgemError('not-found', `${call.repository} has no branch, tag or commit "${call.ref}".`, {
      fix: "Pick one of the repository's branches or tags.",
    });
  }
  if (err.status === 422 && call.ref) {
    return new DevgemError('not-found', `${call.repository} has no branch, tag or commit "${call.ref}".`, {
      fix: "Pick one of the repository's branches or tags.",
    });
  }
  if (err.status === 404 || (err.status === 403 && call.repository)) {
    return new DevgemError(
      'not-found',
      `GitHub repository ${call.repository ?? ''} was not found, or your GitHub account has no access to it.`.replace('  ', ' '),
      {
        fix: 'Check the owner and name; for a private repository, sign in to GitHub with an account that can read it (and, for an organization, grant Devgem access to it).',
      },
    );
  }
  if (err.status === 403) {
    return new DevgemError('permission-denied', `GitHub refused ${call.what}: ${err.message}`, {
      fix: 'Sign in to GitHub with an account that has access, then retry.',
    });
  }
  return new DevgemError('unavailable', `GitHub answered ${err.status} while ${call.what}: ${err.message}`, {
    fix: 'Retry in a moment; githubstatus.com may show an outage.',
    cause: err,
  });
}
