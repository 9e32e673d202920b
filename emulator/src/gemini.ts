import type { ServerResponse } from 'node:http';
import { invalidArgument, jsonBody, notFound, sendJson, type Req } from './http';

// The Gemini generateContent surface, in both shapes @google/genai uses: the
// Gemini API (API key) and Vertex AI (bearer token). Replies are not generated:
// tests script them in a FIFO queue, so a test decides exactly what the "model"
// says, how fast, and how it fails.

/** A REST part as the Gemini API returns it. */
export type GeminiPart = { text: string } | { functionCall: { name: string; args: Record<string, unknown>; id?: string } };

export type ScriptedReply =
  | {
      parts: GeminiPart[];
      /** Pause before each streamed chunk after the first. */
      chunkDelayMs?: number;
      /** Stream text parts word by word as separate chunks. */
      splitText?: boolean;
      /** Default STOP. With no parts, the candidate has no content at all, as Gemini sends a MALFORMED_FUNCTION_CALL. */
      finishReason?: string;
      /** Gemini's explanation of the finish reason, on the last chunk. */
      finishMessage?: string;
      /** Replaces the computed token counts on the last chunk. */
      usageMetadata?: UsageMetadata;
      /** Streams this many chunks, then writes nothing more until the client goes away (tests the idle timeout). */
      hangAfterChunks?: number;
      /** Only answer a request of this mode; the other mode gets 503 and the reply stays queued. */
      mode?: GeminiMode;
    }
  /** The prompt itself refused: one chunk with promptFeedback and no candidate, as Gemini answers a blocked prompt. */
  | { promptFeedback: { blockReason: string; blockReasonMessage?: string }; usageMetadata?: UsageMetadata }
  | { error: { status: number; message?: string; retryAfterSeconds?: number } }
  /** Holds the request open and writes nothing until the client goes away (tests Stop). */
  | { hang: true };

export type GeminiMode = 'apiKey' | 'vertex';

export interface UsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiRequestRecord {
  mode: GeminiMode;
  model: string;
  stream: boolean;
  /** The request path, e.g. /v1beta/models/gemini-2.5-flash:streamGenerateContent */
  path: string;
  /** Only the last 4 characters of the x-goog-api-key header. */
  apiKey?: string;
  /** Whether an `Authorization: Bearer` header came with it. */
  bearer: boolean;
  body: unknown;
}

/** The key a test uses to get Google's "API key not valid" answer. */
export const BAD_API_KEY = 'bad-key';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  429: 'Resource has been exhausted (e.g. check quota).',
  503: 'The model is overloaded. Please try again later.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
};

/** Whether a (decoded) path belongs to the Gemini endpoint, in either mode. */
export function isGeminiPath(seg: string[]): boolean {
  return parseTarget(seg) !== undefined;
}

interface Target {
  mode: GeminiMode;
  model: string;
  method: string;
}

function parseTarget(seg: string[]): Target | undefined {
  const split = (last: string): { model: string; method: string } | undefined => {
    const i = last.lastIndexOf(':');
    return i > 0 ? { model: last.slice(0, i), method: last.slice(i + 1) } : undefined;
  };
  if ((seg[0] === 'v1' || seg[0] === 'v1beta') && seg[1] === 'models' && seg.length === 3) {
    const m = split(seg[2]);
    return m && { mode: 'apiKey', ...m };
  }
  if (
    (seg[0] === 'v1' || seg[0] === 'v1beta1') &&
    seg[1] === 'projects' &&
    seg[3] === 'locations' &&
    seg[5] === 'publishers' &&
    seg[7] === 'models' &&
    seg.length === 9
  ) {
    const m = split(seg[8]);
    return m && { mode: 'vertex', ...m };
  }
  return undefined;
}

function sendGoogleError(res: ServerResponse, code: number, message: string, opts: { retryAfterSeconds?: number; reason?: string } = {}): void {
  const details: Record<string, unknown>[] = [];
  const headers: Record<string, string> = {};
  if (opts.reason) details.push({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: opts.reason, domain: 'googleapis.com' });
  if (opts.retryAfterSeconds !== undefined) {
    // Google puts the wait in the body (RetryInfo); the header is for HTTP clients that read it.
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${opts.retryAfterSeconds}s` });
    headers['Retry-After'] = String(Math.ceil(opts.retryAfterSeconds));
  }
  const status = STATUS_NAMES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  sendJson(res, code, { error: { code, message, status, ...(details.length ? { details } : {}) } }, headers);
}

/** Rough token counts: about four characters a token, like Google's own estimate. */
const tokens = (v: unknown): number => Math.max(1, Math.ceil(JSON.stringify(v ?? '').length / 4));

export class GeminiState {
  private queue: ScriptedReply[] = [];
  private log: GeminiRequestRecord[] = [];
  /** Hanging and still-streaming responses, ended on reset. */
  private readonly open = new Set<ServerResponse>();

  script(replies: ScriptedReply[]): void {
    this.queue.push(...replies.map(checkReply));
  }

  requests(): GeminiRequestRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  clear(): void {
    this.queue = [];
    this.log = [];
    for (const res of this.open) res.destroy();
    this.open.clear();
  }

  /** POST /__emulator/gemini/script, GET /__emulator/gemini/requests */
  control(r: Req, res: ServerResponse): void {
    const what = r.segments[2];
    if (what === 'script' && r.method === 'POST') {
      const replies = jsonBody(r).replies;
      if (!Array.isArray(replies)) throw invalidArgument('Expected {"replies": [...]}.');
      this.script(replies as ScriptedReply[]);
      return sendJson(res, 200, { queued: this.queue.length });
    }
    if (what === 'requests' && r.method === 'GET') return sendJson(res, 200, this.requests());
    throw notFound(`Unknown Gemini control endpoint ${r.method} ${r.rawPath}`);
  }

  handle(r: Req, res: ServerResponse): void {
    const target = parseTarget(r.segments);
    if (!target || r.method !== 'POST' || (target.method !== 'generateContent' && target.method !== 'streamGenerateContent')) {
      throw notFound(`Not found: ${r.method} ${r.rawPath} (the emulator serves generateContent and streamGenerateContent)`);
    }
    const stream = target.method === 'streamGenerateContent';
    const key = headerValue(r, 'x-goog-api-key') ?? r.query.get('key') ?? undefined;
    const bearer = /^Bearer \S+/i.test(headerValue(r, 'authorization') ?? '');
    const body = jsonBody(r);
    this.log.push({ mode: target.mode, model: target.model, stream, path: r.rawPath, apiKey: key?.slice(-4), bearer, body });

    if (target.mode === 'apiKey' && key === undefined) {
      return sendGoogleError(
        res,
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (key === BAD_API_KEY) return sendGoogleError(res, 400, 'API key not valid. Please pass a valid API key.', { reason: 'API_KEY_INVALID' });
    if (target.mode === 'vertex' && !bearer) {
      return sendGoogleError(
        res,
        401,
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }

    const reply = this.queue[0];
    if (!reply) return sendGoogleError(res, 500, 'emulator: no scripted Gemini reply (queue one with gemini.script() or POST /__emulator/gemini/script)');
    if ('parts' in reply && reply.mode && reply.mode !== target.mode) {
      return sendGoogleError(res, 503, `emulator: the next scripted reply is for ${reply.mode} requests, not ${target.mode}`);
    }
    this.queue.shift();

    if ('hang' in reply) {
      this.track(res);
      return;
    }
    if ('error' in reply) {
      const { status, message, retryAfterSeconds } = reply.error;
      return sendGoogleError(res, status, message ?? DEFAULT_MESSAGES[status] ?? `Scripted error ${status}.`, { retryAfterSeconds });
    }
    if ('promptFeedback' in reply) {
      const promptTokens = tokens(body);
      const blocked = {
        promptFeedback: reply.promptFeedback,
        usageMetadata: reply.usageMetadata ?? { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
        modelVersion: target.model,
      };
      if (!stream) return sendJson(res, 200, blocked);
      return this.streamChunks(res, [blocked], 0);
    }
    const chunks = chunksOf(reply, target.model, tokens(body));
    if (!stream) return sendJson(res, 200, merge(chunks));
    this.streamChunks(res, chunks, reply.chunkDelayMs ?? 0, reply.hangAfterChunks);
  }

  private track(res: ServerResponse): void {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
  }

  private streamChunks(res: ServerResponse, chunks: Record<string, unknown>[], delayMs: number, hangAfter?: number): void {
    this.track(res);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    res.on('close', () => clearTimeout(timer));
    const next = (): void => {
      if (res.destroyed) return;
      if (hangAfter !== undefined && i >= hangAfter) return;
      if (i >= chunks.length) return void res.end();
      res.write(`data: ${JSON.stringify(chunks[i++])}\r\n\r\n`);
      if (delayMs > 0 && i < chunks.length) timer = setTimeout(next, delayMs);
      else setImmediate(next);
    };
    next();
  }
}

function headerValue(r: Req, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The GenerateContentResponse chunks one scripted reply streams as. */
function chunksOf(reply: Extract<ScriptedReply, { parts: unknown }>, model: string, promptTokens: number): Record<string, unknown>[] {
  const pieces: GeminiPart[][] = [];
  for (const part of reply.parts) {
    if ('text' in part && reply.splitText) {
      for (const word of part.text.split(/(?<=\s)/)) pieces.push([{ text: word }]);
    } else if (reply.splitText || pieces.length === 0) {
      pieces.push([part]);
    } else {
      pieces[0].push(part);
    }
  }
  if (pieces.length === 0) pieces.push([]);
  const responseId = `emu-${Date.now().toString(36)}`;
  const outputTokens = tokens(reply.parts);
  const usage = reply.usageMetadata ?? { promptTokenCount: promptTokens, candidatesTokenCount: outputTokens, totalTokenCount: promptTokens + outputTokens };
  return pieces.map((parts, i) => {
    const last = i === pieces.length - 1;
    const end = last ? { finishReason: reply.finishReason ?? 'STOP', ...(reply.finishMessage ? { finishMessage: reply.finishMessage } : {}) } : {};
    return {
      candidates: [{ ...(parts.length ? { content: { role: 'model', parts } } : {}), index: 0, ...end }],
      ...(last ? { usageMetadata: usage } : {}),
      modelVersion: model,
      responseId,
    };
  });
}

/** A non-streamed reply: all chunks' parts in one response. */
function merge(chunks: Record<string, unknown>[]): Record<string, unknown> {
  type Candidate = { content?: { parts: GeminiPart[] } };
  const parts = chunks.flatMap((c) => (c.candidates as Candidate[])[0].content?.parts ?? []);
  const last = chunks[chunks.length - 1] as { candidates: Candidate[] };
  return { ...last, candidates: [{ ...last.candidates[0], content: { role: 'model', parts } }] };
}

/** Scripts arrive over HTTP too: reject a malformed one at once, not when a request hits it. */
function checkReply(value: unknown): ScriptedReply {
  const v = value as Record<string, unknown> | null;
  const ok =
    v !== null &&
    typeof v === 'object' &&
    ((Array.isArray(v.parts) && v.parts.every((p) => p && typeof p === 'object' && ('text' in p || 'functionCall' in p))) ||
      (typeof v.error === 'object' && v.error !== null && typeof (v.error as { status?: unknown }).status === 'number') ||
      (typeof v.promptFeedback === 'object' && v.promptFeedback !== null && typeof (v.promptFeedback as { blockReason?: unknown }).blockReason === 'string') ||
      v.hang === true);
  if (!ok)
    throw invalidArgument(
      `Not a scripted Gemini reply: ${JSON.stringify(value)}. Expected {parts}, {error: {status}}, {promptFeedback: {blockReason}} or {hang: true}.`,
    );
  return v as ScriptedReply;
}
