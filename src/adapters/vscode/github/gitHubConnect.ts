import * as vscode from 'vscode';
import { addKnownSecret } from '../../../core/base/redact';
import { DevgemError } from '../../../core/base/errors';
import type { GitHubPort } from '../../../core/github/gitHubPort';
import { EMULATOR_GITHUB_TOKEN, gitHubApiBase } from '../../github/gitHubEndpoint';
import type * as GitHub from '../../github/index';
import type { ExtractLimits } from '../../../core/github/archiveRules';
import { readExtractLimits, readGcpConfig, readMaxDownloadBytes } from '../settings';

/** `repo` lets the token read the user's private repositories. */
export const GITHUB_SCOPES = ['repo'];

export interface GitHubAccess {
  port: GitHubPort;
  /** The download limit of a repository archive (devgem.github.maxDownloadMB). */
  maxBytes: number;
  /** Caps on what an archive extracts to (devgem.github.maxExtractMB, devgem.github.maxEntries). */
  extract: ExtractLimits;
}

/**
 * GitHub as the user, through VS Code's built-in GitHub authentication (no
 * token is ever pasted or stored by Devgem). `load` requires dist/github.js
 * (Octokit) on first use. Rebuilt per call so a changed setting applies at once.
 */
export function gitHubConnector(load: () => typeof GitHub): () => Promise<GitHubAccess> {
  return async () => {
    const maxBytes = readMaxDownloadBytes();
    const extract = readExtractLimits();
    const emulatorHost = readGcpConfig().emulatorHost;
    if (emulatorHost) return { port: load().createGitHubPort({ token: EMULATOR_GITHUB_TOKEN, baseUrl: gitHubApiBase(emulatorHost) }), maxBytes, extract };
    let session: vscode.AuthenticationSession | undefined;
    try {
      session = await vscode.authentication.getSession('github', GITHUB_SCOPES, { createIfNone: true });
    } catch (err) {
      // VS Code rejects when the user dismisses the sign-in ("User did not consent to login.").
      throw new DevgemError('credentials', `Not signed in to GitHub: ${err instanceof Error ? err.message : String(err)}`, {
        fix: 'Run the command again and choose Allow when VS Code asks to sign in with GitHub (or sign in from the Accounts menu).',
        cause: err,
      });
    }
    addKnownSecret(session.accessToken);
    return { port: load().createGitHubPort({ token: session.accessToken }), maxBytes, extract };
  };
}
