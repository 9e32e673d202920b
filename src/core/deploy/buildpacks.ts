// Google Cloud's buildpacks as Devgem's fallback builder: what a deploy says
// and does when they, not a Dockerfile, make the image (issue 15.5).
import type { AppAnalysis, WorkspaceAnalysis } from '../analysis/types';
import { DevgemError } from '../base/errors';

/** What the tracker says whenever buildpacks build the app. */
export const BUILDPACKS_CHOSE = "Google's buildpacks build the app on Cloud Build and choose its runtime";

/**
 * The app of a workspace no rule recognises, for buildpacks to build from the
 * root: nothing is known but the folder; buildpacks detect the rest, and a
 * buildpacks image listens on $PORT.
 */
export function buildpacksApp(name: string, unrecognised: WorkspaceAnalysis['unrecognised']): AppAnalysis {
  return {
    path: '',
    name,
    stack: 'buildpacks',
    language: { value: 'unknown', evidence: [] },
    port: { port: 8080, source: 'devgem-default', honoursPortEnv: true, evidence: [] },
    confidence: 'low',
    context: '',
    hints: {},
    notes: [unrecognised?.message ?? 'Devgem does not recognise this app.', `${BUILDPACKS_CHOSE}.`],
    needs: [],
    warnings: [],
  };
}

/** Buildpacks build the build context from its root: an app that needs a wider context cannot use them. */
export function checkBuildpacksContext(app: AppAnalysis): void {
  if (app.context === app.path) return;
  throw new DevgemError(
    'failed-precondition',
    `${app.path} needs the workspace root as its build context, which Google's buildpacks cannot build for one app of it.`,
    { fix: 'Set "devgem.build.strategy" to "dockerfile" (or "auto"), or add a Dockerfile to the app.' },
  );
}
