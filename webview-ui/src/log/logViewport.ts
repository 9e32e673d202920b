import { h, type Attrs } from '../shell/dom';

/** Rows drawn above and below the visible ones, so a fast scroll does not show blanks. */
const OVERSCAN = 8;
/** Pixels from the bottom that still count as "at the bottom". */
const BOTTOM_SLACK_PX = 4;

type PendingScroll = { to: 'bottom' } | { to: 'row'; row: number };

/**
 * A scroll container that draws only the rows in view: every row has the same
 * height, a spacer gives the scroll height of all of them, and a small pool of
 * row elements is moved and refilled as the reader scrolls. So 100k lines cost
 * a few dozen DOM nodes, and appending costs one spacer height change a frame.
 * DOM work happens once per animation frame, however many updates came in.
 */
export class LogViewport {
  readonly el: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly pool: { el: HTMLElement; index: number; generation: number }[] = [];
  private rowHeight = 0;
  private rows = 0;
  private generation = 0;
  private frame = 0;
  private pending: PendingScroll | undefined;
  /** The scrollTop we set last; a scroll event elsewhere is the reader's. */
  private ours = -1;

  constructor(
    attrs: Attrs,
    private readonly renderRow: (row: HTMLElement, index: number) => void,
    private readonly onUserScroll: (atBottom: boolean) => void,
  ) {
    this.rowsEl = h('div', { class: 'log-rows' });
    this.spacer = h('div', { class: 'log-spacer' }, this.rowsEl);
    this.el = h('div', attrs, this.spacer);
    this.el.addEventListener('scroll', () => {
      if (Math.abs(this.el.scrollTop - this.ours) >= 1) {
        this.ours = -1;
        this.onUserScroll(this.atBottom());
      }
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(this.el);
  }

  get count(): number {
    return this.rows;
  }

  /** The row count changed (rows already drawn keep their content unless invalidated). */
  setCount(rows: number): void {
    if (rows === this.rows) return;
    this.rows = rows;
    this.schedule();
  }

  /** Every drawn row is drawn again at the next frame (new search, new highlighting, rows renumbered). */
  invalidate(): void {
    this.generation++;
    this.schedule();
  }

  /** Keeps the last row in view from the next frame on. */
  scrollToBottom(): void {
    this.pending = { to: 'bottom' };
    this.schedule();
  }

  /** Puts the (fractional) row `row` at the top of the view at the next frame. */
  scrollToRow(row: number): void {
    this.pending = { to: 'row', row: Math.max(0, row) };
    this.schedule();
  }

  /** Brings `row` into view, a third from the top, unless it already is. */
  reveal(row: number): void {
    const top = this.topRow();
    const visible = this.rowHeight ? this.el.clientHeight / this.rowHeight : 0;
    if (row >= top && row + 1 <= top + visible) return;
    this.scrollToRow(row - Math.floor(visible / 3));
  }

  /** The (fractional) row at the top of the view, counting a pending scroll. */
  topRow(): number {
    if (this.pending?.to === 'row') return this.pending.row;
    if (this.pending?.to === 'bottom') return Math.max(0, this.rows - (this.rowHeight ? this.el.clientHeight / this.rowHeight : 0));
    return this.rowHeight ? this.el.scrollTop / this.rowHeight : 0;
  }

  atBottom(): boolean {
    return this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - BOTTOM_SLACK_PX;
  }

  /** Draws now instead of at the next frame (tests, and a pane that was just shown). */
  flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw();
  }

  private schedule(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    if (!this.rowHeight && !this.measure()) return;
    const rh = this.rowHeight;
    this.spacer.style.height = `${this.rows * rh}px`;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      const max = Math.max(0, this.el.scrollHeight - this.el.clientHeight);
      this.el.scrollTop = pending.to === 'bottom' ? max : Math.min(max, pending.row * rh);
      this.ours = this.el.scrollTop;
    }
    const top = this.el.scrollTop;
    const height = this.el.clientHeight;
    const first = Math.max(0, Math.floor(top / rh) - OVERSCAN);
    const last = Math.min(this.rows, Math.ceil((top + height) / rh) + OVERSCAN);
    const n = Math.max(0, last - first);
    while (this.pool.length < n) {
      const el = h('div', { class: 'log-line' });
      this.rowsEl.append(el);
      this.pool.push({ el, index: -1, generation: -1 });
    }
    while (this.pool.length > n) this.pool.pop()!.el.remove();
    this.rowsEl.style.transform = `translateY(${first * rh}px)`;
    for (let k = 0; k < n; k++) {
      const slot = this.pool[k];
      const index = first + k;
      if (slot.index === index && slot.generation === this.generation) continue;
      slot.index = index;
      slot.generation = this.generation;
      this.renderRow(slot.el, index);
    }
  }

  /** A row's height in pixels, from a probe row (it follows the editor font size); false while hidden. */
  private measure(): boolean {
    if (!this.el.isConnected || this.el.getClientRects().length === 0) return false;
    const probe = h('div', { class: 'log-line' }, 'Mg');
    this.rowsEl.append(probe);
    this.rowHeight = probe.getBoundingClientRect().height;
    probe.remove();
    return this.rowHeight > 0;
  }
}
