// Where the traffic is after an env or config change. Cloud Run gives the new
// revision the traffic only when the service follows "latest"; after a rollback
// pinned a revision, the new one is created, ready, and serves no one. Saying
// "revision … now serves" then is false: read the split, say what serves.
import type { RunServiceInfo, TrafficInfo } from '../cloud/ports';

export interface Rollout {
  /** The revision the change created. */
  revision?: string;
  /** The revision with the most traffic after the change; undefined when Cloud Run did not say. */
  servingRevision?: string;
  /** The new revision got no traffic: an earlier rollback pinned it elsewhere. */
  pinned: boolean;
}

export function rolloutOf(info: RunServiceInfo): Rollout {
  const revision = info.latestReadyRevision ?? info.latestCreatedRevision;
  const servingRevision = info.servingRevision;
  return { revision, servingRevision, pinned: Boolean(revision && servingRevision && servingRevision !== revision) };
}

/**
 * The sentence after the change: who serves now, and, when the traffic stayed behind, the exact next step.
 * `images`: what each runs, when known. The new revision is made from the service's configuration, which a
 * rollback leaves as it was: it may run the image the rollback moved away from.
 */
export function rolloutSentence(service: string, r: Rollout, images: { revision?: string; serving?: string } = {}): string {
  if (r.pinned) {
    const image =
      images.revision && images.serving && images.revision !== images.serving
        ? ` Note that ${r.revision} runs ${images.revision}, not ${images.serving} that serves now.`
        : '';
    return `New revision ${r.revision} is ready but gets no traffic: ${r.servingRevision} still serves all of ${service} (an earlier rollback pinned the traffic there).${image} To serve the change, send the traffic to ${r.revision} (say "send traffic to ${r.revision}").`;
  }
  if (!r.servingRevision) return `Revision ${r.revision ?? '?'} of ${service} was created; Cloud Run did not say which revision serves now.`;
  return `Revision ${r.servingRevision} now serves ${service}.`;
}

/** The revision all traffic is pinned to (a rollback), or undefined when the service follows its latest ready revision. */
export function pinnedRevision(traffic: TrafficInfo[]): string | undefined {
  if (traffic.some((t) => t.latest && t.percent > 0)) return undefined;
  return [...traffic].sort((a, b) => b.percent - a.percent)[0]?.revision;
}

/** What an env or config change will do to the traffic, for its plan; `image`: what the service's configuration runs. */
export function rolloutEffect(traffic: TrafficInfo[] | undefined, image?: string): string {
  const pinned = traffic ? pinnedRevision(traffic) : undefined;
  if (!pinned) return 'A new revision gets all traffic once it is ready.';
  return `A new revision is made from the service's configuration${image ? ` (image ${image})` : ''}, but the traffic stays on ${pinned} (an earlier rollback pinned it there) until you send it to the new revision.`;
}
