import { DevgemError, toProblem } from '../base/errors';
import type { RevisionInfo, RunAdminPort, ServiceRef, ServiceSummary } from '../cloud/ports';
import { shortCommit, sourceText } from './revisionSourceText';
import { bounded } from '../base/wait';
import { cloudConsoleUrl } from './consoleUrls';
import { RegionCatalog } from '../cloud/regionCatalog';
import { listEveryRegion, type RegionListing } from './regionFanOut';

/**
 * The Cloud Run explorer's data: plain node descriptors built from the ports,
 * so the tree's content is tested without VS Code. The adapter
 * (adapters/vscode/explorerView.ts) only turns these into TreeItems.
 */

export type ExplorerNodeKind = 'project' | 'region' | 'changeRegion' | 'service' | 'revision' | 'empty' | 'error';

/** The tint of an icon, as a theme color id (mapped to ThemeColor by the adapter). */
export type IconColor = 'testing.iconPassed' | 'testing.iconFailed' | 'disabledForeground' | 'errorForeground';

export interface ExplorerNode {
  /** Stable across refreshes so VS Code keeps expansion state. */
  id: string;
  kind: ExplorerNodeKind;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id (`cloud`, `pass-filled`...). */
  icon: string;
  iconColor?: IconColor;
  expandable: boolean;
  /** Matches `viewItem == ...` in package.json's `view/item/context` menus. */
  contextValue?: string;
  /** Set on region, service and revision nodes. */
  project?: string;
  region?: string;
  service?: string;
  url?: string;
  revision?: string;
  /** On revision nodes: the revision that serves all traffic now, if one does (a roll back's "from"). */
  servingRevision?: string;
  /** Set on the `changeRegion` node: the command it runs. */
  command?: string;
}

export interface ExplorerDeps {
  runAdmin: () => RunAdminPort;
  /** The configured project and region (settings, environment, gcloud). */
  target: () => Promise<Pick<ServiceRef, 'project' | 'region'>>;
  /** Bound on each Cloud Run call. */
  timeoutMs?: number;
  /** The regions to look in (Cloud Run's locations API, cached); by default one over `runAdmin().listRegions`. */
  regions?: RegionCatalog;
  /** The local Cloud emulator's host when Devgem talks to it instead of Google Cloud. */
  emulatorHost?: () => string | undefined;
}

export const EXPLORER_CONTEXT = {
  service: 'devgem.service',
  revision: 'devgem.revision',
  /** A revision that does not serve all traffic and is ready: the only kind one can roll back to. */
  revisionRollback: 'devgem.revision.rollback',
} as const;

const DEFAULT_TIMEOUT_MS = 30_000;
const CALL_FIX = 'Check your network connection and sign-in (Devgem: Sign In to Google Cloud), then refresh.';

/** An error as one node: the message as label, the fix as description and tooltip. */
export function errorNode(parentId: string, err: unknown): ExplorerNode {
  const problem = toProblem(err);
  return {
    id: `${parentId}/error`,
    kind: 'error',
    label: problem.message,
    description: problem.fix,
    tooltip: problem.fix ? `${problem.message}\n\n${problem.fix}` : problem.message,
    icon: 'error',
    iconColor: 'errorForeground',
    expandable: false,
  };
}

function emptyNode(parentId: string, label: string): ExplorerNode {
  return { id: `${parentId}/empty`, kind: 'empty', label, icon: 'info', expandable: false };
}

export class ExplorerModel {
  private readonly timeoutMs: number;
  private readonly catalog: RegionCatalog;
  /** The services the last project load found, by region node id: a region opens without a second call. */
  private readonly listed = new Map<string, RegionListing>();

  constructor(private readonly deps: ExplorerDeps) {
    this.timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.catalog = deps.regions ?? new RegionCatalog({ listRegions: (p, s) => this.deps.runAdmin().listRegions(p, s), timeoutMs: this.timeoutMs });
  }

  /** The children of `node` (the roots when undefined); failures come back as one error node, never as a rejection. */
  async children(node: ExplorerNode | undefined, signal: AbortSignal): Promise<ExplorerNode[]> {
    const parentId = node?.id ?? 'root';
    try {
      if (!node) return [await this.projectNode()];
      switch (node.kind) {
        case 'project':
          return await this.regionNodes(node, signal);
        case 'region':
          return await this.serviceNodes(node, signal);
        case 'service':
          return await this.revisionNodes(node, signal);
        default:
          return [];
      }
    } catch (err) {
      return [errorNode(parentId, err)];
    }
  }

  private async projectNode(): Promise<ExplorerNode> {
    const t = await this.deps.target();
    const emulator = this.deps.emulatorHost?.();
    return {
      id: `project:${t.project}`,
      kind: 'project',
      label: t.project,
      // Nothing here is in Google Cloud when the emulator answers: the root says so.
      description: emulator ? '(Emulator)' : 'Google Cloud project',
      tooltip: emulator
        ? `Project ${t.project} on the local Cloud emulator at ${emulator}: nothing here is in Google Cloud (devgem.emulatorHost or DEVGEM_EMULATOR_HOST)`
        : `Project ${t.project} (from the Devgem settings or gcloud)`,
      icon: emulator ? 'beaker' : 'project',
      expandable: true,
      project: t.project,
      region: t.region,
    };
  }

  /**
   * Every region with services, the configured one first (even when empty),
   * then the others by id: one listing per region Cloud Run offers the project.
   */
  private async regionNodes(project: ExplorerNode, signal: AbortSignal): Promise<ExplorerNode[]> {
    const configured = project.region!;
    const list = (region: string) =>
      this.call(`Listing the Cloud Run services in ${region}`, signal, (s) => this.deps.runAdmin().listServices({ project: project.project!, region }, s));
    // The configured region first, alone: when it fails (signed out, no permission, offline, cancelled) the
    // others would fail the same way, one call bound each. One error with its fix instead.
    const [{ regions }, first] = await Promise.all([this.catalog.regions(project.project!, signal), list(configured)]);
    const others = await listEveryRegion(
      regions.map((r) => r.id).filter((id) => id !== configured),
      list,
    );
    const listings: RegionListing[] = [{ region: configured, services: first }, ...others];
    const names = new Map(regions.map((r) => [r.id, r.displayName]));
    const shown = listings.filter((l) => l.region === configured || l.error !== undefined || (l.services?.length ?? 0) > 0);
    this.listed.clear();
    const nodes = shown.map((l) => this.regionNode(project, l, l.region === configured, names.get(l.region)));
    return [
      ...nodes,
      {
        id: `${project.id}/changeRegion`,
        kind: 'changeRegion',
        label: 'Change region…',
        tooltip: 'Pick the Cloud Run region Devgem deploys this workspace to',
        icon: 'edit',
        expandable: false,
        command: 'devgem.chooseRegion',
      },
    ];
  }

  private regionNode(project: ExplorerNode, l: RegionListing, configured: boolean, displayName: string | undefined): ExplorerNode {
    const id = `${project.id}/region:${l.region}`;
    this.listed.set(id, l);
    const count = l.services ? `${l.services.length} service${l.services.length === 1 ? '' : 's'}` : 'could not list';
    return {
      id,
      kind: 'region',
      label: l.region,
      description: [configured ? 'configured region' : undefined, displayName, count].filter(Boolean).join(' · '),
      tooltip: `Cloud Run services in ${l.region}${displayName ? ` (${displayName})` : ''}${configured ? ', where Devgem deploys' : ''}`,
      icon: configured ? 'globe' : 'location',
      expandable: true,
      project: project.project,
      region: l.region,
    };
  }

  private call<T>(what: string, signal: AbortSignal, work: (s: AbortSignal) => Promise<T>): Promise<T> {
    return bounded(what, this.timeoutMs, signal, work, CALL_FIX);
  }

  private async serviceNodes(region: ExplorerNode, signal: AbortSignal): Promise<ExplorerNode[]> {
    const project = region.project!;
    const where = region.region!;
    const known = this.listed.get(region.id);
    // Taken once: opening the region again (or after a refresh) asks Cloud Run afresh.
    this.listed.delete(region.id);
    if (known?.error !== undefined) throw known.error;
    const services =
      known?.services ??
      (await this.call(`Listing the Cloud Run services in ${where}`, signal, (s) => this.deps.runAdmin().listServices({ project, region: where }, s)));
    if (services.length === 0) return [emptyNode(region.id, `No Cloud Run services in ${where}`)];
    return services.map((s) => serviceNode(region.id, project, s));
  }

  private async revisionNodes(service: ExplorerNode, signal: AbortSignal): Promise<ExplorerNode[]> {
    const ref = refOf(service);
    const revisions = await this.call(`Listing the revisions of ${ref.service}`, signal, (s) => this.deps.runAdmin().listRevisions(ref, s));
    if (revisions.length === 0) return [emptyNode(service.id, 'No revisions')];
    const serving = revisions.find((r) => r.percent === 100)?.revision;
    return revisions.map((r) => revisionNode(service, r, serving));
  }
}

/** "Open in Cloud Console" of a service or revision node: its console page. */
export function nodeConsoleUrl(node: ExplorerNode): string {
  const ref = refOf(node);
  return node.kind === 'revision' && node.revision
    ? cloudConsoleUrl({ kind: 'revision', ref, revision: node.revision })
    : cloudConsoleUrl({ kind: 'service', ref });
}

export function refOf(node: ExplorerNode): ServiceRef {
  if (!node.project || !node.region || !node.service) throw new DevgemError('invalid-argument', `"${node.label}" is not a Cloud Run service or revision.`);
  return { project: node.project, region: node.region, service: node.service };
}

function serviceNode(parentId: string, project: string, s: ServiceSummary): ExplorerNode {
  const ready = Boolean(s.latestReadyRevision);
  const lines = [
    `Service ${s.service} (${s.region})`,
    s.uri ? `URL: ${s.uri}` : 'No URL yet',
    `Latest ready revision: ${s.latestReadyRevision ?? 'none'}`,
    s.updateTime ? `Updated ${s.updateTime}${s.lastModifier ? ` by ${s.lastModifier}` : ''}` : undefined,
    s.managedByDevgem ? 'Deployed with Devgem' : undefined,
  ];
  return {
    id: `${parentId}/service:${s.service}`,
    kind: 'service',
    label: s.service,
    description: [s.uri, s.latestReadyRevision].filter(Boolean).join(' · ') || undefined,
    tooltip: lines.filter(Boolean).join('\n'),
    icon: ready ? 'cloud' : 'warning',
    iconColor: ready ? undefined : 'testing.iconFailed',
    expandable: true,
    contextValue: EXPLORER_CONTEXT.service,
    project,
    region: s.region,
    service: s.service,
    url: s.uri,
  };
}

function revisionNode(service: ExplorerNode, r: RevisionInfo, serving: string | undefined): ExplorerNode {
  const canRollBack = r.ready && r.percent < 100;
  const commit = shortCommit(r);
  const parts = [`${r.percent}%`, ...r.tags.map((t) => `#${t}`), ...(commit ? [`· ${commit}`] : [])];
  return {
    id: `${service.id}/revision:${r.revision}`,
    kind: 'revision',
    label: r.revision,
    description: parts.join(' '),
    tooltip: [
      `Revision ${r.revision}`,
      `Traffic: ${r.percent}%`,
      r.tags.length ? `Tags: ${r.tags.join(', ')}` : undefined,
      r.ready ? 'Ready' : 'Not ready',
      r.image ? `Image: ${r.image}` : undefined,
      r.commit ? `Commit: ${sourceText(r)}` : undefined,
      r.createTime ? `Created ${r.createTime}` : undefined,
    ]
      .filter(Boolean)
      .join('\n'),
    icon: r.ready ? (r.percent > 0 ? 'pass-filled' : 'circle-outline') : 'error',
    iconColor: r.ready ? (r.percent > 0 ? 'testing.iconPassed' : 'disabledForeground') : 'testing.iconFailed',
    expandable: false,
    contextValue: canRollBack ? EXPLORER_CONTEXT.revisionRollback : EXPLORER_CONTEXT.revision,
    project: service.project,
    region: service.region,
    service: service.service,
    url: service.url,
    revision: r.revision,
    servingRevision: serving,
  };
}
