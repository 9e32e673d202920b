import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { MAX_CHAT_TEXT, type ChatMessage, type ViewSnapshot, type WebviewMessage } from '../../../src/shared/protocol';
import { AgentBar } from './agentBar';
import { bindChatActions } from './chatActions';
import { ChatHistory } from './chatHistory';
import { ConfirmationCard } from './confirmationCard';
import { h } from '../shell/dom';
import { createMessage, rendersMessage, updateMessage } from './messageView';

/** The longest reply read out in full by the live region; the rest is in the log. */
const ANNOUNCE_CHARS = 400;

/**
 * The conversation (messages, tool-call cards, the pending confirmation) and
 * the input that posts `chat`. Text is never parsed as HTML; see dom.ts.
 */
export class Chat {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly input: HTMLElementTagNameMap['vscode-textarea'];
  private readonly sendButton: HTMLElementTagNameMap['vscode-button'];
  private readonly agentBar: AgentBar;
  private readonly confirmation: ConfirmationCard;
  private readonly announcer: HTMLElement;
  private readonly history = new ChatHistory();
  /** What each node last showed, to skip unchanged messages and notice finished replies. */
  private readonly shown = new WeakMap<Element, { message: ChatMessage; json: string }>();
  private busy = false;

  constructor(private readonly post: (message: WebviewMessage) => void) {
    const focusInput = () => this.input.focus();
    this.list = h('ol', { id: 'chat-log', class: 'chat-log', 'aria-label': 'Conversation' });
    bindChatActions(this.list, post);
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
    this.sendButton = h('vscode-button', { id: 'chat-send', class: 'chat-send' }, 'Send');
    this.sendButton.addEventListener('click', () => this.send());
    this.agentBar = new AgentBar(post, focusInput);
    this.confirmation = new ConfirmationCard(post, focusInput);
    this.announcer = h('div', { id: 'chat-announcer', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.el = h(
      'section',
      { class: 'chat', 'aria-label': 'Chat' },
      h('h2', { class: 'visually-hidden' }, 'Chat'),
      this.list,
      this.confirmation.el,
      h(
        'div',
        { class: 'composer' },
        this.agentBar.modeLine,
        this.input,
        h('div', { class: 'composer-actions' }, this.agentBar.busyHint, this.agentBar.stopButton, this.sendButton),
      ),
      this.announcer,
    );
  }

  /** Returns true when the conversation changed (the caller keeps the bottom in view). */
  render(snapshot: Pick<ViewSnapshot, 'chat' | 'agent' | 'confirmation'>, announce: boolean): boolean {
    this.busy = this.agentBar.render(snapshot.agent);
    this.sendButton.disabled = this.busy;
    const changed = this.renderMessages(snapshot.chat, announce);
    return this.confirmation.render(snapshot.confirmation) || changed;
  }

  /**
   * Keyed by message id: a node is reused for its message wherever it moves, and
   * only moved when out of order, so focus inside an expanded card survives.
   */
  private renderMessages(messages: ChatMessage[], announce: boolean): boolean {
    const byId = new Map<string, Element>();
    for (const el of Array.from(this.list.children)) byId.set((el as HTMLElement).dataset.id ?? '', el);
    const kept = new Set<Element>();
    let changed = false;
    let finished: ChatMessage | undefined;
    let cursor = this.list.firstElementChild;
    for (const m of messages) {
      let node = byId.get(m.id);
      const json = JSON.stringify(m);
      const before = node && this.shown.get(node);
      if (node && !kept.has(node) && rendersMessage(node, m)) {
        if (before?.json !== json) {
          updateMessage(node as HTMLElement, m);
          changed = true;
        }
      } else {
        node = createMessage(m);
        changed = true;
      }
      if (before?.json !== json && isFinished(m, before?.message)) finished = m;
      this.shown.set(node, { message: m, json });
      kept.add(node);
      if (node === cursor) cursor = cursor.nextElementSibling;
      else this.list.insertBefore(node, cursor);
    }
    for (const el of Array.from(this.list.children)) {
      if (kept.has(el)) continue;
      el.remove();
      changed = true;
    }
    this.list.hidden = messages.length === 0;
    if (announce && finished) this.announce(finished);
    return changed;
  }

  private announce(m: ChatMessage): void {
    const text = m.text.length > ANNOUNCE_CHARS ? `${m.text.slice(0, ANNOUNCE_CHARS)}…` : m.text;
    this.announcer.textContent = m.role === 'assistant' ? `Devgem: ${text}` : text;
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

  /** While the agent works the draft stays in the input; Stop is the way to interrupt. */
  private send(): void {
    if (this.busy) return;
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

/** A reply that has just finished arriving, or a new notice: worth reading out. */
function isFinished(m: ChatMessage, before: ChatMessage | undefined): boolean {
  if (m.role === 'notice') return before === undefined;
  return m.role === 'assistant' && !m.streaming && (before === undefined || before.streaming === true);
}
