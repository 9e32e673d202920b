// One request against the published contract: it must match an HTTP binding
// (else Google's HTML 404), its path names must have no empty component, its
// query parameters and body must be fields of the request message, and its
// required fields must be set. What the handler then gets is the request as
// the API reads it: JSON names only, output-only fields gone.
import { badRequest, invalidValue, malformedName, NoBinding, type Violation } from './googleErrors';
import { checkMessage } from './bodyCheck';
import type { BodyCheck } from './bodyCheckState';
import type { HttpBinding } from './httpBindings';
import { matchTemplate } from './pathTemplate';
import type { MessageDef, ProtoTable } from './protoTable';
import { checkQuery } from './queryCheck';
import { firstMissingRequired } from './requiredCheck';

export interface CheckedRequest {
  binding: HttpBinding;
  /** The body rewritten as the API reads it, or undefined when the method has none. */
  body?: Buffer;
  query: URLSearchParams;
  /** The OUTPUT_ONLY fields the body set, which were dropped. */
  ignored: string[];
}

type Obj = Record<string, unknown>;

/** Sets `value` at a dotted proto-name path of `msg`, in JSON names. */
function setAt(table: ProtoTable, msg: MessageDef, target: Obj, path: string[], value: unknown): void {
  let m: MessageDef | undefined = msg;
  let o = target;
  path.forEach((part, i) => {
    const f = m?.byName.get(part);
    const key = f?.jsonName ?? part;
    if (i === path.length - 1) {
      o[key] = value;
    } else {
      const next = o[key];
      o = o[key] = next && typeof next === 'object' ? (next as Obj) : {};
      m = f ? table.messages.get(f.type) : undefined;
    }
  });
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    // gax's REST transport sends `""` for a body field it leaves empty.
    return v === '' ? {} : v;
  } catch {
    throw badRequest([{ description: 'Invalid JSON payload received. Unexpected token.' }]);
  }
}

export class ContractChecker {
  constructor(
    readonly table: ProtoTable,
    readonly bindings: HttpBinding[],
  ) {}

  /** The first binding of `method` whose template matches, with its path variables. */
  match(method: string, rawPath: string): { binding: HttpBinding; vars: Map<string, string> } | undefined {
    for (const binding of this.bindings) {
      if (binding.method !== method) continue;
      const vars = matchTemplate(binding.template, rawPath);
      if (vars) return { binding, vars };
    }
    return undefined;
  }

  /** Throws NoBinding (an HTML 404) or an ApiError (400 INVALID_ARGUMENT). */
  check(method: string, rawPath: string, query: URLSearchParams, body: Buffer): CheckedRequest {
    const found = this.match(method, rawPath);
    if (!found) throw new NoBinding(rawPath);
    const { binding, vars } = found;
    const request = this.table.messages.get(binding.requestType);
    if (!request) throw new Error(`contracts: no message ${binding.requestType}`);
    const whole: Obj = {};
    for (const [field, value] of vars) {
      if (value.split('/').some((s) => s === '')) throw malformedName(value);
      setAt(this.table, request, whole, field.split('.'), value);
    }
    const violations: Violation[] = [];
    const q = checkQuery(this.table, request, query, violations);
    for (const { fields, values } of q.bound) {
      setAt(
        this.table,
        request,
        whole,
        fields.map((f) => f.name),
        fields[fields.length - 1].repeated ? values : values[0],
      );
    }
    let rewritten: unknown;
    const ignored: string[] = [];
    if (binding.body) {
      rewritten = this.checkBody(binding.body, request, parseBody(body), whole, { table: this.table, violations, ignored });
    }
    if (violations.length) throw badRequest(violations);
    const missing = firstMissingRequired(this.table, request, whole);
    if (missing) throw badRequest([missing]);
    return { binding, query: q.normalized, body: rewritten === undefined ? undefined : Buffer.from(JSON.stringify(rewritten)), ignored };
  }

  /** Checks the body as the whole request (`*`) or as one field of it; merges it into `whole`. */
  private checkBody(bodyField: string, request: MessageDef, json: unknown, whole: Obj, c: BodyCheck): unknown {
    if (bodyField === '*') {
      const out = checkMessage(c, request, json, '') ?? {};
      for (const [k, v] of Object.entries(out)) if (!(k in whole)) whole[k] = v;
      return out;
    }
    const field = request.byName.get(bodyField);
    const msg = field ? this.table.messages.get(field.type) : undefined;
    if (!field || !msg) return json;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      c.violations.push(invalidValue(field.name, `type.googleapis.com/${field.type}`, JSON.stringify(json)));
      return undefined;
    }
    const out = checkMessage(c, msg, json, field.name) ?? {};
    // A path variable inside the body field (`{service.name=…}`) wins over the body, as in Google's transcoding.
    const fromPath = whole[field.jsonName];
    whole[field.jsonName] = fromPath && typeof fromPath === 'object' ? { ...out, ...(fromPath as Obj) } : out;
    return out;
  }
}
