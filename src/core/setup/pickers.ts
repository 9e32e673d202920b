// What the Choose Project and Choose Region pickers show, in which order and
// with which marks (the current target comes from lookUpTarget in core/deploy/target.ts).
// Pure, so the ordering is tested without VS Code.
import type { ProjectSummary } from '../cloud/ports';
import { CLOUD_RUN_REGIONS, regionGroups, type RegionChoice, type RegionGroup } from '../cloud/regions';

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

/** The region picker's sections with the current region alone in a first section (and not repeated below). */
export function regionPickerGroups(current?: string): RegionGroup[] {
  const groups = regionGroups(current);
  const id = current?.trim();
  if (!id) return groups;
  const found = CLOUD_RUN_REGIONS.find((r) => r.id === id);
  // regionGroups already puts a region missing from the list first, alone.
  if (!found) return groups;
  const rest = groups.map((g) => ({ ...g, regions: g.regions.filter((r) => r.id !== id) })).filter((g) => g.regions.length > 0);
  return [{ label: 'Current', regions: [{ id: found.id, location: found.location, tier: found.tier }] }, ...rest];
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
