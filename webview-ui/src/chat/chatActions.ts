import type { WebviewMessage } from '../../../src/shared/protocol';
import { icon } from '../shell/dom';
import { safeHttpUrl } from './markdown/safeHttpUrl';

// Clicks inside rendered replies, handled once for the whole conversation
// (nodes are patched in place, so per-node listeners would be easy to lose).
// The webview never navigates: links and code actions become host requests.

/** The host takes a language id only in this shape (messageValidation.ts). */
const LANGUAGE = /^[\w+#.-]{1,40}$/;
/** How long a code action shows its check mark. */
const DONE_MS = 1500;

export function bindChatActions(root: HTMLElement, post: (message: WebviewMessage) => void): void {
  const onLink = (e: MouseEvent) => {
    const link = closest(e.target, 'a');
    if (!link || !root.contains(link)) return false;
    // VS Code's webview frame opens any clicked <a href> itself when the click
    // reaches its window listener: stopping here keeps it to our one request.
    e.preventDefault();
    e.stopPropagation();
    const url = safeHttpUrl(link.getAttribute('href') ?? '');
    if (url) post({ type: 'openUrl', url });
    return true;
  };
  root.addEventListener('click', (e) => {
    if (onLink(e)) return;
    const button = closest(e.target, 'button.code-action');
    if (button instanceof HTMLButtonElement && !button.disabled && root.contains(button)) runCodeAction(button, post);
  });
  // Middle click would open a link in a new browser tab; it opens it the same way as a click.
  root.addEventListener('auxclick', (e) => {
    if (e.button === 1) onLink(e);
  });
}

function closest(target: EventTarget | null, selector: string): Element | null {
  const el = target instanceof Element ? target : target instanceof Node ? target.parentElement : null;
  return el?.closest(selector) ?? null;
}

function runCodeAction(button: HTMLButtonElement, post: (message: WebviewMessage) => void): void {
  const pre = button.closest('pre');
  const code = pre?.querySelector(':scope > code')?.textContent ?? '';
  if (!pre || !code) return;
  const action = button.dataset.action;
  if (action === 'copy') {
    post({ type: 'copyText', text: code });
  } else if (action === 'insert') {
    const lang = pre.dataset.lang ?? '';
    post(LANGUAGE.test(lang) ? { type: 'insertCode', code, language: lang } : { type: 'insertCode', code });
  } else {
    return;
  }
  showDone(button);
}

/** A brief check mark where the icon was; the button keeps its label for screen readers. */
function showDone(button: HTMLButtonElement): void {
  const original = button.querySelector('.codicon');
  if (!original || button.dataset.done) return;
  button.dataset.done = 'true';
  const check = icon('check');
  original.replaceWith(check);
  setTimeout(() => {
    delete button.dataset.done;
    if (check.isConnected) check.replaceWith(original);
  }, DONE_MS);
}
