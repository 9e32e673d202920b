// The revision-diff guard: what an update of a live Cloud Run service would
// break or change without the user having noticed, as short human sentences.
import { DevgemError, isCancelled } from '../base/errors';
import type { DomainMappingInfo, EnvVarInfo, LiveServiceSpec, RunPort, SecretRef, ServiceRef, ServiceSpec, SpecChange } from '../cloud/ports';
import { bounded } from '../base/wait';

const CALL_MS = 60_000;

/** `projects/p/secrets/db-url` and `db-url` name the same secret. */
function secretId(ref: SecretRef): string {
  return ref.secret.split('/secrets/').pop() ?? ref.secret;
}

function refText(ref: SecretRef): string {
  return `${secretId(ref)}:${ref.version || 'latest'}`;
}

function sameRef(a: SecretRef, b: SecretRef): boolean {
  return secretId(a) === secretId(b) && (a.version || 'latest') === (b.version || 'latest');
}

function envChanges(live: EnvVarInfo[], next: EnvVarInfo[]): SpecChange[] {
  const after = new Map(next.map((e) => [e.name, e]));
  const out: SpecChange[] = [];
  for (const e of live) {
    const n = after.get(e.name);
    if (e.secret) {
      // Values are never shown: only names and secret references.
      if (!n) out.push({ kind: 'secret-dropped', message: `Drops the secret reference ${e.name} → ${refText(e.secret)}` });
      else if (!n.secret)
        out.push({ kind: 'secret-dropped', message: `Drops the secret reference ${e.name} → ${refText(e.secret)} (${e.name} becomes a plain value)` });
      else if (!sameRef(e.secret, n.secret))
        out.push({ kind: 'secret-dropped', message: `Replaces the secret reference ${e.name} → ${refText(e.secret)} with ${refText(n.secret)}` });
    } else if (!n) {
      out.push({ kind: 'env-removed', message: `Removes env var ${e.name}` });
    }
  }
  return out;
}

function minInstancesChange(from: number, to: number): SpecChange[] {
  if (from === to) return [];
  const why = to === 0 ? 'cold starts return' : to < from ? 'fewer warm instances' : 'billed while idle';
  return [{ kind: 'min-instances', message: `Min instances ${from} → ${to} (${why})` }];
}

/** From most to least closed: who can reach the service over the network. */
const INGRESS_ORDER = ['none', 'internal', 'internal-and-cloud-load-balancing', 'all'];

function ingressChange(from: string, to: string, domains: DomainMappingInfo[]): SpecChange {
  const mapped = domains.length ? `; custom domain ${domainList(domains)} may stop answering` : '';
  const opens = INGRESS_ORDER.indexOf(to) > INGRESS_ORDER.indexOf(from) && INGRESS_ORDER.indexOf(from) >= 0;
  const why = opens ? ` (drops the ingress restriction: ${to === 'all' ? 'reachable from the internet' : 'reachable from more networks'})` : '';
  return { kind: 'ingress', message: `Ingress ${from} → ${to}${why}${mapped}` };
}

function domainList(domains: DomainMappingInfo[]): string {
  return domains.map((d) => d.domain).join(', ');
}

/**
 * What updating `live` into `next` would change that may break a working
 * service or open it up: env vars or secret references it drops, a different
 * minimum of instances, CPU allocation, ingress (a dropped restriction says so),
 * private → public, and a switch to private while custom domains serve it.
 * Plain values that change and settings it keeps are no alarm.
 * `next.public` is what the deploy asks for; `domains` map to this service.
 */
export function riskyChanges(live: LiveServiceSpec, next: LiveServiceSpec, domains: DomainMappingInfo[] = []): SpecChange[] {
  const out = [...envChanges(live.env, next.env), ...minInstancesChange(live.minInstances, next.minInstances)];
  if (live.cpuAlwaysAllocated !== next.cpuAlwaysAllocated) {
    out.push(
      live.cpuAlwaysAllocated
        ? { kind: 'cpu-allocation', message: 'CPU always allocated → only during requests (background work stops between requests)' }
        : { kind: 'cpu-allocation', message: 'CPU only during requests → always allocated (billed while idle)' },
    );
  }
  if (live.ingress !== next.ingress) out.push(ingressChange(live.ingress, next.ingress, domains));
  if (!live.public && next.public) {
    // The IAM check is what keeps a private service's callers to those granted: opening it is not undone by a redeploy.
    out.push({ kind: 'public', message: 'Makes the private service public: anyone with the URL can call it (now only IAM-authorized callers can)' });
  }
  if (live.public && !next.public && domains.length) {
    out.push({
      kind: 'domain-private',
      message: `Asks for a private service while custom domain ${domainList(domains)} serves it publicly: once private, its visitors get 403 Forbidden`,
    });
  }
  return out;
}

/** One sentence for an error or a log line. */
export function describeChanges(changes: SpecChange[]): string {
  return changes.map((c) => c.message).join('; ');
}

export interface SpecCheck {
  changes: SpecChange[];
  /** Something the check could not look at (it never blocks the deploy). */
  note?: string;
}

/**
 * Asks Cloud Run what `updateService(ref, spec)` would send and compares it
 * with the live service; reads the domain mappings only when access or
 * ingress change, where they matter. undefined when there is no service yet.
 */
export async function checkSpecChanges(
  run: RunPort,
  ref: ServiceRef,
  spec: ServiceSpec,
  allowUnauthenticated: boolean,
  signal: AbortSignal,
  callMs = CALL_MS,
): Promise<SpecCheck | undefined> {
  const preview = await bounded('Comparing the deploy with the live service', callMs, signal, (s) => run.previewUpdate(ref, spec, s));
  if (!preview) return undefined;
  // Devgem opens a service when asked and never closes one; `false` here is the request for private.
  const next = { ...preview.next, public: allowUnauthenticated };
  let domains: DomainMappingInfo[] = [];
  let note: string | undefined;
  if ((preview.live.public && !next.public) || preview.live.ingress !== next.ingress) {
    try {
      domains = await bounded('Looking up custom domain mappings', callMs, signal, (s) => run.listDomainMappings(ref, s));
    } catch (err) {
      if (isCancelled(err, signal)) throw err;
      note = `custom domain mappings not checked: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  return { changes: riskyChanges(preview.live, next, domains), note };
}

/** The deploy stage's refusal when the user (or no one) did not approve the changes. */
export function specChangesRefused(changes: SpecChange[]): DevgemError {
  return new DevgemError('failed-precondition', `The deploy would: ${describeChanges(changes)}. Nothing was changed.`, {
    fix: 'To go on, choose "Deploy Anyway" when asked (or pass --yes to devgem deploy); or deploy with settings that keep these.',
  });
}

/** Every change was shown and approved before the deploy started (the agent's plan, or --yes). */
export function allApproved(changes: SpecChange[], approved: readonly string[] | 'all' | undefined): boolean {
  if (approved === 'all') return true;
  const shown = new Set(approved ?? []);
  return changes.every((c) => shown.has(c.message));
}
