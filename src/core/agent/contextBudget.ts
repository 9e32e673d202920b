// How much context one model request may carry. The model's input window
// bounds it; below that, a cap keeps every step of a long tool loop from
// resending a whole window (Gemini's is a million tokens, paid on every step).

/** Input windows of the model families Devgem meets, in tokens; the first match wins. */
const KNOWN_WINDOWS: [RegExp, number][] = [
  [/^gemini-1\.5-pro/, 2_097_152],
  [/^gemini-1\.5-flash/, 1_048_576],
  [/^gemini-(1\.0-)?pro(-vision)?(-\d+)?$/, 30_720],
  [/^gemma-3/, 131_072],
  [/^gemma/, 8_192],
];

/** Gemini 2 and later: one million tokens, the whole family so far. */
const MODERN_GEMINI = /^gemini-(\d+)(\.\d+)?-/;
const MODERN_WINDOW = 1_048_576;

/** An unknown model gets a window most current models exceed, so the guess errs small. */
export const DEFAULT_INPUT_TOKENS = 32_768;

/** Kept free for the reply and for the estimate's own error. */
export const REPLY_RESERVE_TOKENS = 8_192;

/** What one request sends at most even when the window is larger: the old turns beyond it are summarised. */
export const MAX_CONTEXT_TOKENS = 128_000;

/** The input token limit of a model by name ("gemini-2.5-flash", "models/gemini-1.5-pro-002"). */
export function inputTokenLimitOf(model: string): number {
  const name = model
    .trim()
    .toLowerCase()
    .replace(/^models\//, '');
  for (const [pattern, tokens] of KNOWN_WINDOWS) if (pattern.test(name)) return tokens;
  const modern = MODERN_GEMINI.exec(name);
  if (modern && Number(modern[1]) >= 2) return MODERN_WINDOW;
  return DEFAULT_INPUT_TOKENS;
}

export interface ContextBudget {
  /** Tokens a request must never exceed: the window less the reply's reserve. */
  limit: number;
  /** Tokens a request aims for; older exchanges are trimmed to stay under it. */
  target: number;
}

export function contextBudget(inputTokenLimit: number | undefined): ContextBudget {
  const window = inputTokenLimit && inputTokenLimit > 0 ? inputTokenLimit : DEFAULT_INPUT_TOKENS;
  // A tiny window still leaves a usable half for the request.
  const limit = Math.max(Math.floor(window / 2), window - REPLY_RESERVE_TOKENS);
  return { limit, target: Math.min(limit, MAX_CONTEXT_TOKENS) };
}
