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

/** Files of the languages Google's buildpacks detect (Go, Node.js, Python, Java, Ruby, PHP, .NET), or their own config. */
const BUILDPACKS_SIGNAL = /(\.(c?js|mjs|ts|py|go|java|kt|jar|rb|php|cs|fs|vb|csproj|fsproj)|^project\.toml|^Procfile)$/i;

/**
 * A folder no rule recognises is worth a buildpacks build (strategy `auto`) only when it
 * holds code of a language they detect and nothing Devgem found is broken (a corrupt
 * manifest is fixed first); an empty folder or only docs would just fail on Cloud Build.
 */
export function buildpacksMayTry(unrecognised: WorkspaceAnalysis['unrecognised']): boolean {
  if (!unrecognised?.found.length || !/^Devgem does not recognise this stack/.test(unrecognised.message)) return false;
  return unrecognised.found.some((f) => BUILDPACKS_SIGNAL.test(f));
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
