// Keeps secrets out of everything the agent writes down: the chat, the
// conversation sent to the model, tool cards and logs.

const PATTERNS: RegExp[] = [
  /AIza[0-9A-Za-z_-]{35}/g, // Google API keys
  /ya29\.[0-9A-Za-z_.-]{20,}/g, // Google OAuth access tokens
  /1\/\/0[0-9A-Za-z_-]{30,}/g, // Google refresh tokens
  /gh[pousr]_[0-9A-Za-z]{30,}/g, // GitHub tokens
  /github_pat_[0-9A-Za-z_]{30,}/g,
  /xox[abprs]-[0-9A-Za-z-]{10,}/g, // Slack
  /sk-[0-9A-Za-z_-]{20,}/g, // OpenAI-style keys
  /AKIA[0-9A-Z]{16}/g, // AWS access key ids
  /eyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}/g, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(bearer)\s+[0-9A-Za-z._~+/-]{16,}=*/gi,
  // Credentials inside connection strings: scheme://user:password@host
  /(?<=:\/\/[^\s:/@]{1,64}:)[^\s@/]{1,256}(?=@)/g,
];

/** `NAME=value` / `"name": "value"` where the name says it is secret. */
const SECRET_ASSIGNMENT =
  /\b([A-Za-z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)[A-Za-z0-9_]*)(["']?\s*[:=]\s*["']?)([^\s"',;]{4,})/gi;

export const REDACTED = '[redacted]';

const known = new Set<string>();

/** Values that must never appear anywhere (an API key, a `.env` value): redacted wherever they show up. */
export function addKnownSecret(value: string | undefined): void {
  if (!value) return;
  if (value.length >= 6) known.add(value);
  // A connection string's password also travels alone (the user quoting it, a driver's error), raw or percent-decoded.
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@/]+)@/i.exec(value)?.[1];
  for (const p of password ? [password, safeDecode(password)] : []) if (p.length >= 6) known.add(p);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function redactText(text: string): string {
  let out = text;
  for (const v of known) if (out.includes(v)) out = out.split(v).join(REDACTED);
  for (const p of PATTERNS) out = out.replace(p, REDACTED);
  return out.replace(SECRET_ASSIGNMENT, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
