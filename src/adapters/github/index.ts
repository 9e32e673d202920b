// Entry of dist/github.js: the host requires it when the user first deploys a
// GitHub repository, so activation never parses Octokit.
import type { GitHubPort } from '../../core/github/gitHubPort';
import { OctokitGitHub, type GitHubConfig } from './gitHubAdapter';

export type { GitHubConfig } from './gitHubAdapter';
// The archive handling (and tar) ride along: the host's `require('./tarball')` is this file in the bundle (esbuild.mjs).
export { extractTarball, saveTarball } from '../../core/github/tarball';

export function createGitHubPort(config: GitHubConfig): GitHubPort {
  return new OctokitGitHub(config);
}
