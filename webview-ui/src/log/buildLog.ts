import type { DeployState, WebviewMessage } from '../../../src/shared/protocol';
import { h, setText } from '../shell/dom';
import { LogFailure } from './logFailure';
import { LogLines } from './logLines';
import { LogSearch } from './logSearch';
import { LogToolbar } from './logToolbar';
import { LogViewport } from './logViewport';

/**
 * Milliseconds of log ingestion per frame; chunks beyond it wait for the next
 * frame, so a reloaded view taking 100k lines at once keeps drawing.
 */
const INGEST_BUDGET_MS = 6;

/** A streamed `log` host message. */
export interface LogChunk {
  deployId: string;
  from: number;
  lines: string[];
}

/**
 * The build log pane: up to MAX_VIEW_LOG_LINES lines of the current deploy,
 * drawn virtually (only the rows in view are in the DOM). Lines come from
 * snapshots (the newest 2000) and streamed `log` messages (all of them); both
 * merge by line index. It follows the tail until the reader scrolls up or
 * presses Pause, finds text, and on a failed build shows the failing lines.
 */
export class BuildLog {
  readonly el: HTMLElement;
  private readonly lines = new LogLines();
  private readonly search = new LogSearch();
  private readonly failure = new LogFailure();
  private readonly viewport: LogViewport;
  private readonly toolbar: LogToolbar;
  private readonly dropped: HTMLElement;
  private readonly droppedText: HTMLElement;
  private following = true;
  private finished = false;
  /** Lines that arrived while paused (the "N new lines" button). */
  private unseen = 0;
  /** The deploy whose failing lines were scrolled to, so a later snapshot does not yank the view back. */
  private failureShown: string | undefined;
  private statusFrame = 0;
  /** Streamed chunks waiting for ingestion budget, oldest first. */
  private readonly queue: LogChunk[] = [];
  /** Ingestion time spent since the last frame. */
  private spent = 0;
  private budgetFrame = 0;

  constructor(post: (message: WebviewMessage) => void) {
    this.viewport = new LogViewport(
      { id: 'build-log', class: 'build-log', tabindex: 0, role: 'log', 'aria-label': 'Build log', 'aria-live': 'off' },
      (row, index) => this.renderRow(row, index),
      (atBottom) => this.setFollowing(atBottom),
    );
    this.toolbar = new LogToolbar({
      onQuery: (q) => {
        this.search.setQuery(q, this.lines);
        this.viewport.invalidate();
        this.scheduleStatus();
      },
      onStep: (direction) => this.step(direction),
      onToggleFollow: () => this.setFollowing(!this.following),
      onOpenInEditor: () => post({ type: 'openLogInEditor' }),
      onShowNew: () => this.setFollowing(true),
    });
    // Lines past MAX_VIEW_LOG_LINES are gone from here and from the host's buffer; the Output channel has them all.
    const showLog = h('button', { type: 'button', id: 'show-full-log', class: 'link-button' }, 'Show in Output');
    showLog.addEventListener('click', () => post({ type: 'showLog' }));
    this.droppedText = h('span', { id: 'dropped-log-lines' });
    this.dropped = h('p', { class: 'log-dropped', hidden: true }, this.droppedText, ' ', showLog);
    this.el = h(
      'section',
      { id: 'log-section', class: 'log-section', 'aria-labelledby': 'build-log-heading', hidden: true, 'data-following': 'true' },
      this.toolbar.header,
      this.toolbar.find,
      this.dropped,
      h('div', { class: 'log-frame' }, this.viewport.el, this.toolbar.newLines),
    );
    // Ctrl/Cmd+F anywhere in the pane goes to its find box.
    this.el.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        this.toolbar.focusSearch();
      }
    });
  }

  /** A snapshot: its deploy's newest lines, and whether it failed. */
  render(deploy: DeployState | undefined): void {
    if (deploy?.deployId !== this.lines.deployId) this.startOver(deploy?.deployId, deploy?.droppedLogLines ?? 0);
    // While streamed chunks wait, they bring these lines (and the ones before them) in order.
    if (deploy && !this.queue.length) this.ingest(deploy.droppedLogLines, deploy.log);
    this.finished = Boolean(deploy?.result);
    if (this.failure.set(deploy?.result)) this.viewport.invalidate();
    this.showFailure();
    this.scheduleStatus();
  }

  /** Streamed lines; ignored unless they belong to the deploy the last snapshot showed. */
  append(chunk: LogChunk): void {
    if (chunk.deployId !== this.lines.deployId) return;
    this.queue.push(chunk);
    this.drain();
  }

  /** Ingests queued chunks while this frame's budget lasts; the next frame goes on. */
  private drain(): void {
    while (this.queue.length && this.spent < INGEST_BUDGET_MS) {
      const started = performance.now();
      const chunk = this.queue.shift()!;
      this.ingest(chunk.from, chunk.lines);
      this.spent += performance.now() - started;
    }
    this.budgetFrame ||= requestAnimationFrame(() => {
      this.budgetFrame = 0;
      this.spent = 0;
      if (this.queue.length) this.drain();
    });
    this.showFailure();
    this.scheduleStatus();
  }

  private startOver(deployId: string | undefined, base: number): void {
    this.lines.reset(deployId, base);
    this.queue.length = 0;
    this.search.rescan(this.lines);
    this.failure.set(undefined);
    this.failureShown = undefined;
    this.following = true;
    this.unseen = 0;
    this.viewport.setCount(0);
    this.viewport.invalidate();
    this.viewport.scrollToBottom();
  }

  private ingest(from: number, incoming: readonly string[]): void {
    // A paused reader keeps looking at the same line while lines drop out above it or a replay adds older ones.
    const anchor = this.following ? undefined : this.lines.base + this.viewport.topRow();
    const r = this.lines.merge(from, incoming);
    if (r.kind === 'append' && r.added === 0 && r.dropped === 0) return;
    if (r.kind === 'reset') {
      this.search.rescan(this.lines);
      this.viewport.invalidate();
    } else {
      this.search.update(this.lines, r.added, r.dropped);
      // Rows are drawn by position; after a drop every position holds another line.
      if (r.dropped) this.viewport.invalidate();
    }
    this.viewport.setCount(this.lines.length);
    if (this.following) this.viewport.scrollToBottom();
    else {
      if (anchor !== undefined && (r.kind === 'reset' || r.dropped)) this.viewport.scrollToRow(anchor - this.lines.base);
      if (r.kind === 'append') this.unseen += r.added;
    }
  }

  /** Once per failed deploy: stop following and bring the first failing line into view. */
  private showFailure(): void {
    // Not from half the lines: a replay still queued would pick the wrong first line.
    if (!this.failure.active || this.failureShown === this.lines.deployId || this.queue.length) return;
    const first = this.failure.firstLine(this.lines);
    if (first === undefined) return;
    this.failureShown = this.lines.deployId;
    this.setFollowing(false);
    this.viewport.reveal(first - this.lines.base);
  }

  private step(direction: 1 | -1): void {
    const line = this.search.step(direction, this.lines.base + Math.ceil(this.viewport.topRow()));
    if (line === undefined) return;
    this.setFollowing(false);
    this.viewport.reveal(line - this.lines.base);
    this.viewport.invalidate();
    this.scheduleStatus();
  }

  private setFollowing(following: boolean): void {
    if (following) this.unseen = 0;
    if (following && !this.following) this.viewport.scrollToBottom();
    this.following = following;
    this.scheduleStatus();
  }

  /** One row: text only (never HTML), matches marked, failing lines flagged. */
  private renderRow(row: HTMLElement, index: number): void {
    const abs = this.lines.base + index;
    const text = this.lines.at(abs) ?? '';
    const ranges = this.search.ranges(text);
    if (!ranges.length) row.textContent = text;
    else {
      row.replaceChildren();
      let at = 0;
      for (const [start, end] of ranges) {
        if (start > at) row.append(text.slice(at, start));
        row.append(h('mark', { class: 'log-match' }, text.slice(start, end)));
        at = end;
      }
      if (at < text.length) row.append(text.slice(at));
    }
    row.setAttribute('data-line', String(abs + 1));
    const failing = this.failure.isFailing(text);
    row.classList.toggle('failing', failing);
    row.classList.toggle('current-match', abs === this.search.currentLine);
  }

  /** Shown and hidden at once (the viewport measures rows only when shown); counts and buttons at the next frame. */
  private scheduleStatus(): void {
    this.el.hidden = this.lines.deployId === undefined || (this.lines.length === 0 && this.lines.base === 0);
    this.statusFrame ||= requestAnimationFrame(() => {
      this.statusFrame = 0;
      this.updateStatus();
    });
  }

  private updateStatus(): void {
    const { base, length } = this.lines;
    this.el.setAttribute('data-following', String(this.following));
    this.dropped.hidden = base <= 0;
    setText(this.droppedText, `${base.toLocaleString('en-US')} earlier ${base === 1 ? 'line' : 'lines'} not shown.`);
    this.toolbar.update({
      lines: base + length,
      following: this.following,
      unseen: this.following ? 0 : this.unseen,
      matches: this.search.query ? { current: this.search.currentNumber, count: this.search.count } : undefined,
      finished: this.finished,
    });
  }
}
