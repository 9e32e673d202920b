import { redactText } from '../base/redact';

// Why a model reply ended, and what Devgem does about it. Gemini reports it
// as the candidate's finishReason (or, for a refused prompt, promptFeedback's
// blockReason); a reply that ends any way but STOP must never leave the chat
// with nothing but the user's own message.

/** How one model reply ended, as the stream reported it. */
export interface ReplyEnd {
  finishReason?: string;
  finishMessage?: string;
  blockReason?: string;
  blockMessage?: string;
  /** The reply held neither text nor a function call. */
  empty: boolean;
}

export type ReplyVerdict =
  /** Use the reply: show its text, run its calls. */
  | { kind: 'ok' }
  /** The model's function call could not be used: ask again once, with a correction. */
  | { kind: 'retry'; reason: string }
  /** The request was refused before any reply: nothing of this exchange should be sent again. */
  | { kind: 'blocked'; reason: string; message: string }
  /** The reply ended early: keep what was said, run none of its calls, tell the user. */
  | { kind: 'stopped'; reason: string; message: string };

/** Reasons a repeated request may fix: the model wrote a call Devgem cannot parse or did not offer. */
const RETRYABLE = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL']);
const NORMAL = new Set(['STOP', 'FINISH_REASON_UNSPECIFIED']);

const REPHRASE = 'Rephrase your request; if it is about logs or files the tools read, ask for something narrower (fewer log lines, one file).';

const MESSAGES: Record<string, string> = {
  MAX_TOKENS:
    "Gemini's reply reached its length limit (MAX_TOKENS), so it is cut off and no action in it was run. Ask for a shorter answer, or for one step at a time.",
  SAFETY: `Gemini stopped its reply because its safety filter flagged it (SAFETY). No action in it was run. ${REPHRASE}`,
  RECITATION:
    'Gemini stopped its reply because it matched published text too closely (RECITATION). No action in it was run. Ask for an explanation in its own words rather than a copy of a file or page.',
  BLOCKLIST: `Gemini stopped its reply because it contained a blocked term (BLOCKLIST). No action in it was run. ${REPHRASE}`,
  PROHIBITED_CONTENT: `Gemini stopped its reply because it may contain prohibited content (PROHIBITED_CONTENT). No action in it was run. ${REPHRASE}`,
  SPII: `Gemini stopped its reply because it may contain sensitive personal information (SPII). No action in it was run. ${REPHRASE}`,
  LANGUAGE: 'Gemini stopped its reply because of the language it was in (LANGUAGE). No action in it was run. Ask again in English.',
  MALFORMED_FUNCTION_CALL:
    'Gemini twice wrote a tool call Devgem could not read (MALFORMED_FUNCTION_CALL), so nothing was run. Send your message again, or ask for one step at a time.',
  UNEXPECTED_TOOL_CALL:
    'Gemini twice called a tool Devgem does not offer (UNEXPECTED_TOOL_CALL), so nothing was run. Send your message again, or ask for one step at a time.',
  EMPTY: 'Gemini returned an empty reply. Send your message again; if it keeps happening, rephrase it or start a new chat (Devgem: New Chat).',
};

const BLOCKED = (reason: string) =>
  `Gemini refused the request (prompt blocked: ${reason}). Your message was left out of the conversation so it does not block the next one. ${REPHRASE} If it keeps happening, start a new chat (Devgem: New Chat).`;

const OTHER = (reason: string) =>
  `Gemini stopped without finishing its reply (${reason}). No action in it was run. Send your message again; if it keeps happening, rephrase it or start a new chat (Devgem: New Chat).`;

/** What the model is told after a function call it got wrong, before it tries once more. */
export const CALL_CORRECTION =
  '[Devgem] Your last function call could not be used: it was malformed or named a tool that is not offered. Call one of the declared tools again with arguments that are valid JSON and match its schema, or answer in text.';

export function judgeReply(end: ReplyEnd): ReplyVerdict {
  if (end.blockReason) return { kind: 'blocked', reason: end.blockReason, message: withDetail(BLOCKED(end.blockReason), end.blockMessage) };
  const reason = end.finishReason;
  if (reason && RETRYABLE.has(reason)) return { kind: 'retry', reason };
  if (reason && !NORMAL.has(reason)) return { kind: 'stopped', reason, message: withDetail(MESSAGES[reason] ?? OTHER(reason), end.finishMessage) };
  if (end.empty) return { kind: 'stopped', reason: 'EMPTY', message: MESSAGES.EMPTY };
  return { kind: 'ok' };
}

/** The message when the corrected request failed the same way. */
export function retryFailedMessage(reason: string, finishMessage?: string): string {
  return withDetail(MESSAGES[reason] ?? OTHER(reason), finishMessage);
}

/** Gemini's own explanation, when it gives one, quoted and bounded. */
function withDetail(message: string, detail: string | undefined): string {
  const d = detail?.replace(/\s+/g, ' ').trim();
  return d ? `${message} (Gemini said: "${redactText(d).slice(0, 200)}")` : message;
}
