// A JSON request body read the way Google's front end reads it into the request
// proto (proto3 JSON): every name must be a field of its message (JSON or proto
// name), recursively through repeated fields, maps, oneofs and the well-known
// types; values must fit their types. What comes out is the body as the API
// sees it: JSON names only, OUTPUT_ONLY fields dropped (Google ignores them).
import type { BodyCheck } from './bodyCheckState';
import { invalidValue, unknownName } from './googleErrors';
import type { FieldDef, MessageDef } from './protoTable';
import { checkScalar, showValue } from './scalars';
import { checkWellKnown, isWellKnown } from './wellKnown';

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);

/** Checks `value` as message `msg` at `path` (proto names, `[i]` for elements); returns it normalised. */
export function checkMessage(c: BodyCheck, msg: MessageDef, value: unknown, path: string): Record<string, unknown> | undefined {
  if (!isObject(value)) {
    c.violations.push(invalidValue(path, `type.googleapis.com/${msg.fullName}`, showValue(value)));
    return undefined;
  }
  const out: Record<string, unknown> = {};
  const oneofSetBy = new Map<string, FieldDef>();
  for (const [key, v] of Object.entries(value)) {
    const field = msg.byName.get(key);
    if (!field) {
      c.violations.push(unknownName(key, path));
      continue;
    }
    if (v === null && field.type !== 'google.protobuf.Value') continue;
    if (field.oneof) {
      const other = oneofSetBy.get(field.oneof);
      if (other && other !== field) {
        c.violations.push(invalidValue(join(path, field.name), 'oneof', `oneof field '${field.oneof}' is already set. Cannot set '${field.name}'`));
        continue;
      }
      oneofSetBy.set(field.oneof, field);
    }
    const checked = checkField(c, field, key, v, path);
    if (field.behaviors.includes('OUTPUT_ONLY')) {
      // An empty map or list is proto3's "unset" (the SDK's serializer sends `timing: {}`): nothing to ignore.
      if (!isEmpty(v)) c.ignored?.push(join(path, field.name));
    } else if (checked !== undefined) out[field.jsonName] = checked;
  }
  return out;
}

function checkField(c: BodyCheck, field: FieldDef, key: string, v: unknown, path: string): unknown {
  const at = join(path, field.name);
  if (field.mapKey) {
    if (!isObject(v)) {
      c.violations.push(invalidValue(at, `type.googleapis.com/${field.type}`, showValue(v)));
      return undefined;
    }
    // Google names a map entry by its position: `properties[9].value`.
    const entries = Object.entries(v).map(([k, item], i) => [k, checkSingle(c, field, item, `${at}[${i}].value`)] as const);
    return Object.fromEntries(entries.filter(([, item]) => item !== undefined));
  }
  if (Array.isArray(v)) {
    if (!field.repeated && field.type !== 'google.protobuf.Value' && field.type !== 'google.protobuf.ListValue') {
      c.violations.push(unknownName(key, path, 'Proto field is not repeating, cannot start list.'));
      return undefined;
    }
    if (!field.repeated) return checkSingle(c, field, v, at);
    return v.map((item, i) => checkSingle(c, field, item, `${at}[${i}]`)).filter((item) => item !== undefined);
  }
  // protobuf's parser takes a lone value for a repeated field as its one element.
  if (field.repeated) {
    const item = checkSingle(c, field, v, `${at}[0]`);
    return item === undefined ? undefined : [item];
  }
  return checkSingle(c, field, v, at);
}

function checkSingle(c: BodyCheck, field: FieldDef, v: unknown, at: string): unknown {
  if (field.kind === 'scalar') return checkScalar(c.violations, field.type, v, at);
  if (field.kind === 'enum') return checkEnum(c, field.type, v, at);
  if (isWellKnown(field.type)) return checkWellKnown(c, field.type, v, at, checkMessage);
  const msg = c.table.messages.get(field.type);
  return msg ? checkMessage(c, msg, v, at) : v;
}

function checkEnum(c: BodyCheck, type: string, v: unknown, at: string): unknown {
  const e = c.table.enums.get(type);
  // Open enums: any number is kept (the SDKs send numbers with `$alt=json;enum-encoding=int`).
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && (!e || e.names.has(v))) return v;
  if (isObject(v)) {
    c.violations.push(invalidValue(at, `type.googleapis.com/${type}`, 'Starting an object on a scalar field'));
    return undefined;
  }
  c.violations.push(invalidValue(at, `type.googleapis.com/${type}`, showValue(v)));
  return undefined;
}
