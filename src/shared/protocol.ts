// The one vocabulary shared by the extension host and the webview. It imports
// neither `vscode` nor the DOM so both bundles (and plain mocha) can use it.

/** Pipeline stages in the order they run. The tracker renders exactly these. */
export const DEPLOY_STAGES = ['preflight', 'analyze', 'dockerfile', 'package', 'upload', 'build', 'deploy', 'expose', 'verify'] as const;
export type DeployStage = (typeof DEPLOY_STAGES)[number];

export const STAGE_TITLES: Record<DeployStage, string> = {
  preflight: 'Check project and credentials',
  analyze: 'Analyze workspace',
  dockerfile: 'Dockerfile',
  package: 'Package source',
  upload: 'Upload to Cloud Storage',
  build: 'Build with Cloud Build',
  deploy: 'Deploy to Cloud Run',
  expose: 'Make reachable',
  verify: 'Check health',
};

export type StageStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled' | 'warning';

/** A user-facing problem: what happened and exactly what to do about it. */
export interface Problem {
  message: string;
  fix?: string;
  /** Log lines that explain the failure (e.g. the tail of a build log). */
  logTail?: string[];
}

/**
 * Where a deploy goes, and which service any other command means: the one
 * target type, resolved (core's ports take it too; see core/deploy/target.ts).
 */
export interface ServiceRef {
  project: string;
  region: string;
  service: string;
}

/** The typed event stream a deploy emits; tracker and status bar both consume it. */
export type DeployEvent =
  | { type: 'started'; deployId: string; workspace: string; at: number; request?: DeployRequestData }
  /** Sent by preflight once project, region and service are known. */
  | { type: 'target'; target: ServiceRef }
  | { type: 'stage'; stage: DeployStage; status: StageStatus; detail?: string; at: number }
  | { type: 'log'; stage: DeployStage; lines: string[] }
  | { type: 'dockerfile'; path: string; generated: boolean; content: string }
  /** Cloud Build accepted the build: its id and where to see it in Cloud Console. */
  | { type: 'build'; id: string; consoleUrl?: string; logObject?: string }
  /** The workspace's git state when the deploy started (absent outside a git repository). */
  | { type: 'source'; commit?: string; branch?: string; dirty?: boolean; repository?: string }
  /** Sent right before the build: what the deploy needs after it, so a new window can finish it. */
  | { type: 'resume'; data: DeployResumeData }
  | { type: 'finished'; result: DeployResult; at: number };

/** A no-traffic deploy: `url` is the tag's own URL; the service's URL still serves `servingRevision`. */
export interface DeployPreview {
  tag: string;
  serviceUrl: string;
  servingRevision?: string;
}

export type DeployResult =
  /** `contentHash`: sha256 of what the uploaded source tarball holds (core/packaging/sourceHash.ts; same tree, same hash). */
  | { outcome: 'success'; url: string; revision?: string; image: string; contentHash?: string; preview?: DeployPreview }
  /** Deployed and running, but the public could not be let in: not a success. */
  | { outcome: 'private'; url: string; revision?: string; image: string; contentHash?: string; problem: Problem }
  | { outcome: 'failed'; stage: DeployStage; problem: Problem }
  | { outcome: 'cancelled'; stage: DeployStage };

export interface StageState {
  status: StageStatus;
  detail?: string;
  startedAt?: number;
  endedAt?: number;
}

/** Everything the webview needs to draw the tracker; the host holds the truth. */
export interface DeployState {
  deployId: string;
  /** Unknown until preflight has resolved it. */
  target?: ServiceRef;
  workspace: string;
  startedAt: number;
  endedAt?: number;
  stages: Record<DeployStage, StageState>;
  /** The newest build log lines (bounded; see MAX_LOG_LINES). */
  log: string[];
  droppedLogLines: number;
  dockerfile?: { path: string; generated: boolean };
  build?: { id: string; consoleUrl?: string; logObject?: string };
  source?: { commit?: string; branch?: string; dirty?: boolean; repository?: string };
  /** Set once the build is about to start; see DeployResumeData. */
  resume?: DeployResumeData;
  /** What was asked for, so "fix and redeploy" can ask for it again (also after a reload). */
  request?: DeployRequestData;
  result?: DeployResult;
}

/**
 * A deploy's own request on top of the settings, kept with the deploy and its
 * record (workspace state) so the fix loop can redeploy it after a button,
 * palette, chat or GitHub deploy and after a window reload. Plain config only:
 * env values are the user's settings, secrets are references, approvals are never kept.
 */
export interface DeployRequestData {
  project?: string;
  region?: string;
  service?: string;
  /** Which app of a monorepo (relative path). */
  appPath?: string;
  allowUnauthenticated: boolean;
  runtime?: DeployResumeData['runtime'];
  noTraffic?: { tag: string };
  /** A GitHub repository deploy: redeploying downloads it again. */
  gitHub?: { repository: string; ref: string; commit: string };
  /** How many fix rounds (an approved edit, then this deploy) led here; absent for a deploy the user started. */
  fixRound?: number;
}

/**
 * Everything the stages after the build need, saved with the deploy so it can
 * go on after a window reload (Cloud Build keeps building meanwhile). Plain
 * config only: env values are the user's own settings, secrets are references.
 * The runtime shape mirrors core's RuntimeSpec (shared code does not import core).
 */
export interface DeployResumeData {
  project: string;
  region: string;
  service: string;
  /** Holds the source and the build log. */
  bucket: string;
  image: string;
  port: number;
  allowUnauthenticated: boolean;
  buildTimeoutSeconds: number;
  deployTimeoutSeconds: number;
  verifyTimeoutSeconds: number;
  contentHash?: string;
  /** Off only when "devgem.autoRollback" is false: a failed update then keeps serving the new revision. */
  autoRollback?: boolean;
  /** A preview: the new revision gets 0 % of the traffic and this tag's own URL. */
  noTraffic?: { tag: string };
  /** Recorded on the new revision (core's RevisionSource): the git commit, uncommitted changes, the GitHub repository. */
  source?: { commit?: string; dirty?: boolean; repository?: string };
  /** The `devgem-origin` label of the workspace or repository deployed (core's ownership.ts). */
  origin?: string;
  runtime?: {
    env?: Record<string, string>;
    secrets?: Record<string, { secret: string; version: string }>;
    minInstances?: number;
    maxInstances?: number;
    cpu?: string;
    memory?: string;
  };
}

/** `tool`: a tool call card; `notice`: a line from Devgem itself (limits, errors, "AI is off"). */
export type ChatRole = 'user' | 'assistant' | 'tool' | 'notice';

export type ToolRisk = 'read' | 'write' | 'destructive';
export type ToolCallStatus = 'running' | 'awaiting-confirmation' | 'done' | 'failed' | 'declined' | 'cancelled';

export interface ToolCallCard {
  callId: string;
  name: string;
  risk: ToolRisk;
  status: ToolCallStatus;
  /** Arguments as pretty JSON, redacted and truncated. */
  args: string;
  /** One or two lines saying what came of it. */
  summary?: string;
}

export interface ChatMessage {
  id: string;
  role: ChatRole;
  /** Plain text (assistant replies may contain Markdown; the webview renders it inert). */
  text: string;
  at: number;
  /** An assistant reply still arriving. */
  streaming?: boolean;
  /** Set when role is `tool`. */
  tool?: ToolCallCard;
}

/**
 * A write or destructive action waiting for the user's click. `token` is made
 * by the host per request and only ever travels host -> webview -> host; the
 * model never sees it, so no model output can approve anything.
 */
export interface ConfirmationRequest {
  id: string;
  token: string;
  tool: string;
  risk: ToolRisk;
  title: string;
  /** The plan: project, region, service, image, access, env and secret names, scaling, resources … */
  details: { label: string; value: string }[];
  /** A unified diff of the file edit this approves, if any. */
  diff?: string;
  /** The host holds the whole edit: the card offers to open it in VS Code's diff editor (a `reviewDiff` message). */
  diffEditor?: boolean;
  approveLabel: string;
}

export interface AgentStatus {
  /** The agent (or the offline chat) is working on a request; the webview shows Stop. */
  busy: boolean;
  /** `offline`: no model configured; the chat understands a fixed set of commands. */
  mode: 'gemini' | 'offline';
  /** e.g. "gemini-2.5-flash (Vertex AI)". */
  model?: string;
}

/** One finished deploy, kept per workspace (newest first in `ViewSnapshot.history`). */
export interface DeployRecord {
  deployId: string;
  target?: ServiceRef;
  startedAt: number;
  endedAt: number;
  outcome: DeployResult['outcome'];
  url?: string;
  revision?: string;
  /** Failed or cancelled: where. */
  stage?: DeployStage;
  /** Failed or private: why. */
  message?: string;
  /** Failed or private: what to do about it. */
  fix?: string;
  /** Git commit (full SHA) and branch deployed, if the workspace is a git repository. */
  commit?: string;
  branch?: string;
  dirty?: boolean;
  /** GitHub deploys: the repository (owner/name) whose `branch` (or tag) at `commit` was deployed. */
  repository?: string;
  /** Each stage's outcome, for reopening the record in the tracker (no logs). */
  stages?: Record<DeployStage, StageState>;
  /** Failed deploys: the lines that explain it. */
  logTail?: string[];
  buildConsoleUrl?: string;
  /** The Cloud Build build (in the target's project and region), to read its log back later. */
  buildId?: string;
  /** What was asked for, for "fix and redeploy" (see DeployRequestData). */
  request?: DeployRequestData;
}

export const MAX_HISTORY = 30;

/** A versioned picture of the whole view; the webview drops anything older than what it has. */
export interface ViewSnapshot {
  version: number;
  deploy?: DeployState;
  busy: boolean;
  chat: ChatMessage[];
  agent?: AgentStatus;
  /** At most one question at a time. */
  confirmation?: ConfirmationRequest;
  /** Past deploys of this workspace, newest first (at most MAX_HISTORY). */
  history?: DeployRecord[];
  /** Devgem talks to the local Cloud emulator, not Google Cloud: the sidebar shows an "Emulator" badge. */
  emulator?: boolean;
}

/**
 * host -> webview. Snapshots carry only the newest MAX_LOG_LINES of the build
 * log; `log` messages stream every line (index `from` counts from the deploy's
 * first line) so the log pane can hold up to MAX_VIEW_LOG_LINES.
 */
export type HostMessage =
  | { type: 'snapshot'; snapshot: ViewSnapshot }
  | { type: 'log'; deployId: string; from: number; lines: string[] }
  /** The saved deploy configuration for the settings form; `open`: show the form (the Edit Deploy Settings command). */
  | { type: 'deployConfig'; reply: DeployConfigReply; open?: boolean };

/** Who may reach a Cloud Run service: deploy.json's "ingress". */
export const INGRESS_VALUES = ['all', 'internal', 'internal-and-cloud-load-balancing'] as const;
export type Ingress = (typeof INGRESS_VALUES)[number];

/**
 * The shape of .devgem/deploy.json, defined once: core's `DeployConfig` is this type (core validates
 * and writes the file), the settings form edits it, and `schemas/deploy.schema.json` must list the
 * same fields (test/unit/deployConfigShape.unit.test.ts checks them).
 */
export interface DeployConfigData {
  /** The app of a monorepo, relative to the folder ('' or absent: ask when there are several). */
  app?: string;
  service?: string;
  region?: string;
  cpu?: string;
  memory?: string;
  minInstances?: number;
  maxInstances?: number;
  /** Requests one instance serves at once (Cloud Run: 1–1000). */
  concurrency?: number;
  /** Request timeout in seconds (Cloud Run: 1–3600). */
  timeoutSeconds?: number;
  ingress?: Ingress;
  serviceAccount?: string;
  /** Plain, non-secret env vars. */
  env?: Record<string, string>;
  /** Env var name → Secret Manager secret, `name` or `name:version`. */
  secrets?: Record<string, string>;
  vpcConnector?: string;
  /** `project:region:instance` connection names. */
  cloudSqlInstances?: string[];
}

/** The host's answer to getDeployConfig / saveDeployConfig: the config as saved, or what is wrong (naming the field). */
export interface DeployConfigReply {
  /** The file, relative to the workspace folder. */
  file: string;
  config?: DeployConfigData;
  saved?: boolean;
  error?: { field?: string; message: string; fix?: string };
}

/** webview -> host. Untrusted: the host validates every one before dispatch. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'deploy' }
  | { type: 'cancel' }
  | { type: 'chat'; text: string }
  /** Stop the agent: aborts the model stream and any running tool (including a deploy). */
  | { type: 'stop' }
  | { type: 'confirm'; id: string; token: string; approve: boolean }
  /** Open the open question's edit (its `id`) in VS Code's diff editor; nothing is approved. */
  | { type: 'reviewDiff'; id: string }
  /** The current deploy's whole build log in an editor tab. */
  | { type: 'openLogInEditor' }
  /** The current deploy's build in Cloud Console (the host knows the URL). */
  | { type: 'openBuildInConsole' }
  /** A past deploy's Cloud Build log, read back from Google into an editor tab (the host looks the deploy up in its history). */
  | { type: 'showPastBuildLog'; deployId: string }
  /** Deploy again with the same settings as the last deploy. */
  | { type: 'retry' }
  /** Ask the agent to find the cause of the last failure and propose a fix. */
  | { type: 'fixWithAi' }
  /** A chat code block: insert at the cursor of the active editor (or a new file). */
  | { type: 'insertCode'; code: string; language?: string }
  | { type: 'copyText'; text: string }
  | { type: 'openUrl'; url: string }
  | { type: 'copyUrl'; url: string }
  | { type: 'showLog' }
  /** The settings form opened: the host replies with a `deployConfig` message. */
  | { type: 'getDeployConfig' }
  /** Save the form: untrusted values, validated by the host like the file itself before anything is written. */
  | { type: 'saveDeployConfig'; config: Record<string, unknown> };

export const MAX_CHAT_TEXT = 8000;
export const MAX_LOG_LINES = 2000;
/** Lines the log pane (and the host's buffer) keeps; older ones are dropped, counted. */
export const MAX_VIEW_LOG_LINES = 100_000;
/** Longest code block the webview may ask to insert or copy. */
export const MAX_CODE_TEXT = 200_000;
