import { DEPLOY_STAGES, STAGE_TITLES, type DeployResult, type DeployState } from '../../../src/shared/protocol';
import { h } from './dom';
import { STATUS_LABELS } from '../tracker/stageIcon';

/**
 * A polite live region that tells screen-reader users what changed between
 * two snapshots ("Build with Cloud Build: running", "Deployed: https://…").
 */
export class Announcer {
  readonly el: HTMLElement;

  constructor() {
    this.el = h('div', { id: 'announcer', class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });
  }

  update(prev: DeployState | undefined, next: DeployState | undefined): void {
    const lines = describeChanges(prev, next);
    if (lines.length) this.el.textContent = lines.join('. ');
  }
}

export function describeChanges(prev: DeployState | undefined, next: DeployState | undefined): string[] {
  if (!next) return [];
  const lines: string[] = [];
  const same = prev?.deployId === next.deployId;
  if (!same) lines.push(`Deploy started: ${next.target?.service ?? next.workspace}`);
  for (const stage of DEPLOY_STAGES) {
    const status = next.stages[stage].status;
    const before = same ? prev.stages[stage].status : 'pending';
    if (status !== before) lines.push(`${STAGE_TITLES[stage]}: ${STATUS_LABELS[status] ?? status}`);
  }
  if (next.result && !(same && prev.result)) lines.push(describeResult(next.result));
  return lines;
}

function describeResult(result: DeployResult): string {
  switch (result.outcome) {
    case 'success':
      return `Deployed: ${result.url}`;
    case 'private':
      return `Deployed but not public: ${result.problem.message}`;
    case 'failed':
      return `Deploy failed: ${result.problem.message}`;
    case 'cancelled':
      return 'Deploy cancelled';
    default:
      return 'Deploy finished';
  }
}
