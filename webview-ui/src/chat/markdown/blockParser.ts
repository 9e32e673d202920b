// The block structure of a reply: paragraphs, headings, fenced code, lists,
// quotes, rules and tables. Tuned for chat: a newline inside a paragraph is
// kept (the chat shows it as a line break), and an unclosed ``` fence runs to
// the end, which is what a reply still streaming in looks like.
import { parseInline } from './inlineParser';
import type { Align, Block, Inline } from './markdownTree';
import { splitRow, tableAt } from './tableRows';

export function parseMarkdown(text: string): Block[] {
  return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n'));
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const ITEM = /^([-*+]|(\d{1,9})[.)])(?:([ \t]+)(.*))?$/;

interface Fence {
  indent: number;
  marker: string;
  lang: string;
}

interface ItemStart {
  indent: number;
  ordered: boolean;
  start: number;
  content: string;
  /** Lines indented at least this much belong to the item. */
  contentIndent: number;
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = fenceAt(line);
    if (fence) {
      i = parseFence(lines, i, fence, blocks);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const content = (heading[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
      const level = Math.min(heading[1].length, 3) as 1 | 2 | 3;
      blocks.push({ type: 'heading', level, children: parseInline(content) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      i = parseQuote(lines, i, blocks);
      continue;
    }
    const item = itemAt(line);
    if (item && item.indent <= 3) {
      i = parseList(lines, i, item, blocks);
      continue;
    }
    const align = tableAt(lines, i);
    if (align) {
      i = parseTable(lines, i, align, blocks);
      continue;
    }
    const para = [line.trim()];
    for (i++; i < lines.length && !isBlank(lines[i]) && !interrupts(lines, i); i++) para.push(lines[i].trim());
    blocks.push({ type: 'paragraph', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Whether line `i` starts a block that ends the paragraph above it. */
function interrupts(lines: string[], i: number): boolean {
  const line = lines[i];
  const item = itemAt(line);
  return (
    fenceAt(line) !== undefined ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    (item !== undefined && item.indent <= 3 && item.content !== '') ||
    tableAt(lines, i) !== undefined
  );
}

function fenceAt(line: string): Fence | undefined {
  const m = FENCE_OPEN.exec(line);
  if (!m) return undefined;
  // A backtick fence's info string may not contain backticks (that is inline code).
  if (m[2][0] === '`' && m[3].includes('`')) return undefined;
  return {
    indent: m[1].length,
    marker: m[2],
    lang: m[3]
      .trim()
      .split(/\s+/)[0]
      .replace(/^\{?\.?/, '')
      .replace(/\}$/, ''),
  };
}

function isClosingFence(line: string, fence: Fence): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1][0] === fence.marker[0] && m[1].length >= fence.marker.length;
}

function parseFence(lines: string[], i: number, fence: Fence, out: Block[]): number {
  const body: string[] = [];
  for (let j = i + 1; j < lines.length; j++) {
    if (isClosingFence(lines[j], fence)) {
      out.push({ type: 'code', lang: fence.lang, text: body.join('\n'), closed: true });
      return j + 1;
    }
    body.push(stripColumns(lines[j], fence.indent));
  }
  out.push({ type: 'code', lang: fence.lang, text: body.join('\n'), closed: false });
  return lines.length;
}

function parseQuote(lines: string[], i: number, out: Block[]): number {
  const body: string[] = [];
  let j = i;
  for (; j < lines.length; j++) {
    const line = lines[j];
    const m = QUOTE.exec(line);
    if (m) body.push(line.slice(m[0].length));
    // A lazy line: paragraph text continued without its `>`.
    else if (!isBlank(line) && !isBlank(body[body.length - 1]) && !interrupts(lines, j)) body.push(line);
    else break;
  }
  out.push({ type: 'quote', children: parseBlocks(body) });
  return j;
}

function itemAt(line: string): ItemStart | undefined {
  const indent = indentWidth(line);
  const m = ITEM.exec(line.trimStart());
  if (!m) return undefined;
  const marker = m[1];
  const spaces = m[3] ? indentWidth(m[3]) : 0;
  const content = m[4] ?? '';
  // One to four spaces after the marker set where the item's text starts; more count as one.
  const gap = content === '' || spaces > 4 ? 1 : spaces;
  return {
    indent,
    ordered: m[2] !== undefined,
    start: m[2] !== undefined ? Number(m[2]) : 1,
    content: content.trim(),
    contentIndent: indent + marker.length + gap,
  };
}

function parseList(lines: string[], i: number, first: ItemStart, out: Block[]): number {
  const items: Block[][] = [];
  let item = first;
  let j = i;
  for (;;) {
    const body = [item.content];
    for (j++; j < lines.length; j++) {
      const line = lines[j];
      if (isBlank(line)) {
        // A blank line stays in the item only when the next text is indented into it.
        let k = j;
        while (k < lines.length && isBlank(lines[k])) k++;
        if (k < lines.length && indentWidth(lines[k]) >= item.contentIndent) {
          for (; j < k; j++) body.push('');
          j--;
          continue;
        }
        break;
      }
      const width = indentWidth(line);
      const nested = itemAt(line);
      // Models often indent a sub-list by two spaces under "1. ", short of the
      // item's text: take any item indented past this one's marker as nested.
      if (width >= item.contentIndent || (nested && width >= item.indent + 2)) {
        body.push(stripColumns(line, item.contentIndent));
      } else if (!nested && !isBlank(body[body.length - 1]) && !interrupts(lines, j)) {
        body.push(line.trim());
      } else {
        break;
      }
    }
    items.push(parseBlocks(body));
    let k = j;
    while (k < lines.length && isBlank(lines[k])) k++;
    const next = k < lines.length ? itemAt(lines[k]) : undefined;
    if (!next || next.ordered !== first.ordered || next.indent > 3 || RULE.test(lines[k])) break;
    item = next;
    j = k;
  }
  out.push({ type: 'list', ordered: first.ordered, start: first.start, items });
  return j;
}

/** Columns of leading whitespace, a tab reaching the next multiple of four. */
function indentWidth(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col++;
    else if (ch === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

/** Removes up to `n` columns of leading whitespace; a tab that straddles `n` leaves spaces. */
function stripColumns(line: string, n: number): string {
  let col = 0;
  let k = 0;
  while (k < line.length && col < n) {
    const ch = line[k];
    if (ch === ' ') col++;
    else if (ch === '\t') col += 4 - (col % 4);
    else break;
    k++;
  }
  return ' '.repeat(Math.max(0, col - n)) + line.slice(k);
}

function parseTable(lines: string[], i: number, align: Align[], out: Block[]): number {
  const cells = (line: string) => {
    const row = splitRow(line).slice(0, align.length);
    while (row.length < align.length) row.push('');
    return row.map((c) => parseInline(c));
  };
  const head = cells(lines[i]);
  const rows: Inline[][][] = [];
  let j = i + 2;
  for (; j < lines.length && lines[j].includes('|') && !isBlank(lines[j]) && !interrupts(lines, j); j++) rows.push(cells(lines[j]));
  out.push({ type: 'table', align, head, rows });
  return j;
}
