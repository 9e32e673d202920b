import type { JsonSchema } from './model';

export type Validation = { ok: true; value: Record<string, unknown> } | { ok: false; errors: string[] };

/**
 * Checks a model's tool arguments against the tool's schema before any handler
 * runs. Only the subset of JSON Schema our tools use is understood; anything
 * the schema does not allow is an error the model gets back to correct.
 */
export function validateArgs(schema: JsonSchema, value: unknown): Validation {
  const errors: string[] = [];
  check(schema, value ?? {}, 'args', errors);
  return errors.length ? { ok: false, errors: errors.slice(0, 10) } : { ok: true, value: (value ?? {}) as Record<string, unknown> };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function check(s: JsonSchema, v: unknown, at: string, errors: string[]): void {
  switch (s.type) {
    case 'object': {
      if (kindOf(v) !== 'object') return void errors.push(`${at} must be an object, got ${kindOf(v)}`);
      const obj = v as Record<string, unknown>;
      // Own properties only: `constructor`, `__proto__` or `toString` are every object's, never a declared argument.
      for (const key of s.required ?? []) if (!Object.hasOwn(obj, key) || obj[key] === undefined) errors.push(`${at}.${key} is required`);
      const keys = Object.keys(obj);
      if (s.maxProperties !== undefined && keys.length > s.maxProperties) errors.push(`${at} has ${keys.length} entries; at most ${s.maxProperties} allowed`);
      for (const key of keys) {
        // A JSON `__proto__` key would become an object's prototype wherever the arguments are copied.
        if (key === '__proto__') {
          errors.push(`${at}.__proto__ is not allowed`);
          continue;
        }
        const prop = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
        if (prop) check(prop, obj[key], `${at}.${key}`, errors);
        else if (typeof s.additionalProperties === 'object') check(s.additionalProperties, obj[key], `${at}.${key}`, errors);
        else if (s.additionalProperties !== true)
          errors.push(`${at}.${key} is not a known argument${s.properties ? ` (known: ${Object.keys(s.properties).join(', ')})` : ''}`);
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(v)) return void errors.push(`${at} must be an array, got ${kindOf(v)}`);
      if (s.maxItems !== undefined && v.length > s.maxItems) errors.push(`${at} has ${v.length} items; at most ${s.maxItems} allowed`);
      if (s.items) v.forEach((item, i) => check(s.items!, item, `${at}[${i}]`, errors));
      return;
    }
    case 'string': {
      if (typeof v !== 'string') return void errors.push(`${at} must be a string, got ${kindOf(v)}`);
      if (s.enum && !s.enum.includes(v)) errors.push(`${at} must be one of ${s.enum.join(', ')}`);
      if (s.minLength !== undefined && v.length < s.minLength) errors.push(`${at} must be at least ${s.minLength} characters`);
      if (s.maxLength !== undefined && v.length > s.maxLength) errors.push(`${at} must be at most ${s.maxLength} characters`);
      if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) errors.push(`${at} must match ${s.pattern}`);
      return;
    }
    case 'number':
    case 'integer': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return void errors.push(`${at} must be a number, got ${kindOf(v)}`);
      if (s.type === 'integer' && !Number.isInteger(v)) errors.push(`${at} must be a whole number`);
      if (s.minimum !== undefined && v < s.minimum) errors.push(`${at} must be ≥ ${s.minimum}`);
      if (s.maximum !== undefined && v > s.maximum) errors.push(`${at} must be ≤ ${s.maximum}`);
      return;
    }
    case 'boolean':
      if (typeof v !== 'boolean') errors.push(`${at} must be true or false, got ${kindOf(v)}`);
      return;
  }
}
