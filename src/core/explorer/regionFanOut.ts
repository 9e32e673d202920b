import type { ServiceSummary } from '../cloud/ports';

/** One region's answer: its services, or why it could not be listed. */
export interface RegionListing {
  region: string;
  services?: ServiceSummary[];
  error?: unknown;
}

/** Listings at once: enough to cover Cloud Run's ~40 regions in a few rounds, few enough not to hit a quota. */
export const REGION_CONCURRENCY = 8;

/**
 * Lists every region in `regions`, at most `limit` at a time, in the given
 * order. A failure stays with its region; the others still answer.
 */
export async function listEveryRegion(
  regions: readonly string[],
  list: (region: string) => Promise<ServiceSummary[]>,
  limit = REGION_CONCURRENCY,
): Promise<RegionListing[]> {
  const out: RegionListing[] = regions.map((region) => ({ region }));
  let next = 0;
  const worker = async () => {
    while (next < regions.length) {
      const i = next++;
      try {
        out[i].services = await list(regions[i]);
      } catch (error) {
        out[i].error = error ?? new Error(`Listing ${regions[i]} failed.`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, regions.length) }, worker));
  return out;
}
