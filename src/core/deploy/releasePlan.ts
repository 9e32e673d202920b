import type { DeployResumeData, ServiceRef } from '../../shared/protocol';
import type { RevisionSource, RuntimeSpec } from '../cloud/ports';
import type { DeployManifest } from '../git/sourceChanges';
import { devgemLabels, ORIGIN_LABEL } from './ownership';

/**
 * Everything the stages from the build on need, in memory: the same whether
 * the deploy ran straight through or a new window picked it up after a reload
 * (then it comes from the saved DeployResumeData; see fromResumeData).
 */
export interface ReleasePlan {
  target: ServiceRef;
  /** Holds the source and the build log. */
  bucket: string;
  image: string;
  port: number;
  allowUnauthenticated: boolean;
  buildTimeoutSeconds: number;
  deployTimeoutSeconds: number;
  verifyTimeoutSeconds: number;
  contentHash?: string;
  /** Env vars, secret refs, scaling and resources for the service. */
  runtime?: RuntimeSpec;
  /** Off only when "devgem.autoRollback" is false: a failed update then keeps serving the new revision. */
  autoRollback: boolean;
  /** A preview: the new revision gets 0 % of the traffic and this tag's own URL. */
  noTraffic?: { tag: string };
  /** Recorded on the new revision: the git commit, uncommitted changes, the GitHub repository. */
  source?: RevisionSource;
  /** Devgem's labels (managed-by, devgem-origin): on a service it creates, added to one it updates, its other labels kept. */
  labels: Record<string, string>;
  /** The service was someone else's (or Devgem's from elsewhere) and the user agreed, before the build, to take it over. */
  takenOver?: boolean;
}

/** The state of every stage from the build on. */
export interface AfterUpload {
  plan: ReleasePlan;
  /** The files uploaded, remembered once the deploy is live; unknown after a reload (never saved). */
  manifest?: DeployManifest;
}

/** The plan as saved with the deploy (the `resume` event); the format older windows wrote and read. */
export function toResumeData(plan: ReleasePlan): DeployResumeData {
  return {
    ...plan.target,
    bucket: plan.bucket,
    image: plan.image,
    port: plan.port,
    allowUnauthenticated: plan.allowUnauthenticated,
    buildTimeoutSeconds: plan.buildTimeoutSeconds,
    deployTimeoutSeconds: plan.deployTimeoutSeconds,
    verifyTimeoutSeconds: plan.verifyTimeoutSeconds,
    contentHash: plan.contentHash,
    runtime: plan.runtime,
    ...(plan.autoRollback ? {} : { autoRollback: false }),
    ...(plan.noTraffic ? { noTraffic: plan.noTraffic } : {}),
    ...(plan.source ? { source: plan.source } : {}),
    ...(plan.labels[ORIGIN_LABEL] ? { origin: plan.labels[ORIGIN_LABEL] } : {}),
  };
}

/** A saved plan back in memory; absent fields mean what they meant when it was saved. */
export function fromResumeData(data: DeployResumeData): ReleasePlan {
  return {
    target: { project: data.project, region: data.region, service: data.service },
    bucket: data.bucket,
    image: data.image,
    port: data.port,
    allowUnauthenticated: data.allowUnauthenticated,
    buildTimeoutSeconds: data.buildTimeoutSeconds,
    deployTimeoutSeconds: data.deployTimeoutSeconds,
    verifyTimeoutSeconds: data.verifyTimeoutSeconds,
    contentHash: data.contentHash,
    runtime: data.runtime,
    autoRollback: data.autoRollback !== false,
    ...(data.noTraffic ? { noTraffic: data.noTraffic } : {}),
    ...(data.source ? { source: data.source } : {}),
    // A plan saved before origins were recorded says only who manages the service.
    labels: devgemLabels(data.origin),
  };
}
