import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployResult } from '../../shared/protocol';
import type { DeployOptions } from '../deploy/deployOptions';
import { serviceNameFromFolder } from '../deploy/target';
import { bounded } from '../base/wait';
import type { GitHubPort, GitHubSource } from './gitHubPort';
import type * as Tarball from './tarball';

export const DEFAULT_MAX_DOWNLOAD_MB = 200;
const CALL_MS = 30_000;
const DOWNLOAD_MS = 5 * 60_000;
const EXTRACT_MS = 2 * 60_000;

export interface GitHubDeployRequest {
  owner: string;
  name: string;
  /** Branch, tag or SHA; the default branch when absent. */
  ref?: string;
  maxBytes: number;
  /** Caps on what the archive may extract to (tarball.ts DEFAULT_EXTRACT_LIMITS when absent). */
  extract?: Tarball.ExtractLimits;
  /** Parent of the temporary folder (os.tmpdir() by default). */
  tempDir?: string;
}

export interface FetchedSource {
  /** The extracted files, in a folder named after the repository (so the service name follows it). */
  folder: string;
  source: GitHubSource;
  /** Removes the download and the extracted files. */
  dispose(): Promise<void>;
}

/** Resolves the ref to a commit, downloads its tarball (size-limited) and extracts it safely. */
export async function fetchGitHubSource(port: GitHubPort, req: GitHubDeployRequest, signal: AbortSignal): Promise<FetchedSource> {
  const repository = `${req.owner}/${req.name}`;
  const repo = await bounded(`Looking up ${repository} on GitHub`, CALL_MS, signal, (s) => port.getRepo(req.owner, req.name, s), GITHUB_NETWORK_FIX);
  const ref = req.ref || repo.defaultBranch;
  const commit = await bounded(
    `Resolving ${ref} of ${repository}`,
    CALL_MS,
    signal,
    (s) => port.resolveCommit(repo.owner, repo.name, ref, s),
    GITHUB_NETWORK_FIX,
  );
  // Required here: in the extension's bundle it is dist/github.js (with tar), so activation parses neither (esbuild.mjs).
  const { extractTarball, saveTarball } = require('./tarball') as typeof Tarball;
  const tmp = await fs.mkdtemp(path.join(req.tempDir ?? os.tmpdir(), 'devgem-github-'));
  const dispose = () => fs.rm(tmp, { recursive: true, force: true });
  try {
    const file = path.join(tmp, 'source.tar.gz');
    await bounded(
      `Downloading ${repository}@${commit.slice(0, 7)}`,
      DOWNLOAD_MS,
      signal,
      async (s) => {
        const tarball = await port.openTarball(repo.owner, repo.name, commit, s);
        await saveTarball(tarball.body, file, { maxBytes: req.maxBytes, size: tarball.size, repository, signal: s });
      },
      GITHUB_NETWORK_FIX,
    );
    const folder = path.join(tmp, repo.name);
    await fs.mkdir(folder);
    await bounded(`Extracting ${repository}`, EXTRACT_MS, signal, (s) => extractTarball(file, folder, s, req.extract));
    await fs.rm(file, { force: true });
    return { folder, source: { repository: repo.fullName, ref, commit }, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

const GITHUB_NETWORK_FIX = 'Check your network connection and retry; githubstatus.com may show an outage.';

/**
 * A GitHub deploy's options from the workspace's settings: the service is named
 * after the repository (devgem.serviceName names the open folder's service),
 * and nothing specific to the open folder carries over.
 */
export function gitHubDeployOptions(base: DeployOptions, repoName: string, overrides: { service?: string; region?: string } = {}): DeployOptions {
  return {
    ...base,
    service: overrides.service ?? serviceNameFromFolder(repoName),
    region: overrides.region ?? base.region,
    appPath: undefined,
    runtime: undefined,
    noTraffic: undefined,
    approvedSpecChanges: undefined,
    deployId: undefined,
    gitHub: undefined,
  };
}

/**
 * A GitHub repository deploy: fetch the ref into a temporary folder, then run
 * the SAME pipeline a workspace deploy runs (`deploy`, e.g. runDeploy or the
 * VS Code runner) on it, recording repository, ref and commit. The folder is
 * removed afterwards, whatever happened.
 */
export async function deployGitHubRepo(
  port: GitHubPort,
  req: GitHubDeployRequest,
  base: Omit<DeployOptions, 'workspaceRoot'>,
  deploy: (opts: DeployOptions, signal: AbortSignal) => Promise<DeployResult>,
  signal: AbortSignal,
): Promise<{ result: DeployResult; source: GitHubSource }> {
  const fetched = await fetchGitHubSource(port, req, signal);
  try {
    const result = await deploy({ ...base, workspaceRoot: fetched.folder, gitHub: fetched.source }, signal);
    return { result, source: fetched.source };
  } finally {
    await fetched.dispose();
  }
}
