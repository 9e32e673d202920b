import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { AgentStatus, WebviewMessage } from '../../../src/shared/protocol';
import { h, icon, setText } from '../shell/dom';

export const OFFLINE_MODE_TEXT = 'AI is off — I understand deploy, status, logs, env, rollback, help.';
export const BUSY_HINT_TEXT = 'Devgem is working… (Stop to interrupt)';

/**
 * The agent's state around the chat input: which model answers (or that none
 * does), and while it works, Stop and a hint saying why Send is disabled.
 */
export class AgentBar {
  readonly modeLine: HTMLElement;
  readonly stopButton: HTMLElementTagNameMap['vscode-button'];
  /** A polite live region: the hint is read out when the agent starts and is empty otherwise. */
  readonly busyHint: HTMLElement;
  private readonly modeText: HTMLElement;
  private readonly modeIcon: HTMLElement;

  constructor(
    post: (message: WebviewMessage) => void,
    /** Where focus goes when Stop disappears under the keyboard user. */
    private readonly returnFocus: () => void,
  ) {
    this.modeIcon = icon('sparkle');
    this.modeText = h('span', {});
    this.modeLine = h('p', { id: 'agent-mode', class: 'agent-mode', hidden: true }, this.modeIcon, this.modeText);
    const glyph = icon('debug-stop');
    glyph.setAttribute('slot', 'content-before');
    glyph.classList.add('button-icon');
    this.stopButton = h('vscode-button', { id: 'chat-stop', class: 'chat-stop', secondary: true, hidden: true }, glyph, 'Stop');
    this.stopButton.addEventListener('click', () => {
      if (!this.stopButton.hidden && !this.stopButton.disabled) post({ type: 'stop' });
    });
    this.busyHint = h('span', { id: 'chat-busy-hint', class: 'busy-hint', 'aria-live': 'polite' });
  }

  /** Returns whether the agent is busy (Send is disabled meanwhile). */
  render(agent: AgentStatus | undefined): boolean {
    this.modeLine.hidden = !agent;
    if (agent) {
      const offline = agent.mode === 'offline';
      this.modeLine.toggleAttribute('data-offline', offline);
      this.modeIcon.className = `codicon codicon-${offline ? 'circle-slash' : 'sparkle'}`;
      setText(this.modeText, offline ? OFFLINE_MODE_TEXT : `AI: ${agent.model || 'Gemini'}`);
    }
    const busy = agent?.busy === true;
    const stopHadFocus = document.activeElement === this.stopButton;
    this.stopButton.hidden = !busy;
    if (stopHadFocus && !busy) this.returnFocus();
    setText(this.busyHint, busy ? BUSY_HINT_TEXT : '');
    return busy;
  }
}
