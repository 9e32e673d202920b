import { MAX_CHAT_TEXT, MAX_CODE_TEXT, type WebviewMessage } from '../../../shared/protocol';

// The webview is untrusted input: every message is checked against these rules
// before dispatch. A message is a plain object with a known `type` and exactly
// that type's fields (no extra keys, no own __proto__), each of the right type
// and size. Hand-written rather than a schema library: this runs at activation
// (the view may post at once), and zod alone was 60 KiB of extension.js.

/** Checks one field's value; returns what is wrong, or the value to keep. */
type Field = (value: unknown) => { error: string } | { value: unknown };

interface Text {
  min: number;
  max: number;
  trim?: boolean;
  pattern?: RegExp;
  url?: boolean;
  optional?: boolean;
}

function text(o: Text): Rule {
  const check: Field = (value) => {
    if (typeof value !== 'string')
      return { error: `expected a string, received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` };
    const s = o.trim ? value.trim() : value;
    if (s.length < o.min) return { error: o.min === 1 ? 'must not be empty' : `must hold at least ${o.min} characters` };
    if (s.length > o.max) return { error: `must hold at most ${o.max} characters (has ${s.length})` };
    if (o.pattern && !o.pattern.test(s)) return { error: 'holds characters that are not allowed' };
    if (o.url && !isUrl(s)) return { error: 'is not a valid URL' };
    return { value: s };
  };
  return Object.assign(check, { optional: o.optional });
}

const bool: Field = (value) => (typeof value === 'boolean' ? { value } : { error: `expected true or false, received ${typeof value}` });

function isUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

const url = text({ min: 1, max: 2048, url: true });

/** A plain JSON object of bounded size; its fields are the receiver's to check. */
function plainObject(maxJson: number): Rule {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected an object' };
    if (Object.getPrototypeOf(value) !== Object.prototype || Object.prototype.hasOwnProperty.call(value, '__proto__'))
      return { error: 'expected a plain object' };
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch {
      return { error: 'is not JSON' };
    }
    if (json.length > maxJson) return { error: `must hold at most ${maxJson} characters of JSON (has ${json.length})` };
    return { value: JSON.parse(json) as unknown };
  };
}

type Rule = Field & { optional?: boolean };
/** Every message type, with a rule for each of its fields (the compiler checks both against WebviewMessage). */
type Rules = { [T in WebviewMessage['type']]: { [K in Exclude<keyof Extract<WebviewMessage, { type: T }>, 'type'>]-?: Rule } };

const RULES: Rules = {
  ready: {},
  deploy: {},
  cancel: {},
  showLog: {},
  chat: { text: text({ min: 1, max: MAX_CHAT_TEXT, trim: true }) },
  openUrl: { url },
  copyUrl: { url },
  stop: {},
  confirm: { id: text({ min: 1, max: 100 }), token: text({ min: 1, max: 200 }), approve: bool },
  reviewDiff: { id: text({ min: 1, max: 100 }) },
  openLogInEditor: {},
  openBuildInConsole: {},
  showPastBuildLog: { deployId: text({ min: 1, max: 64, pattern: /^[0-9A-Za-z-]+$/ }) },
  retry: {},
  fixWithAi: {},
  insertCode: { code: text({ min: 1, max: MAX_CODE_TEXT }), language: text({ min: 0, max: 40, pattern: /^[\w+#.-]*$/, optional: true }) },
  copyText: { text: text({ min: 1, max: MAX_CODE_TEXT }) },
  getDeployConfig: {},
  saveDeployConfig: { config: plainObject(64_000) },
};

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export type ValidationResult = { ok: true; message: WebviewMessage } | { ok: false; error: string };

export function validateWebviewMessage(raw: unknown): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, error: `message: expected an object, received ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}` };
  const msg = raw as Record<string, unknown>;
  const type = msg.type;
  if (typeof type !== 'string' || !has(RULES, type)) {
    const shown = typeof type === 'string' ? JSON.stringify(type.length > 40 ? `${type.slice(0, 40)}…` : type) : typeof type;
    return { ok: false, error: `type: unknown message type ${shown}` };
  }
  const fields: Record<string, Rule> = RULES[type as WebviewMessage['type']];
  const errors: string[] = [];
  const extra = Object.keys(msg).filter((k) => k !== 'type' && !has(fields, k));
  if (extra.length) errors.push(`message: unexpected ${extra.length === 1 ? 'key' : 'keys'} ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  const out: Record<string, unknown> = { type };
  for (const [key, check] of Object.entries(fields)) {
    if (!has(msg, key) || msg[key] === undefined) {
      if (!check.optional) errors.push(`${key}: required`);
      continue;
    }
    const r = check(msg[key]);
    if ('error' in r) errors.push(`${key}: ${r.error}`);
    else out[key] = r.value;
  }
  if (errors.length) return { ok: false, error: errors.join('; ') };
  return { ok: true, message: out as unknown as WebviewMessage };
}

/** Only web links leave the editor; `command:`, `file:` and friends never do. */
export function isSafeExternalUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
