// Model replies parsed into a small Markdown tree: no DOM and no HTML, so the
// parser runs (and is unit-tested) in plain Node and richText.ts alone decides
// which elements exist. Raw HTML is never recognised: `<img …>` stays text.
// It is a practical subset of CommonMark + GFM, tuned for chat: a newline
// inside a paragraph is kept (the chat shows it as a line break), and an
// unclosed ``` fence runs to the end, which is what a reply still streaming
// in looks like. Unclosed `**` or `` ` `` stay literal until their closer comes.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'del'; children: Inline[] }
  | { type: 'code'; text: string }
  /** `href` is always an absolute http(s) URL; anything else never becomes a link. */
  | { type: 'link'; href: string; children: Inline[] };

export type Align = 'left' | 'center' | 'right' | undefined;

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  /** `#` is 1, `##` 2, `###` and deeper 3. */
  | { type: 'heading'; level: 1 | 2 | 3; children: Inline[] }
  /** `closed` is false while the closing fence has not arrived. */
  | { type: 'code'; lang: string; text: string; closed: boolean }
  /** Each item is a list of blocks (paragraphs, a nested list …). */
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' }
  | { type: 'table'; align: Align[]; head: Inline[][]; rows: Inline[][][] };

/** Longest URL a link may carry: the host rejects longer ones (messageValidation.ts). */
export const MAX_URL_LENGTH = 2048;

export function parseMarkdown(text: string): Block[] {
  return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n'));
}

/** The URL normalised when it is an absolute http(s) URL the host will open; otherwise undefined. */
export function safeHttpUrl(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- a URL with control characters is refused, not opened
  if (raw.length > MAX_URL_LENGTH || /[\s\u0000-\u001f]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.href.length <= MAX_URL_LENGTH ? url.href : undefined;
}

// ---------------------------------------------------------------- blocks

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

function tableAt(lines: string[], i: number): Align[] | undefined {
  if (i + 1 >= lines.length || !lines[i].includes('|')) return undefined;
  const align = delimiterRow(lines[i + 1]);
  return align && splitRow(lines[i]).length === align.length ? align : undefined;
}

function delimiterRow(line: string): Align[] | undefined {
  if (!line.includes('|')) return undefined;
  const cells = splitRow(line);
  if (!cells.every((c) => /^:?-+:?$/.test(c))) return undefined;
  return cells.map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : undefined));
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '\\' && s[k + 1] === '|') {
      cell += '|';
      k++;
    } else if (s[k] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += s[k];
    }
  }
  cells.push(cell.trim());
  return cells;
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

// ---------------------------------------------------------------- inlines

/** An emphasis delimiter run waiting for its partner (CommonMark's delimiter stack, simplified). */
interface Delim {
  type: 'delim';
  char: '*' | '_' | '~';
  count: number;
  /** The run's length as written, for the "multiple of 3" rule. */
  length: number;
  canOpen: boolean;
  canClose: boolean;
}
type Token = Inline | Delim;

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const WHITESPACE = /\s/u;
/** How far a `[label](url)` is looked for: a stray `[` costs at most this much scanning. */
const MAX_LINK_SCAN = 3000;
const AUTOLINK = /<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/y;
const BARE_URL = /https?:\/\/[^\s<>]+/iy;

export function parseInline(src: string, inLink = false): Inline[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push({ type: 'text', text });
    text = '';
  };
  const push = (token: Token) => {
    flush();
    tokens.push(token);
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length && ESCAPABLE.test(src[i + 1])) {
      text += src[i + 1];
      i += 2;
    } else if (c === '`') {
      const n = runLength(src, i);
      const close = findBackticks(src, i + n, n);
      if (close < 0) {
        text += src.slice(i, i + n);
        i += n;
      } else {
        push({ type: 'code', text: codeSpanText(src.slice(i + n, close)) });
        i = close + n;
      }
    } else if (c === '*' || c === '_' || c === '~') {
      const n = runLength(src, i);
      if (c === '~' && n !== 2) text += src.slice(i, i + n);
      else push(delimiter(src, i, n));
      i += n;
    } else if (!inLink && (c === '[' || (c === '!' && src[i + 1] === '['))) {
      const link = scanLink(src, c === '!' ? i + 1 : i);
      if (!link) {
        text += c;
        i++;
        continue;
      }
      const href = safeHttpUrl(link.dest);
      // Not a web link (javascript:, command:, file:, a relative path …): the source stays as text.
      if (href) push({ type: 'link', href, children: link.label.trim() ? parseInline(link.label, true) : [{ type: 'text', text: href }] });
      else text += src.slice(i, link.end);
      i = link.end;
    } else if (!inLink && c === '<') {
      AUTOLINK.lastIndex = i;
      const m = AUTOLINK.exec(src);
      const href = m ? safeHttpUrl(m[1]) : undefined;
      if (m && href) {
        push({ type: 'link', href, children: [{ type: 'text', text: m[1] }] });
        i += m[0].length;
      } else {
        text += c;
        i++;
      }
    } else if (!inLink && (c === 'h' || c === 'H') && (i === 0 || /[\s(*_~"'[]/.test(src[i - 1]))) {
      const url = bareUrlAt(src, i);
      const href = url ? safeHttpUrl(url) : undefined;
      if (url && href) {
        push({ type: 'link', href, children: [{ type: 'text', text: url }] });
        i += url.length;
      } else {
        text += c;
        i++;
      }
    } else {
      text += c;
      i++;
    }
  }
  flush();
  processEmphasis(tokens);
  return flatten(tokens);
}

function runLength(src: string, i: number): number {
  let n = 1;
  while (src[i + n] === src[i]) n++;
  return n;
}

/** Start of the next run of exactly `n` backticks at or after `from`, or -1. */
function findBackticks(src: string, from: number, n: number): number {
  for (let j = src.indexOf('`', from); j >= 0;) {
    const len = runLength(src, j);
    if (len === n) return j;
    j = src.indexOf('`', j + len);
  }
  return -1;
}

function codeSpanText(raw: string): string {
  const s = raw.replace(/\n/g, ' ');
  return s.length > 2 && s.startsWith(' ') && s.endsWith(' ') && s.trim() !== '' ? s.slice(1, -1) : s;
}

/** CommonMark's flanking rules decide whether a run may open and/or close emphasis. */
function delimiter(src: string, i: number, n: number): Delim {
  const char = src[i] as Delim['char'];
  const before = i > 0 ? src[i - 1] : ' ';
  const after = i + n < src.length ? src[i + n] : ' ';
  const ws = (ch: string) => WHITESPACE.test(ch);
  const punct = (ch: string) => PUNCTUATION.test(ch);
  const left = !ws(after) && (!punct(after) || ws(before) || punct(before));
  const right = !ws(before) && (!punct(before) || ws(after) || punct(after));
  // snake_case_names: an underscore inside a word neither opens nor closes.
  const canOpen = char === '_' ? left && (!right || punct(before)) : left;
  const canClose = char === '_' ? right && (!left || punct(after)) : right;
  return { type: 'delim', char, count: n, length: n, canOpen, canClose };
}

/** Pairs delimiter runs into strong/em/del nodes in place; runs left over become text in `flatten`. */
function processEmphasis(tokens: Token[]): void {
  let i = 0;
  while (i < tokens.length) {
    const closer = tokens[i];
    if (closer.type !== 'delim' || !closer.canClose || closer.count === 0) {
      i++;
      continue;
    }
    const at = findOpener(tokens, i, closer);
    if (at < 0) {
      i++;
      continue;
    }
    const opener = tokens[at] as Delim;
    const used = closer.char === '~' ? 2 : opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    const kind = closer.char === '~' ? 'del' : used === 2 ? 'strong' : 'em';
    const node: Inline = { type: kind, children: flatten(tokens.slice(at + 1, i)) };
    tokens.splice(at + 1, i - at - 1, node);
    opener.count -= used;
    closer.count -= used;
    i = at + 2;
    if (opener.count === 0) {
      tokens.splice(at, 1);
      i--;
    }
    if (closer.count === 0) tokens.splice(i, 1);
  }
}

function findOpener(tokens: Token[], closerAt: number, closer: Delim): number {
  for (let j = closerAt - 1; j >= 0; j--) {
    const t = tokens[j];
    if (t.type !== 'delim' || t.char !== closer.char || !t.canOpen || t.count === 0) continue;
    if (closer.char === '~' && (t.count !== 2 || closer.count !== 2)) continue;
    // CommonMark's rule of three keeps `*foo**bar*` from pairing the wrong runs.
    const both = t.canClose || closer.canOpen;
    if (both && (t.length + closer.length) % 3 === 0 && !(t.length % 3 === 0 && closer.length % 3 === 0)) continue;
    return j;
  }
  return -1;
}

/** Leftover delimiters become text; neighbouring text merges. */
function flatten(tokens: Token[]): Inline[] {
  const out: Inline[] = [];
  for (const t of tokens) {
    const node: Inline = t.type === 'delim' ? { type: 'text', text: t.char.repeat(t.count) } : t;
    const last = out[out.length - 1];
    if (node.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + node.text };
    else if (node.type !== 'text' || node.text) out.push(node);
  }
  return out;
}

interface LinkParts {
  label: string;
  dest: string;
  /** Index just past the closing `)`. */
  end: number;
}

/** `[label](dest "title")` starting at the `[` at `i`, or undefined. */
function scanLink(src: string, i: number): LinkParts | undefined {
  const limit = Math.min(src.length, i + MAX_LINK_SCAN);
  let depth = 0;
  let j = i;
  for (; j < limit; j++) {
    const ch = src[j];
    if (ch === '\\') j++;
    else if (ch === '`') {
      const n = runLength(src, j);
      const close = findBackticks(src, j + n, n);
      j = (close < 0 ? j : close) + n - 1;
    } else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) break;
  }
  if (j >= limit || src[j + 1] !== '(') return undefined;
  const label = src.slice(i + 1, j);
  let k = skipSpace(src, j + 2);
  let dest: string;
  if (src[k] === '<') {
    const close = src.indexOf('>', k);
    if (close < 0 || /[\n<]/.test(src.slice(k + 1, close))) return undefined;
    dest = src.slice(k + 1, close);
    k = close + 1;
  } else {
    const start = k;
    let parens = 0;
    for (; k < limit; k++) {
      const ch = src[k];
      if (ch === '\\' && k + 1 < src.length) k++;
      else if (WHITESPACE.test(ch)) break;
      else if (ch === '(') parens++;
      else if (ch === ')') {
        if (parens === 0) break;
        parens--;
      }
    }
    dest = src.slice(start, k).replace(/\\([!-/:-@[-`{-~])/g, '$1');
  }
  k = skipSpace(src, k);
  const quote = src[k];
  if (quote === '"' || quote === "'" || quote === '(') {
    const close = src.indexOf(quote === '(' ? ')' : quote, k + 1);
    if (close < 0) return undefined;
    k = skipSpace(src, close + 1);
  }
  if (src[k] !== ')') return undefined;
  return { label, dest, end: k + 1 };
}

function skipSpace(src: string, k: number): number {
  while (k < src.length && (src[k] === ' ' || src[k] === '\t' || src[k] === '\n')) k++;
  return k;
}

/** A bare http(s) URL at `i`, without the sentence punctuation that usually follows one. */
function bareUrlAt(src: string, i: number): string | undefined {
  BARE_URL.lastIndex = i;
  const m = BARE_URL.exec(src);
  if (!m) return undefined;
  let url = m[0];
  for (;;) {
    const last = url[url.length - 1];
    const count = (ch: string) => url.split(ch).length - 1;
    if (/[.,:;!?'"*_~]/.test(last)) url = url.slice(0, -1);
    else if (last === ')' && count('(') < count(')')) url = url.slice(0, -1);
    else if (last === ']' && count('[') < count(']')) url = url.slice(0, -1);
    else break;
  }
  return url;
}
