import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Google-API-shaped error: `{error:{code,message,status}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (m: string): ApiError => new ApiError(404, 'NOT_FOUND', m);
export const alreadyExists = (m: string): ApiError => new ApiError(409, 'ALREADY_EXISTS', m);
export const permissionDenied = (m: string): ApiError => new ApiError(403, 'PERMISSION_DENIED', m);
export const failedPrecondition = (m: string): ApiError => new ApiError(400, 'FAILED_PRECONDITION', m);
export const invalidArgument = (m: string): ApiError => new ApiError(400, 'INVALID_ARGUMENT', m);
export const unauthenticated = (m: string): ApiError => new ApiError(401, 'UNAUTHENTICATED', m);

/** What every handler receives: the parsed request. */
export interface Req {
  method: string;
  /** Path split on '/' and each segment URI-decoded; no leading empty segment. */
  segments: string[];
  /** The raw (still encoded) path. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** e.g. http://127.0.0.1:1234 */
  baseUrl: string;
}

/** The request body; with `bytesPerSecond` > 0 it is read no faster than that (TCP backpressure slows the client). */
export function readBody(req: IncomingMessage, bytesPerSecond = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const started = Date.now();
    let received = 0;
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      received += c.length;
      if (bytesPerSecond <= 0) return;
      const wait = started + (received / bytesPerSecond) * 1000 - Date.now();
      if (wait > 0) {
        req.pause();
        setTimeout(() => req.resume(), wait);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON body; an empty body is `{}`. */
export function jsonBody(req: Req): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw invalidArgument('Invalid JSON payload received.');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body, null, 2));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(data.length), ...headers });
  res.end(data);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    sendJson(res, err.code, { error: { code: err.code, message: err.message, status: err.status, ...err.extra } });
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(res, 500, { error: { code: 500, message: `Internal error: ${message}`, status: 'INTERNAL' } });
}

export const nowIso = (): string => new Date().toISOString();

/** Resolves a proto enum that may arrive as a number (enum-encoding=int) or a name. */
export function enumName(value: unknown, names: readonly string[], fallback: string): string {
  if (typeof value === 'number') return names[value] ?? fallback;
  if (typeof value === 'string' && value) return value;
  return fallback;
}
