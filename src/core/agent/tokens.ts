// Token counts without a tokenizer. Gemini's countTokens would be exact, but
// it is one more network round trip (and quota) before every model request,
// and a budget only needs an upper bound: characters divided by a ratio on
// the safe side does that for free.

/**
 * Characters per token, rounded down on purpose: English prose runs near 4,
 * but JSON, logs, code and non-Latin text tokenize closer to 3 (or fewer),
 * and overestimating only trims a little early.
 */
export const CHARS_PER_TOKEN = 3;

/** An upper-bound estimate of the tokens `value` takes (a string as it is, anything else as its JSON). */
export function estimateTokens(value: unknown): number {
  const chars = typeof value === 'string' ? value.length : (JSON.stringify(value ?? null)?.length ?? 0);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function charsForTokens(tokens: number): number {
  return Math.max(0, Math.floor(tokens * CHARS_PER_TOKEN));
}
