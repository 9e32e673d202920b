// Which regions Cloud Run offers a project: asked of its locations API once,
// kept for an hour, with Devgem's fixed list (regions.ts) when the API cannot
// answer (offline, not signed in yet). The explorer and the region picker share it.
import { isCancelled, toProblem } from '../base/errors';
import { bounded } from '../base/wait';
import type { CloudRunLocation } from './ports';
import { CLOUD_RUN_REGIONS } from './regions';

export interface RegionList {
  regions: CloudRunLocation[];
  /** `api`: Cloud Run's own list for the project; `fixed`: Devgem's list, because the API did not answer. */
  from: 'api' | 'fixed';
  /** Why the API's list is not used (from `fixed` only). */
  problem?: string;
}

export interface RegionCatalogDeps {
  listRegions: (project: string, signal: AbortSignal) => Promise<CloudRunLocation[]>;
  now?: () => number;
  ttlMs?: number;
  timeoutMs?: number;
}

const TTL_MS = 60 * 60_000;
const TIMEOUT_MS = 20_000;
/** More than Cloud Run has ever had; a longer answer is cut, so a fan-out over it stays bounded. */
export const MAX_REGIONS = 100;
const REGION_ID = /^[a-z]+-[a-z]+[0-9]+$/;

/** Devgem's fixed list, as the API would give it. */
export function fixedRegions(): CloudRunLocation[] {
  return CLOUD_RUN_REGIONS.map((r) => ({ id: r.id, displayName: r.location })).sort((a, b) => a.id.localeCompare(b.id));
}

/** One entry per well-formed id, sorted, at most MAX_REGIONS. */
function clean(list: readonly CloudRunLocation[]): CloudRunLocation[] {
  const byId = new Map<string, CloudRunLocation>();
  for (const l of list) {
    const id = l.id.trim();
    if (REGION_ID.test(id) && !byId.has(id)) byId.set(id, { id, displayName: l.displayName?.trim() || undefined });
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)).slice(0, MAX_REGIONS);
}

export class RegionCatalog {
  private readonly cache = new Map<string, { at: number; regions: CloudRunLocation[] }>();
  private readonly now: () => number;

  constructor(private readonly deps: RegionCatalogDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The project's regions; never rejects except when `signal` is cancelled. */
  async regions(project: string, signal: AbortSignal): Promise<RegionList> {
    const hit = this.cache.get(project);
    if (hit && this.now() - hit.at < (this.deps.ttlMs ?? TTL_MS)) return { regions: hit.regions, from: 'api' };
    try {
      const listed = clean(await bounded('Listing the Cloud Run regions', this.deps.timeoutMs ?? TIMEOUT_MS, signal, (s) => this.deps.listRegions(project, s)));
      if (listed.length === 0) return { regions: fixedRegions(), from: 'fixed', problem: 'Cloud Run listed no regions for this project.' };
      this.cache.set(project, { at: this.now(), regions: listed });
      return { regions: listed, from: 'api' };
    } catch (err) {
      if (isCancelled(err) || signal.aborted) throw err;
      // Not cached: the next call asks again (the user may have signed in since).
      return { regions: fixedRegions(), from: 'fixed', problem: toProblem(err).message };
    }
  }

  /** Forgets every project's list (a refresh after the user changed account or project). */
  clear(): void {
    this.cache.clear();
  }
}
