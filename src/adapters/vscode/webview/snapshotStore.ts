import type * as vscode from 'vscode';
import type { SnapshotStore } from '../../../core/deploy/deploySession';
import type { ViewSnapshot } from '../../../shared/protocol';

const KEY = 'devgem.snapshot.v1';
const SAVE_EVERY_MS = 1000;

/**
 * What must be on disk before a reload can strike: the deploy, its build id
 * and resume data (the next window re-attaches with them) and where each
 * stage stands. Log lines are not in it: they may wait for the next write.
 */
function milestone(snapshot: ViewSnapshot): string {
  const d = snapshot.deploy;
  if (!d) return '';
  const stages = Object.values(d.stages ?? {})
    .map((s) => s.status)
    .join(',');
  return [d.deployId, d.build?.id ?? '', d.resume ? 'resume' : '', stages, d.result?.outcome ?? ''].join('|');
}

/**
 * Keeps the view's snapshot in workspace storage so a reload loses nothing.
 * Build logs change many times a second; writing at most once a second (and
 * at once when a deploy starts, ends or reaches a milestone) keeps storage
 * traffic small.
 */
export class WorkspaceSnapshotStore implements SnapshotStore {
  private pending?: ViewSnapshot;
  private timer?: NodeJS.Timeout;
  private lastBusy?: boolean;
  private lastMilestone?: string;

  constructor(private readonly memento: vscode.Memento) {}

  load(): ViewSnapshot | undefined {
    return this.memento.get<ViewSnapshot>(KEY);
  }

  save(snapshot: ViewSnapshot): void {
    this.pending = snapshot;
    const mark = milestone(snapshot);
    const edge = snapshot.busy !== this.lastBusy || mark !== this.lastMilestone;
    this.lastBusy = snapshot.busy;
    this.lastMilestone = mark;
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
