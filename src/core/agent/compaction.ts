import type { FunctionResponse, ModelTurn } from './model';
import { estimateTokens } from './tokens';

// A tool result matters while the model acts on it; a few turns later its
// gist is in the model's own reply, and resending a whole log on every step
// only burns tokens. Old results shrink to their small fields and a note, and
// keep their id and name: Gemini requires every function call in the history
// to be answered by a response, so the pair must survive.

/** Function responses followed by at least this many turns are compacted. */
export const COMPACT_AFTER_TURNS = 6;

/** A response this small is kept whole: a summary would save nothing. */
const SMALL_RESPONSE_CHARS = 400;
const SHORT_STRING = 120;
const MAX_KEPT_FIELDS = 8;

/** The response as a short summary: its scalar fields (never the untrusted text ones) and a note. */
export function compactResponse(r: FunctionResponse): FunctionResponse {
  const response = r.response ?? {};
  if (response.compacted === true || JSON.stringify(response).length <= SMALL_RESPONSE_CHARS) return r;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(response)) {
    if (Object.keys(kept).length >= MAX_KEPT_FIELDS) break;
    if (key.endsWith('_untrusted')) continue;
    if (typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= SHORT_STRING)) kept[key] = value;
  }
  return {
    ...(r.id !== undefined ? { id: r.id } : {}),
    name: r.name,
    response: {
      compacted: true,
      ...kept,
      note: `An older result of ${r.name} (about ${estimateTokens(response)} tokens) was left out to save context. Call ${r.name} again if you need its details.`,
    },
  };
}

/** The turns with every function response older than the newest `keepRecent` turns compacted; the input is not changed. */
export function compactOldResults(turns: readonly ModelTurn[], keepRecent = COMPACT_AFTER_TURNS): ModelTurn[] {
  const cutoff = turns.length - Math.max(0, keepRecent);
  return turns.map((t, i) =>
    i < cutoff && t.parts.some((p) => p.functionResponse)
      ? { ...t, parts: t.parts.map((p) => (p.functionResponse ? { ...p, functionResponse: compactResponse(p.functionResponse) } : p)) }
      : t,
  );
}
