// A `.env` file parser: `KEY=value` lines, `#` comments, an optional `export `,
// single quotes (literal), double quotes (escapes \n \r \t \" \\, may span
// lines), backquotes (literal, may span lines), blank values. A later duplicate
// wins and is reported. Problems name the line (and a valid key), never any
// other text of the file: what looks like a key may be a piece of a value.

export interface DotenvEntry {
  key: string;
  value: string;
  /** 1-based line the entry starts on. */
  line: number;
}

export interface DotenvResult {
  /** One per key, in first-seen order, holding the last value. */
  entries: DotenvEntry[];
  /** Lines that are not `KEY=value`; the text never quotes a value. */
  problems: { line: number; message: string }[];
  /** Keys set more than once (the last one wins, as dotenv does). */
  duplicates: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/** Reads a quoted value starting after its opening quote at `pos`; returns the value and where parsing continues. */
function readQuoted(text: string, pos: number, quote: string): { value: string; end: number } | undefined {
  let out = '';
  for (let i = pos; i < text.length; i++) {
    const ch = text[i];
    if (ch === quote) return { value: out, end: i + 1 };
    if (ch === '\\' && quote === '"' && i + 1 < text.length) {
      const next = text[i + 1];
      out += ESCAPES[next] ?? `\\${next}`;
      i++;
      continue;
    }
    out += ch;
  }
  return undefined;
}

function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}

export function parseDotenv(source: string): DotenvResult {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const byKey = new Map<string, DotenvEntry>();
  const problems: DotenvResult['problems'] = [];
  const duplicates = new Set<string>();
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    const lineNo = lineAt(text, pos);
    const raw = text.slice(pos, lineEnd);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      pos = lineEnd + 1;
      continue;
    }
    const eq = raw.indexOf('=');
    if (eq < 0) {
      problems.push({ line: lineNo, message: `line ${lineNo}: expected KEY=value (no "=" found)` });
      pos = lineEnd + 1;
      continue;
    }
    const key = raw
      .slice(0, eq)
      .trim()
      .replace(/^export\s+/, '');
    if (!KEY.test(key)) {
      // Not quoted: the text before "=" may be part of a value (`TOKEN: abc==`).
      problems.push({ line: lineNo, message: `line ${lineNo}: the text before "=" is not a valid key (letters, digits, _ . -, not starting with a digit)` });
      pos = lineEnd + 1;
      continue;
    }
    // The value starts after "=" and any spaces.
    let vStart = pos + eq + 1;
    while (vStart < lineEnd && (text[vStart] === ' ' || text[vStart] === '\t')) vStart++;
    const quote = text[vStart];
    let value: string;
    let next: number;
    if (quote === '"' || quote === "'" || quote === '`') {
      const q = readQuoted(text, vStart + 1, quote);
      if (!q) {
        // The lines below are the unfinished value (a PEM key, say): reading them as
        // KEY=value lines would turn pieces of a secret into key names.
        problems.push({ line: lineNo, message: `line ${lineNo}: ${key} has an opening ${quote} without a closing one; the rest of the file was not read` });
        break;
      }
      // After the closing quote only spaces and a comment may follow.
      const restEnd = text.indexOf('\n', q.end);
      const rest = text.slice(q.end, restEnd < 0 ? text.length : restEnd).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        problems.push({ line: lineAt(text, q.end), message: `line ${lineAt(text, q.end)}: ${key} has text after its closing quote` });
        pos = (restEnd < 0 ? text.length : restEnd) + 1;
        continue;
      }
      value = q.value;
      next = (restEnd < 0 ? text.length : restEnd) + 1;
    } else {
      // Unquoted: up to a " #" comment (`KEY= # note` is empty), trimmed; a `#` inside a word stays.
      const rawValue = text.slice(vStart, lineEnd);
      const hash = rawValue.startsWith('#') ? 0 : rawValue.search(/\s#/);
      value = (hash >= 0 ? rawValue.slice(0, hash) : rawValue).trim();
      next = lineEnd + 1;
    }
    const prev = byKey.get(key);
    if (prev) {
      duplicates.add(key);
      prev.value = value;
    } else {
      byKey.set(key, { key, value, line: lineNo });
    }
    pos = next;
  }
  return { entries: [...byKey.values()], problems, duplicates: [...duplicates] };
}
