import type { ChatMessage, ToolCallCard, ToolCallStatus, ToolRisk } from '../../../src/shared/protocol';
import { toolTitle } from '../../../src/shared/toolTitles';
import { h, icon, setAttrs, setText } from '../shell/dom';

// One tool call in the conversation: a compact row that says what ran and how
// it went, expandable to the (host-redacted) arguments. The host re-sends the
// same message id as the call moves on; the card is updated, not rebuilt, so an
// expanded card stays expanded.

const STATUS: Record<ToolCallStatus, { label: string; icon: string; spin?: boolean }> = {
  running: { label: 'Running', icon: 'loading', spin: true },
  'awaiting-confirmation': { label: 'Waiting for your approval', icon: 'shield' },
  done: { label: 'Done', icon: 'check' },
  failed: { label: 'Failed', icon: 'error' },
  declined: { label: 'Declined', icon: 'circle-slash' },
  cancelled: { label: 'Cancelled', icon: 'circle-slash' },
};

const RISK_LABELS: Record<ToolRisk, string | undefined> = {
  read: undefined,
  write: 'writes',
  destructive: 'destructive',
};

export function createToolCard(m: ChatMessage): HTMLLIElement {
  const chevron = icon('chevron-right');
  chevron.classList.add('tool-chevron');
  const details = h(
    'details',
    { class: 'tool-details' },
    h(
      'summary',
      { class: 'tool-row' },
      chevron,
      h('span', { class: 'tool-icon' }),
      h('span', { class: 'visually-hidden tool-status' }),
      h('span', { class: 'tool-name' }),
      h('span', { class: 'risk-badge' }),
      h('span', { class: 'tool-summary' }),
    ),
    h('div', { class: 'tool-args-label' }, 'Arguments'),
    h('pre', { class: 'tool-args', tabindex: 0 }, h('code')),
  );
  const li = h('li', { class: 'chat-msg tool-card' }, details);
  updateToolCard(li, m);
  return li;
}

export function updateToolCard(li: HTMLElement, m: ChatMessage): void {
  const tool: ToolCallCard = m.tool ?? { callId: m.id, name: 'tool', risk: 'read', status: 'done', args: '' };
  const status = STATUS[tool.status] ?? { label: tool.status, icon: 'circle-outline' };
  setAttrs(li, {
    'data-id': m.id,
    'data-role': m.role,
    'data-status': tool.status,
    'data-call-id': tool.callId,
    'data-risk': tool.risk,
  });
  const glyph = li.querySelector<HTMLElement>('.tool-icon')!;
  const glyphName = tool.status === 'awaiting-confirmation' && tool.risk === 'destructive' ? 'warning' : status.icon;
  const classes = `tool-icon codicon codicon-${glyphName}${status.spin ? ' codicon-modifier-spin' : ''}`;
  if (glyph.className !== classes) glyph.className = classes;
  glyph.setAttribute('aria-hidden', 'true');
  setText(li.querySelector('.tool-status')!, `${status.label}: `);
  const nameEl = li.querySelector<HTMLElement>('.tool-name')!;
  setText(nameEl, toolTitle(tool.name));
  // The function name the model called, for whoever wants it.
  if (nameEl.title !== tool.name) nameEl.title = tool.name;
  const badge = li.querySelector<HTMLElement>('.risk-badge')!;
  const risk = RISK_LABELS[tool.risk];
  badge.hidden = !risk;
  badge.setAttribute('data-risk', tool.risk);
  setText(badge, risk ?? '');
  const summary = tool.summary ?? m.text;
  const summaryEl = li.querySelector<HTMLElement>('.tool-summary')!;
  summaryEl.hidden = !summary;
  setText(summaryEl, summary);
  setText(li.querySelector('.tool-args code')!, tool.args || '{}');
}
