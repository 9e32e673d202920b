import { DEPLOY_STAGES, STAGE_TITLES, type DeployStage, type DeployState, type StageState } from '../../../src/shared/protocol';
import { h, setAttrs, setText } from '../shell/dom';
import { elapsedBetween, formatElapsed } from '../shell/format';
import { STATUS_LABELS, stageIconClass } from './stageIcon';

interface StageRow {
  li: HTMLLIElement;
  glyph: HTMLSpanElement;
  status: HTMLSpanElement;
  detail: HTMLSpanElement;
  elapsed: HTMLSpanElement;
}

/**
 * One row per pipeline stage, in pipeline order. Rows are built once and
 * updated in place; a one-second timer refreshes only the elapsed times.
 */
export class Tracker {
  readonly el: HTMLElement;
  private readonly target: HTMLElement;
  private readonly total: HTMLElement;
  private readonly rows = new Map<DeployStage, StageRow>();
  private state: DeployState | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly now: () => number = Date.now) {
    this.target = h('p', { class: 'tracker-target', id: 'deploy-target' });
    this.total = h('span', { class: 'tracker-total', id: 'total-elapsed' });
    const list = h('ol', { class: 'stages', 'aria-label': 'Deploy stages' });
    for (const stage of DEPLOY_STAGES) {
      const row = buildRow(stage);
      this.rows.set(stage, row);
      list.append(row.li);
    }
    this.el = h(
      'section',
      { id: 'tracker', class: 'tracker', 'aria-labelledby': 'tracker-heading', hidden: true },
      h('div', { class: 'tracker-heading-row' }, h('h2', { id: 'tracker-heading' }, 'Deploy'), this.total),
      this.target,
      list,
    );
  }

  render(deploy: DeployState | undefined): void {
    this.state = deploy;
    this.el.hidden = !deploy;
    if (!deploy) {
      this.stopTimer();
      return;
    }
    setText(this.target, targetLine(deploy));
    this.el.setAttribute('data-deploy-id', deploy.deployId);
    for (const stage of DEPLOY_STAGES) {
      updateRow(this.rows.get(stage)!, deploy.stages[stage]);
    }
    this.updateTimes();
    if (isLive(deploy)) this.startTimer();
    else this.stopTimer();
  }

  dispose(): void {
    this.stopTimer();
  }

  private updateTimes(): void {
    const deploy = this.state;
    if (!deploy) return;
    const now = this.now();
    for (const stage of DEPLOY_STAGES) {
      const s = deploy.stages[stage];
      const ms = s.status === 'pending' || s.status === 'skipped' ? undefined : elapsedBetween(s.startedAt, s.endedAt, now);
      setText(this.rows.get(stage)!.elapsed, ms === undefined ? '' : formatElapsed(ms));
    }
    const total = elapsedBetween(deploy.startedAt, deploy.endedAt ?? (isLive(deploy) ? undefined : lastEnd(deploy)), now);
    setText(this.total, total === undefined ? '' : formatElapsed(total));
    this.total.setAttribute('aria-label', total === undefined ? '' : `Total time ${formatElapsed(total)}`);
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => this.updateTimes(), 1000);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** service · region · project, once preflight has resolved them. */
function targetLine(deploy: DeployState): string {
  const t = deploy.target;
  if (!t) return `${basename(deploy.workspace) || 'Workspace'} · resolving project…`;
  return [t.service, t.region, t.project].filter(Boolean).join(' · ');
}

function basename(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** Still moving: no result yet, so the clock runs (also between two stages). */
function isLive(deploy: DeployState): boolean {
  return !deploy.result && deploy.endedAt === undefined;
}

function lastEnd(deploy: DeployState): number | undefined {
  let end: number | undefined;
  for (const stage of DEPLOY_STAGES) {
    const e = deploy.stages[stage].endedAt;
    if (e !== undefined && (end === undefined || e > end)) end = e;
  }
  return end;
}

function buildRow(stage: DeployStage): StageRow {
  const glyph = h('span', { class: stageIconClass('pending'), 'aria-hidden': 'true' });
  const status = h('span', { class: 'visually-hidden' }, `: ${STATUS_LABELS.pending}`);
  const detail = h('span', { class: 'stage-detail' });
  const elapsed = h('span', { class: 'stage-elapsed' });
  const li = h(
    'li',
    { class: 'stage', 'data-stage': stage, 'data-status': 'pending' },
    glyph,
    h('span', { class: 'stage-body' }, h('span', { class: 'stage-title' }, STAGE_TITLES[stage], status), detail),
    elapsed,
  );
  return { li, glyph, status, detail, elapsed };
}

function updateRow(row: StageRow, state: StageState): void {
  const status = state.status in STATUS_LABELS ? state.status : 'pending';
  if (row.li.getAttribute('data-status') !== status) {
    setAttrs(row.li, { 'data-status': status, 'aria-current': status === 'running' ? 'step' : undefined });
    row.glyph.className = stageIconClass(status);
    setText(row.status, `: ${STATUS_LABELS[status]}`);
  }
  setText(row.detail, state.detail ?? '');
  row.detail.hidden = !state.detail;
}
