// Query parameters bind to request fields by (dotted) name, JSON or proto, and
// only to primitive ones (and the well-known types written as strings); the
// system parameters every Google API takes (`$alt`, `fields`, `key`, …) are not fields.
import { checkWellKnown, isWellKnown } from './wellKnown';
import { checkMessage } from './bodyCheck';
import { invalidValue, queryParameterIsMessage, unknownQueryParameter, type Violation } from './googleErrors';
import type { FieldDef, MessageDef, ProtoTable } from './protoTable';
import { checkScalar, showValue } from './scalars';

// https://cloud.google.com/apis/docs/system-parameters
const SYSTEM = new Set([
  'access_token',
  'alt',
  'callback',
  'fields',
  'key',
  'oauth_token',
  'prettyPrint',
  'quotaUser',
  'upload_protocol',
  'uploadType',
  'userIp',
  'requestReason',
]);
const PRIMITIVE_WELL_KNOWN = new Set(
  [
    'Timestamp',
    'Duration',
    'FieldMask',
    'DoubleValue',
    'FloatValue',
    'Int64Value',
    'UInt64Value',
    'Int32Value',
    'UInt32Value',
    'BoolValue',
    'StringValue',
    'BytesValue',
  ].map((s) => `google.protobuf.${s}`),
);

export const isSystemParameter = (key: string): boolean => key.startsWith('$') || SYSTEM.has(key);

export interface QueryCheck {
  /** Each bound parameter: the fields along its path, and its values. */
  bound: { fields: FieldDef[]; values: string[] }[];
  /** The query with every field parameter under its JSON name. */
  normalized: URLSearchParams;
}

export function checkQuery(table: ProtoTable, request: MessageDef, query: URLSearchParams, violations: Violation[]): QueryCheck {
  const normalized = new URLSearchParams();
  const bound: QueryCheck['bound'] = [];
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    if (isSystemParameter(key)) {
      for (const v of values) normalized.append(key, v);
      continue;
    }
    const fields = resolvePath(table, request, key, violations);
    if (!fields) continue;
    const leaf = fields[fields.length - 1];
    const at = fields.map((f) => f.name).join('.');
    for (const v of values) checkQueryValue(table, leaf, v, at, violations);
    const jsonKey = fields.map((f) => f.jsonName).join('.');
    for (const v of values) normalized.append(jsonKey, v);
    bound.push({ fields, values });
  }
  return { bound, normalized };
}

function resolvePath(table: ProtoTable, request: MessageDef, key: string, violations: Violation[]): FieldDef[] | undefined {
  const fields: FieldDef[] = [];
  let msg: MessageDef | undefined = request;
  const parts = key.split('.');
  for (let i = 0; i < parts.length; i++) {
    const field: FieldDef | undefined = msg?.byName.get(parts[i]);
    if (!field) {
      violations.push(unknownQueryParameter(key, parts[i]));
      return undefined;
    }
    fields.push(field);
    const last = i === parts.length - 1;
    const primitive = field.kind !== 'message' || PRIMITIVE_WELL_KNOWN.has(field.type);
    if (last && (!primitive || field.mapKey)) {
      violations.push(queryParameterIsMessage(key, field.name));
      return undefined;
    }
    msg = last ? undefined : table.messages.get(field.type);
  }
  return fields;
}

function checkQueryValue(table: ProtoTable, field: FieldDef, v: string, at: string, violations: Violation[]): void {
  if (field.kind === 'scalar') {
    checkScalar(violations, field.type, v, at);
  } else if (field.kind === 'enum') {
    const e = table.enums.get(field.type);
    if (e && !e.names.has(v) && !/^-?\d+$/.test(v)) violations.push(invalidValue(at, `type.googleapis.com/${field.type}`, showValue(v)));
  } else if (isWellKnown(field.type)) {
    checkWellKnown({ table, violations }, field.type, v, at, checkMessage);
  }
}
