import * as vscode from 'vscode';
import { isCancelled } from '../../../core/base/errors';
import type { RegionCatalog } from '../../../core/cloud/regionCatalog';
import { fixedRegions } from '../../../core/cloud/regionCatalog';
import type { CloudRunLocation } from '../../../core/cloud/ports';
import type { TargetLookup } from '../../../core/deploy/target';
import { regionDescription, regionPickerGroups, typedRegion } from '../../../core/setup/pickers';

type RegionItem = vscode.QuickPickItem & { region?: string };

function listItems(now: TargetLookup | undefined, listed: readonly CloudRunLocation[] | undefined): RegionItem[] {
  const items: RegionItem[] = [];
  for (const group of regionPickerGroups(now?.region, listed)) {
    items.push({ label: group.label, kind: vscode.QuickPickItemKind.Separator });
    for (const r of group.regions) items.push({ label: r.id, description: regionDescription(r, now), region: r.id });
  }
  return items;
}

/**
 * "Choose Region": Cloud Run's regions for the project (its locations API,
 * cached; Devgem's fixed list until and unless it answers), the current one
 * first, and any other region typed in full (checked against the id pattern).
 * Resolves with the region, or undefined when dismissed.
 */
export function pickRegion(now: TargetLookup | undefined, catalog: RegionCatalog | undefined): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<RegionItem>();
  qp.title = 'Cloud Run region';
  qp.placeholder = now
    ? `Now ${now.region}. Type a city or region to filter, or a region id.`
    : 'Type a city or region to filter, or a region id. Close to your users is fastest.';
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  let listed: CloudRunLocation[] | undefined;
  let base = listItems(now, undefined);
  const render = () => {
    const typed = typedRegion(
      qp.value,
      (listed ?? fixedRegions()).map((r) => r.id),
    );
    const head: RegionItem[] =
      typed === undefined
        ? []
        : 'region' in typed
          ? [{ label: `$(edit) Use ${typed.region}`, description: 'a region not in this list', region: typed.region, alwaysShow: true }]
          : [{ label: `$(warning) ${typed.problem}`, alwaysShow: true }];
    qp.items = [...head, ...base];
  };
  render();
  const loading = new AbortController();
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: string | undefined) => {
      if (done) return;
      done = true;
      loading.abort();
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeValue(render);
    qp.onDidAccept(() => {
      const region = qp.selectedItems[0]?.region;
      // The warning item is not a choice: the picker stays open.
      if (region) finish(region);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
    if (!catalog || !now?.project) return;
    qp.busy = true;
    catalog.regions(now.project, loading.signal).then(
      (list) => {
        if (done) return;
        qp.busy = false;
        if (list.from !== 'api') return;
        listed = list.regions;
        base = listItems(now, listed);
        render();
      },
      (err: unknown) => {
        if (!done && !isCancelled(err)) qp.busy = false;
      },
    );
  });
}
