// The pipeline's view of the outside world. Adapters implement these with the
// real SDKs; unit tests implement them with fakes. No SDK type crosses here.
import type { Readable } from 'node:stream';
import type { ServiceRef } from '../../shared/protocol';

// Defined with the protocol because the webview shows it too; the ports take it, so adapters find it here.
export type { ServiceRef };

export interface CredentialsPort {
  /** Proves credentials work (e.g. mints a token); throws a DevgemError with the fix otherwise. */
  check(signal: AbortSignal): Promise<{ principal?: string }>;
}

export interface StoragePort {
  /**
   * Makes sure `bucket` exists and belongs to `project` (bucket names are
   * global: one owned by someone else is an error, never a place to upload).
   * `labels` go on a bucket it creates; an existing one is left as it is.
   */
  ensureBucket(
    opts: { project: string; bucket: string; location: string; labels?: Record<string, string> },
    signal: AbortSignal,
  ): Promise<{ created: boolean }>;
  upload(opts: { project: string; bucket: string; object: string; source: Readable; contentType: string }, signal: AbortSignal): Promise<void>;
  /** Bytes of an object from `offset` on; undefined while the object does not exist. */
  readFrom(opts: { project: string; bucket: string; object: string; offset: number }, signal: AbortSignal): Promise<Buffer | undefined>;
}

export interface RegistryPort {
  /** `labels` go on a repository it creates; an existing one is left as it is. */
  ensureDockerRepository(
    opts: { project: string; location: string; repository: string; labels?: Record<string, string> },
    signal: AbortSignal,
  ): Promise<{ created: boolean }>;
  /**
   * The digest (`sha256:…`) the tag `image:tag` points at in a Docker repository;
   * undefined when the repository, image or tag does not exist. Incremental
   * deploys ask it whether this exact source was built before.
   */
  findImageByTag(
    opts: { project: string; location: string; repository: string; image: string; tag: string },
    signal: AbortSignal,
  ): Promise<{ digest?: string } | undefined>;
}

export interface BuildRequest {
  project: string;
  region: string;
  bucket: string;
  object: string;
  image: string;
  /** More tags for the same image (e.g. the source hash `src-…`), pushed next to `image`'s. */
  extraTags?: string[];
  /** Dockerfile path relative to the build context (`docker build -f`). */
  dockerfile: string;
  /** `gs://bucket` the build writes `log-<id>.txt` into, so the log can be tailed while it runs. */
  logsBucket: string;
  timeoutSeconds: number;
  /** `buildpacks`: Google's buildpacks build the source and choose its runtime (no Dockerfile); `dockerfile` when absent. */
  builder?: BuildStrategyUsed;
  /** Earlier Dockerfile stages that get their own layer cache image (buildConfig.ts `earlierStages`). */
  cacheStages?: string[];
  /** Cloud Build's `options.machineType` (e.g. `E2_HIGHCPU_8`); Cloud Build's default machine when absent. */
  machineType?: BuildMachineType;
}

/** How one build makes its image. */
export type BuildStrategyUsed = 'dockerfile' | 'buildpacks';

/** Cloud Build's bigger machines (BuildOptions.MachineType); its default (e2-standard-2) when unset. */
export const BUILD_MACHINE_TYPES = ['E2_MEDIUM', 'E2_HIGHCPU_8', 'E2_HIGHCPU_32', 'N1_HIGHCPU_8', 'N1_HIGHCPU_32'] as const;
export type BuildMachineType = (typeof BUILD_MACHINE_TYPES)[number];

export type BuildState = 'queued' | 'working' | 'success' | 'failure' | 'cancelled' | 'timeout' | 'internal-error' | 'expired' | 'unknown';

export interface BuildInfo {
  id: string;
  state: BuildState;
  statusDetail?: string;
  logUrl?: string;
  /** The log object inside the logs bucket. */
  logObject: string;
}

/** The end of a finished (or running) build's log, read back from its logs bucket. */
export interface BuildLogTail {
  /** The newest lines asked for, oldest first; untrusted text from the build. */
  lines: string[];
  /** Lines the whole log holds. */
  totalLines: number;
  state: BuildState;
  /** `gs://bucket/log-<id>.txt`. */
  logUri: string;
}

export interface BuildPort {
  start(req: BuildRequest, signal: AbortSignal): Promise<BuildInfo>;
  get(opts: { project: string; region: string; id: string }, signal: AbortSignal): Promise<BuildInfo>;
  cancel(opts: { project: string; region: string; id: string }, signal: AbortSignal): Promise<void>;
  /**
   * The last `maxLines` lines of a build's log, found through the build's
   * `logsBucket`; a not-found DevgemError when the build or its log is gone.
   */
  readLog(opts: { project: string; region: string; id: string; maxLines: number }, signal: AbortSignal): Promise<BuildLogTail>;
}

/** A Secret Manager secret version an env var reads its value from (`valueSource.secretKeyRef`). */
export interface SecretRef {
  /** Secret id (`db-url`) or full name (`projects/p/secrets/db-url`). */
  secret: string;
  /** `latest` or a version number. */
  version: string;
}

/** Runtime settings a deploy may ask for; absent fields keep what the live service has (or Cloud Run's default). */
export interface RuntimeSpec {
  /** Plain env vars to set (merged over the live ones). Never secret values: see `secrets`. */
  env?: Record<string, string>;
  /** Env vars whose value comes from Secret Manager. */
  secrets?: Record<string, SecretRef>;
  minInstances?: number;
  maxInstances?: number;
  /** Cloud Run CPU limit, e.g. `1`, `2`, `1000m`. */
  cpu?: string;
  /** Cloud Run memory limit, e.g. `512Mi`, `1Gi`. */
  memory?: string;
  /** Requests one instance serves at once. */
  concurrency?: number;
  /** Request timeout in seconds. */
  timeoutSeconds?: number;
  /** Who may reach the service: the internet, the VPC only, or the VPC and Cloud Load Balancing. */
  ingress?: 'all' | 'internal' | 'internal-and-cloud-load-balancing';
  /** The revision's identity (a service account email). */
  serviceAccount?: string;
  /** Serverless VPC Access connector, a name or its full resource name. */
  vpcConnector?: string;
  /** Cloud SQL connection names (project:region:instance), mounted at /cloudsql. */
  cloudSqlInstances?: string[];
}

/** The source a revision was built from, as Devgem records it on the revision (labels and an annotation). */
export interface RevisionSource {
  /** The git commit, lowercase hex (a SHA-256 commit is kept abbreviated to 40 characters). */
  commit?: string;
  /** The working tree had uncommitted changes. */
  dirty?: boolean;
  /** GitHub deploys: `owner/name`. */
  repository?: string;
}

export interface ServiceSpec extends RuntimeSpec {
  image: string;
  port: number;
  labels: Record<string, string>;
  /** Recorded on the new revision; absent: the revision records none (the live template's are removed). */
  source?: RevisionSource;
}

export interface RunServiceInfo {
  uri?: string;
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  invokerIamDisabled: boolean;
  /** The revision with the largest share of traffic now (it may differ from latest ready after a rollback). */
  servingRevision?: string;
  /** After a no-traffic update: the URL of the update's tag, which reaches only the new revision. */
  tagUri?: string;
  /** The service's own labels (who made it: see core/deploy/ownership.ts). */
  labels?: Record<string, string>;
}

/** A live service as a take-over question shows it: what it runs, whose labels it carries, who may call it. */
export interface ExistingService {
  ref: ServiceRef;
  uri?: string;
  image?: string;
  labels: Record<string, string>;
  /** Anyone may call it: the invoker IAM check is off, or allUsers (or allAuthenticatedUsers) holds roles/run.invoker. */
  public: boolean;
  /** Members holding roles/run.invoker; undefined when the policy could not be read. */
  invokers?: string[];
  /** RFC 3339: the last change (the last deploy). */
  updateTime?: string;
  /** Who created it and who changed it last, as Cloud Run records them. */
  creator?: string;
  lastModifier?: string;
  /** The revision with the largest share of traffic now. */
  servingRevision?: string;
}

/** How `updateService` rolls the new revision out. */
export interface UpdateOptions {
  /** Preview: the new revision gets 0 % of the traffic and `tag`; the traffic split stays as it is. */
  noTraffic?: { tag: string };
}

/** What an update changes, as core compares it (see specDiff.ts). */
export interface LiveServiceSpec {
  env: EnvVarInfo[];
  /** 0 when unset (Cloud Run's default). */
  minInstances: number;
  maxInstances?: number;
  cpu?: string;
  memory?: string;
  /** CPU allocated outside requests too (Cloud Run's `cpuIdle: false`, no CPU throttling). */
  cpuAlwaysAllocated: boolean;
  /** `all`, `internal`, `internal-and-cloud-load-balancing`. */
  ingress: string;
  /** Anyone may call it: the invoker IAM check is off or allUsers holds roles/run.invoker. */
  public: boolean;
}

/** The live service and the one `updateService` would send for the same spec. */
export interface UpdatePreview {
  live: LiveServiceSpec;
  next: LiveServiceSpec;
}

/** A Cloud Run custom domain mapping (`domains.cloudrun.com/v1`). */
export interface DomainMappingInfo {
  domain: string;
  /** The service it routes to. */
  service: string;
}

/** A deploy change that may break something that works now; `message` is shown to the user as is. */
export interface SpecChange {
  kind: 'env-removed' | 'secret-dropped' | 'min-instances' | 'cpu-allocation' | 'domain-private' | 'ingress' | 'public';
  message: string;
}

export interface RunPort {
  getService(ref: ServiceRef, signal: AbortSignal): Promise<RunServiceInfo | undefined>;
  /** The live service with its labels and who may call it (reads its IAM policy); undefined when there is none. */
  inspectService(ref: ServiceRef, signal: AbortSignal): Promise<ExistingService | undefined>;
  /** Computes (sends nothing) what `updateService(ref, spec)` would change; undefined when there is no service. */
  previewUpdate(ref: ServiceRef, spec: ServiceSpec, signal: AbortSignal): Promise<UpdatePreview | undefined>;
  /** Custom domains mapped to the service (Cloud Run domain mappings in the service's region). */
  listDomainMappings(ref: ServiceRef, signal: AbortSignal): Promise<DomainMappingInfo[]>;
  /** Creates the service and waits for its first revision to be ready. */
  createService(ref: ServiceRef, spec: ServiceSpec, signal: AbortSignal): Promise<RunServiceInfo>;
  /** Replaces the container image and port, keeping everything else of the live service. */
  updateService(ref: ServiceRef, spec: ServiceSpec, signal: AbortSignal, opts?: UpdateOptions): Promise<RunServiceInfo>;
  /** The preferred way to make a service public: no IAM check at all. */
  disableInvokerIam(ref: ServiceRef, signal: AbortSignal): Promise<void>;
  /** The fallback: grant `roles/run.invoker` to `allUsers`. */
  grantPublicInvoker(ref: ServiceRef, signal: AbortSignal): Promise<void>;
}

export interface ServiceSummary {
  service: string;
  region: string;
  uri?: string;
  latestReadyRevision?: string;
  /** RFC 3339. */
  updateTime?: string;
  lastModifier?: string;
  /** Carries the `managed-by: devgem` label. */
  managedByDevgem: boolean;
}

/** A Cloud Run region as its locations API names it. */
export interface CloudRunLocation {
  /** `europe-west1` */
  id: string;
  /** `Belgium`, when the API gives one. */
  displayName?: string;
}

/** An env var of a live service. `value` is only set for plain vars; secret refs carry no value. */
export interface EnvVarInfo {
  name: string;
  value?: string;
  secret?: SecretRef;
}

export interface TrafficInfo {
  /** Undefined when the target is "latest ready revision". */
  revision?: string;
  percent: number;
  tag?: string;
  latest: boolean;
}

export interface ServiceDetails extends RunServiceInfo {
  service: string;
  region: string;
  image?: string;
  port?: number;
  env: EnvVarInfo[];
  minInstances?: number;
  maxInstances?: number;
  cpu?: string;
  memory?: string;
  serviceAccount?: string;
  /** Requests one instance serves at once. */
  concurrency?: number;
  /** Request timeout in seconds. */
  timeoutSeconds?: number;
  traffic: TrafficInfo[];
  updateTime?: string;
  /** Terminal condition: `ready` or the message Cloud Run gives for why not. */
  ready: boolean;
  statusMessage?: string;
}

/** `commit`, `dirty`, `repository`: what the revision records of its source, when Devgem deployed it from git. */
export interface RevisionInfo extends RevisionSource {
  revision: string;
  createTime?: string;
  image?: string;
  ready: boolean;
  /** Share of traffic this revision gets now (0-100). */
  percent: number;
  tags: string[];
}

/** Cloud Run operations beyond a deploy: what the agent's tools and the explorer use. */
export interface RunAdminPort {
  listServices(opts: { project: string; region: string }, signal: AbortSignal): Promise<ServiceSummary[]>;
  /** The regions Cloud Run offers to `project` (its locations API), sorted by id. */
  listRegions(project: string, signal: AbortSignal): Promise<CloudRunLocation[]>;
  describeService(ref: ServiceRef, signal: AbortSignal): Promise<ServiceDetails | undefined>;
  /** Newest first. */
  listRevisions(ref: ServiceRef, signal: AbortSignal): Promise<RevisionInfo[]>;
  /**
   * Sends 100 % of traffic to `revision` (which must be ready) and waits for the rollout. `followLatest`:
   * when `revision` is the latest ready one, route to "latest" instead of pinning it, so later revisions get the traffic too.
   */
  routeAllTraffic(ref: ServiceRef, revision: string, signal: AbortSignal, opts?: { followLatest?: boolean }): Promise<RunServiceInfo>;
  /** Sets and removes plain env vars and `secrets` refs (creating a new revision), keeping everything else. */
  updateEnv(
    ref: ServiceRef,
    change: { set: Record<string, string>; unset: string[]; secrets?: Record<string, SecretRef> },
    signal: AbortSignal,
  ): Promise<RunServiceInfo>;
  /** Deletes the service and waits until it is gone. */
  deleteService(ref: ServiceRef, signal: AbortSignal): Promise<void>;
  /** Splits the traffic between ready revisions (percents add up to 100; a tag gives a revision its own URL) and waits for the rollout. */
  setTraffic(ref: ServiceRef, split: TrafficSplit[], signal: AbortSignal): Promise<RunServiceInfo>;
  /** Scaling, resources, concurrency, timeout: a new revision from the live image, everything else kept (no build). */
  updateConfig(ref: ServiceRef, change: ConfigChange, signal: AbortSignal): Promise<RunServiceInfo & { servingRevision?: string }>;
  /** Public (the invoker IAM check off, allUsers may invoke) or private (IAM-authenticated callers only). */
  setPublic(ref: ServiceRef, open: boolean, signal: AbortSignal): Promise<void>;
  /** Maps a custom domain to the service (Cloud Run v1 domainmappings); the DNS records to create come back. */
  createDomainMapping(
    ref: ServiceRef,
    domain: string,
    signal: AbortSignal,
  ): Promise<DomainMappingInfo & { records: { type: string; name: string; rrdata: string }[] }>;
}

export interface TrafficSplit {
  revision: string;
  percent: number;
  tag?: string;
}

export interface ConfigChange {
  minInstances?: number;
  maxInstances?: number;
  cpu?: string;
  memory?: string;
  concurrency?: number;
  timeoutSeconds?: number;
}

export type LogSeverity = 'DEFAULT' | 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL' | 'ALERT' | 'EMERGENCY';

export interface LogEntryInfo {
  /** RFC 3339. */
  timestamp: string;
  severity: LogSeverity;
  text: string;
  revision?: string;
}

/** Which of a service's entries: at or above a severity, in a time window, of one revision, holding a text. */
export interface LogQuery {
  minSeverity?: LogSeverity;
  /** RFC 3339, inclusive. */
  sinceIso?: string;
  /** RFC 3339, exclusive. */
  untilIso?: string;
  /** Only this revision's entries (`resource.labels.revision_name`). */
  revision?: string;
  /** Only entries whose text payload holds this text (Logging's `textPayload:"…"`, case-insensitive). */
  text?: string;
}

export interface LoggingPort {
  /** The service's newest log entries (Cloud Logging `entries:list`), returned oldest first. */
  readServiceLogs(opts: ServiceRef & LogQuery & { limit: number }, signal: AbortSignal): Promise<LogEntryInfo[]>;
}

export interface HttpProbePort {
  /**
   * One unauthenticated GET; resolves with the status, rejects on network errors.
   * `emulator`: the local emulator's `x-devgem-emulator` answer header, when there is one.
   */
  get(url: string, signal: AbortSignal): Promise<{ status: number; emulator?: string }>;
}

/** Project checks before a deploy (Service Usage and Resource Manager): see core/deploy/projectAccess.ts. */
export interface PreflightPort {
  /** `{ 'run.googleapis.com': true, ... }` for each asked name. */
  enabledServices(project: string, names: string[], signal?: AbortSignal): Promise<Record<string, boolean>>;
  /** Enables the API and waits (bounded) until Google says it is done. */
  enableService(project: string, name: string, signal?: AbortSignal): Promise<void>;
  /** The subset of `permissions` the caller holds on the project. */
  testPermissions(project: string, permissions: string[], signal?: AbortSignal): Promise<string[]>;
  projectNumber(project: string, signal?: AbortSignal): Promise<string>;
  projectPolicyBindings(project: string, signal?: AbortSignal): Promise<{ role: string; members: string[] }[]>;
  /** The active projects the caller can see (for the project picker), bounded in pages. */
  listProjects(signal?: AbortSignal): Promise<ProjectSummary[]>;
}

/** A project as the picker shows it: the ID to deploy to and its display name. */
export interface ProjectSummary {
  projectId: string;
  name?: string;
}

/**
 * Secret Manager: the few calls an env import makes. Values go in and are compared
 * in the adapter; none comes back to core.
 */
export interface SecretsPort {
  /** Creates the secret (automatic replication) unless it exists; true when it was created. */
  ensureSecret(project: string, id: string, labels: Record<string, string>, signal: AbortSignal): Promise<boolean>;
  /** The secret's labels; undefined when there is no such secret. */
  secretLabels(project: string, id: string, signal: AbortSignal): Promise<Record<string, string> | undefined>;
  /** The number of the secret's latest version when it holds exactly `value`; undefined otherwise (or when there is none). */
  latestMatching(project: string, id: string, value: string, signal: AbortSignal): Promise<string | undefined>;
  /** Adds a version holding `value`; returns its number. */
  addVersion(project: string, id: string, value: string, signal: AbortSignal): Promise<string>;
  /** Adds `member` (e.g. `serviceAccount:x@y`) to `role` on the secret; false when it already held it. */
  grantRole(project: string, id: string, role: string, member: string, signal: AbortSignal): Promise<boolean>;
  /** The members holding `role` on the secret. */
  roleMembers(project: string, id: string, role: string, signal: AbortSignal): Promise<string[]>;
  /**
   * The value of one version, for Run Locally only when the user opted in: it goes straight into the
   * container engine's environment and is never logged, stored or shown to a model.
   */
  readValue?(project: string, id: string, version: string, signal: AbortSignal): Promise<string>;
}

export interface CloudPorts {
  credentials: CredentialsPort;
  preflight: PreflightPort;
  storage: StoragePort;
  registry: RegistryPort;
  build: BuildPort;
  run: RunPort;
  runAdmin: RunAdminPort;
  logging: LoggingPort;
  http: HttpProbePort;
  secrets: SecretsPort;
}

/** One thing the preflight found wrong with the project, and how to fix it. */
export interface PreflightProblem {
  kind: 'api-disabled' | 'permission-missing' | 'build-account-role';
  message: string;
  /** A command to copy (`gcloud services enable ...`, `gcloud projects add-iam-policy-binding ...`). */
  fixCommand: string;
  consoleUrl: string;
  /** The API Devgem can enable itself (the caller may enable services); absent when only a person can fix it. */
  autoFix?: { enableService: string };
}
