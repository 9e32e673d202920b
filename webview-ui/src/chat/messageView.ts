import type { ChatMessage } from '../../../src/shared/protocol';
import { h, icon, setAttrs, setText } from '../shell/dom';
import { renderRichText } from './richText';
import { createToolCard, updateToolCard } from './toolCard';

// One <li> per chat message. Nodes are created once per message id and then
// updated in place, so a streaming reply grows without being re-created.

const ROLE_LABELS: Record<string, string> = { user: 'You', assistant: 'Devgem' };

export function createMessage(m: ChatMessage): HTMLLIElement {
  if (m.role === 'tool') return createToolCard(m);
  let li: HTMLLIElement;
  if (m.role === 'notice') {
    li = h('li', { class: 'chat-msg chat-notice' }, icon('info'), h('div', { class: 'chat-text' }));
  } else {
    li = h(
      'li',
      { class: 'chat-msg' },
      // The indicator sits beside the name, so the text does not jump when it goes.
      h('div', { class: 'chat-role' }, h('span', { class: 'chat-role-name' }, ROLE_LABELS[m.role] ?? m.role), typingIndicator()),
      h('div', { class: 'chat-text' }),
    );
  }
  setAttrs(li, { 'data-id': m.id, 'data-role': m.role });
  updateMessage(li, m);
  return li;
}

/** True when `li` was made for a message with this id and role. */
export function rendersMessage(li: Element, m: ChatMessage): boolean {
  return li instanceof HTMLElement && li.dataset.id === m.id && li.dataset.role === m.role;
}

export function updateMessage(li: HTMLElement, m: ChatMessage): void {
  if (m.role === 'tool') {
    updateToolCard(li, m);
    return;
  }
  const text = li.querySelector('.chat-text')!;
  // Only replies are rendered as Markdown (richText.ts); what the user typed is shown as typed.
  if (m.role === 'assistant') renderRichText(text, m.text);
  else setText(text, m.text);
  const streaming = m.role === 'assistant' && m.streaming === true;
  setAttrs(li, { 'data-streaming': streaming, 'aria-busy': streaming ? 'true' : undefined });
  const typing = li.querySelector<HTMLElement>('.typing');
  if (typing) typing.hidden = !streaming;
}

function typingIndicator(): HTMLElement {
  return h(
    'span',
    { class: 'typing', hidden: true },
    h('span', { class: 'typing-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'typing-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'typing-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'visually-hidden' }, ' (typing)'),
  );
}
