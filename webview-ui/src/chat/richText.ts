import { MAX_CODE_TEXT } from '../../../src/shared/protocol';
import { h, icon } from '../shell/dom';
import { patchChildren } from '../shell/domPatch';
import { parseMarkdown } from './markdown/blockParser';
import type { Block, Inline } from './markdown/markdownTree';

// Model replies as DOM built from the Markdown tree: every string lands in a
// Text node or an attribute, never in HTML, so markup in a reply stays inert.
// The message box keeps `white-space: pre-wrap`, so a paragraph is its inline
// nodes directly (a newline in it shows as a line break) and paragraphs are
// parted by a blank line; lists, quotes, headings and code are elements.

/**
 * Makes `container` show `text` as Markdown, touching as little DOM as
 * possible: the new tree is built aside and patched in, so a node that only
 * grew keeps its identity (and a selection in it) as a reply streams in, and
 * rendering a finished reply again changes nothing.
 */
export function renderRichText(container: Element, text: string): void {
  const fresh = document.createElement('div');
  appendBlocks(fresh, parseMarkdown(text));
  fresh.normalize();
  patchChildren(container, fresh);
}

function appendBlocks(parent: Element, blocks: Block[]): void {
  let previous: Block | undefined;
  for (const block of blocks) {
    if (block.type === 'paragraph') {
      if (previous?.type === 'paragraph') parent.append('\n\n');
      appendInlines(parent, block.children);
    } else {
      parent.append(blockNode(block));
    }
    previous = block;
  }
}

function blockNode(block: Exclude<Block, { type: 'paragraph' }>): Node {
  switch (block.type) {
    case 'heading': {
      const el = h(HEADING_TAGS[block.level], { class: 'md-heading' });
      appendInlines(el, block.children);
      return el;
    }
    case 'code':
      return codeBlock(block.lang, block.text);
    case 'list': {
      const list = block.ordered ? h('ol', { class: 'md-list', start: block.start === 1 ? undefined : block.start }) : h('ul', { class: 'md-list' });
      for (const item of block.items) {
        const li = h('li');
        appendBlocks(li, item);
        list.append(li);
      }
      return list;
    }
    case 'quote': {
      const quote = h('blockquote', { class: 'md-quote' });
      appendBlocks(quote, block.children);
      return quote;
    }
    case 'rule':
      return h('hr', { class: 'md-rule' });
    case 'table':
      return table(block);
  }
}

/** `#` under the chat's own visually hidden <h2>, small: the sidebar is narrow. */
const HEADING_TAGS = { 1: 'h3', 2: 'h4', 3: 'h5' } as const;

function appendInlines(parent: Element, inlines: Inline[]): void {
  for (const node of inlines) parent.append(inlineNode(node));
}

function inlineNode(node: Inline): Node {
  switch (node.type) {
    case 'text':
      return document.createTextNode(node.text);
    case 'code':
      return h('code', { class: 'md-code' }, node.text);
    case 'link': {
      // The parser only makes links of http(s) URLs; chatActions.ts turns a click into `openUrl`.
      const a = h('a', { class: 'md-link', href: node.href, title: node.href });
      appendInlines(a, node.children);
      return a;
    }
    default: {
      const el = h(node.type, {});
      appendInlines(el, node.children);
      return el;
    }
  }
}

/**
 * A <pre> whose text is exactly the code: the toolbar holds no text (icon
 * buttons with labels, the language drawn by CSS from `data-lang`), so
 * selecting and copying the block by hand gets only the code.
 */
function codeBlock(lang: string, code: string): HTMLPreElement {
  const pre = h('pre', { class: 'chat-code', 'data-lang': lang, tabindex: 0, 'aria-label': lang ? `${lang} code` : 'Code' });
  const tooLong = code.length > MAX_CODE_TEXT;
  const unusable = code === '' || tooLong;
  const why = tooLong ? ' (too long: select the text instead)' : '';
  const toolbar = h(
    'span',
    { class: 'code-toolbar' },
    h('span', { class: 'code-lang', 'data-lang': lang, 'aria-hidden': 'true' }),
    actionButton('copy', 'copy', `Copy${why}`, unusable),
    actionButton('insert', 'insert', `Insert into editor${why}`, unusable),
  );
  pre.append(toolbar, h('code', {}, code));
  return pre;
}

function actionButton(action: string, codicon: string, label: string, disabled: boolean): HTMLButtonElement {
  return h('button', { type: 'button', class: 'code-action', 'data-action': action, 'aria-label': label, title: label, disabled }, icon(codicon));
}

function table(block: Extract<Block, { type: 'table' }>): HTMLElement {
  const row = (cells: Inline[][], tag: 'th' | 'td') => {
    const tr = h('tr');
    cells.forEach((cell, i) => {
      // Alignment as data, not a style attribute: the page's CSP allows no inline styles.
      const el = h(tag, { 'data-align': block.align[i] });
      appendInlines(el, cell);
      tr.append(el);
    });
    return tr;
  };
  const body = h('tbody');
  for (const cells of block.rows) body.append(row(cells, 'td'));
  // The wrapper scrolls sideways in a narrow sidebar instead of the page.
  return h('div', { class: 'md-table', tabindex: 0, role: 'region', 'aria-label': 'Table' }, h('table', {}, h('thead', {}, row(block.head, 'th')), body));
}
