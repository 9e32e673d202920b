import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ConfirmationRequest, WebviewMessage } from '../../../src/shared/protocol';
import { h, icon, replaceChildren } from '../shell/dom';
import { diffView } from './diffView';

type VscodeButton = HTMLElementTagNameMap['vscode-button'];

/**
 * Approve is ignored for this long after the card appears. The card takes
 * focus, and without the delay an Enter meant for the chat input (or a held
 * key) would land on Approve and deploy or delete something nobody read.
 */
export const APPROVE_ARM_MS = 400;

/**
 * The question the host asks before a write or destructive tool runs: the plan
 * (and diff) in full, Approve and Decline, and for a file edit the host holds
 * whole, Review in diff editor. The answer carries the host's
 * per-request token back untouched; the buttons stay disabled after one click
 * until the host clears or replaces the request.
 */
export class ConfirmationCard {
  readonly el: HTMLElement;
  private request: ConfirmationRequest | undefined;
  private approve: VscodeButton | undefined;
  private decline: VscodeButton | undefined;
  private review: VscodeButton | undefined;
  private status: HTMLElement | undefined;
  private answered = false;
  private armed = false;
  private armTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly post: (message: WebviewMessage) => void,
    /** Where focus goes when the card leaves while it held focus. */
    private readonly returnFocus: () => void,
  ) {
    this.el = h('section', {
      id: 'confirmation',
      class: 'confirm-card',
      role: 'alertdialog',
      'aria-modal': 'false',
      'aria-labelledby': 'confirm-title',
      'aria-describedby': 'confirm-plan',
      tabindex: -1,
      hidden: true,
    });
    this.el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !e.isComposing) {
        e.preventDefault();
        this.answer(false);
      }
    });
    // Escape also declines when nothing in particular has focus (after a click on the page).
    document.addEventListener('keydown', (e) => {
      const active = document.activeElement;
      if (e.key === 'Escape' && (!active || active === document.body) && this.request) this.answer(false);
    });
  }

  /** Returns true when the card appeared, changed or went. */
  render(request: ConfirmationRequest | undefined): boolean {
    if (sameRequest(request, this.request)) return false;
    const hadFocus = this.el.contains(document.activeElement);
    this.request = request;
    this.answered = false;
    this.el.removeAttribute('data-answered');
    this.setArmed(false);
    clearTimeout(this.armTimer);
    if (!request) {
      this.el.hidden = true;
      this.el.replaceChildren();
      this.el.removeAttribute('data-risk');
      this.approve = this.decline = this.review = this.status = undefined;
      if (hadFocus) this.returnFocus();
      return true;
    }
    this.build(request);
    this.el.hidden = false;
    this.approve!.focus();
    this.armTimer = setTimeout(() => this.setArmed(true), APPROVE_ARM_MS);
    return true;
  }

  private build(request: ConfirmationRequest): void {
    const destructive = request.risk === 'destructive';
    this.el.setAttribute('data-risk', request.risk);
    this.approve = h(
      'vscode-button',
      // tabindex now, not at lit's first update, so focus() below can land at once.
      { id: 'confirm-approve', class: destructive ? 'danger' : undefined, tabindex: 0 },
      slotIcon(destructive ? 'warning' : 'check'),
      request.approveLabel || 'Approve',
    );
    this.decline = h('vscode-button', { id: 'confirm-decline', secondary: true, tabindex: 0 }, 'Decline');
    this.approve.addEventListener('click', () => {
      if (this.armed) this.answer(true);
    });
    this.decline.addEventListener('click', () => this.answer(false));
    // The whole edit in VS Code's diff editor, at any time; it answers nothing.
    this.review = request.diffEditor
      ? h(
          'vscode-button',
          { id: 'confirm-review', secondary: true, tabindex: 0, 'aria-label': "Review in diff editor: the whole change, in VS Code's own diff view" },
          slotIcon('diff'),
          'Review in diff editor',
        )
      : undefined;
    this.review?.addEventListener('click', () => {
      if (this.request && !this.answered) this.post({ type: 'reviewDiff', id: this.request.id });
    });
    this.status = h('p', { id: 'confirm-status', class: 'confirm-status', role: 'status' });
    const plan = h('dl', { id: 'confirm-plan', class: 'confirm-plan' });
    for (const { label, value } of request.details) {
      plan.append(h('div', { class: 'confirm-row' }, h('dt', {}, label), h('dd', {}, value)));
    }
    replaceChildren(
      this.el,
      h('h3', { id: 'confirm-title', class: 'confirm-title' }, icon(destructive ? 'warning' : 'shield'), h('span', {}, request.title)),
      h('p', { class: 'confirm-tool' }, `${request.tool} · ${destructive ? 'destructive, cannot be undone' : 'makes changes'}`),
      plan,
      request.diff ? diffView(request.diff) : undefined,
      h('div', { class: 'confirm-actions' }, this.approve, this.decline, this.review),
      this.status,
    );
  }

  private answer(approve: boolean): void {
    const request = this.request;
    if (!request || this.answered) return;
    this.answered = true;
    this.post({ type: 'confirm', id: request.id, token: request.token, approve });
    // A disabled button drops focus to <body>; the card keeps the keyboard user in place.
    if (this.el.contains(document.activeElement)) this.el.focus();
    this.approve!.disabled = true;
    this.decline!.disabled = true;
    if (this.review) this.review.disabled = true;
    this.el.setAttribute('data-answered', approve ? 'approved' : 'declined');
    this.status!.textContent = approve ? 'Approved. Waiting for Devgem…' : 'Declined.';
  }

  private setArmed(armed: boolean): void {
    this.armed = armed;
    this.el.toggleAttribute('data-armed', armed);
  }
}

function sameRequest(a: ConfirmationRequest | undefined, b: ConfirmationRequest | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.id === b.id && a.token === b.token);
}

// A slotted glyph: light DOM, so the bundled codicon.css styles it (see header.ts).
function slotIcon(name: string): HTMLElement {
  const glyph = icon(name);
  glyph.setAttribute('slot', 'content-before');
  glyph.classList.add('button-icon');
  return glyph;
}
