// Keeps secrets out of everything Devgem shows or writes down: the chat, the
// conversation sent to the model and saved, tool cards, deploy events, logs
// and error messages. Token formats are matched by their fixed prefixes;
// `NAME=value` lines only when the name says secret and the value looks like
// one, so prose such as `Auth: "enabled"` or `Secrets: ".env"` stays as it is.

export const REDACTED = '[redacted]';

const has = {
  digit: (s: string) => /[0-9]/.test(s),
  mixed: (s: string) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s),
};

/** A credential in `Basic …`: base64 of printable `user:password`. */
function isBasicCredential(b64: string): boolean {
  const text = Buffer.from(b64, 'base64').toString('latin1');
  return text.includes(':') && /^[\x20-\x7e]+$/.test(text);
}

/** Each format: the regex (global), and optionally a check on the match that keeps look-alike prose. */
const TOKENS: [RegExp, ((m: string) => boolean)?][] = [
  // Private keys, whole blocks (a block cut off by the end of the text is redacted to the end).
  [/-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g],
  // Google: API keys, OAuth access and refresh tokens, OAuth client secrets, HMAC keys.
  [/AIza[0-9A-Za-z_-]{35}/g],
  [/\bya29\.[0-9A-Za-z_.-]{20,}/g],
  [/\b1\/\/0[0-9A-Za-z_-]{20,}/g],
  [/\bGOCSPX-[0-9A-Za-z_-]{20,}/g],
  [/\bGOOG1[0-9A-Z]{40,}/g],
  // GitHub, GitLab.
  [/\bgh[pousr]_[0-9A-Za-z]{30,}/g],
  [/\bgithub_pat_[0-9A-Za-z_]{30,}/g],
  [/\bgl(?:pat|dt|rt|ptt|cbt|imt|ft|oas|soat|agent)-[0-9A-Za-z_.-]{20,}/g],
  // Slack tokens and webhooks, Discord webhooks (the URL's path is the credential).
  [/\bxox[abposre]-[0-9A-Za-z-]{10,}/g],
  [/\bxapp-[0-9]-[0-9A-Za-z-]{10,}/g],
  [/(?<=hooks\.slack\.com\/)(?:services|workflows|triggers)\/[0-9A-Za-z_/-]{10,}/g],
  [/(?<=discord(?:app)?\.com\/api\/webhooks\/)[0-9]+\/[0-9A-Za-z_-]{20,}/g],
  // Payment, mail, package registries, AI providers.
  [/\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}/g],
  [/\bwhsec_[0-9A-Za-z]{20,}/g],
  [/\bSG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}/g],
  [/\bkey-[0-9a-z]{32}\b/g],
  [/\bnpm_[0-9A-Za-z]{30,}/g],
  [/\bpypi-AgE[0-9A-Za-z_-]{30,}/g],
  [/\bhf_[0-9A-Za-z]{30,}/g],
  // OpenAI / Anthropic style; `sk-learn-compatible-estimators` is prose, a key mixes cases and digits.
  [/\bsk-[0-9A-Za-z_-]{20,}/g, (m) => has.mixed(m.slice(3))],
  [/\bshp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}\b/g],
  [/\bdo[por]_v1_[0-9a-f]{64}\b/g],
  [/\blin_api_[0-9A-Za-z]{30,}/g],
  [/\bdapi[0-9a-f]{32}\b/g],
  // AWS access key ids (the secret half is caught as an assignment).
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g],
  // JSON Web Tokens.
  [/\beyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}/g],
  // The base64 body of a key printed line by line (a build log): a whole line of mixed-case base64. Hex (git SHAs, digests) is not mixed-case.
  [/^[ \t]*[A-Za-z0-9+/]{40,76}={0,2}[ \t]*$/gm, (m) => has.mixed(m)],
];

/** One pass that says whether any format above may be present: most text (a build log line) holds none, and then costs one scan. */
const ANY_TOKEN = new RegExp(TOKENS.map(([re]) => `(?:${re.source})`).join('|'), 'm');

/** Words that make a name secret: `DB_PASSWORD`, `apiKey`, `client_secret`, `GITHUB_TOKEN`. */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'pass', 'secret', 'token', 'credential', 'credentials', 'apikey']);
/** `…_key` is secret after one of these (`API_KEY`, `AccountKey`, `aws_secret_access_key`), not alone (`key: "Escape"`). */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'auth',
  'account',
  'shared',
  'encryption',
  'signing',
  'master',
  'client',
  'license',
  'app',
  'consumer',
  'session',
]);
/** A last word that makes the name about a secret rather than the secret: `token_count`, `secret_name`, `password_required`. */
const ABOUT_WORDS = new Set(
  (
    'name names id ids count counts length len size type types file files path paths dir url uri uris endpoint ref refs version versions ' +
    'field label prompt hint manager policy store required enabled rotation expiry expires expiration ttl header env var vars mode format ' +
    'limit limits location provider source kind template placeholder pattern scope scopes min max usage used budget index position'
  ).split(' '),
);
/** Values that say something about a secret without being one. */
const NOT_VALUES = new Set(
  (
    'required optional enabled disabled true false null none nil undefined unset set hidden masked redacted string str number int integer ' +
    'boolean bool object any yes no on off empty missing invalid valid default secret password token n/a todo tbd same plain text base64 hex'
  ).split(' '),
);

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.-]+/)
    .filter(Boolean);
}

export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (!words.length || ABOUT_WORDS.has(words[words.length - 1])) return false;
  if (words.length === 1 && words[0] === 'auth') return true;
  return words.some((w, i) => SECRET_WORDS.has(w) || (w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1])) || (w === 'auth' && i === words.length - 1));
}

/** Whether the value given to a secret-sounding name is itself a secret (not a word, a path, a reference or a placeholder). */
function isSecretValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 6 || /\s/.test(v) || v.includes(REDACTED)) return false;
  if (NOT_VALUES.has(v.toLowerCase())) return false;
  // A reference to where the secret lives: ${VAR}, $VAR, %VAR%, {{ secrets.X }}, <your-key>, process.env.X, getenv(…).
  if (/^(\$|%|\{\{|<|@|process\.env|os\.environ|import\.meta|env\.|secrets\.|projects\/)/i.test(v) || /[()[\]]/.test(v)) return false;
  if (/^(\*+|x+|\.+|-+|_+)$/i.test(v)) return false;
  // One plain word (`enabled`, `Required`) is prose, a slug or a CONSTANT is a name (`api-key`, `SECRET_NAME`): not credentials.
  if (/^[A-Za-z][a-z]{0,11}$/.test(v) || /^[a-z]+(?:[-_][a-z]+)+$/.test(v) || /^[A-Z]+(?:_[A-Z]+)*$/.test(v)) return false;
  // A file or a member access: `.env`, `./key.json`, `/run/secrets/db`, `config.db.password`.
  if (/^(\.{0,2}\/|~\/|\.)[\w./-]*$/.test(v) || /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(v)) return false;
  return true;
}

/** `NAME = value`, `"name": "value"`, `--password=value`, `name: value`. Group 5 is a quoted value, group 6 a bare one. */
const ASSIGNMENT = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_.-]{0,80})(["']?)([ \t]*(?::=|=>|[:=])[ \t]*)(?:(["'])([^"'\n]{1,512})\4|([^\s"',;&)}\]]+))/g;
/** `Authorization: Basic …` and the like; the scheme word stays, the credential goes. */
const AUTH_HEADER = /\b((?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?)(?:(basic|bearer|token|digest|negotiate|ntlm)[ \t]+)?([^\s"',;]+)/gi;
const BEARER = /\b(bearer[ \t]+)([0-9A-Za-z._~+/-]{16,}=*)/gi;
const BASIC = /\b(basic[ \t]+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/gi;
/** scheme://user:password@host (the user may be empty: `redis://:pw@host`). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]{0,64}:)([^\s@/]{1,256})(?=@)/gi;
const QUERY_SECRET =
  /([?&](?:key|api_?key|token|access_token|id_token|refresh_token|client_secret|password|passwd|secret|sig|signature|x-goog-signature|x-amz-signature|x-amz-security-token)=)([^&#\s"']+)/gi;

// Shared by every bundle's copy of this module (the cloud adapters ship their own), so a secret registered once is hidden everywhere.
const KNOWN_KEY = Symbol.for('devgem.redact.knownSecrets');
const known: Set<string> = ((globalThis as Record<symbol, unknown>)[KNOWN_KEY] as Set<string> | undefined) ?? new Set<string>();
(globalThis as Record<symbol, unknown>)[KNOWN_KEY] = known;

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
  if (ANY_TOKEN.test(out)) for (const [re, check] of TOKENS) out = out.replace(re, (m) => (!check || check(m) ? REDACTED : m));
  if (/authoriz/i.test(out))
    out = out.replace(AUTH_HEADER, (m, head: string, scheme: string | undefined, cred: string) =>
      scheme ? (cred.startsWith('$') || cred.includes(REDACTED) ? m : `${head}${scheme} ${REDACTED}`) : isSecretValue(cred) ? `${head}${REDACTED}` : m,
    );
  if (/bearer/i.test(out)) out = out.replace(BEARER, (m, head: string, cred: string) => (has.digit(cred) ? `${head}${REDACTED}` : m));
  if (/basic/i.test(out)) out = out.replace(BASIC, (m, head: string, cred: string) => (isBasicCredential(cred) ? `${head}${REDACTED}` : m));
  if (out.includes('://')) out = out.replace(URL_PASSWORD, (_m, head: string) => `${head}${REDACTED}`);
  if (/[?&]/.test(out))
    out = out.replace(QUERY_SECRET, (m, head: string, value: string) => (value.length >= 8 && !value.includes(REDACTED) ? `${head}${REDACTED}` : m));
  // A name can only be secret if it holds one of these words; most lines (a build log) hold none.
  if (!/[:=]/.test(out) || !/pass|pwd|secret|token|credential|key|auth/i.test(out)) return out;
  return out.replace(
    ASSIGNMENT,
    (m, name: string, close: string, sep: string, quote: string | undefined, quoted: string | undefined, bare: string | undefined) => {
      const value = quoted ?? bare ?? '';
      if (!isSecretName(name) || !isSecretValue(value)) return m;
      return quote ? `${name}${close}${sep}${quote}${REDACTED}${quote}` : `${name}${close}${sep}${REDACTED}`;
    },
  );
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  // fromEntries defines keys, so a `__proto__` key stays a key instead of becoming the copy's prototype.
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  return value;
}

/**
 * Where in `text` a secret may still be arriving: the start of an unfinished
 * line that holds `--` (a key block's header) or a lone base64 word, or of a
 * tail that begins a registered secret containing spaces.
 */
function unsettledFrom(text: string, cut: number): number {
  const lineStart = text.lastIndexOf('\n', cut - 1) + 1;
  const line = text.slice(lineStart, cut);
  let from = line.includes('--') || /^[ \t]*[A-Za-z0-9+/=]{20,}[ \t]+$/.test(line) ? lineStart : cut;
  for (const k of known) {
    if (!/\s/.test(k)) continue;
    for (let i = Math.max(0, text.length - k.length + 1); i < from; i++) if (k.startsWith(text.slice(i))) from = i;
  }
  return from;
}

/**
 * Redacts text that arrives in pieces (a model's streamed reply) for a sink
 * that only appends (VS Code Chat's stream): a piece is let out once the word
 * it ends in is complete, so a token is never shown half-way before it is
 * recognised. What was let out is never taken back.
 */
export class RedactingStream {
  private text = '';
  /** How much of `text` was judged and let out, and what it was let out as. */
  private cut = 0;
  private emitted = '';
  /** Whole lines before `base` are final (verdicts never cross a line but for a key block): only the rest is judged again. */
  private base = 0;
  private baseOut = '';

  push(delta: string): string {
    this.text += delta;
    const ws = Math.max(this.text.lastIndexOf(' '), this.text.lastIndexOf('\n'), this.text.lastIndexOf('\t'));
    return this.release(unsettledFrom(this.text, ws + 1));
  }

  /** The rest, at the end of the reply. */
  end(): string {
    const out = this.release(this.text.length);
    this.text = '';
    this.cut = 0;
    this.emitted = '';
    this.base = 0;
    this.baseOut = '';
    return out;
  }

  private release(cut: number): string {
    if (cut <= this.cut) return '';
    this.cut = cut;
    const settled = this.baseOut + redactText(this.text.slice(this.base, cut));
    let out: string;
    if (settled.startsWith(this.emitted)) out = settled.slice(this.emitted.length);
    else {
      // Only when more text changed an earlier verdict; repeat from where they differ rather than show the raw part.
      let same = 0;
      while (same < settled.length && settled[same] === this.emitted[same]) same++;
      out = settled.slice(same);
    }
    this.emitted = settled;
    const nl = this.text.lastIndexOf('\n', cut - 1);
    if (nl >= this.base) {
      const lines = this.text.slice(this.base, nl + 1);
      const begin = lines.lastIndexOf('-----BEGIN');
      if (begin < 0 || lines.includes('-----END', begin)) {
        this.baseOut += redactText(lines);
        this.base = nl + 1;
      }
    }
    return out;
  }
}
