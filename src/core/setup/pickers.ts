// What the Choose Project and Choose Region pickers show, in which order and
// with which marks (the current target comes from lookUpTarget in core/deploy/target.ts).
// Pure, so the ordering is tested without VS Code.
import type { CloudRunLocation, ProjectSummary } from '../cloud/ports';
import { regionGroups, type RegionChoice, type RegionGroup } from '../cloud/regions';

export interface ProjectPick extends ProjectSummary {
  current: boolean;
  /** The current project was not in the list (another account's, a typo, or a list cut short). */
  unlisted?: boolean;
}

/**
 * One entry per project ID, sorted by ID, the current one first. A current
 * project missing from the list still shows, so the picker never hides what is set.
 */
export function projectPicks(projects: readonly ProjectSummary[], current?: string): ProjectPick[] {
  const byId = new Map<string, ProjectSummary>();
  for (const p of projects) {
    const id = p.projectId.trim();
    if (id && !byId.has(id)) byId.set(id, { projectId: id, name: p.name?.trim() || undefined });
  }
  const cur = current?.trim() || undefined;
  const rest = [...byId.values()].filter((p) => p.projectId !== cur).sort((a, b) => a.projectId.localeCompare(b.projectId));
  const picks: ProjectPick[] = rest.map((p) => ({ ...p, current: false }));
  if (!cur) return picks;
  const listed = byId.get(cur);
  return [listed ? { ...listed, current: true } : { projectId: cur, current: true, unlisted: true }, ...picks];
}

/**
 * The region picker's sections (Cloud Run's own list when `listed` is given,
 * else Devgem's fixed one) with the current region alone in a first section
 * (and not repeated below).
 */
export function regionPickerGroups(current?: string, listed?: readonly CloudRunLocation[]): RegionGroup[] {
  const groups = regionGroups(current, listed);
  const id = current?.trim();
  if (!id) return groups;
  const found = groups.flatMap((g) => g.regions).find((r) => r.id === id);
  // regionGroups already puts a region missing from the list first, alone.
  if (!found || groups[0].label === 'Current setting') return groups;
  const rest = groups.map((g) => ({ ...g, regions: g.regions.filter((r) => r.id !== id) })).filter((g) => g.regions.length > 0);
  return [{ label: 'Current', regions: [{ ...found }] }, ...rest];
}

/** The shape of a Cloud Run region id (`europe-west1`, `northamerica-south1`). */
export const REGION_PATTERN = /^[a-z]+-[a-z]+[0-9]+$/;

/**
 * What the region picker makes of typed text that is no listed region: a
 * region to use as typed, or why it cannot be one. Undefined when the text
 * matches a listed region or only filters the list (`tokyo`).
 */
export function typedRegion(text: string, listed: readonly string[]): { region: string } | { problem: string } | undefined {
  const value = text.trim().toLowerCase();
  if (!value || listed.includes(value)) return undefined;
  if (REGION_PATTERN.test(value)) return { region: value };
  // Only text that looks like an id (a dash or a digit) is an attempt at one; a city name is a filter.
  if (/[-0-9]/.test(value)) return { problem: `"${text.trim()}" is not a region name: they look like europe-west1.` };
  return undefined;
}

/** "Iowa · Tier 1 pricing · current (setting devgem.region)". */
export function regionDescription(r: RegionChoice, current?: { region: string; regionFrom: string }): string {
  const mark = r.id === current?.region ? `current (${current.regionFrom})` : undefined;
  return [r.location, r.tier === 1 ? 'Tier 1 pricing' : undefined, mark].filter(Boolean).join(' · ');
}

/** "Demo Project · current (GOOGLE_CLOUD_PROJECT)". */
export function projectDescription(p: ProjectPick, from?: string): string {
  const mark = p.current ? `current${from ? ` (${from})` : ''}` : undefined;
  return [p.name && p.name !== p.projectId ? p.name : undefined, p.unlisted ? 'not in your project list' : undefined, mark].filter(Boolean).join(' · ');
}
