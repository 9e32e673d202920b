import { createHash } from 'node:crypto';
import { DevgemError } from '../../base/errors';
import { bounded } from '../../base/wait';
import type { ServiceDetails, ServiceRef } from '../../cloud/ports';
import { refText, type AgentContext } from '../context';

// What a write tool's card showed, pinned when the card is made: on approval the tool runs on
// exactly that (the same service, revision, file content) or refuses when the world moved on.

const CALL_MS = 60_000;

/** The parts of a service whose change makes an approved plan stale. */
export interface ServiceStamp {
  exists: boolean;
  revision?: string;
  image?: string;
  updated?: string;
  traffic: string;
  env: string;
}

export function serviceStamp(d: ServiceDetails | undefined): ServiceStamp {
  if (!d) return { exists: false, traffic: '', env: '' };
  return {
    exists: true,
    revision: d.latestReadyRevision,
    image: d.image,
    updated: d.updateTime,
    traffic: JSON.stringify(d.traffic ?? []),
    env: hashText(JSON.stringify(d.env ?? [])),
  };
}

const STAMP_WORDS: Record<keyof ServiceStamp, string> = {
  exists: 'it was created or deleted',
  revision: 'its latest revision',
  image: 'its image',
  updated: 'its last update time',
  traffic: 'its traffic split',
  env: 'its env vars',
};

/** What differs between two stamps, in words; empty when nothing does. */
export function stampChanges(before: ServiceStamp, now: ServiceStamp): string[] {
  return (Object.keys(STAMP_WORDS) as (keyof ServiceStamp)[]).filter((k) => before[k] !== now[k]).map((k) => STAMP_WORDS[k]);
}

export async function describeStamp(ctx: AgentContext, ref: ServiceRef, signal: AbortSignal): Promise<ServiceStamp> {
  return serviceStamp(await bounded('Describing the service', CALL_MS, signal, (s) => ctx.cloud().runAdmin.describeService(ref, s)));
}

/** Refuses (nothing done) when the service changed since the card pinned `stamp`. */
export async function assertServiceUnchanged(ctx: AgentContext, ref: ServiceRef, stamp: ServiceStamp, signal: AbortSignal): Promise<void> {
  const changed = stampChanges(stamp, await describeStamp(ctx, ref, signal));
  if (!changed.length) return;
  throw new DevgemError('failed-precondition', `${refText(ref)} changed after you saw this plan (${changed.join(', ')}), so Devgem did not run it.`, {
    fix: 'Ask again to see a plan of the service as it is now.',
  });
}

export function hashText(text: string | undefined): string {
  return text === undefined ? 'missing' : createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Refuses when a workspace file no longer has the content the approved diff was made from. */
export function assertFileUnchanged(rel: string, pinnedHash: string, now: string | undefined): void {
  if (hashText(now) === pinnedHash) return;
  throw new DevgemError(
    'failed-precondition',
    `${rel} ${now === undefined ? 'was deleted' : 'was modified'} after you saw this diff, so Devgem did not apply it (that would overwrite the newer change).`,
    { fix: 'Ask again for a diff against the file as it is now.' },
  );
}

/** The pin of a card, typed: what `confirmation` resolved, handed back to `run`. */
export function pinOf<P>(pinned: unknown, tool: string): P {
  if (pinned === undefined) throw new DevgemError('failed-precondition', `${tool} runs only on a plan the user approved.`);
  return pinned as P;
}

/** A service as a card showed it: the ref resolved then (project included) and its stamp. */
export interface ServicePin {
  ref: ServiceRef;
  stamp: ServiceStamp;
}

export async function pinService(ctx: AgentContext, ref: ServiceRef, signal: AbortSignal): Promise<ServicePin> {
  return { ref, stamp: await describeStamp(ctx, ref, signal) };
}

/** Refuses (nothing done) when anything the card showed differs now; `changes` says what, in words. */
export function assertStill(subject: string, changes: (string | false | undefined)[]): void {
  const said = changes.filter((c): c is string => Boolean(c));
  if (!said.length) return;
  throw new DevgemError('failed-precondition', `${subject} changed since you approved: ${said.join('; ')}, so Devgem did not run it.`, {
    fix: 'Ask again to see the new plan.',
  });
}

/** "x: before → now" when they differ. */
export function moved(what: string, before: string | undefined, now: string | undefined): string | false {
  return before !== now && `${what} ${before ?? 'none'} → ${now ?? 'none'}`;
}
