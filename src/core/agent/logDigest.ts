import { charsForTokens } from './tokens';

// A log for the model within a token cap. While the lines fit they go as
// they are (each line length-capped); past the cap the model gets a digest
// instead: how many lines of each severity, the error lines, and the newest
// lines, newest first in what is kept, oldest first in what is sent.

/** The cap of a log tool's result, in tokens (about 24,000 characters). */
export const LOG_RESULT_TOKENS = 8_000;

export interface LogDigestOptions<T> {
  text(item: T): string;
  withText(item: T, text: string): T;
  severity(item: T): string;
  maxTokens?: number;
  /** Longest line kept, in characters. */
  lineChars: number;
  /** Applied to each line as it is cut (secret redaction). */
  redact?(text: string): string;
  /** The field the lines go in ("entries_untrusted", "lines_untrusted"); the digest's error lines go in `errors_untrusted`. */
  key: string;
}

/** Room for the counts and the note around the lines. */
const OVERHEAD_CHARS = 800;
/** The share of the budget the error lines may take; the newest lines get the rest. */
const ERROR_SHARE = 0.4;
const ERROR_SEVERITIES = new Set(['ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']);
const ERROR_WORDS = /\b(error|err!|errors? occurred|failed|failure|fatal|exception|traceback|panic|denied|cannot|unable to)\b/i;
const WARNING_WORDS = /\bwarn(ing)?\b/i;

/** Redaction needs a secret whole to see it: it runs on a window past the cut, so a secret crossing the cut is not half shown. */
const REDACT_MARGIN = 1_000;

/** The line redacted and cut to `max` characters, saying so when cut. Redacting a whole 1 MB line would cost for nothing. */
export function boundedLine(raw: string, max: number, redact: (s: string) => string = (s) => s): string {
  const window = redact(raw.slice(0, max + REDACT_MARGIN));
  return window.length <= max
    ? window
    : `${window.slice(0, max)}… [line cut at ${max.toLocaleString('en-US')} of ${raw.length.toLocaleString('en-US')} characters]`;
}

/** A build log line has no severity: its words give one (ERROR, WARNING or INFO). */
export function severityOfLine(line: string): string {
  return ERROR_WORDS.test(line) ? 'ERROR' : WARNING_WORDS.test(line) ? 'WARNING' : 'INFO';
}

/** The log's lines within the cap, or a digest of them; fields to merge into a tool result. */
export function digestLog<T>(items: readonly T[], o: LogDigestOptions<T>): Record<string, unknown> {
  const capped = items.map((it) => o.withText(it, boundedLine(o.text(it), o.lineChars, o.redact)));
  const cost = (it: T) => JSON.stringify(it).length + 1;
  const budget = charsForTokens(o.maxTokens ?? LOG_RESULT_TOKENS) - OVERHEAD_CHARS;
  if (capped.reduce((n, it) => n + cost(it), 2) <= budget) return { [o.key]: capped };

  const isError = (it: T) => ERROR_SEVERITIES.has(o.severity(it)) || (o.severity(it) === 'DEFAULT' && ERROR_WORDS.test(o.text(it)));
  const errors = new Set<number>();
  let used = 0;
  for (let i = capped.length - 1; i >= 0; i--) {
    if (!isError(capped[i])) continue;
    if (used + cost(capped[i]) > budget * ERROR_SHARE) break;
    used += cost(capped[i]);
    errors.add(i);
  }
  const newest: number[] = [];
  for (let i = capped.length - 1; i >= 0; i--) {
    if (errors.has(i)) continue;
    if (used + cost(capped[i]) > budget) break;
    used += cost(capped[i]);
    newest.unshift(i);
  }
  const bySeverity: Record<string, number> = {};
  for (const it of items) bySeverity[o.severity(it)] = (bySeverity[o.severity(it)] ?? 0) + 1;
  const errorCount = capped.filter(isError).length;
  return {
    summarized: true,
    totalLines: items.length,
    countsBySeverity: bySeverity,
    errors_untrusted: [...errors].sort((a, b) => a - b).map((i) => capped[i]),
    [o.key]: newest.map((i) => capped[i]),
    omittedLines: items.length - errors.size - newest.length,
    note:
      `The log is larger than Devgem's budget for one tool result, so this is a digest: the counts by severity, ` +
      `the newest ${errors.size} of ${errorCount} error lines (in errors_untrusted) and the newest ${newest.length} other lines (in ${o.key}). ` +
      'Ask for fewer lines or only errors to see more of them.',
  };
}
