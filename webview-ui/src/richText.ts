import { h } from './dom';

// Model replies as inert DOM: plain text, with ``` fenced blocks shown as
// <pre><code>. Nothing here parses HTML; every string lands in a Text node.

export type Segment = { kind: 'text'; text: string } | { kind: 'code'; lang: string; text: string };

const OPEN_FENCE = /^ {0,3}(`{3,})([^`]*)$/;

/**
 * Splits Markdown-ish text at ``` fences. An unclosed fence runs to the end,
 * which is what a reply still streaming in looks like. Text without fences is
 * one segment equal to the input.
 */
export function splitFences(text: string): Segment[] {
  const segments: Segment[] = [];
  let buffer: string[] = [];
  let fence: { length: number; lang: string } | undefined;
  const flush = () => {
    if (fence) segments.push({ kind: 'code', lang: fence.lang, text: buffer.join('\n') });
    else if (buffer.length && buffer.join('\n') !== '') segments.push({ kind: 'text', text: buffer.join('\n') });
    buffer = [];
  };
  for (const line of text.split('\n')) {
    if (!fence) {
      const open = OPEN_FENCE.exec(line);
      if (open) {
        flush();
        fence = { length: open[1].length, lang: open[2].trim() };
      } else {
        buffer.push(line);
      }
    } else if (isClosingFence(line, fence.length)) {
      flush();
      fence = undefined;
    } else {
      buffer.push(line);
    }
  }
  flush();
  return segments;
}

function isClosingFence(line: string, length: number): boolean {
  const m = /^ {0,3}(`+)\s*$/.exec(line);
  return m !== null && m[1].length >= length;
}

/**
 * Makes `container` show `text`, touching as little DOM as possible: a segment
 * that only grew gets the new characters appended to its Text node, so a
 * selection or scroll position inside an earlier part of a streaming reply
 * survives each chunk.
 */
export function renderRichText(container: Element, text: string): void {
  const segments = splitFences(text);
  const nodes = Array.from(container.childNodes);
  let i = 0;
  for (; i < segments.length; i++) {
    const seg = segments[i];
    const node = nodes[i];
    const textNode = node && textNodeFor(node, seg);
    if (textNode && seg.text.startsWith(textNode.data)) {
      if (seg.text.length > textNode.data.length) textNode.appendData(seg.text.slice(textNode.data.length));
      continue;
    }
    const fresh = segmentNode(seg);
    if (node) container.replaceChild(fresh, node);
    else container.append(fresh);
  }
  for (const extra of nodes.slice(i)) extra.remove();
}

/** The Text node holding a segment's characters, if `node` renders a segment of the same kind. */
function textNodeFor(node: ChildNode, seg: Segment): Text | undefined {
  if (seg.kind === 'text') return node instanceof Text ? node : undefined;
  if (!(node instanceof HTMLPreElement) || node.dataset.lang !== seg.lang) return undefined;
  const code = node.firstChild;
  if (!code) return undefined;
  if (!code.firstChild) code.appendChild(document.createTextNode(''));
  return code.firstChild instanceof Text ? code.firstChild : undefined;
}

function segmentNode(seg: Segment): Node {
  if (seg.kind === 'text') return document.createTextNode(seg.text);
  const pre = h('pre', { class: 'chat-code', 'data-lang': seg.lang, tabindex: 0 }, h('code', {}, seg.text));
  if (seg.lang) pre.setAttribute('aria-label', `${seg.lang} code`);
  return pre;
}
