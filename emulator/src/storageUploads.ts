import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ApiError, invalidArgument, sendJson, type Req } from './http';
import { checkGenerationMatch, objectJson, type StorageState } from './storage';

interface Session {
  bucket: string;
  name: string;
  contentType: string;
  metadata?: Record<string, string>;
  /** ifGenerationMatch of the request that started the session: checked when it starts and again when the object is written. */
  ifGenerationMatch?: string;
  data: Buffer;
  /** Set once the object is written. */
  result?: Record<string, unknown>;
  /** What each data request delivered, in order: where a client resumed shows here. */
  received: ReceivedRange[];
}

/** Bytes [start, end) of the object that one request carried. */
export interface ReceivedRange {
  start: number;
  end: number;
}

/** A resumable upload session as tests see it (GET /__emulator/uploads). */
export interface UploadRecord {
  bucket: string;
  name: string;
  received: ReceivedRange[];
  /** The object's size once the upload completed. */
  size?: number;
}

/** Cloud Storage upload endpoint: /upload/storage/v1/b/B/o (resumable, multipart, media). */
export class UploadHandler {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly st: StorageState) {}

  clear(): void {
    this.sessions.clear();
  }

  records(): UploadRecord[] {
    return [...this.sessions.values()].map((s) => ({
      bucket: s.bucket,
      name: s.name,
      received: s.received.map((r) => ({ ...r })),
      ...(s.result ? { size: Number(s.result.size) } : {}),
    }));
  }

  /** Session PUTs carry no Authorization header in the real protocol. */
  isSessionRequest(req: Req): boolean {
    return req.method === 'PUT' && req.query.has('upload_id');
  }

  handle(req: Req, res: ServerResponse, rest: string[]): void {
    // rest: ['b', B, 'o']
    if (rest[0] !== 'b' || rest[2] !== 'o' || rest.length !== 3) throw new ApiError(404, 'NOT_FOUND', 'Not Found');
    const bucket = rest[1];
    const uploadType = req.query.get('uploadType') ?? 'media';
    const uploadId = req.query.get('upload_id');
    if (uploadId && (req.method === 'PUT' || req.method === 'POST')) return this.putChunk(req, res, uploadId);
    if (uploadId && req.method === 'DELETE') {
      this.sessions.delete(uploadId);
      res.writeHead(499).end();
      return;
    }
    if (req.method !== 'POST') throw new ApiError(404, 'NOT_FOUND', 'Not Found');
    this.st.bucket(bucket);
    if (uploadType === 'resumable') return this.startResumable(req, res, bucket);
    if (uploadType === 'multipart') return this.multipart(req, res, bucket);
    if (uploadType === 'media') {
      const name = req.query.get('name');
      if (!name) throw invalidArgument('Required parameter: name');
      const ct = String(req.headers['content-type'] ?? 'application/octet-stream');
      checkGenerationMatch(this.st, bucket, name, req.query.get('ifGenerationMatch'));
      const o = this.st.putObject(bucket, name, req.body, ct);
      return sendJson(res, 200, objectJson(bucket, o));
    }
    throw invalidArgument(`Invalid upload type: ${uploadType}`);
  }

  private startResumable(req: Req, res: ServerResponse, bucket: string): void {
    const meta = req.body.length ? (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) : {};
    const name = req.query.get('name') ?? (typeof meta.name === 'string' ? meta.name : '');
    if (!name) throw invalidArgument('Required parameter: name');
    const contentType =
      String(req.headers['x-upload-content-type'] ?? '') || (typeof meta.contentType === 'string' ? meta.contentType : '') || 'application/octet-stream';
    const ifGenerationMatch = req.query.get('ifGenerationMatch') ?? undefined;
    checkGenerationMatch(this.st, bucket, name, ifGenerationMatch);
    const id = randomUUID().replace(/-/g, '');
    this.sessions.set(id, {
      bucket,
      name,
      contentType,
      ifGenerationMatch,
      metadata: meta.metadata as Record<string, string> | undefined,
      data: Buffer.alloc(0),
      received: [],
    });
    const location = `${req.baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
    res.writeHead(200, { Location: location, 'X-GUploader-UploadID': id, 'Content-Length': '0' });
    res.end();
  }

  private putChunk(req: Req, res: ServerResponse, id: string): void {
    const s = this.sessions.get(id);
    if (!s) throw new ApiError(404, 'NOT_FOUND', 'No such upload session.');
    if (s.result) return sendJson(res, 200, s.result);
    const cr = String(req.headers['content-range'] ?? '');
    // Forms: "bytes */*", "bytes */T", "bytes S-E/T", "bytes S-E/*", "bytes S-*/T" (T may be "undefined").
    const m = /^bytes (\*|(\d+)-(\d+|\*))\/(\S+)$/.exec(cr);
    let total: number | undefined;
    let streamToEnd = false;
    if (m) {
      total = /^\d+$/.test(m[4]) ? Number(m[4]) : undefined;
      if (m[1] !== '*') {
        const start = Number(m[2]);
        if (start > s.data.length) throw new ApiError(400, 'INVALID_ARGUMENT', 'Invalid request. Upload offset is beyond received data.');
        s.data = Buffer.concat([s.data.subarray(0, start), req.body]);
        if (req.body.length) s.received.push({ start, end: start + req.body.length });
        streamToEnd = m[3] === '*';
      }
    } else {
      // No Content-Range: the whole object in one request.
      if (req.body.length) s.received.push({ start: s.data.length, end: s.data.length + req.body.length });
      s.data = Buffer.concat([s.data, req.body]);
      streamToEnd = true;
    }
    const complete = (total !== undefined && s.data.length >= total) || (streamToEnd && total === undefined);
    if (complete) {
      checkGenerationMatch(this.st, s.bucket, s.name, s.ifGenerationMatch);
      const o = this.st.putObject(s.bucket, s.name, total !== undefined ? s.data.subarray(0, total) : s.data, s.contentType, s.metadata);
      s.result = objectJson(s.bucket, o);
      return sendJson(res, 200, s.result);
    }
    const headers: Record<string, string> = { 'Content-Length': '0' };
    if (s.data.length > 0) headers.Range = `bytes=0-${s.data.length - 1}`;
    res.writeHead(308, headers);
    res.end();
  }

  private multipart(req: Req, res: ServerResponse, bucket: string): void {
    const ct = String(req.headers['content-type'] ?? '');
    const bm = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
    if (!bm) throw invalidArgument('Missing multipart boundary.');
    const parts = splitMultipart(req.body, bm[1] ?? bm[2]);
    if (parts.length < 2) throw invalidArgument('Multipart upload needs metadata and media parts.');
    const meta = JSON.parse(parts[0].body.toString('utf8')) as Record<string, unknown>;
    const name = req.query.get('name') ?? (typeof meta.name === 'string' ? meta.name : '');
    if (!name) throw invalidArgument('Required parameter: name');
    const contentType = (typeof meta.contentType === 'string' && meta.contentType) || parts[1].headers['content-type'] || 'application/octet-stream';
    checkGenerationMatch(this.st, bucket, name, req.query.get('ifGenerationMatch'));
    const o = this.st.putObject(bucket, name, parts[1].body, contentType, meta.metadata as Record<string, string> | undefined);
    sendJson(res, 200, objectJson(bucket, o));
  }
}

interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

function splitMultipart(body: Buffer, boundary: string): Part[] {
  const delim = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    let start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    let chunk = body.subarray(start, next);
    if (chunk.subarray(chunk.length - 2).toString() === '\r\n') chunk = chunk.subarray(0, chunk.length - 2);
    const sep = chunk.indexOf('\r\n\r\n');
    const headerText = sep >= 0 ? chunk.subarray(0, sep).toString('utf8') : '';
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    parts.push({ headers, body: sep >= 0 ? chunk.subarray(sep + 4) : chunk });
    pos = next;
  }
  return parts;
}
