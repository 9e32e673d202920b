// proto3 JSON scalars as protobuf's converter takes them: 64-bit integers and
// floats may come as strings, booleans as "true"/"false"; anything else is
// `Invalid value at '<path>' (TYPE_INT32), "abc"`, the value printed the
// converter's way (strings quoted).
import { invalidValue, type Violation } from './googleErrors';

const INT32: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  sint32: [-2147483648, 2147483647],
  sfixed32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  fixed32: [0, 4294967295],
};
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

export const kindName = (type: string): string => `TYPE_${type.toUpperCase()}`;

/** A value as protobuf prints it in "Invalid value" messages. */
export function showValue(v: unknown): string {
  if (v !== null && typeof v === 'object') return 'Starting an object on a scalar field';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function integral(v: unknown, unsigned: boolean): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && (!unsigned || v >= 0);
  return typeof v === 'string' && (unsigned ? /^\d+$/ : /^-?\d+$/).test(v.trim());
}

function fits(type: string, v: unknown): boolean {
  if (type === 'string') return typeof v === 'string';
  if (type === 'bool') return typeof v === 'boolean' || v === 'true' || v === 'false';
  if (type === 'bytes') return typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v);
  if (type === 'double' || type === 'float') {
    return typeof v === 'number' || (typeof v === 'string' && (/^(NaN|-?Infinity)$/.test(v) || (v.trim() !== '' && Number.isFinite(Number(v)))));
  }
  const range = INT32[type];
  if (range) return integral(v, range[0] === 0) && Number(v) >= range[0] && Number(v) <= range[1];
  if (INT64.has(type)) return integral(v, type.startsWith('u') || type === 'fixed64');
  return true;
}

/** The value when it fits `type`; otherwise a violation is recorded and undefined returned. */
export function checkScalar(violations: Violation[], type: string, v: unknown, at: string): unknown {
  if (fits(type, v)) return v;
  violations.push(invalidValue(at, kindName(type), showValue(v)));
  return undefined;
}
