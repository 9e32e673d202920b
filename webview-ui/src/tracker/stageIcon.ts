import type { StageStatus } from '../../../src/shared/protocol';

const ICONS: Record<StageStatus, string> = {
  pending: 'codicon-circle-outline',
  running: 'codicon-loading codicon-modifier-spin',
  done: 'codicon-check',
  failed: 'codicon-error',
  skipped: 'codicon-circle-slash',
  cancelled: 'codicon-stop-circle',
  warning: 'codicon-warning',
};

/** Words a screen reader says instead of the glyph. */
export const STATUS_LABELS: Record<StageStatus, string> = {
  pending: 'pending',
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
  warning: 'finished with a warning',
};

/** The class list for a stage's status glyph (colour comes from `data-status` in CSS). */
export function stageIconClass(status: StageStatus): string {
  return `stage-icon codicon ${ICONS[status] ?? ICONS.pending}`;
}
