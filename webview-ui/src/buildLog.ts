import type { DeployState, WebviewMessage } from '../../src/shared/protocol';
import { h, setText } from './dom';

/** Within this many pixels of the bottom counts as "following the tail". */
const TAIL_SLACK_PX = 8;

/**
 * The build log pane. `deploy.log` is a sliding window over the whole log:
 * line i is line number `droppedLogLines + i`. The pane keeps the same window
 * by trimming lines that slid out at the top and appending new ones at the
 * bottom, instead of rebuilding up to MAX_LOG_LINES nodes per snapshot.
 */
export class BuildLog {
  readonly el: HTMLElement;
  private readonly pre: HTMLPreElement;
  private readonly dropped: HTMLElement;
  private readonly droppedText: HTMLSpanElement;
  private deployId: string | undefined;
  /** Absolute line number of the first rendered line. */
  private first = 0;
  /** Whether to keep the newest line in view; false once the user scrolls up. */
  private followTail = true;

  constructor(post: (message: WebviewMessage) => void) {
    this.pre = h('pre', {
      id: 'build-log',
      class: 'build-log',
      tabindex: 0,
      role: 'log',
      'aria-label': 'Build log',
      'aria-live': 'off',
    });
    this.pre.addEventListener('scroll', () => {
      this.followTail = this.pre.scrollTop + this.pre.clientHeight >= this.pre.scrollHeight - TAIL_SLACK_PX;
    });
    const showLog = h('button', { type: 'button', id: 'show-full-log', class: 'link-button' }, 'Show full log');
    showLog.addEventListener('click', () => post({ type: 'showLog' }));
    this.droppedText = h('span', { id: 'dropped-log-lines' });
    this.dropped = h('p', { class: 'log-dropped', hidden: true }, this.droppedText, ' ', showLog);
    this.el = h(
      'section',
      { class: 'log-section', 'aria-labelledby': 'build-log-heading', hidden: true },
      h('h2', { id: 'build-log-heading' }, 'Build log'),
      this.dropped,
      this.pre,
    );
  }

  render(deploy: DeployState | undefined): void {
    const log = deploy?.log ?? [];
    const dropped = deploy?.droppedLogLines ?? 0;
    this.el.hidden = !deploy || (log.length === 0 && dropped === 0);
    this.dropped.hidden = dropped <= 0;
    setText(this.droppedText, `${dropped} earlier ${dropped === 1 ? 'line' : 'lines'} not shown.`);

    if (deploy?.deployId !== this.deployId || !this.isContinuation(log, dropped)) {
      this.deployId = deploy?.deployId;
      this.pre.replaceChildren();
      this.first = dropped;
      this.followTail = true;
    }
    // Lines that slid out of the window at the top.
    while (this.first < dropped && this.pre.firstChild) {
      this.pre.firstChild.remove();
      this.first++;
    }
    this.first = dropped;
    const rendered = this.pre.childNodes.length;
    if (rendered < log.length) {
      const fragment = document.createDocumentFragment();
      for (let i = rendered; i < log.length; i++) fragment.append(lineNode(log[i]));
      this.pre.append(fragment);
      if (this.followTail) this.pre.scrollTop = this.pre.scrollHeight;
    }
  }

  /**
   * True when `log` extends what is on screen: the window never moves
   * backwards, and the last line we show is still the same line.
   */
  private isContinuation(log: string[], dropped: number): boolean {
    const rendered = this.pre.childNodes.length;
    const end = this.first + rendered;
    if (dropped < this.first || dropped + log.length < end) return false;
    if (rendered === 0 || end <= dropped) return true;
    return this.pre.lastChild?.textContent === `${log[end - 1 - dropped]}\n`;
  }
}

// A newline inside the <pre> (not CSS blocks) keeps copy/paste line-true.
function lineNode(line: string): HTMLSpanElement {
  return h('span', { class: 'log-line' }, `${line}\n`);
}
