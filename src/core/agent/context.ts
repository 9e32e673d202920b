import type { DeployRecord, DeployResult, DeployState } from '../../shared/protocol';
import type { DeployOptions } from '../deploy/deployOptions';
import { DevgemError } from '../base/errors';
import type { ExtractLimits } from '../github/archiveRules';
import type { GitHubPort } from '../github/gitHubPort';
import type { CloudPorts, ServiceRef } from '../cloud/ports';
import { resolveTarget, validateServiceName } from '../deploy/target';
import type { ManifestStore } from '../git/sourceChanges';
import type { UsageGuard } from '../base/usage';

/** The world the agent's tools act on; the VS Code adapter (and tests) provide it. */
/** `expectedHash`: the file's content (hashText) the approved diff was made from; the write refuses otherwise. */
export interface WriteOptions {
  expectedHash?: string;
}

export interface AgentContext {
  /**
   * Deploy options from settings for the open folder; throws a DevgemError when no folder is open,
   * unless `folderOptional` (a GitHub repository deploy needs no folder: then the user's settings).
   */
  deployOptions(opts?: { folderOptional?: boolean }): DeployOptions;
  /** Google Cloud ports (created on first use). */
  cloud(): CloudPorts;
  /** Runs a deploy through the sidebar's tracker and status bar. */
  runDeploy(opts: DeployOptions, signal: AbortSignal): Promise<DeployResult>;
  /** The current or last deploy as the tracker shows it. */
  lastDeploy(): DeployState | undefined;
  /** Finished deploys of this workspace, newest first. */
  deployHistory(): DeployRecord[];
  /** Writes a file inside the workspace (only ever after the user approved the edit), through `agentJail`. */
  writeWorkspaceFile(relPath: string, content: string, opts?: WriteOptions): Promise<void>;
  /**
   * A workspace text file through `agentJail` (inside the folder, not secret, a regular file of bounded size);
   * undefined when it does not exist. `secretFile`: read a secret file on purpose (the .env import).
   */
  readWorkspaceFile(relPath: string, opts?: { secretFile?: boolean }): Promise<string | undefined>;
  usage?: UsageGuard;
  /** File manifests of the last successful deploys (for "what changed since?"); absent where none are kept. */
  manifests?(): ManifestStore;
  /** The options of the last deploy the agent started, for "fix and redeploy". */
  lastDeployRequest?: DeployOptions;
  /** Cancels the running deploy; false when none runs. Absent where deploys cannot be cancelled from the chat. */
  cancelDeploy?(): boolean;
  /** Makes `projectId` the project Devgem deploys to (the folder's devgem.project setting). */
  chooseProject?(projectId: string): Promise<void>;
  /** GitHub as the signed-in user, and the download limit (bytes) of a repository deploy; absent where GitHub deploys are not offered. */
  gitHub?(): Promise<{ port: GitHubPort; maxBytes: number; extract?: ExtractLimits }>;
  /** "Devgem: Run Locally" for the open folder: builds and runs it with the local Docker or Podman; absent where it is not offered. */
  runLocally?(signal: AbortSignal): Promise<{ url: string; engine: string; app: string }>;
}

export const REGION_PATTERN = '^[a-z]+-[a-z]+[0-9]+$';
export const SERVICE_PATTERN = '^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$';

/**
 * Which service a tool means: the one named, else the one last deployed from
 * this workspace, else the one a deploy would create. Project and region come
 * from the same rules a deploy uses.
 */
export async function resolveRef(ctx: AgentContext, args: { service?: string; region?: string }): Promise<ServiceRef> {
  const opts = ctx.deployOptions();
  if (args.service) {
    const bad = validateServiceName(args.service);
    if (bad) throw new DevgemError('invalid-argument', `Invalid service name: ${bad}`);
  }
  const { target } = await resolveTarget({ ...opts, region: args.region ?? opts.region });
  const last = ctx.lastDeploy()?.target;
  const lastSameProject = last && last.project === target.project && (!args.region || args.region === last.region) ? last : undefined;
  return {
    project: target.project,
    region: args.service ? target.region : (lastSameProject?.region ?? target.region),
    service: args.service ?? lastSameProject?.service ?? target.service,
  };
}

export function refText(ref: ServiceRef): string {
  return `${ref.service} (${ref.project}, ${ref.region})`;
}
