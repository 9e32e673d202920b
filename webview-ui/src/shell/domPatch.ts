// Brings a live subtree in line with a freshly built one, node by node, so a
// streaming reply can be rebuilt on every chunk without losing what the
// reader holds: a node of the same kind at the same place is kept (its text
// appended to when it only grew), so selections, focus and scroll survive.

/**
 * Attributes this renderer sets and may take away again. Anything else on a
 * kept node (set by a test, an extension, assistive tooling) is left alone.
 */
const MANAGED_ATTRIBUTES = [
  'class',
  'href',
  'title',
  'start',
  'tabindex',
  'role',
  'aria-label',
  'aria-hidden',
  'data-lang',
  'data-align',
  'data-action',
  'disabled',
  'type',
];

/** Makes `target`'s children match `source`'s, reusing or adopting nodes; `source` is consumed. */
export function patchChildren(target: Node, source: Node): void {
  let current = target.firstChild;
  for (const fresh of Array.from(source.childNodes)) {
    if (current && sameKind(current, fresh)) {
      patchNode(current, fresh);
      current = current.nextSibling;
    } else if (current) {
      target.replaceChild(fresh, current);
      current = fresh.nextSibling;
    } else {
      target.appendChild(fresh);
    }
  }
  while (current) {
    const next = current.nextSibling;
    target.removeChild(current);
    current = next;
  }
}

function sameKind(a: Node, b: Node): boolean {
  return a.nodeType === b.nodeType && a.nodeName === b.nodeName;
}

function patchNode(live: Node, fresh: Node): void {
  if (live instanceof Text) {
    const text = (fresh as Text).data;
    if (live.data === text) return;
    if (text.startsWith(live.data)) live.appendData(text.slice(live.data.length));
    else live.data = text;
    return;
  }
  if (live instanceof Element && fresh instanceof Element) {
    for (const { name, value } of Array.from(fresh.attributes)) {
      if (live.getAttribute(name) !== value) live.setAttribute(name, value);
    }
    for (const name of MANAGED_ATTRIBUTES) {
      if (!fresh.hasAttribute(name)) live.removeAttribute(name);
    }
    patchChildren(live, fresh);
  }
}
