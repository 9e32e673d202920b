import * as vscode from 'vscode';
import { ExplorerModel, type ExplorerNode } from '../../../core/explorer/explorer';
import { abortSignalOf, type AbortBridge } from '../lifecycle';

export const EXPLORER_VIEW_ID = 'devgem.explorer';

/** Turns core's node descriptors into TreeItems; each load is cancellable and superseded by Refresh. */
export class ExplorerTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Loads in flight; a refresh aborts them so stale answers never land. */
  private readonly loads = new Set<AbortBridge>();

  /** `show`: false leaves the tree empty, for the view's welcome content (no folder open, not signed in). */
  constructor(
    private readonly model: ExplorerModel,
    private readonly show: () => boolean = () => true,
  ) {}

  refresh(): void {
    for (const c of this.loads) c.abort();
    this.loads.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    item.contextValue = node.contextValue;
    // The project and the configured region open at once: they cost no call.
    if (node.kind === 'project' || node.kind === 'region') item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
    if (node.command) item.command = { command: node.command, title: node.label };
    return item;
  }

  async getChildren(node?: ExplorerNode, token?: vscode.CancellationToken): Promise<ExplorerNode[]> {
    if (!node && !this.show()) return [];
    const load = abortSignalOf(token);
    this.loads.add(load);
    try {
      // The view's own progress bar is the loading state while Cloud Run answers.
      return await vscode.window.withProgress({ location: { viewId: EXPLORER_VIEW_ID } }, () => this.model.children(node, load.signal));
    } finally {
      load.dispose();
      this.loads.delete(load);
    }
  }

  dispose(): void {
    for (const c of this.loads) c.abort();
    this.changed.dispose();
  }
}
