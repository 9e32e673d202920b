// What workspace analysis finds, with the evidence for each fact, so the user
// (and later the model) sees why Devgem decided what it did. Pure data.

/** Where a fact came from: a file relative to the workspace root ('/' separators) and, when known, a 1-based line. */
export interface Evidence {
  file: string;
  line?: number;
  detail: string;
}

export interface Fact<T> {
  value: T;
  evidence: Evidence[];
}

export type Confidence = 'high' | 'medium' | 'low';

export type Language =
  | 'javascript'
  | 'typescript'
  | 'python'
  | 'go'
  | 'java'
  | 'kotlin'
  | 'scala'
  | 'ruby'
  | 'php'
  | 'csharp'
  | 'fsharp'
  | 'rust'
  | 'elixir'
  | 'dart'
  | 'swift'
  | 'html'
  | 'unknown';

/** Which Dockerfile generator serves the app ('dockerfile': the app brings its own). */
export type StackId =
  | 'dockerfile'
  | 'node'
  | 'node-static'
  | 'python'
  | 'go'
  | 'java'
  | 'java-maven'
  | 'java-gradle'
  | 'scala-sbt'
  | 'ruby'
  | 'php'
  | 'dotnet'
  | 'rust'
  | 'deno'
  | 'elixir'
  | 'dart'
  | 'swift'
  | 'static'
  | 'procfile'
  /** No rule knows the stack: Google's buildpacks detect it on Cloud Build (core/deploy/buildpacks.ts). */
  | 'buildpacks';

/** A one-line edit that makes a hard-coded port honour $PORT; the user accepts or not. */
export interface PortFix {
  file: string;
  line: number;
  before: string;
  after: string;
  explanation: string;
}

export interface PortFinding {
  /** What the container listens on, i.e. Cloud Run's containerPort (Cloud Run sets PORT to it). */
  port: number;
  source: 'code' | 'config' | 'framework-default' | 'dockerfile' | 'devgem-default';
  /** True when the app reads $PORT (so any containerPort works). */
  honoursPortEnv: boolean;
  evidence: Evidence[];
  /** Set when the port is hard-coded and ignores $PORT. */
  fix?: PortFix;
}

/** An environment variable the code reads with no default: the service fails or misbehaves without it. */
export interface EnvNeed {
  name: string;
  /** Every place it is read (a few at most). */
  evidence: Evidence[];
  /** The name says it holds a secret (KEY, SECRET, TOKEN, PASSWORD …): Secret Manager rather than a plain env var. */
  secret: boolean;
}

export type WarningKind =
  'runtime-eol' | 'runtime-eol-soon' | 'port-ignored' | 'debug-on' | 'hardcoded-secret' | 'no-server' | 'localhost-database' | 'localhost-listen';

/** Something that will go wrong (or already is wrong) on Cloud Run, found before the build. */
export interface Warning {
  kind: WarningKind;
  /** One or two sentences for the user. */
  message: string;
  evidence: Evidence[];
  /** The one-line change that resolves it, when there is one (e.g. `.nvmrc: 24`). */
  fix?: string;
  /** The deploy should stop with this reason unless the user insists (e.g. no server to answer requests). */
  blocking?: boolean;
}

export interface AppAnalysis {
  /** App folder relative to the workspace root, '' for the root itself. */
  path: string;
  /** Folder (or package) name, for service names and pickers. */
  name: string;
  stack: StackId;
  language: Fact<Language>;
  /** Runtime version as the base image tag wants it: "20", "3.12", "1.22", "21", "8.0" … */
  version?: Fact<string>;
  /** npm | yarn | yarn-berry | pnpm | bun | pip | poetry | uv | pipenv | pdm | setuptools | go | maven | gradle | sbt | bundler | composer | dotnet | cargo | mix | pub | swiftpm | deno */
  packageManager?: Fact<string>;
  /** express, fastify, nextjs, flask, django, spring-boot, rails, laravel, aspnetcore, axum … */
  framework?: Fact<string>;
  /** Shell command that builds the app inside the image, if it needs one. */
  build?: Fact<string>;
  /** Exec-form command that starts the server; absent when nothing could be determined. */
  start?: Fact<string[]>;
  port: PortFinding;
  confidence: Confidence;
  /** Relative path of the build context: the app folder, or the root when the app needs shared workspace packages. */
  context: string;
  /** The app's own Dockerfile (relative to the workspace root); used as it is. */
  dockerfile?: string;
  /** Stack specifics the Dockerfile generator needs (SPA output dir, jar name, binary name, lockfile …). */
  hints: Record<string, string | number | boolean | string[]>;
  /** Remarks for the user: what was assumed, what to check. */
  notes: string[];
  /** Environment variables the code needs that nothing in the image sets. */
  needs: EnvNeed[];
  /** What will likely break on Cloud Run, with evidence; shown before the build. */
  warnings: Warning[];
  /** The monorepo tool of the workspace this app belongs to (nx, turborepo, pnpm-workspaces …). */
  workspaceTool?: string;
}

export interface WorkspaceAnalysis {
  /** Absolute path of the analyzed folder. */
  root: string;
  /** Deployable apps, best candidate first. Empty when nothing is recognised. */
  apps: AppAnalysis[];
  monorepo?: Fact<string>;
  /** When `apps` is empty: what was found, and that the stack is not recognised. */
  unrecognised?: {
    found: string[];
    /** What was found and why it is not an app (no advice: callers add their own next step). */
    message: string;
    /** The next step, for callers (the CLI's describe) that show the message on its own. */
    advice: string;
  };
}
