import { h, icon, setAttrs, setText } from '../shell/dom';

export interface LogToolbarActions {
  onQuery(query: string): void;
  onStep(direction: 1 | -1): void;
  onToggleFollow(): void;
  onOpenInEditor(): void;
  onShowNew(): void;
}

export interface LogToolbarState {
  /** Lines since the deploy started (kept or not). */
  lines: number;
  following: boolean;
  /** Lines that arrived while paused. */
  unseen: number;
  /** Absent while the find box is empty. */
  matches?: { current: number; count: number };
  /** The deploy ended: no more lines come, so there is nothing to pause. */
  finished?: boolean;
}

/**
 * The log pane's controls: heading with the line count, Pause/Follow, Open in
 * editor, the find box with its match count, and the "N new lines" button
 * that shows while paused. Plain buttons and an <input>: keyboard operable
 * as they are, coloured by VS Code's theme variables.
 */
export class LogToolbar {
  readonly header: HTMLElement;
  readonly find: HTMLElement;
  readonly newLines: HTMLButtonElement;
  private readonly count: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly matchCount: HTMLElement;
  private readonly follow: HTMLButtonElement;
  private readonly followIcon: HTMLElement;
  private readonly followText: HTMLElement;

  constructor(actions: LogToolbarActions) {
    this.count = h('span', { id: 'log-line-count', class: 'log-count' });
    this.followIcon = icon('debug-pause');
    this.followText = h('span', {}, 'Pause');
    this.follow = h('button', { type: 'button', id: 'log-follow', class: 'log-tool', title: 'Stop scrolling to new lines' }, this.followIcon, this.followText);
    this.follow.addEventListener('click', () => actions.onToggleFollow());
    const open = h(
      'button',
      { type: 'button', id: 'log-open-editor', class: 'log-tool', title: 'The whole build log in an editor tab' },
      icon('go-to-file'),
      h('span', {}, 'Open in editor'),
    );
    open.addEventListener('click', () => actions.onOpenInEditor());
    this.header = h(
      'div',
      { class: 'log-header' },
      h('h2', { id: 'build-log-heading' }, 'Build log'),
      this.count,
      h('span', { class: 'log-tools' }, this.follow, open),
    );

    this.input = h('input', {
      type: 'search',
      id: 'log-search',
      class: 'log-search',
      placeholder: 'Find in log',
      'aria-label': 'Find in build log',
      'aria-describedby': 'log-match-count',
      spellcheck: 'false',
      autocomplete: 'off',
    });
    this.input.addEventListener('input', () => actions.onQuery(this.input.value));
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === 'F3') {
        e.preventDefault();
        actions.onStep(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape' && this.input.value) {
        e.preventDefault();
        this.input.value = '';
        actions.onQuery('');
      }
    });
    this.matchCount = h('span', { id: 'log-match-count', class: 'log-match-count', 'aria-live': 'polite' });
    const prev = h(
      'button',
      { type: 'button', id: 'log-prev', class: 'log-tool', 'aria-label': 'Previous match (Shift+Enter)', title: 'Previous match (Shift+Enter)' },
      icon('arrow-up'),
    );
    const next = h(
      'button',
      { type: 'button', id: 'log-next', class: 'log-tool', 'aria-label': 'Next match (Enter)', title: 'Next match (Enter)' },
      icon('arrow-down'),
    );
    prev.addEventListener('click', () => actions.onStep(-1));
    next.addEventListener('click', () => actions.onStep(1));
    this.find = h('div', { class: 'log-find', role: 'search' }, this.input, this.matchCount, prev, next);

    this.newLines = h('button', { type: 'button', id: 'log-new-lines', class: 'log-new-lines', hidden: true });
    this.newLines.addEventListener('click', () => actions.onShowNew());
  }

  focusSearch(): void {
    this.input.focus();
    this.input.select();
  }

  update(state: LogToolbarState): void {
    setText(this.count, `${state.lines.toLocaleString('en-US')} ${state.lines === 1 ? 'line' : 'lines'}`);
    const label = state.following ? 'Pause' : 'Follow';
    if (this.followText.textContent !== label) {
      setText(this.followText, label);
      this.followIcon.className = `codicon codicon-${state.following ? 'debug-pause' : 'arrow-down'}`;
      setAttrs(this.follow, { title: state.following ? 'Stop scrolling to new lines' : 'Scroll to the newest line and keep following it' });
    }
    const m = state.matches;
    setText(
      this.matchCount,
      !m ? '' : m.count === 0 ? 'No results' : m.current ? `${m.current} of ${m.count}` : `${m.count} ${m.count === 1 ? 'match' : 'matches'}`,
    );
    this.follow.hidden = Boolean(state.finished);
    this.newLines.hidden = state.following || state.unseen === 0;
    if (!this.newLines.hidden) setText(this.newLines, `${state.unseen.toLocaleString('en-US')} new ${state.unseen === 1 ? 'line' : 'lines'} ↓`);
  }
}
