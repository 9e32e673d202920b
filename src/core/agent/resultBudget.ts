import { charsForTokens } from './tokens';

// Every tool result has a token cap, so no single call can fill the model's
// context: a tool that knows its data (logs) summarises it under its cap
// first; this is the backstop for the rest (a big file, a long list).

/** A tool result's cap unless the tool sets its own. */
export const DEFAULT_RESULT_TOKENS = 6_000;

/** Longest strings and arrays allowed at each step; the first step whose result fits wins. */
const STEPS: [stringChars: number, items: number][] = [
  [4_000, Infinity],
  [1_000, 200],
  [300, 50],
  [100, 10],
  [60, 3],
];

/** `data`, shortened until its JSON fits in `maxTokens`: long strings cut, long lists shortened, and a note saying so. */
export function capResult(data: Record<string, unknown>, maxTokens: number): Record<string, unknown> {
  const maxChars = charsForTokens(maxTokens);
  if (JSON.stringify(data).length <= maxChars) return data;
  const note = `This result was shortened to fit Devgem's budget of about ${maxTokens.toLocaleString('en-US')} tokens for one tool result. Ask for less at a time (a smaller limit, a severity filter, fewer lines, one file).`;
  for (const [chars, items] of STEPS) {
    const shortened = { ...(shrink(data, chars, items) as Record<string, unknown>), truncated_by_devgem: note };
    if (JSON.stringify(shortened).length <= maxChars) return shortened;
  }
  // Deeply nested or very wide data: a plain prefix of it, marked as untrusted like its parts were.
  return { truncated_by_devgem: note, preview_untrusted: JSON.stringify(data).slice(0, Math.max(0, maxChars - note.length - 100)) };
}

function shrink(value: unknown, chars: number, items: number): unknown {
  if (typeof value === 'string') return cutText(value, chars);
  if (Array.isArray(value)) {
    const kept = value.slice(0, items).map((v) => shrink(v, chars, items));
    return value.length > items ? [...kept, `[${value.length - items} more not shown]`] : kept;
  }
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shrink(v, chars, items)]));
  return value;
}

/** `text` cut to `max` characters, saying how much was cut. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${(text.length - max).toLocaleString('en-US')} more characters]` : text;
}
