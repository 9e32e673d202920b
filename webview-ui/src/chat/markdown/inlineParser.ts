// The text inside a block: emphasis, code spans, links and bare URLs. Raw HTML
// is never recognised: `<img …>` stays text. Unclosed `**` or `` ` `` stay
// literal until their closer comes.
import type { Inline } from './markdownTree';
import { safeHttpUrl } from './safeHttpUrl';

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
