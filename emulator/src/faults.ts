import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// Fault injection: a rule picks requests by method and path and, on chosen call
// numbers, answers with an error, drops the connection, never answers, or
// trickles the real answer out slowly. Tests use it to check what the SDKs and
// Devgem do when Google has a bad minute (see emulator/README.md).

export type FaultKind = '429' | '500' | '503' | 'reset' | 'hang' | 'slow' | 'corrupt';

export type Fault =
  | { kind: '429'; retryAfterSeconds?: number }
  | { kind: '500' }
  | { kind: '503' }
  /** Drops the connection once half the request body (or all of a small one) has arrived; nothing of it is processed. */
  | { kind: 'reset' }
  /** Never answers; the request stays open until the client gives up (or reset/close). */
  | { kind: 'hang' }
  /** The real answer, its body written at this rate. */
  | { kind: 'slow'; bytesPerSecond: number }
  /** The request is processed with one byte of its body changed (damaged in transit; a checksum catches it). */
  | { kind: 'corrupt' };

/** Which server a rule watches: the API (default) or the Cloud Run service fronts (the apps' URLs). */
export type FaultTarget = 'api' | 'service';

export interface FaultRule {
  method?: string;
  /** A string matches the whole path; a RegExp is tested against it (the raw, still encoded path). */
  path: RegExp | string;
  /** 1-based numbers of the matching requests to fault, or every one. */
  calls: number[] | 'all';
  fault: Fault;
  on?: FaultTarget;
}

export interface FaultHit {
  rule: number;
  call: number;
  method: string;
  path: string;
  kind: FaultKind;
  on: FaultTarget;
  /**
   * A hang only: the client closed the held connection (it gave up or cancelled).
   * Set when it happens, so a test polls `hits()` for it; `clear()` and `close()` do not set it.
   */
  closedByClient?: boolean;
}

/** A request the emulator saw (control endpoints excluded), in order. */
export interface SeenRequest {
  method: string;
  path: string;
  on: FaultTarget;
}

interface LiveRule extends FaultRule {
  seen: number;
}

const STATUS: Record<'429' | '500' | '503', string> = { '429': 'RESOURCE_EXHAUSTED', '500': 'INTERNAL', '503': 'UNAVAILABLE' };
const MESSAGE: Record<'429' | '500' | '503', string> = {
  '429': 'Quota exceeded: too many requests (emulator fault).',
  '500': 'Internal error encountered (emulator fault).',
  '503': 'The service is currently unavailable (emulator fault).',
};

export class Faults {
  private rules: LiveRule[] = [];
  private fired: FaultHit[] = [];
  private log: SeenRequest[] = [];
  private readonly held = new Set<Socket>();
  private readonly damaged = new WeakSet<IncomingMessage>();

  /** Adds a rule; returns its index (as `FaultHit.rule` reports it). */
  add(rule: FaultRule): number {
    if (rule.calls !== 'all' && (!Array.isArray(rule.calls) || rule.calls.some((n) => !Number.isInteger(n) || n < 1))) {
      throw new Error('faults: calls must be "all" or a list of call numbers from 1');
    }
    if (rule.fault.kind === 'slow' && !(rule.fault.bytesPerSecond > 0)) throw new Error('faults: slow needs bytesPerSecond > 0');
    this.rules.push({ ...rule, method: rule.method?.toUpperCase(), seen: 0 });
    return this.rules.length - 1;
  }

  /** True when a 'corrupt' fault picked this request: its body is to be damaged before it is processed. */
  corrupts(req: IncomingMessage): boolean {
    return this.damaged.has(req);
  }

  hits(): FaultHit[] {
    return this.fired.map((h) => ({ ...h }));
  }

  requests(): SeenRequest[] {
    return this.log.map((r) => ({ ...r }));
  }

  /** Drops rules, hits and the request log, and ends every held (hanging) request. */
  clear(): void {
    this.rules = [];
    this.fired = [];
    this.log = [];
    const held = [...this.held];
    this.held.clear();
    for (const s of held) s.destroy();
  }

  /**
   * Called first for every request. True when a fault took the request over;
   * otherwise the request goes on (with `res` slowed down for a 'slow' fault).
   */
  intercept(on: FaultTarget, req: IncomingMessage, res: ServerResponse): boolean {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (on === 'api' && path.startsWith('/__emulator/')) return false;
    this.log.push({ method, path, on });
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i];
      if ((r.on ?? 'api') !== on || (r.method && r.method !== method)) continue;
      if (typeof r.path === 'string' ? r.path !== path : !r.path.test(path)) continue;
      r.seen++;
      if (r.calls !== 'all' && !r.calls.includes(r.seen)) continue;
      const hit: FaultHit = { rule: i, call: r.seen, method, path, kind: r.fault.kind, on };
      this.fired.push(hit);
      return this.apply(r.fault, req, res, hit);
    }
    return false;
  }

  private apply(fault: Fault, req: IncomingMessage, res: ServerResponse, hit: FaultHit): boolean {
    switch (fault.kind) {
      case '429':
      case '500':
      case '503': {
        req.resume();
        const code = Number(fault.kind);
        const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
        const details: unknown[] = [];
        if (fault.kind === '429' && fault.retryAfterSeconds !== undefined) {
          headers['Retry-After'] = String(fault.retryAfterSeconds);
          details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${fault.retryAfterSeconds}s` });
        }
        res.writeHead(code, headers);
        res.end(JSON.stringify({ error: { code, message: MESSAGE[fault.kind], status: STATUS[fault.kind], ...(details.length ? { details } : {}) } }));
        return true;
      }
      case 'reset':
        dropHalfWay(req);
        return true;
      case 'hang': {
        const socket = req.socket;
        this.held.add(socket);
        hit.closedByClient = false;
        socket.once('close', () => {
          // Still held: nobody here ended it (clear() forgets the socket first), so the client did.
          if (this.held.delete(socket)) hit.closedByClient = true;
        });
        req.resume();
        return true;
      }
      case 'slow':
        trickle(res, fault.bytesPerSecond);
        return false;
      case 'corrupt':
        this.damaged.add(req);
        return false;
    }
  }
}

/** Reads up to half the announced body (all of it when its length is unknown or small), then drops the connection. */
function dropHalfWay(req: IncomingMessage): void {
  const length = Number(req.headers['content-length'] ?? NaN);
  const half = Number.isFinite(length) && length > 1 ? Math.floor(length / 2) : 0;
  let received = 0;
  const drop = () => req.socket.destroy();
  if (half === 0) {
    req.on('end', drop);
    req.on('data', () => undefined);
    if (Number.isFinite(length) && length <= 1) drop();
    return;
  }
  req.on('data', (c: Buffer) => {
    received += c.length;
    if (received >= half) drop();
  });
  req.on('end', drop);
}

/** Holds back what the handler writes and sends it at `bytesPerSecond` once the handler ends the response. */
function trickle(res: ServerResponse, bytesPerSecond: number): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  const end = res.end.bind(res) as () => ServerResponse;
  const collect = (chunk: unknown, encoding?: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };
  (res as { write: unknown }).write = (chunk: unknown, encoding?: unknown) => {
    collect(chunk, encoding);
    return true;
  };
  (res as { end: unknown }).end = (chunk?: unknown, encoding?: unknown) => {
    collect(chunk, encoding);
    const body = Buffer.concat(chunks);
    // Ten slices a second: slow, but steadily moving (not a hang).
    const slice = Math.max(1, Math.ceil(bytesPerSecond / 10));
    let at = 0;
    res.flushHeaders();
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      if (at >= body.length) {
        clearInterval(timer);
        end();
        return;
      }
      write(body.subarray(at, at + slice));
      at += slice;
    }, 100);
    res.once('close', () => clearInterval(timer));
    return res;
  };
}

/** A rule as JSON (POST /__emulator/faults): `path` is a string, or `{ "regex": "…", "flags": "…" }`. */
export function ruleFromJson(body: Record<string, unknown>): FaultRule {
  const p = body.path as unknown;
  const path =
    typeof p === 'string'
      ? p
      : p && typeof p === 'object' && typeof (p as { regex?: unknown }).regex === 'string'
        ? new RegExp((p as { regex: string }).regex, String((p as { flags?: unknown }).flags ?? ''))
        : undefined;
  if (path === undefined) throw new Error('faults: path must be a string or {regex, flags?}');
  const f = body.fault as Record<string, unknown> | undefined;
  const kind = String(f?.kind ?? '');
  let fault: Fault;
  if (kind === '429') fault = { kind, retryAfterSeconds: typeof f?.retryAfterSeconds === 'number' ? f.retryAfterSeconds : undefined };
  else if (kind === '500' || kind === '503' || kind === 'reset' || kind === 'hang' || kind === 'corrupt') fault = { kind };
  else if (kind === 'slow') fault = { kind, bytesPerSecond: Number(f?.bytesPerSecond) };
  else throw new Error(`faults: unknown fault kind "${kind}"`);
  const calls = body.calls === 'all' ? 'all' : Array.isArray(body.calls) ? body.calls.map(Number) : undefined;
  if (!calls) throw new Error('faults: calls must be "all" or a list of call numbers');
  const on = body.on === 'service' ? 'service' : 'api';
  return { method: typeof body.method === 'string' ? body.method : undefined, path, calls, fault, on };
}
