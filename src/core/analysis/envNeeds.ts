// Environment variables the code reads with no default, found by reading the
// source (never running it): `os.environ["X"]`, `os.getenv("X")`, django-environ
// and python-decouple reads, `process.env.X` used as a value, `ENV.fetch("X")`,
// Laravel's `env('X')`, `Deno.env.get("X")`. On Cloud Run nothing sets them
// unless the user does, so the analysis lists them as needs.
import { lineAt } from './dirView';
import type { EnvNeed, Evidence } from './types';

/** Set by Cloud Run or by the generated image: never asked for. */
const PROVIDED = new Set([
  'PORT',
  'K_SERVICE',
  'K_REVISION',
  'K_CONFIGURATION',
  'CLOUD_RUN_JOB',
  'CLOUD_RUN_EXECUTION',
  'CLOUD_RUN_TASK_INDEX',
  'CLOUD_RUN_TASK_COUNT',
  'NODE_ENV',
  'RACK_ENV',
  'RAILS_ENV',
  'APP_ENV',
  'HOME',
  'PATH',
  'HOSTNAME',
  'PWD',
  'USER',
  'LANG',
  'SHELL',
  'VIRTUAL_ENV',
  'PYTHONPATH',
  'CI',
]);

/** Names that hold secrets (or URLs that embed credentials): Secret Manager rather than a plain env var. */
const SECRET = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS$|CREDENTIAL|PRIVATE|DSN|AUTH|SALT|(DATABASE|DB|REDIS|MONGO\w*|AMQP)_(URL|URI)/;

interface Rule {
  re: RegExp;
  /** A read that has a default or only tests presence: not a need. */
  optional?: (after: string, before: string) => boolean;
  /** Only in files that use this library. */
  when?: RegExp;
}

const NAME = `["']([A-Z][A-Z0-9_]*)["']`;
const conditionLine = (before: string) => /^\s*(if|elif|while|unless|assert)\b|\bif\s+(not\s+)?$|!\s*$|\bnot\s+$/.test(before);

const PYTHON: Rule[] = [
  { re: new RegExp(`\\bos\\.environ\\[\\s*${NAME}\\s*\\]`, 'g'), optional: (_a, b) => /\bin\s+$/.test(b) },
  {
    re: new RegExp(`\\bos\\.(?:getenv|environ\\.get)\\(\\s*${NAME}\\s*\\)`, 'g'),
    optional: (a, b) => /^\s*(or\b|is\s+not\b|is\b|==|!=)/.test(a) || conditionLine(b),
  },
  { re: new RegExp(`\\benv(?:\\.(?:str|bool|int|float|list|json|url|db_url|cache_url))?\\(\\s*${NAME}\\s*\\)`, 'g'), when: /\benviron\.Env\(/ },
  { re: new RegExp(`\\bconfig\\(\\s*${NAME}\\s*(?:,\\s*cast\\s*=\\s*\\w+\\s*)?\\)`, 'g'), when: /from\s+decouple\s+import|import\s+decouple/ },
];

const JS: Rule[] = [
  {
    re: /\b(?:process|Bun)\.env\.([A-Z][A-Z0-9_]*)\b|\bprocess\.env\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]/g,
    // A fallback, a test, or a comparison means the code copes without it.
    optional: (a, b) =>
      /^\s*(\|\||\?\?|\?|===?|!==?|&&|\)\s*\{|\)\s*\?|\)\s*&&|\)\s*\|\|)/.test(a) || /(typeof|!|if\s*\(|\?\s*|&&\s*|\|\|\s*)$/.test(b.trimEnd()),
  },
  {
    re: new RegExp(`\\bDeno\\.env\\.get\\(\\s*${NAME}\\s*\\)`, 'g'),
    optional: (a, b) => /^\s*(\?\?|\|\||\?|===?|!==?|&&)/.test(a) || /(!|if\s*\()$/.test(b.trimEnd()),
  },
];

const RUBY: Rule[] = [
  // ENV.fetch("X") with neither a default argument nor a block raises KeyError when X is unset.
  { re: new RegExp(`\\bENV\\.fetch\\(\\s*${NAME}\\s*\\)`, 'g'), optional: (a) => /^\s*(\{|do\b)/.test(a) },
];

const PHP: Rule[] = [
  { re: new RegExp(`\\b(?:env|getenv)\\(\\s*${NAME}\\s*\\)`, 'g'), optional: (a, b) => /^\s*(\?\?|\?:|===?|!==?)/.test(a) || /(if\s*\(|!)$/.test(b.trimEnd()) },
];

export const ENV_RULES: Record<'python' | 'js' | 'ruby' | 'php', Rule[]> = { python: PYTHON, js: JS, ruby: RUBY, php: PHP };

/** Every read of an unset-able variable in `text`, as name → evidence. */
export function envReads(text: string, file: string, rules: Rule[]): Map<string, Evidence[]> {
  const out = new Map<string, Evidence[]>();
  for (const rule of rules) {
    if (rule.when && !rule.when.test(text)) continue;
    for (const m of text.matchAll(rule.re)) {
      const name = m[1] ?? m[2];
      if (!name || PROVIDED.has(name)) continue;
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const before = text.slice(lineStart, m.index);
      if (/^\s*(#|\/\/|\*)/.test(before)) continue;
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
      if (rule.optional?.(after, before)) continue;
      const line = lineAt(text, m.index);
      const list = out.get(name) ?? [];
      list.push({ file, line, detail: text.slice(lineStart, text.indexOf('\n', m.index) < 0 ? undefined : text.indexOf('\n', m.index)).trim() });
      out.set(name, list);
    }
  }
  return out;
}

/** Merges per-file reads into needs: a name read with a default anywhere still counts where it has none; at most three places each. */
export function toNeeds(reads: Map<string, Evidence[]>[], exclude: Set<string>, limit = 30): EnvNeed[] {
  const all = new Map<string, Evidence[]>();
  for (const r of reads) for (const [name, ev] of r) if (!exclude.has(name)) all.set(name, [...(all.get(name) ?? []), ...ev]);
  return [...all.entries()].slice(0, limit).map(([name, evidence]) => ({ name, evidence: evidence.slice(0, 3), secret: SECRET.test(name) }));
}
