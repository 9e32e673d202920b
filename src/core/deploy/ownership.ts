// What Devgem may update without asking: a service it created from this
// workspace or repository. Everything else (a service someone made by hand or
// with another tool, one Devgem made from another workspace) is only taken
// over when the user says so, after seeing what is there now.
import { DevgemError } from '../base/errors';
import { bounded } from '../base/wait';
import type { ExistingService, RunPort, ServiceRef } from '../cloud/ports';
import type { Origin } from './origin';

export const MANAGED_BY_LABEL = 'managed-by';
export const MANAGED_BY_DEVGEM = 'devgem';
export const ORIGIN_LABEL = 'devgem-origin';

/** The labels Devgem puts on what it creates (and adds to a service it takes over); other labels stay. */
export function devgemLabels(origin?: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_DEVGEM, ...(origin ? { [ORIGIN_LABEL]: origin } : {}) };
}

/**
 * `ours`: Devgem made it from this origin. `foreign`: Devgem did not make it.
 * `other-origin`: Devgem made it from another workspace or repository.
 * `unknown-origin`: Devgem made it before it recorded origins.
 */
export type Ownership = 'ours' | 'foreign' | 'other-origin' | 'unknown-origin';

export function ownershipOf(labels: Record<string, string> | undefined, origin: string): Ownership {
  if (labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_DEVGEM) return 'foreign';
  const from = labels[ORIGIN_LABEL];
  if (!from) return 'unknown-origin';
  return from === origin ? 'ours' : 'other-origin';
}

/** A service a deploy would update although it is not Devgem's from this origin: what the user is asked about. */
export interface TakeOver {
  existing: ExistingService;
  ownership: Exclude<Ownership, 'ours'>;
  /** Where this deploy comes from. */
  origin: Origin;
  /** The deploy asks for a public service and this one is private. */
  makesPublic: boolean;
}

/** `projects/P/locations/R/services/S`: what an approval names. */
export function serviceKey(ref: ServiceRef): string {
  return `projects/${ref.project}/locations/${ref.region}/services/${ref.service}`;
}

const WHY: Record<TakeOver['ownership'], string> = {
  foreign: 'Devgem did not create it (it has no managed-by: devgem label)',
  'other-origin': 'Devgem created it from another workspace or repository',
  'unknown-origin': 'Devgem created it, but without recording from which workspace (an earlier version of Devgem)',
};

/** One sentence: which service, and why asking. */
export function takeOverHeadline(t: TakeOver): string {
  return `Cloud Run service ${t.existing.ref.service} (${t.existing.ref.project}, ${t.existing.ref.region}) already exists, and ${WHY[t.ownership]}.`;
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([k, v]) => `${k}: ${v}`).join(', ') : 'none';
}

/** Who may call it now, in words. */
export function accessText(e: ExistingService): string {
  if (e.public) return 'public: anyone with the URL';
  if (e.invokers === undefined) return 'not known: the invoker IAM check is on, and its IAM policy could not be read (it may grant allUsers)';
  const who = (e.invokers ?? []).filter((m) => m !== 'allUsers' && m !== 'allAuthenticatedUsers');
  return `private: only IAM-authorized callers${who.length ? ` (run.invoker: ${who.join(', ')})` : ''}`;
}

/** What is there now and what the take-over would do, as label/value lines (the agent's plan, a modal, the CLI). */
export function takeOverDetails(t: TakeOver): { label: string; value: string }[] {
  const e = t.existing;
  const deployed = [e.updateTime, e.lastModifier ? `by ${e.lastModifier}` : ''].filter(Boolean).join(' ');
  return [
    { label: 'Why asking', value: WHY[t.ownership] },
    { label: 'Image now', value: e.image ?? 'unknown' },
    { label: 'Labels now', value: labelText(e.labels) },
    { label: 'Access now', value: accessText(e) },
    { label: 'Last deploy', value: deployed || 'unknown' },
    ...(e.creator ? [{ label: 'Created by', value: e.creator }] : []),
    {
      label: 'Take over',
      value: `replaces its image with this build from ${t.origin.describe}; keeps its labels and adds ${MANAGED_BY_LABEL}: ${MANAGED_BY_DEVGEM}, ${ORIGIN_LABEL}: ${t.origin.label}${t.makesPublic ? '; and makes it public' : ''}`,
    },
  ];
}

/** The refusal when no one approved the take-over; nothing was changed. */
export function takeOverRefused(t: TakeOver): DevgemError {
  const lines = takeOverDetails(t)
    .slice(1, -1)
    .map((d) => `${d.label}: ${d.value}`)
    .join('; ');
  return new DevgemError('failed-precondition', `${takeOverHeadline(t)} Devgem did not touch it. ${lines}.`, {
    fix: `If ${t.existing.ref.service} is yours to replace, deploy again and choose "Take Over" when asked (devgem deploy: pass --take-over). Otherwise deploy under another service name (the setting "devgem.serviceName", or --service).`,
  });
}

/** Whether the user approved taking over `ref` before the deploy (the agent's plan, or --take-over). */
export function takeOverApproved(ref: ServiceRef, approved: readonly string[] | 'all' | undefined): boolean {
  return approved === 'all' || (approved ?? []).includes(serviceKey(ref));
}

/** The service `ref` as a take-over would find it; undefined when there is none or it is Devgem's from `origin`. */
export async function findTakeOver(
  run: RunPort,
  ref: ServiceRef,
  origin: Origin,
  allowUnauthenticated: boolean,
  signal: AbortSignal,
  callMs: number,
): Promise<TakeOver | undefined> {
  const existing = await bounded('Checking who owns the service', callMs, signal, (s) => run.inspectService(ref, s));
  if (!existing) return undefined;
  const ownership = ownershipOf(existing.labels, origin.label);
  if (ownership === 'ours') return undefined;
  return { existing, ownership, origin, makesPublic: allowUnauthenticated && !existing.public };
}
