// What the .proto text says about each field that protos.json loses: protobufjs
// keeps one `(google.api.field_behavior)` per field (the last, so a field that is
// `REQUIRED, IMMUTABLE` comes out only IMMUTABLE) and renames fields to its own
// camelCase, dropping the proto name that Google's error messages and proto3 JSON
// parsers use. This reads just enough of the grammar to recover both.

/** One field declaration: its proto name, number, explicit json_name and every field_behavior. */
export interface ScannedField {
  name: string;
  number: number;
  jsonName?: string;
  behaviors: string[];
}

/** Fully qualified message name (`google.cloud.run.v2.Service.Nested`) → its fields by number. */
export type ScannedMessages = Map<string, Map<number, ScannedField>>;

// Comments are matched with the other tokens (and then dropped) so that a `//` inside a string
// (`"https://www.googleapis.com/auth/cloud-platform"`) is not taken for one.
const TOKEN = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][\w.]*|-?\d[\w.+-]*|[{}[\]()<>=;,:]/g;

function tokens(text: string): string[] {
  return (text.match(TOKEN) ?? []).filter((t) => !t.startsWith('//') && !t.startsWith('/*'));
}

const FIELD_LABELS = new Set(['repeated', 'optional', 'required']);
const BLOCK_KINDS = new Set(['message', 'enum', 'oneof', 'service', 'rpc', 'extend']);

/** The field options between `[` and `]` (tokens from `start`, just after `[`); returns the index after `]`. */
function readOptions(t: string[], start: number, field: ScannedField): number {
  let i = start;
  let depth = 0;
  while (i < t.length && !(depth === 0 && t[i] === ']')) {
    if (t[i] === '{') depth++;
    else if (t[i] === '}') depth--;
    else if (depth === 0 && t[i] === '(' && t[i + 1] === 'google.api.field_behavior' && t[i + 2] === ')' && t[i + 3] === '=') {
      field.behaviors.push(t[i + 4]);
      i += 4;
    } else if (depth === 0 && t[i] === 'json_name' && t[i + 1] === '=') {
      field.jsonName = t[i + 2].slice(1, -1);
      i += 2;
    }
    i++;
  }
  return i + 1;
}

/** Adds the messages of one .proto file to `into`. */
export function scanProto(text: string, into: ScannedMessages): void {
  const t = tokens(text);
  let pkg = '';
  // The open blocks: a message's name, or '' for any other block (oneof, enum, service, option value).
  const stack: { kind: string; name: string }[] = [];
  const messageName = (): string | undefined => {
    const names: string[] = [];
    for (const b of stack) {
      if (b.kind === 'message') names.push(b.name);
      else if (b.kind !== 'oneof') return undefined;
    }
    return names.length ? [pkg, ...names].filter(Boolean).join('.') : undefined;
  };
  let i = 0;
  while (i < t.length) {
    const tok = t[i];
    if (tok === 'package' && stack.length === 0) {
      pkg = t[i + 1];
      i += 3;
    } else if (BLOCK_KINDS.has(tok) && t[i + 1] && /^[A-Za-z_]/.test(t[i + 1]) && blockOpens(t, i)) {
      const open = t.indexOf('{', i);
      stack.push({ kind: tok, name: t[i + 1] });
      i = open + 1;
    } else if (tok === '{') {
      stack.push({ kind: 'other', name: '' });
      i++;
    } else if (tok === '}') {
      stack.pop();
      i++;
    } else if (tok === 'option' || tok === 'reserved' || tok === 'import' || tok === 'syntax' || tok === 'extensions') {
      i = skipStatement(t, i);
    } else {
      const owner = messageName();
      const field = owner ? readField(t, i) : undefined;
      if (owner && field) {
        let fields = into.get(owner);
        if (!fields) into.set(owner, (fields = new Map()));
        fields.set(field.field.number, field.field);
        i = field.next;
      } else {
        i++;
      }
    }
  }
}

/** `message X {`, `rpc M(A) returns (B) {`: a block opens before the statement ends. */
function blockOpens(t: string[], i: number): boolean {
  for (let j = i + 1; j < t.length; j++) {
    if (t[j] === '{') return true;
    if (t[j] === ';') return false;
  }
  return false;
}

/** Skips to after the statement's `;`, over an aggregate option value `{ … }`. */
function skipStatement(t: string[], i: number): number {
  let depth = 0;
  for (let j = i; j < t.length; j++) {
    if (t[j] === '{') depth++;
    else if (t[j] === '}') depth--;
    else if (t[j] === ';' && depth === 0) return j + 1;
  }
  return t.length;
}

/** `[label] Type name = N [opts];` or `map<K, V> name = N [opts];` at `i`. */
function readField(t: string[], i: number): { field: ScannedField; next: number } | undefined {
  let j = i;
  if (FIELD_LABELS.has(t[j])) j++;
  if (t[j] === 'map' && t[j + 1] === '<') {
    j = t.indexOf('>', j) + 1;
  } else if (/^[A-Za-z_.]/.test(t[j] ?? '')) {
    j++;
  } else {
    return undefined;
  }
  const name = t[j];
  if (!/^[A-Za-z_]\w*$/.test(name ?? '') || t[j + 1] !== '=' || !/^\d+$/.test(t[j + 2] ?? '')) return undefined;
  const field: ScannedField = { name, number: Number(t[j + 2]), behaviors: [] };
  j += 3;
  if (t[j] === '[') j = readOptions(t, j + 1, field);
  if (t[j] === ';') j++;
  return { field, next: j };
}
