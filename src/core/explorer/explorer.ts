import { DevgemError, toProblem } from '../base/errors';
import type { RevisionInfo, RunAdminPort, ServiceRef, ServiceSummary } from '../cloud/ports';
import { shortCommit, sourceText } from './revisionSourceText';
import { bounded } from '../base/wait';

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

  constructor(private readonly deps: ExplorerDeps) {
    this.timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The children of `node` (the roots when undefined); failures come back as one error node, never as a rejection. */
  async children(node: ExplorerNode | undefined, signal: AbortSignal): Promise<ExplorerNode[]> {
    const parentId = node?.id ?? 'root';
    try {
      if (!node) return [await this.projectNode()];
      switch (node.kind) {
        case 'project':
          return this.regionNodes(node);
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

  private regionNodes(project: ExplorerNode): ExplorerNode[] {
    const region = project.region!;
    return [
      {
        id: `${project.id}/region:${region}`,
        kind: 'region',
        label: region,
        description: 'configured region',
        tooltip: `Cloud Run services in ${region}`,
        icon: 'globe',
        expandable: true,
        project: project.project,
        region,
      },
      {
        id: `${project.id}/changeRegion`,
        kind: 'changeRegion',
        label: 'Change region…',
        tooltip: 'Pick another Cloud Run region for this workspace',
        icon: 'edit',
        expandable: false,
        command: 'devgem.chooseRegion',
      },
    ];
  }

  private call<T>(what: string, signal: AbortSignal, work: (s: AbortSignal) => Promise<T>): Promise<T> {
    return bounded(what, this.timeoutMs, signal, work, CALL_FIX);
  }

  private async serviceNodes(region: ExplorerNode, signal: AbortSignal): Promise<ExplorerNode[]> {
    const project = region.project!;
    const where = region.region!;
    const services = await this.call(`Listing the Cloud Run services in ${where}`, signal, (s) =>
      this.deps.runAdmin().listServices({ project, region: where }, s),
    );
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
