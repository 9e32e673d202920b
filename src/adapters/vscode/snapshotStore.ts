import type * as vscode from 'vscode';
import type { SnapshotStore } from '../../core/deploySession';
import type { ViewSnapshot } from '../../shared/protocol';

const KEY = 'devgem.snapshot.v1';
const SAVE_EVERY_MS = 1000;

/**
 * Keeps the view's snapshot in workspace storage so a reload loses nothing.
 * Build logs change many times a second; writing at most once a second (and
 * at once when a deploy starts or ends) keeps storage traffic small.
 */
export class WorkspaceSnapshotStore implements SnapshotStore {
  private pending?: ViewSnapshot;
  private timer?: NodeJS.Timeout;
  private lastBusy?: boolean;

  constructor(private readonly memento: vscode.Memento) {}

  load(): ViewSnapshot | undefined {
    return this.memento.get<ViewSnapshot>(KEY);
  }

  save(snapshot: ViewSnapshot): void {
    this.pending = snapshot;
    const edge = snapshot.busy !== this.lastBusy;
    this.lastBusy = snapshot.busy;
    if (edge) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), SAVE_EVERY_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) void this.memento.update(KEY, this.pending);
    this.pending = undefined;
  }

  dispose(): void {
    this.flush();
  }
}
