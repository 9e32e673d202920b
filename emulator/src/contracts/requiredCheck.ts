// `(google.api.field_behavior) = REQUIRED`: the field must be set in the request
// (path, query and body together) and in every message present below it. proto3
// cannot tell a scalar left at its default from one not sent, so '' and 0 count
// as missing, as they do for Google. A partial update (AIP-134) only needs the
// required fields its update_mask names.
import { requiredMissing, type Violation } from './googleErrors';
import { jsonNameOf, type FieldDef, type MessageDef, type ProtoTable } from './protoTable';
import { isWellKnown } from './wellKnown';

// Cloud Build v1 predates resource names: its requests mark `project_id` (and a build's or trigger's
// `id`) REQUIRED, yet its regional bindings (`/v1/{parent=projects/*/locations/*}/builds`,
// `/v1/{name=projects/*/locations/*/builds/*}`) carry them in `parent` or `name` instead, and the SDK
// cannot send both (gax would then pick the global URL). Google takes the resource name for them.
const NAMED_BY_RESOURCE = /^google\.devtools\.cloudbuild\.v1\.\w+Request\.(project_id|id|trigger_id)$/;

function satisfiedByName(msg: MessageDef, field: FieldDef, obj: Record<string, unknown>): boolean {
  return NAMED_BY_RESOURCE.test(`${msg.fullName}.${field.name}`) && (present(obj.parent) || present(obj.name));
}

function present(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === '0' || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

interface Walk {
  table: ProtoTable;
  requestType: string;
  /** JSON-name paths of the update mask, relative to the resource; undefined when all fields count. */
  mask?: string[];
}

const inMask = (mask: string[] | undefined, rel: string): boolean => !mask || mask.some((m) => m === '*' || rel === m || rel.startsWith(`${m}.`));

function walk(w: Walk, msg: MessageDef, obj: Record<string, unknown>, at: string, rel: string, out: Violation[], top: boolean): void {
  for (const f of msg.fields) {
    const v = obj[f.jsonName];
    const fieldAt = at ? `${at}.${f.name}` : f.name;
    const fieldRel = top ? '' : rel ? `${rel}.${f.jsonName}` : f.jsonName;
    if (f.behaviors.includes('REQUIRED') && !present(v) && (top || inMask(w.mask, fieldRel)) && !satisfiedByName(msg, f, obj)) {
      out.push(requiredMissing(w.requestType, fieldAt));
      continue;
    }
    if (v !== undefined && v !== null) descend(w, f, v, fieldAt, fieldRel, out);
  }
}

function descend(w: Walk, f: FieldDef, v: unknown, at: string, rel: string, out: Violation[]): void {
  if (f.kind !== 'message' || isWellKnown(f.type)) return;
  const msg = w.table.messages.get(f.type);
  if (!msg) return;
  const asObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (f.mapKey && asObject(v)) {
    Object.values(v).forEach((item, i) => asObject(item) && walk(w, msg, item, `${at}[${i}].value`, rel, out, false));
  } else if (Array.isArray(v)) {
    v.forEach((item, i) => asObject(item) && walk(w, msg, item, `${at}[${i}]`, rel, out, false));
  } else if (asObject(v)) {
    walk(w, msg, v, at, rel, out, false);
  }
}

/** The first required field missing from `request` (a request message in JSON names), if any. */
export function firstMissingRequired(table: ProtoTable, msg: MessageDef, request: Record<string, unknown>): Violation | undefined {
  const rawMask = request.updateMask;
  const mask = typeof rawMask === 'string' && rawMask.trim() ? rawMask.split(',').map((p) => p.trim().split('.').map(jsonNameOf).join('.')) : undefined;
  const out: Violation[] = [];
  walk({ table, requestType: msg.fullName, mask }, msg, request, '', '', out, true);
  return out[0];
}
