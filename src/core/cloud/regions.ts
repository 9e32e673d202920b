// Cloud Run regions for the "Choose region" picker: geography and price tier
// of each, and the list used when Cloud Run's locations API cannot answer (no
// project or credentials yet, offline; regionCatalog.ts asks it).
// https://cloud.google.com/run/docs/locations
import type { CloudRunLocation } from './ports';

export type Geography = 'Americas' | 'Europe' | 'Asia Pacific' | 'Middle East' | 'Africa';

export interface RegionChoice {
  id: string;
  location: string;
  /** Tier 1 regions have the lower Cloud Run prices; unknown for a region not in the list. */
  tier?: 1 | 2;
}

export interface CloudRunRegion extends RegionChoice {
  geography: Geography;
  tier: 1 | 2;
}

const r = (id: string, location: string, geography: Geography, tier: 1 | 2): CloudRunRegion => ({ id, location, geography, tier });

export const CLOUD_RUN_REGIONS: readonly CloudRunRegion[] = [
  r('us-central1', 'Iowa', 'Americas', 1),
  r('us-east1', 'South Carolina', 'Americas', 1),
  r('us-east4', 'Northern Virginia', 'Americas', 1),
  r('us-east5', 'Columbus', 'Americas', 1),
  r('us-south1', 'Dallas', 'Americas', 1),
  r('us-west1', 'Oregon', 'Americas', 1),
  r('us-west2', 'Los Angeles', 'Americas', 2),
  r('us-west3', 'Salt Lake City', 'Americas', 2),
  r('us-west4', 'Las Vegas', 'Americas', 2),
  r('northamerica-northeast1', 'Montréal', 'Americas', 2),
  r('northamerica-northeast2', 'Toronto', 'Americas', 2),
  r('northamerica-south1', 'Querétaro', 'Americas', 2),
  r('southamerica-east1', 'São Paulo', 'Americas', 2),
  r('southamerica-west1', 'Santiago', 'Americas', 2),
  r('europe-north1', 'Finland', 'Europe', 1),
  r('europe-north2', 'Stockholm', 'Europe', 2),
  r('europe-southwest1', 'Madrid', 'Europe', 1),
  r('europe-west1', 'Belgium', 'Europe', 1),
  r('europe-west4', 'Netherlands', 'Europe', 1),
  r('europe-west8', 'Milan', 'Europe', 1),
  r('europe-west9', 'Paris', 'Europe', 1),
  r('europe-central2', 'Warsaw', 'Europe', 2),
  r('europe-west2', 'London', 'Europe', 2),
  r('europe-west3', 'Frankfurt', 'Europe', 2),
  r('europe-west6', 'Zurich', 'Europe', 2),
  r('europe-west10', 'Berlin', 'Europe', 2),
  r('europe-west12', 'Turin', 'Europe', 2),
  r('asia-east1', 'Taiwan', 'Asia Pacific', 1),
  r('asia-northeast1', 'Tokyo', 'Asia Pacific', 1),
  r('asia-northeast2', 'Osaka', 'Asia Pacific', 1),
  r('asia-east2', 'Hong Kong', 'Asia Pacific', 2),
  r('asia-northeast3', 'Seoul', 'Asia Pacific', 2),
  r('asia-south1', 'Mumbai', 'Asia Pacific', 2),
  r('asia-south2', 'Delhi', 'Asia Pacific', 2),
  r('asia-southeast1', 'Singapore', 'Asia Pacific', 2),
  r('asia-southeast2', 'Jakarta', 'Asia Pacific', 2),
  r('australia-southeast1', 'Sydney', 'Asia Pacific', 2),
  r('australia-southeast2', 'Melbourne', 'Asia Pacific', 2),
  r('me-west1', 'Tel Aviv', 'Middle East', 1),
  r('me-central1', 'Doha', 'Middle East', 2),
  r('me-central2', 'Dammam', 'Middle East', 2),
  r('africa-south1', 'Johannesburg', 'Africa', 2),
];

/**
 * Whether `region` can be a Cloud Run region: the shape, and a geography prefix
 * Google uses. A new region of a known geography (newer than the list above)
 * passes; `mars-north1` does not.
 */
export function isPlausibleRegion(region: string): boolean {
  const m = /^([a-z]+)-[a-z]+[0-9]+$/.exec(region);
  return !!m && CLOUD_RUN_REGIONS.some((x) => x.id.startsWith(`${m[1]}-`));
}

export interface RegionGroup {
  label: string;
  regions: RegionChoice[];
}

const GEOGRAPHIES: Geography[] = ['Americas', 'Europe', 'Asia Pacific', 'Middle East', 'Africa'];

/**
 * The picker's sections: geographies in a fixed order, Tier 1 (cheaper)
 * regions first within each. A current region missing from the list (one
 * newer than this list, or a typo in settings) still shows, at the top, so
 * the picker never hides what is set.
 */
export function regionGroups(current?: string, listed?: readonly CloudRunLocation[]): RegionGroup[] {
  const ids = listed ? new Set(listed.map((l) => l.id)) : undefined;
  const offered = ids ? CLOUD_RUN_REGIONS.filter((x) => ids.has(x.id)) : CLOUD_RUN_REGIONS;
  const groups: RegionGroup[] = GEOGRAPHIES.map((geography) => ({
    label: geography,
    regions: offered.filter((x) => x.geography === geography).sort((a, b) => a.tier - b.tier),
  })).filter((g) => g.regions.length > 0);
  // Regions Cloud Run lists that are newer than Devgem's list: offered too, with the API's name for them.
  const newer = (listed ?? []).filter((l) => !CLOUD_RUN_REGIONS.some((x) => x.id === l.id));
  if (newer.length) groups.push({ label: 'Other regions', regions: newer.map((l) => ({ id: l.id, location: l.displayName ?? '' })) });
  const id = current?.trim();
  if (!id || groups.some((g) => g.regions.some((x) => x.id === id))) return groups;
  const why = listed ? 'not in the regions Cloud Run lists for this project' : "not in Devgem's list of Cloud Run regions";
  return [{ label: 'Current setting', regions: [{ id, location: why }] }, ...groups];
}
