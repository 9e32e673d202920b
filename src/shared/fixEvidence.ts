// What "Fix with AI" looks at, in the words both the tracker's button and the
// agent's prompt use: shared so the webview and the host cannot disagree.
import type { DeployStage } from './protocol';

/** A build failure is fixed from the build log; a runtime one (the revision would not start or failed its health check) from its startup logs. */
export type FailureKind = 'build' | 'runtime';

export function failureKind(stage: DeployStage): FailureKind {
  return stage === 'deploy' || stage === 'verify' ? 'runtime' : 'build';
}

export const EVIDENCE_NAME: Record<FailureKind, string> = { build: 'build log', runtime: 'startup logs' };

/** The tracker's button: says where the AI will look. */
export function fixButtonLabel(stage: DeployStage): string {
  return `Fix with AI (${EVIDENCE_NAME[failureKind(stage)]})`;
}

/** What "Fix with AI" asks; fixed text per kind, so nothing from the webview reaches the model. */
export const FIX_PROMPTS: Record<FailureKind, string> = {
  build: 'The last deploy failed while building. Find the cause in the build log and propose a fix.',
  runtime: 'The last deploy built, but the new revision failed to start. Find the cause in its startup logs and propose a fix.',
};
