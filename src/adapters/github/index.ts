// Entry of dist/github.js: the host requires it when the user first deploys a
// GitHub repository, so activation never parses Octokit.
import type { GitHubPort } from '../../core/github/gitHubPort';
import { OctokitGitHub, type GitHubConfig } from './gitHubAdapter';

export type { GitHubConfig } from './gitHubAdapter';

export function createGitHubPort(config: GitHubConfig): GitHubPort {
  return new OctokitGitHub(config);
}
