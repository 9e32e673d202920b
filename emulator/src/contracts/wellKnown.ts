// The well-known types have JSON forms of their own (protobuf's JSON mapping):
// a Timestamp is an RFC 3339 string, a Duration "3.5s", a FieldMask "a,b.c", a
// Struct any object, a Value any JSON, a wrapper its bare value, and an Any an
// object whose "@type" names the message its other fields belong to.
import type { BodyCheck, MessageChecker } from './bodyCheckState';
import { invalidValue, unknownName } from './googleErrors';
import { checkScalar, showValue } from './scalars';

const P = 'google.protobuf.';
const WRAPPERS: Record<string, string> = {
  DoubleValue: 'double',
  FloatValue: 'float',
  Int64Value: 'int64',
  UInt64Value: 'uint64',
  Int32Value: 'int32',
  UInt32Value: 'uint32',
  BoolValue: 'bool',
  StringValue: 'string',
  BytesValue: 'bytes',
};
const SHAPES: Record<string, (v: unknown) => boolean> = {
  Timestamp: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.test(v),
  Duration: (v) => typeof v === 'string' && /^-?\d+(\.\d{1,9})?s$/.test(v),
  FieldMask: (v) => typeof v === 'string' && /^([A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*(,|$))*$/.test(v.replace(/\s/g, '')),
  Struct: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  ListValue: (v) => Array.isArray(v),
  Value: () => true,
};

export function isWellKnown(type: string): boolean {
  if (!type.startsWith(P)) return false;
  const short = type.slice(P.length);
  return short in WRAPPERS || short in SHAPES || short === 'Any' || short === 'Empty';
}

/** Checks a well-known type's JSON form; returns it unchanged, or undefined after recording a violation. */
export function checkWellKnown(c: BodyCheck, type: string, v: unknown, at: string, checkMessage: MessageChecker): unknown {
  const short = type.slice(P.length);
  if (WRAPPERS[short]) return checkScalar(c.violations, WRAPPERS[short], v, at);
  if (SHAPES[short]) {
    if (SHAPES[short](v)) return v;
    c.violations.push(invalidValue(at, `type.googleapis.com/${type}`, showValue(v)));
    return undefined;
  }
  if (short === 'Empty') {
    const msg = c.table.messages.get(type);
    return msg ? checkMessage(c, msg, v, at) : v;
  }
  return checkAny(c, v, at, checkMessage);
}

function checkAny(c: BodyCheck, v: unknown, at: string, checkMessage: MessageChecker): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    c.violations.push(invalidValue(at, `type.googleapis.com/${P}Any`, showValue(v)));
    return undefined;
  }
  const { '@type': typeUrl, ...rest } = v as Record<string, unknown>;
  if (typeof typeUrl !== 'string') {
    if (Object.keys(rest).length === 0) return v;
    c.violations.push(invalidValue(at, `type.googleapis.com/${P}Any`, 'Missing @type for any field'));
    return undefined;
  }
  const inner = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  if (isWellKnown(inner)) {
    for (const k of Object.keys(rest)) if (k !== 'value') c.violations.push(unknownName(k, at));
    return 'value' in rest ? { '@type': typeUrl, value: checkWellKnown(c, inner, rest.value, at, checkMessage) } : v;
  }
  const msg = c.table.messages.get(inner);
  // A type these protos do not define cannot be checked here; Google would know it.
  if (!msg) return v;
  return { '@type': typeUrl, ...checkMessage(c, msg, rest, at) };
}
