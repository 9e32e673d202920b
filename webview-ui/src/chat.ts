import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { MAX_CHAT_TEXT, type ChatMessage, type WebviewMessage } from '../../src/shared/protocol';
import { ChatHistory } from './chatHistory';
import { h, setAttrs, setText } from './dom';

const ROLE_LABELS: Record<string, string> = { user: 'You', assistant: 'Devgem' };

/**
 * The conversation as plain text (line breaks kept by CSS; no Markdown or HTML
 * is interpreted) and the input that posts `chat`.
 */
export class Chat {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly input: HTMLElementTagNameMap['vscode-textarea'];
  private readonly history = new ChatHistory();

  constructor(private readonly post: (message: WebviewMessage) => void) {
    this.list = h('ol', { id: 'chat-log', class: 'chat-log', 'aria-label': 'Conversation' });
    this.input = h('vscode-textarea', {
      id: 'chat-input',
      class: 'chat-input',
      rows: 2,
      resize: 'vertical',
      label: 'Message Devgem',
      placeholder: 'Ask Devgem… (Enter to send, Shift+Enter for a new line)',
    });
    this.input.maxLength = MAX_CHAT_TEXT;
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.input.addEventListener('input', () => this.history.reset());
    const send = h('vscode-button', { id: 'chat-send', class: 'chat-send' }, 'Send');
    send.addEventListener('click', () => this.send());
    this.el = h(
      'section',
      { class: 'chat', 'aria-label': 'Chat' },
      h('h2', { class: 'visually-hidden' }, 'Chat'),
      this.list,
      h('div', { class: 'composer' }, this.input, send),
    );
  }

  render(messages: ChatMessage[]): void {
    const items = this.list.children;
    let appended: Element | undefined;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      const existing = items[i] as HTMLElement | undefined;
      if (existing && existing.dataset.id === m.id && existing.dataset.role === m.role) {
        // Streaming replies grow in place.
        setText(existing.querySelector('.chat-text')!, m.text);
        continue;
      }
      while (items.length > i) items[items.length - 1].remove();
      appended = messageNode(m);
      this.list.append(appended);
    }
    while (items.length > messages.length) items[items.length - 1].remove();
    this.list.hidden = messages.length === 0;
    appended?.scrollIntoView({ block: 'nearest' });
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.isComposing) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.send();
    } else if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && this.history.canNavigate(this.input.value)) {
      const recalled = e.key === 'ArrowUp' ? this.history.previous() : this.history.next();
      if (recalled === undefined) return;
      e.preventDefault();
      this.setValue(recalled);
    }
  }

  private send(): void {
    const text = this.input.value.trim().slice(0, MAX_CHAT_TEXT);
    if (!text) return;
    this.post({ type: 'chat', text });
    this.history.push(text);
    this.setValue('');
  }

  private setValue(value: string): void {
    this.input.value = value;
    // Put the caret after recalled text once lit has re-rendered the inner textarea.
    void this.input.updateComplete.then(() => {
      const ta = this.input.wrappedElement;
      ta?.setSelectionRange(value.length, value.length);
    });
  }
}

function messageNode(m: ChatMessage): HTMLLIElement {
  const li = h(
    'li',
    { class: 'chat-msg' },
    h('div', { class: 'chat-role' }, ROLE_LABELS[m.role] ?? m.role),
    h('div', { class: 'chat-text' }, m.text),
  );
  setAttrs(li, { 'data-id': m.id, 'data-role': m.role });
  return li;
}
