// A small, forgiving reader for the parts of pyproject.toml and Pipfile that
// analysis needs (tables, keys, strings, string arrays). Not a TOML parser: it
// never fails, and what it cannot read it skips, so a detector never throws on
// an unusual file; each value keeps its line for evidence.

export interface TomlString {
  value: string;
  line: number;
}

export interface TomlEntry {
  /** Table the key sits in ('' = top level), e.g. 'tool.poetry.dependencies'. */
  table: string;
  key: string;
  /** The raw value text (multi-line arrays joined). */
  raw: string;
  line: number;
  /** Every quoted string in the value, each with its own line. */
  strings: TomlString[];
}

const TABLE = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;
const KEY = /^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/;
const STRING = /"""[\s\S]*?"""|'''[\s\S]*?'''|"((?:[^"\\]|\\.)*)"|'([^']*)'/g;

function unquote(name: string): string {
  return name.replace(/^["']|["']$/g, '').replace(/["']/g, '');
}

/** Bracket depth change of a value line, ignoring brackets inside strings and comments. */
function depth(text: string): number {
  const bare = text.replace(STRING, '""').replace(/#.*$/, '');
  let d = 0;
  for (const ch of bare) {
    if (ch === '[' || ch === '{') d++;
    else if (ch === ']' || ch === '}') d--;
  }
  return d;
}

function stringsOf(lines: string[], firstLine: number): TomlString[] {
  const out: TomlString[] = [];
  lines.forEach((text, i) => {
    const bare = text.replace(/^([^"'#]*)#.*$/, '$1');
    for (const m of bare.matchAll(STRING)) {
      const value = m[1] ?? m[2];
      if (value !== undefined) out.push({ value, line: firstLine + i });
    }
  });
  return out;
}

export function readToml(text: string): TomlEntry[] {
  const lines = text.split(/\r?\n/);
  const entries: TomlEntry[] = [];
  let table = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    const t = TABLE.exec(line);
    if (t && !KEY.test(line)) {
      table = t[1]
        .split('.')
        .map((p) => unquote(p.trim()))
        .join('.');
      continue;
    }
    const k = KEY.exec(line);
    if (!k) continue;
    const valueLines = [k[2]];
    let d = depth(k[2]);
    while (d > 0 && i + 1 < lines.length) {
      i++;
      valueLines.push(lines[i]);
      d += depth(lines[i]);
    }
    const firstLine = i + 2 - valueLines.length;
    entries.push({ table, key: unquote(k[1]), raw: valueLines.join('\n').trim(), line: firstLine, strings: stringsOf(valueLines, firstLine) });
  }
  return entries;
}

/** The entry `key` in `table`, if any. */
export function tomlGet(entries: TomlEntry[], table: string, key: string): TomlEntry | undefined {
  return entries.find((e) => e.table === table && e.key === key);
}

/** True when the file has the table (or a sub-table of it). */
export function tomlHasTable(text: string, table: string): boolean {
  const re = new RegExp(`^\\s*\\[\\[?\\s*${table.replace(/\./g, '\\.')}(?:\\.[^\\]]*)?\\s*\\]`, 'm');
  return re.test(text);
}
