// The deploy's questions to its user, and the answers given when no one is there.
import type { AppAnalysis, EnvNeed, PortFix, Warning } from '../analysis/types';
import { DevgemError } from '../base/errors';
import type { PreflightProblem, SpecChange } from '../cloud/ports';
import type { TakeOver } from './ownership';
import type { GitHubSource } from '../github/gitHubPort';
import { describeRedFlags, type UploadPreview } from '../packaging/uploadPreview';

/** The generated Dockerfile shown for review. */
export interface DockerfileReview {
  path: string;
  relativePath?: string;
  content: string;
  gitHub?: GitHubSource;
  /** The user may pick Google's buildpacks instead ("devgem.build.strategy" is `auto`). */
  offerBuildpacks?: boolean;
  dockerignore?: string;
  portFix?: { fix: PortFix; workspaceRoot: string };
  /** What the analysis found will break on Cloud Run. */
  warnings?: string[];
}

/** What the user gave for the needed env vars: plain values (secret ones go through the .env import instead). */
export interface EnvNeedAnswer {
  env: Record<string, string>;
}

/**
 * The few questions a deploy asks its user. Each has a safe answer when no
 * one is there to ask (tests, the CLI): see `unattendedUi`.
 */
export interface DeployUiPort {
  /** Several deployable apps: which one? undefined = the user backed out. */
  chooseApp(apps: AppAnalysis[], signal: AbortSignal): Promise<AppAnalysis | undefined>;
  /**
   * Show the generated Dockerfile (as a diff) before it is written; true = write it,
   * `buildpacks` = build with Google's buildpacks instead (offered when `offerBuildpacks`).
   * `relativePath`: where in the source (POSIX). `warnings`: what the analysis found will break on Cloud Run. `gitHub`: the source is a downloaded repository, so the file lives for this deploy only.
   * `dockerignore`: the `.dockerignore` written with it (POSIX, relative), when there is none yet.
   * `portFix`: a hard-coded port to offer fixing in the same review (the review is modal: a notification would hide behind it).
   */
  reviewDockerfile(file: DockerfileReview, signal: AbortSignal): Promise<boolean | 'buildpacks'>;
  /** A hard-coded port that ignores $PORT, when no Dockerfile review follows: offer the one-line edit; does not wait. */
  offerPortFix(fix: PortFix, workspaceRoot: string): void;
  /** Only asked when the preview has red flags; true = upload anyway. */
  confirmUpload(preview: UploadPreview, signal: AbortSignal): Promise<boolean>;
  /** The project is missing APIs Devgem could enable: true = enable them now and go on. */
  offerPreflightFix(problems: PreflightProblem[], signal: AbortSignal): Promise<boolean>;
  /** An update would drop config or change how the service runs or is reached; true = deploy anyway. */
  confirmSpecChanges(changes: SpecChange[], signal: AbortSignal): Promise<boolean>;
  /**
   * The service exists and is not Devgem's from this workspace (ownership.ts): show what is
   * there now (takeOverDetails) and ask; true = take it over. Asked before anything is built.
   */
  confirmTakeOver(takeOver: TakeOver, signal: AbortSignal): Promise<boolean>;
  /** The analysis found no server that listens (a blocking warning): true = deploy anyway. Absent: stop. */
  confirmNoServer?(warning: Warning, signal: AbortSignal): Promise<boolean>;
  /**
   * Env vars the code reads with no default and this deploy does not set: ask for values (or
   * offer the .env → Secret Manager import for secret ones). Absent: deploy without asking.
   */
  askEnvNeeds?(needs: EnvNeed[], signal: AbortSignal): Promise<EnvNeedAnswer>;
}

/** No one to ask: take the first app, write the Dockerfile, upload unless something is flagged, never break or take over a live service. */
export const unattendedUi: DeployUiPort = {
  chooseApp: async (apps) => apps[0],
  reviewDockerfile: async () => true,
  offerPortFix: () => undefined,
  confirmUpload: async (preview) => {
    // No one can say "upload anyway": a failure that says what to exclude, not a silent cancel.
    if (!preview.redFlags.length) return true;
    throw new DevgemError('failed-precondition', `The upload was stopped: ${describeRedFlags(preview)}.`, {
      fix: 'Exclude those files in .gcloudignore (or .gitignore), then deploy again.',
    });
  },
  offerPreflightFix: async () => false,
  confirmSpecChanges: async () => false,
  confirmTakeOver: async () => false,
};
