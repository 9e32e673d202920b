// Google's own descriptions of the APIs the emulator serves, as the SDK packages
// ship them: each package's build/protos/protos.json (messages, enums, services
// with their google.api.http options) joined, field by field number, with what
// the .proto text beside it says (protoScan.ts: proto names, every field_behavior).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { scanProto, type ScannedMessages } from './protoScan';

export type FieldKind = 'scalar' | 'enum' | 'message';

export interface FieldDef {
  /** The proto name (`service_id`): what Google's error messages name. */
  name: string;
  /** The proto3 JSON name (`serviceId`). */
  jsonName: string;
  /** Scalar type name, or the fully qualified enum or message name. */
  type: string;
  kind: FieldKind;
  repeated: boolean;
  /** Set for `map<K, V>` fields: the key's scalar type (`type` is then the value's). */
  mapKey?: string;
  /** The real oneof the field belongs to (not proto3 `optional`'s synthetic one). */
  oneof?: string;
  /** `REQUIRED`, `OUTPUT_ONLY`, `IMMUTABLE`, `IDENTIFIER`, … */
  behaviors: string[];
}

export interface MessageDef {
  fullName: string;
  fields: FieldDef[];
  /** Both the JSON name and the proto name of each field. */
  byName: Map<string, FieldDef>;
}

export interface EnumDef {
  fullName: string;
  names: Set<string>;
  numbers: Set<number>;
}

/** An rpc as protos.json has it: the http rules stay raw (`{ post, body, additional_bindings }`). */
export interface MethodDef {
  /** `google.cloud.run.v2.Services.CreateService` */
  selector: string;
  requestType: string;
  httpRules: Record<string, unknown>[];
}

export interface ProtoTable {
  messages: Map<string, MessageDef>;
  enums: Map<string, EnumDef>;
  methods: MethodDef[];
}

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

interface JsonNamespace {
  nested?: Record<string, JsonNamespace>;
  fields?: Record<string, { type: string; id: number; rule?: string; keyType?: string; options?: Record<string, unknown> }>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
  methods?: Record<string, { requestType: string; parsedOptions?: Record<string, unknown>[] }>;
}

/** proto3 JSON's default name: underscores dropped, the letter after each capitalised (protoc's ToJsonName). */
export function jsonNameOf(protoName: string): string {
  return protoName.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/_/g, '');
}

/** protobufjs' reverse guess, for a message whose .proto text is not shipped. */
const snakeOf = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function collect(ns: JsonNamespace, prefix: string, into: Map<string, { scope: string; def: JsonNamespace }>): void {
  for (const [name, child] of Object.entries(ns.nested ?? {})) {
    const full = prefix ? `${prefix}.${name}` : name;
    if (!into.has(full)) into.set(full, { scope: prefix, def: child });
    collect(child, full, into);
  }
}

/** Resolves a type reference the way protoc does: from the innermost enclosing scope outwards. */
function resolve(ref: string, scope: string, known: Map<string, unknown>): string | undefined {
  if (ref.startsWith('.')) return known.has(ref.slice(1)) ? ref.slice(1) : undefined;
  const parts = scope ? scope.split('.') : [];
  for (let k = parts.length; k >= 0; k--) {
    const candidate = [...parts.slice(0, k), ref].join('.');
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

function buildMessage(fullName: string, def: JsonNamespace, all: Map<string, { def: JsonNamespace }>, scanned: ScannedMessages): MessageDef {
  const oneofOf = new Map<string, string>();
  for (const [oneof, o] of Object.entries(def.oneofs ?? {})) {
    // proto3 `optional` makes a synthetic oneof `_name` of its one field: no rule of its own.
    if (o.oneof.length === 1 && oneof === `_${o.oneof[0]}`) continue;
    for (const f of o.oneof) oneofOf.set(f, oneof);
  }
  const facts = scanned.get(fullName);
  const fields: FieldDef[] = [];
  for (const [key, f] of Object.entries(def.fields ?? {})) {
    const fact = facts?.get(f.id);
    const name = fact?.name ?? snakeOf(key);
    const behaviors = fact ? fact.behaviors : typeof f.options?.['(google.api.field_behavior)'] === 'string' ? [f.options['(google.api.field_behavior)']] : [];
    let type = f.type;
    let kind: FieldKind = 'scalar';
    if (!SCALARS.has(type)) {
      const resolved = resolve(type, fullName, all);
      if (!resolved) throw new Error(`contracts: ${fullName}.${name} has type ${type}, which no loaded proto defines`);
      type = resolved;
      kind = all.get(resolved)?.def.values ? 'enum' : 'message';
    }
    fields.push({
      name,
      jsonName: fact?.jsonName ?? jsonNameOf(name),
      type,
      kind,
      repeated: f.rule === 'repeated',
      mapKey: f.keyType,
      oneof: oneofOf.get(key),
      behaviors,
    });
  }
  const byName = new Map<string, FieldDef>();
  for (const f of fields) {
    byName.set(f.jsonName, f);
    byName.set(f.name, f);
  }
  return { fullName, fields, byName };
}

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? protoFiles(join(dir, e.name)) : e.name.endsWith('.proto') ? [join(dir, e.name)] : [],
  );
}

/**
 * Loads `protos.json` files and scans the `.proto` trees given. A message or enum defined by several
 * packages (google.longrunning, google.iam.v1, …) is taken from the first.
 */
export function loadProtoTable(protosJsonFiles: string[], protoDirs: string[]): ProtoTable {
  const scanned: ScannedMessages = new Map();
  for (const dir of protoDirs) for (const file of protoFiles(dir)) scanProto(readFileSync(file, 'utf8'), scanned);
  const all = new Map<string, { scope: string; def: JsonNamespace }>();
  for (const file of protosJsonFiles) collect(JSON.parse(readFileSync(file, 'utf8')) as JsonNamespace, '', all);
  const table: ProtoTable = { messages: new Map(), enums: new Map(), methods: [] };
  for (const [fullName, { def }] of all) {
    if (def.fields) table.messages.set(fullName, buildMessage(fullName, def, all, scanned));
    else if (def.values) {
      const values = Object.entries(def.values);
      table.enums.set(fullName, { fullName, names: new Set(values.map(([n]) => n)), numbers: new Set(values.map(([, v]) => v)) });
    } else if (def.methods) {
      for (const [name, m] of Object.entries(def.methods)) {
        const requestType = resolve(m.requestType, fullName, all);
        if (!requestType) throw new Error(`contracts: ${fullName}.${name} takes ${m.requestType}, which no loaded proto defines`);
        const httpRules = (m.parsedOptions ?? []).flatMap((o) => (o['(google.api.http)'] ? [o['(google.api.http)'] as Record<string, unknown>] : []));
        table.methods.push({ selector: `${fullName}.${name}`, requestType, httpRules });
      }
    }
  }
  return table;
}

/** The directory of an installed package, found from this module (or from `from`), even when its `exports` hide package.json. */
export function packageDir(name: string, from?: string): string {
  const opts = from ? { paths: [from] } : undefined;
  let dir = dirname(require.resolve(name, opts));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`contracts: cannot find the ${name} package`);
    dir = up;
  }
  return dir;
}
