// The only way this webview builds DOM. It sets text with `textContent` and
// values with `setAttribute`, never HTML, so model output and build logs stay
// inert however they are spelled.

export type Attrs = Record<string, string | number | boolean | undefined>;
export type Child = Node | string | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

/** `true` sets an empty attribute, `false`/`undefined` removes it. */
export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(el: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `el`. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** A codicon glyph; decorative, so hidden from screen readers. */
export function icon(name: string, ...modifiers: string[]): HTMLSpanElement {
  const classes = ['codicon', `codicon-${name}`, ...modifiers.map((m) => `codicon-modifier-${m}`)];
  return h('span', { class: classes.join(' '), 'aria-hidden': 'true' });
}

/** Sets text only when it changed, so live timers do not churn the DOM. */
export function setText(el: Node, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
