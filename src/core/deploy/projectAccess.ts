// Before anything is uploaded: are the APIs on, may the caller deploy, may
// Cloud Build's service account build? A deploy that would fail ten minutes in
// at the build fails here instead, with the command that fixes it.
import { CancelledError, DevgemError } from '../base/errors';
import type { PreflightPort, PreflightProblem } from '../cloud/ports';
import type { DeployUiPort } from './deployUi';
import {
  BUILD_SA_FULL_ROLES,
  BUILD_SA_NEEDS,
  buildServiceAccounts,
  ENABLE_PERMISSION,
  REQUIRED_APIS,
  REQUIRED_ROLES,
  SECRETS_API,
  type RequiredApi,
} from './requiredAccess';
import { bounded, type Clock } from '../base/wait';

const CALL_MS = 30_000;
/** Enabling an API usually takes seconds, sometimes a minute or two. */
const ENABLE_MS = 3 * 60_000;
/** A passed check is trusted this long, so redeploys do not repeat it. */
export const PREFLIGHT_CACHE_MS = 10 * 60_000;

/** Passed checks per project (and principal) for this session. */
export class PreflightCache {
  private readonly passedUntil = new Map<string, number>();

  has(key: string, now: number): boolean {
    return (this.passedUntil.get(key) ?? 0) > now;
  }

  remember(key: string, now: number): void {
    this.passedUntil.set(key, now + PREFLIGHT_CACHE_MS);
  }
}

/** The extension host's cache; ports are rebuilt per deploy, so it cannot live on them. */
export const sessionPreflightCache = new PreflightCache();

export interface AccessCheck {
  problems: PreflightProblem[];
  /** Checks that could not run (e.g. the caller may not read the IAM policy); they never block a deploy. */
  skipped: string[];
}

export interface AccessNeeds {
  secrets: boolean;
  /** The signed-in account, for the grant command; a placeholder when unknown. */
  principal?: string;
}

const e = encodeURIComponent;
const apiConsoleUrl = (project: string, api: string) => `https://console.cloud.google.com/apis/library/${e(api)}?project=${e(project)}`;
const iamConsoleUrl = (project: string) => `https://console.cloud.google.com/iam-admin/iam?project=${e(project)}`;

function member(principal: string | undefined): string {
  if (!principal || /\s/.test(principal) || !principal.includes('@')) return 'user:YOUR_EMAIL';
  return principal.endsWith('.gserviceaccount.com') ? `serviceAccount:${principal}` : `user:${principal}`;
}

const grant = (project: string, who: string, role: string) => `gcloud projects add-iam-policy-binding ${project} --member=${who} --role=${role}`;

/** Runs a check whose failure (other than a cancel or bad credentials) only means "unknown". */
async function attempt<T>(what: string, skipped: string[], work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CancelledError || (err instanceof DevgemError && (err.kind === 'cancelled' || err.kind === 'credentials'))) throw err;
    skipped.push(`${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return undefined;
  }
}

/** One full check of the project; never uses the cache. */
export async function checkProjectAccess(
  project: string,
  needs: AccessNeeds,
  port: PreflightPort,
  signal: AbortSignal,
  callMs = CALL_MS,
): Promise<AccessCheck> {
  const apis: RequiredApi[] = [...REQUIRED_APIS, ...(needs.secrets ? [SECRETS_API] : [])];
  const wanted = [...new Set([...REQUIRED_ROLES.flatMap((r) => r.permissions), ENABLE_PERMISSION])];
  const skipped: string[] = [];
  const [enabled, granted, policy] = await Promise.all([
    attempt('API check', skipped, () =>
      bounded('Checking the enabled APIs', callMs, signal, (s) =>
        port.enabledServices(
          project,
          apis.map((a) => a.name),
          s,
        ),
      ),
    ),
    attempt('permission check', skipped, () => bounded('Checking your permissions', callMs, signal, (s) => port.testPermissions(project, wanted, s))),
    attempt('build service account check', skipped, () =>
      bounded('Reading the project IAM policy', callMs, signal, async (s) => ({
        number: await port.projectNumber(project, s),
        bindings: await port.projectPolicyBindings(project, s),
      })),
    ),
  ]);
  const problems: PreflightProblem[] = [];
  const canEnable = granted?.includes(ENABLE_PERMISSION) ?? false;

  for (const api of apis) {
    if (!enabled || enabled[api.name] !== false) continue;
    problems.push({
      kind: 'api-disabled',
      message: `The ${api.title} (${api.name}) is not enabled in project ${project}.`,
      fixCommand: `gcloud services enable ${api.name} --project=${project}`,
      consoleUrl: apiConsoleUrl(project, api.name),
      autoFix: canEnable ? { enableService: api.name } : undefined,
    });
  }

  if (granted) {
    const have = new Set(granted);
    for (const role of REQUIRED_ROLES) {
      const missing = role.permissions.filter((p) => !have.has(p));
      if (missing.length === 0) continue;
      problems.push({
        kind: 'permission-missing',
        message: `Your account lacks ${missing.join(', ')} on project ${project}; grant ${role.role}.`,
        fixCommand: grant(project, member(needs.principal), role.role),
        consoleUrl: iamConsoleUrl(project),
      });
    }
  }

  if (policy) {
    const problem = buildAccountProblem(project, policy.number, policy.bindings);
    if (problem) problems.push(problem);
  }
  return { problems, skipped };
}

/** Checks the default build service account's project roles against what a build does. */
function buildAccountProblem(project: string, projectNumber: string, bindings: { role: string; members: string[] }[]): PreflightProblem | undefined {
  const { current, legacy } = buildServiceAccounts(projectNumber);
  const rolesOf = (sa: string) => new Set(bindings.filter((b) => b.members.includes(`serviceAccount:${sa}`)).map((b) => b.role));
  // Old projects build as Cloud Build's own account; new ones as the Compute Engine default.
  const legacyRoles = rolesOf(legacy);
  const sa = legacyRoles.size > 0 && rolesOf(current).size === 0 ? legacy : current;
  const roles = rolesOf(sa);
  if (BUILD_SA_FULL_ROLES.some((r) => roles.has(r))) return undefined;
  const missing = BUILD_SA_NEEDS.filter((n) => ![n.role, ...n.alsoBy].some((r) => roles.has(r))).map((n) => n.role);
  if (missing.length === 0) return undefined;
  return {
    kind: 'build-account-role',
    message: `Cloud Build's service account ${sa} lacks ${missing.join(', ')}, so a build could not write its log, push the image or read the source; grant it roles/run.builder.`,
    fixCommand: grant(project, `serviceAccount:${sa}`, 'roles/run.builder'),
    consoleUrl: iamConsoleUrl(project),
  };
}

/** The problems as one error: each with its command, then where to click instead. */
export function preflightError(project: string, problems: PreflightProblem[]): DevgemError {
  const onlyApis = problems.every((p) => p.kind === 'api-disabled');
  const message = `Project ${project} is not ready for a deploy (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `• ${p.message}`).join('\n')}`;
  const commands = problems.map((p) => `  ${p.fixCommand}`).join('\n');
  const links = [...new Set(problems.map((p) => p.consoleUrl))].map((u) => `  ${u}`).join('\n');
  const fix = `Run:\n${commands}\nor use the Cloud Console:\n${links}\nthen deploy again.${onlyApis ? '' : ' Granting roles needs a project owner or IAM admin.'}`;
  return new DevgemError(onlyApis ? 'failed-precondition' : 'permission-denied', message, { fix });
}

export interface PreflightContext {
  project: string;
  needs: AccessNeeds;
  port: PreflightPort;
  ui: DeployUiPort;
  clock: Clock;
  cache: PreflightCache;
  signal: AbortSignal;
  /** One call's limit (30 s when absent). */
  callMs?: number;
}

/**
 * The preflight stage's access part: checks (or trusts a recent pass), offers
 * to enable missing APIs, and throws a DevgemError listing every problem left.
 * Returns a line for the stage detail.
 */
export async function ensureProjectAccess(ctx: PreflightContext): Promise<string> {
  const { project, needs, port, signal } = ctx;
  const key = `${project}|${needs.principal ?? ''}|${needs.secrets ? 'secrets' : ''}`;
  if (ctx.cache.has(key, ctx.clock.now())) return 'access checked recently';
  let check = await checkProjectAccess(project, needs, port, signal, ctx.callMs);
  const enable = check.problems.flatMap((p) => (p.autoFix ? [p.autoFix.enableService] : []));
  let enabledNow: string[] = [];
  if (enable.length > 0 && (await ctx.ui.offerPreflightFix(check.problems, signal))) {
    for (const name of enable) {
      await bounded(
        `Enabling ${name}`,
        ENABLE_MS,
        signal,
        (s) => port.enableService(project, name, s),
        `Enable it yourself: gcloud services enable ${name} --project=${project}, then deploy again.`,
      );
    }
    enabledNow = enable;
    check = await checkProjectAccess(project, needs, port, signal, ctx.callMs);
  }
  if (signal.aborted) throw new CancelledError();
  if (check.problems.length > 0) throw preflightError(project, check.problems);
  // Only a complete pass is trusted later; a skipped check is tried again next time.
  if (check.skipped.length === 0) ctx.cache.remember(key, ctx.clock.now());
  const parts = [enabledNow.length ? `enabled ${enabledNow.join(', ')}` : 'APIs and access OK'];
  if (check.skipped.length) parts.push(`not checked: ${check.skipped.map((s) => s.split(':')[0]).join(', ')}`);
  return parts.join(' · ');
}
