import '@vscode-elements/elements/dist/vscode-button/index.js';
import './history.css';
import { DEPLOY_STAGES, STAGE_TITLES, type DeployRecord, type ViewSnapshot, type WebviewMessage } from '../../../src/shared/protocol';
import { h, icon, replaceChildren, setText } from '../shell/dom';
import { formatElapsed } from '../shell/format';
import { STATUS_LABELS, stageIconClass } from '../tracker/stageIcon';

type Post = (message: WebviewMessage) => void;

const OUTCOME: Record<DeployRecord['outcome'], { icon: string; label: string }> = {
  success: { icon: 'pass', label: 'Deployed' },
  private: { icon: 'warning', label: 'Deployed, not public' },
  failed: { icon: 'error', label: 'Failed' },
  cancelled: { icon: 'stop-circle', label: 'Cancelled' },
};
/** Relative times ("3 min ago") go stale without snapshots; refresh them this often. */
const CLOCK_MS = 30_000;

/** "just now", "3 min ago", "2 hours ago", "yesterday", "5 days ago", then the date. */
export function relativeTime(then: number, now: number): string {
  const minutes = Math.floor((now - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  return new Date(then).toLocaleDateString();
}

/**
 * The past deploys of this workspace: a collapsible list under the header and,
 * for the one picked, a read-only detail shown in place of the current deploy
 * (the root gets `data-history-open`; history.css hides the deploy panes).
 */
export class HistoryView {
  readonly el: HTMLElement;
  readonly detail: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly count: HTMLElement;
  private readonly list: HTMLUListElement;
  private records: DeployRecord[] = [];
  private listKey = '';
  private openId: string | undefined;
  /** The current deploy when the detail was opened; a new one closes the detail. */
  private currentAtOpen: string | undefined;
  private currentDeploy: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly post: Post,
  ) {
    this.count = h('span', { class: 'history-count' });
    this.toggle = h(
      'button',
      { type: 'button', id: 'history-toggle', class: 'history-toggle', 'aria-expanded': 'false', 'aria-controls': 'history-list' },
      icon('chevron-right'),
      'History ',
      this.count,
    );
    this.toggle.addEventListener('click', () => this.setExpanded(this.toggle.getAttribute('aria-expanded') !== 'true'));
    this.list = h('ul', { id: 'history-list', class: 'history-list', role: 'listbox', 'aria-label': 'Past deploys', hidden: true });
    this.list.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.el = h('section', { id: 'history', class: 'history', hidden: true }, h('h2', { class: 'history-heading' }, this.toggle), this.list);
    this.detail = h('section', { id: 'history-detail', class: 'history-detail', hidden: true, 'aria-labelledby': 'history-detail-heading' });
    this.detail.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
    window.setInterval(() => this.refreshTimes(), CLOCK_MS);
  }

  render(snapshot: Pick<ViewSnapshot, 'history' | 'deploy'>): void {
    this.records = usableRecords(snapshot.history);
    this.currentDeploy = snapshot.deploy?.deployId;
    this.el.hidden = this.records.length === 0;
    setText(this.count, `(${this.records.length})`);
    const key = this.records.map((r) => `${r.deployId}:${r.endedAt}:${r.outcome}`).join('|');
    if (key !== this.listKey) {
      this.listKey = key;
      this.renderList();
    }
    const open = this.records.find((r) => r.deployId === this.openId);
    // A new deploy wants the tracker; a record that left the history has nothing to show.
    if (this.openId && (!open || this.currentDeploy !== this.currentAtOpen)) this.close(false);
  }

  private setExpanded(expanded: boolean): void {
    this.toggle.setAttribute('aria-expanded', String(expanded));
    this.list.hidden = !expanded;
    this.el.classList.toggle('expanded', expanded);
    if (expanded) this.refreshTimes();
  }

  private renderList(): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.closest?.('.history-item')?.getAttribute('data-deploy-id');
    const now = Date.now();
    replaceChildren(this.list, ...this.records.map((r, i) => this.item(r, i === 0, now)));
    const refocus = focusedId ? this.itemFor(focusedId) : undefined;
    if (refocus) this.focusItem(refocus);
  }

  private item(r: DeployRecord, first: boolean, now: number): HTMLLIElement {
    const outcome = OUTCOME[r.outcome] ?? { icon: 'question', label: r.outcome };
    const time = h('span', { class: 'history-time', 'data-ended-at': r.endedAt, title: new Date(r.endedAt).toLocaleString() }, relativeTime(r.endedAt, now));
    const li = h(
      'li',
      { class: 'history-item', role: 'option', 'aria-selected': 'false', tabindex: first ? 0 : -1, 'data-deploy-id': r.deployId, 'data-outcome': r.outcome },
      h(
        'span',
        { class: 'history-line' },
        icon(outcome.icon),
        h('span', { class: 'visually-hidden' }, `${outcome.label}: `),
        h('span', { class: 'history-service' }, r.target?.service ?? 'Deploy'),
        time,
      ),
      source(r) ?? false,
      this.summary(r),
    );
    li.addEventListener('click', () => this.open(r.deployId));
    return li;
  }

  /** The URL (a click opens it) or where the deploy stopped. */
  private summary(r: DeployRecord): HTMLElement {
    if (r.url) {
      const url = r.url;
      const link = h('span', { class: 'history-url', title: `Open ${url}` }, url);
      link.addEventListener('click', (e) => {
        e.stopPropagation();
        this.post({ type: 'openUrl', url });
      });
      return h('span', { class: 'history-summary' }, link);
    }
    const where = r.stage ? (STAGE_TITLES[r.stage] ?? r.stage) : 'unknown stage';
    return h('span', { class: 'history-summary history-stage-summary' }, `${r.outcome === 'cancelled' ? 'Cancelled during' : 'Failed at'}: ${where}`);
  }

  private onKeyDown(e: KeyboardEvent): void {
    const items = [...this.list.querySelectorAll<HTMLElement>('.history-item')];
    const at = items.indexOf((e.target as HTMLElement).closest('.history-item') as HTMLElement);
    if (at < 0) return;
    const move = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[e.key];
    if (move !== undefined) {
      e.preventDefault();
      this.focusItem(items[Math.max(0, Math.min(items.length - 1, move))]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.open(items[at].getAttribute('data-deploy-id') ?? '');
    }
  }

  /** Roving tabindex: Tab reaches the list once, arrows move within it. */
  private focusItem(item: HTMLElement): void {
    for (const other of this.list.querySelectorAll('.history-item')) other.setAttribute('tabindex', other === item ? '0' : '-1');
    item.focus();
  }

  private itemFor(deployId: string): HTMLElement | undefined {
    return [...this.list.querySelectorAll<HTMLElement>('.history-item')].find((el) => el.getAttribute('data-deploy-id') === deployId);
  }

  private open(deployId: string): void {
    const r = this.records.find((x) => x.deployId === deployId);
    if (!r) return;
    this.openId = deployId;
    this.currentAtOpen = this.currentDeploy;
    for (const item of this.list.querySelectorAll('.history-item'))
      item.setAttribute('aria-selected', String(item.getAttribute('data-deploy-id') === deployId));
    replaceChildren(this.detail, ...this.detailContent(r));
    this.detail.setAttribute('data-outcome', r.outcome);
    this.detail.hidden = false;
    this.root.setAttribute('data-history-open', '');
    this.detail.querySelector<HTMLElement>('#history-detail-heading')?.focus();
  }

  private close(restoreFocus = true): void {
    const id = this.openId;
    this.openId = undefined;
    this.detail.hidden = true;
    this.detail.replaceChildren();
    this.root.removeAttribute('data-history-open');
    for (const item of this.list.querySelectorAll('.history-item')) item.setAttribute('aria-selected', 'false');
    if (!restoreFocus) return;
    const item = id && !this.list.hidden ? this.itemFor(id) : undefined;
    if (item) this.focusItem(item);
    else this.toggle.focus();
  }

  private detailContent(r: DeployRecord): Node[] {
    const back = h('vscode-button', { id: 'history-back', secondary: true }, 'Back to current deploy');
    back.addEventListener('click', () => this.close());
    const outcome = OUTCOME[r.outcome] ?? { icon: 'question', label: r.outcome };
    const took = formatElapsed(r.endedAt - r.startedAt);
    const where = r.target ? `${r.target.service} · ${r.target.region} · ${r.target.project}` : undefined;
    return [
      h('div', { class: 'history-detail-bar' }, back),
      h(
        'h2',
        { id: 'history-detail-heading', class: 'history-detail-heading', tabindex: -1 },
        icon(outcome.icon),
        `${outcome.label} · ${r.target?.service ?? 'Deploy'}`,
      ),
      h('p', { class: 'history-detail-meta' }, `${new Date(r.endedAt).toLocaleString()} · took ${took}`),
      where ? h('p', { class: 'history-detail-meta' }, where) : false,
      source(r, true) ?? false,
      this.stages(r),
      ...this.result(r),
    ].filter((n): n is HTMLElement => n !== false);
  }

  private stages(r: DeployRecord): HTMLElement {
    if (!r.stages) return h('p', { class: 'history-detail-meta' }, 'Stage details were not kept for this deploy.');
    const stages = r.stages;
    return h(
      'ol',
      { class: 'history-stages', 'aria-label': 'Stages' },
      ...DEPLOY_STAGES.map((stage) => {
        const s = stages[stage] ?? { status: 'pending' };
        const took = s.startedAt !== undefined && s.endedAt !== undefined ? formatElapsed(s.endedAt - s.startedAt) : '';
        return h(
          'li',
          { class: 'history-stage', 'data-stage': stage, 'data-status': s.status },
          h('span', { class: stageIconClass(s.status), 'aria-hidden': 'true' }),
          h(
            'span',
            { class: 'history-stage-body' },
            h('span', {}, STAGE_TITLES[stage]),
            h('span', { class: 'visually-hidden' }, ` (${STATUS_LABELS[s.status] ?? s.status})`),
            s.detail ? h('span', { class: 'history-stage-detail' }, s.detail) : false,
          ),
          h('span', { class: 'history-stage-elapsed' }, took),
        );
      }),
    );
  }

  private result(r: DeployRecord): HTMLElement[] {
    const nodes: HTMLElement[] = [];
    if (r.message) nodes.push(h('p', { class: 'history-message', id: 'history-message' }, r.message));
    if (r.fix) nodes.push(h('p', { class: 'history-fix', id: 'history-fix' }, `Fix: ${r.fix}`));
    if (r.logTail?.length)
      nodes.push(
        h(
          'pre',
          { class: 'history-log-tail', tabindex: 0, 'aria-label': 'Log lines explaining the failure' },
          ...r.logTail.map((line) => h('span', { class: 'log-line' }, `${line}\n`)),
        ),
      );
    const actions: HTMLElement[] = [];
    if (r.url) {
      const url = r.url;
      nodes.push(h('p', { class: 'history-detail-url' }, h('code', { id: 'history-url' }, url), r.revision ? ` · ${r.revision}` : ''));
      actions.push(this.linkButton('history-open-url', 'Open', url));
    }
    if (r.buildId || r.buildConsoleUrl) {
      // The host reads the log back from Google: the record holds no log lines.
      const b = h('vscode-button', { id: 'history-build-log', secondary: true }, 'Show Build Log');
      b.addEventListener('click', () => this.post({ type: 'showPastBuildLog', deployId: r.deployId }));
      actions.push(b);
    }
    if (r.buildConsoleUrl) actions.push(this.linkButton('history-open-build', 'Build in Cloud Console', r.buildConsoleUrl, true));
    if (actions.length) nodes.push(h('div', { class: 'history-actions' }, ...actions));
    return nodes;
  }

  private linkButton(id: string, label: string, url: string, secondary = false): HTMLElement {
    const b = h('vscode-button', { id, secondary }, label);
    b.addEventListener('click', () => this.post({ type: 'openUrl', url }));
    return b;
  }

  private refreshTimes(): void {
    if (this.list.hidden) return;
    const now = Date.now();
    for (const el of this.list.querySelectorAll<HTMLElement>('.history-time')) setText(el, relativeTime(Number(el.getAttribute('data-ended-at')), now));
  }
}

/**
 * History arrives unchecked (hostMessage.ts validates the deploy, not the
 * records), and a restored state may come from an older build: keep the
 * records that have what the list needs, and drop optional fields of the wrong type.
 */
function usableRecords(history: unknown): DeployRecord[] {
  if (!Array.isArray(history)) return [];
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return history
    .filter(
      (r): r is DeployRecord =>
        typeof r === 'object' &&
        r !== null &&
        typeof r.deployId === 'string' &&
        typeof r.endedAt === 'number' &&
        typeof r.startedAt === 'number' &&
        typeof r.outcome === 'string',
    )
    .map((r) => ({
      ...r,
      target: typeof r.target === 'object' && r.target !== null && typeof r.target.service === 'string' ? r.target : undefined,
      url: str(r.url),
      revision: str(r.revision),
      message: str(r.message),
      fix: str(r.fix),
      commit: str(r.commit),
      branch: str(r.branch),
      repository: str(r.repository),
      buildConsoleUrl: str(r.buildConsoleUrl),
      buildId: str(r.buildId),
      logTail: Array.isArray(r.logTail) ? r.logTail.filter((l): l is string => typeof l === 'string') : undefined,
      stages:
        typeof r.stages === 'object' && r.stages !== null && DEPLOY_STAGES.every((st) => typeof r.stages?.[st]?.status === 'string') ? r.stages : undefined,
    }));
}

/** "abc1234 on main" (and "with uncommitted changes"; "owner/name abc1234 on main" from GitHub), or nothing outside git. */
function source(r: DeployRecord, long = false): HTMLElement | undefined {
  if (!r.commit && !r.branch && !r.repository) return undefined;
  return h(
    'span',
    { class: long ? 'history-source history-detail-meta' : 'history-source', title: r.commit },
    icon(r.repository ? 'github' : 'git-commit'),
    // One text box beside the glyph, so a long branch wraps as text rather than as columns.
    h(
      'span',
      { class: 'history-source-text' },
      r.repository ? `${r.repository} ` : '',
      r.commit ? h('code', { class: 'history-commit' }, r.commit.slice(0, 7)) : false,
      r.branch ? `${r.commit ? ' on ' : ''}${r.branch}` : '',
      r.dirty ? ' (uncommitted changes)' : '',
    ),
  );
}

/** Puts the history list and its detail under the view's header. */
export function mountHistory(root: HTMLElement, after: Element, post: Post): HistoryView {
  const view = new HistoryView(root, post);
  after.after(view.el, view.detail);
  return view;
}
