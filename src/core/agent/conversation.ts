import { redactDeep, redactText } from '../base/redact';
import { compactOldResults } from './compaction';
import type { ModelPart, ModelTurn } from './model';

export interface SavedConversation {
  turns: ModelTurn[];
  /** What earlier, trimmed exchanges were about. */
  summary: string[];
}

/** Characters kept in storage; older exchanges move into the summary. */
const MAX_STORED_CHARS = 400_000;
const MAX_SUMMARY_LINES = 40;

/**
 * The history is what is saved to disk and sent back to the model, so every
 * turn is redacted on the way in: text, call arguments, tool results. Thought
 * signatures are opaque and go back as they came.
 */
function redactTurn(t: ModelTurn): ModelTurn {
  return {
    role: t.role,
    parts: t.parts.map((p) => {
      const out: ModelPart = { ...p };
      if (typeof p.text === 'string') out.text = redactText(p.text);
      if (p.functionCall) out.functionCall = { ...p.functionCall, args: redactDeep(p.functionCall.args) };
      if (p.functionResponse) out.functionResponse = { ...p.functionResponse, response: redactDeep(p.functionResponse.response) };
      return out;
    }),
  };
}

function size(t: ModelTurn): number {
  return JSON.stringify(t).length;
}

/** A user turn with text (not function responses) starts an exchange. */
function startsExchange(t: ModelTurn): boolean {
  return t.role === 'user' && t.parts.some((p) => p.text !== undefined) && !t.parts.some((p) => p.functionResponse);
}

function summarize(exchange: ModelTurn[]): string {
  const asked = exchange[0].parts
    .map((p) => p.text ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
  const tools = exchange.flatMap((t) => t.parts.flatMap((p) => (p.functionCall ? [p.functionCall.name] : [])));
  const lastText = [...exchange]
    .reverse()
    .find((t) => t.role === 'model' && t.parts.some((p) => p.text))
    ?.parts.map((p) => p.text ?? '')
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return `User: "${asked}"${tools.length ? `; tools: ${[...new Set(tools)].join(', ')}` : ''}${lastText ? `; Devgem: "${lastText}"` : ''}`;
}

/**
 * The model-facing history. It never splits a function call from its
 * response, and trims whole exchanges (oldest first) into one-line summaries
 * so the request stays inside the model's window.
 */
export class Conversation {
  private turns: ModelTurn[];
  private summary: string[];

  constructor(saved?: SavedConversation) {
    // A history saved by an older version may hold what is redacted now.
    this.turns = Array.isArray(saved?.turns) ? saved!.turns.filter(isTurn).map(redactTurn) : [];
    this.summary = Array.isArray(saved?.summary)
      ? saved!.summary
          .filter((s) => typeof s === 'string')
          .slice(-MAX_SUMMARY_LINES)
          .map(redactText)
      : [];
    // A saved history may end mid-exchange (the window closed while a tool ran):
    // drop the dangling function calls the model would otherwise wait on.
    while (this.turns.length && this.turns[this.turns.length - 1].parts.some((p) => p.functionCall)) this.turns.pop();
    // Each exchange must start with the user's text.
    while (this.turns.length && !startsExchange(this.turns[0])) this.turns.shift();
  }

  get length(): number {
    return this.turns.length;
  }

  get earlier(): readonly string[] {
    return this.summary;
  }

  all(): readonly ModelTurn[] {
    return this.turns;
  }

  push(turn: ModelTurn): void {
    this.turns.push(redactTurn(turn));
  }

  /** Drops every turn after the first `length` (a refused exchange must not be sent again). */
  truncate(length: number): void {
    this.turns.length = Math.max(0, Math.min(length, this.turns.length));
  }

  clear(): void {
    this.turns = [];
    this.summary = [];
  }

  /**
   * The turns to send: old tool results compacted, then the newest whole
   * exchanges that fit in `maxChars` (the current exchange always).
   */
  forModel(maxChars: number): { turns: ModelTurn[]; trimmed: string[] } {
    const exchanges = exchangesOf(compactOldResults(this.turns));
    let total = 0;
    let keepFrom = exchanges.length;
    for (let i = exchanges.length - 1; i >= 0; i--) {
      const s = exchanges[i].reduce((n, t) => n + size(t), 0);
      if (i < exchanges.length - 1 && total + s > maxChars) break;
      total += s;
      keepFrom = i;
    }
    const trimmed = exchanges.slice(0, keepFrom).map(summarize);
    return { turns: exchanges.slice(keepFrom).flat(), trimmed };
  }

  /** Compacts old tool results and moves old exchanges into the summary, so what is stored stays bounded. */
  compact(maxChars = MAX_STORED_CHARS): void {
    const { turns, trimmed } = this.forModel(maxChars);
    this.turns = turns;
    if (trimmed.length) this.summary = [...this.summary, ...trimmed].slice(-MAX_SUMMARY_LINES);
  }

  toJSON(): SavedConversation {
    return { turns: this.turns, summary: this.summary };
  }
}

function exchangesOf(turns: ModelTurn[]): ModelTurn[][] {
  const out: ModelTurn[][] = [];
  for (const t of turns) {
    if (startsExchange(t) || !out.length) out.push([t]);
    else out[out.length - 1].push(t);
  }
  return out;
}

function isPart(p: unknown): p is ModelPart {
  return typeof p === 'object' && p !== null;
}

function isTurn(t: unknown): t is ModelTurn {
  const turn = t as ModelTurn;
  return typeof t === 'object' && t !== null && (turn.role === 'user' || turn.role === 'model') && Array.isArray(turn.parts) && turn.parts.every(isPart);
}
