import type { GitHubSource } from '../github/gitHubPort';
import type { BuildMachineType, RuntimeSpec } from '../cloud/ports';
import type { TargetSources } from './target';

/** What a deploy needs to know: the target's sources (settings, env, folder) and the other settings, already read. */
export interface DeployOptions extends TargetSources {
  /** Which app of a monorepo to deploy (relative path); asked for when absent and there are several. */
  appPath?: string;
  /** Public by default; false keeps the service behind IAM. */
  allowUnauthenticated: boolean;
  /** Overrides the per-project source bucket name. */
  sourceBucket?: string;
  /** Artifact Registry repository for built images. */
  repository: string;
  buildTimeoutSeconds: number;
  deployTimeoutSeconds: number;
  verifyTimeoutSeconds: number;
  /** How long one Cloud API call may take before the deploy gives up on it (60 when absent; the upload gets 10 times this). */
  callTimeoutSeconds?: number;
  deployId?: string;
  /** Deploy although the analysis found no server that listens (readinessGate.ts): `--force`, the chat's deploy_anyway. */
  deployAnyway?: boolean;
  /** Env vars, secret refs, scaling and resources for the service (from the chat or the agent). */
  runtime?: RuntimeSpec;
  /** Reuse the image of an earlier build of the same source and build configuration; on unless false. */
  incremental?: boolean;
  /**
   * Risky changes to the live service the user already approved (the agent's plan
   * listed these messages; `all` = any): the deploy stage does not ask again for them.
   */
  approvedSpecChanges?: readonly string[] | 'all';
  /**
   * Services (`serviceKey`, ownership.ts) the user already agreed to take over although
   * Devgem did not create them from this workspace (the agent's plan showed it; `all` = --take-over).
   */
  approvedTakeOver?: readonly string[] | 'all';
  /**
   * When an update's new revision fails to start or its health check, send the
   * traffic back to the revision that served before; on unless false ("devgem.autoRollback").
   */
  autoRollback?: boolean;
  /** Preview deploy: the new revision gets 0 % of the traffic and its own tagged URL. */
  noTraffic?: { tag: string };
  /** The saved per-app configuration applied (core/deploy/deployConfig.ts), for the plan. */
  savedConfig?: string;
  /** A GitHub repository deploy: what the (extracted, git-less) workspace is, for the history. */
  gitHub?: GitHubSource;
  /** A redeploy of the fix loop: its round (see core/agent/fixLoop.ts). */
  fixRound?: number;
  /**
   * How the image is made ("devgem.build.strategy"): `dockerfile` (the app's own or a generated one),
   * `buildpacks` (Google's buildpacks, as `gcloud run deploy --source`), `auto` (a Dockerfile, and
   * buildpacks when no rule knows the stack). `auto` when absent.
   */
  buildStrategy?: BuildStrategy;
  /** Cloud Build machine ("devgem.build.machineType"); Cloud Build's default when absent. */
  buildMachineType?: BuildMachineType;
}

export type BuildStrategy = 'dockerfile' | 'buildpacks' | 'auto';
export const BUILD_STRATEGIES: readonly BuildStrategy[] = ['dockerfile', 'buildpacks', 'auto'];

/** Cloud Run's traffic tag rule: a preview's tag becomes part of a host name. */
export const TRAFFIC_TAG_PATTERN = '^[a-z]([a-z0-9-]{0,46}[a-z0-9])?$';

export const DEFAULT_OPTIONS = {
  allowUnauthenticated: true,
  repository: 'devgem',
  buildTimeoutSeconds: 1200,
  deployTimeoutSeconds: 300,
  verifyTimeoutSeconds: 90,
} as const;

/** `devgem-<project>-<region>`: one bucket per project and region, like gcloud's run-sources. */
export function defaultSourceBucket(project: string, region: string): string {
  return `devgem-${project.replace(/[^a-z0-9-]/g, '-')}-${region}`.slice(0, 63).replace(/-+$/, '');
}

/** Sortable and unique enough to tag images and name objects: 20261125-134501-x7k2. */
export function newDeployId(now: Date, random: () => number = Math.random): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const suffix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${stamp.slice(0, 8)}-${stamp.slice(8)}-${suffix}`;
}
