import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { projectNumber } from './ids';
import { crc32cBase64 } from './crc32c';
import { ApiError, jsonBody, nowIso, sendJson, type Req } from './http';
import { labelProblem } from './labels';

export interface StoredObject {
  name: string;
  data: Buffer;
  contentType: string;
  generation: string;
  metageneration: string;
  timeCreated: string;
  updated: string;
  metadata?: Record<string, string>;
}

export interface Bucket {
  name: string;
  project: string;
  location: string;
  storageClass: string;
  timeCreated: string;
  objects: Map<string, StoredObject>;
  labels?: Record<string, string>;
}

const gcsError = (code: number, reason: string, message: string, status: string): ApiError =>
  new ApiError(code, status, message, { errors: [{ message, domain: 'global', reason }] });

/**
 * The ifGenerationMatch precondition, as Cloud Storage checks it on a write: the
 * object's current generation must be the one given, where 0 means "does not
 * exist yet". 412 conditionNotMet otherwise. No parameter: no condition.
 */
export function checkGenerationMatch(st: StorageState, bucket: string, name: string, ifGenerationMatch: string | null | undefined): void {
  if (ifGenerationMatch === null || ifGenerationMatch === undefined) return;
  if (!/^\d+$/.test(ifGenerationMatch)) throw gcsError(400, 'invalid', `Invalid argument for ifGenerationMatch: '${ifGenerationMatch}'`, 'INVALID_ARGUMENT');
  const current = st.findObject(bucket, name)?.generation ?? '0';
  if (BigInt(current) !== BigInt(ifGenerationMatch)) {
    throw gcsError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.', 'FAILED_PRECONDITION');
  }
}

export const noSuchBucket = (): ApiError => gcsError(404, 'notFound', 'The specified bucket does not exist.', 'NOT_FOUND');
const noSuchObject = (b: string, o: string): ApiError => gcsError(404, 'notFound', `No such object: ${b}/${o}`, 'NOT_FOUND');

/** In-memory Cloud Storage: buckets (global names) and their objects. */
export class StorageState {
  readonly buckets = new Map<string, Bucket>();
  private generationCounter = Date.now() * 1000;

  createBucket(name: string, project: string, location = 'US', storageClass = 'STANDARD'): Bucket {
    const existing = this.buckets.get(name);
    if (existing) {
      const msg =
        existing.project === project
          ? 'Your previous request to create the named bucket succeeded and you already own it.'
          : 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.';
      throw gcsError(409, 'conflict', msg, 'ALREADY_EXISTS');
    }
    if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(name)) {
      throw gcsError(400, 'invalid', 'Invalid bucket name: ' + `'${name}'`, 'INVALID_ARGUMENT');
    }
    const b: Bucket = { name, project, location: location.toUpperCase(), storageClass, timeCreated: nowIso(), objects: new Map() };
    this.buckets.set(name, b);
    return b;
  }

  /** Returns the bucket, creating it (in `project`) if missing; used for implicit log buckets. */
  ensureBucket(name: string, project: string): Bucket {
    return this.buckets.get(name) ?? this.createBucket(name, project);
  }

  bucket(name: string): Bucket {
    const b = this.buckets.get(name);
    if (!b) throw noSuchBucket();
    return b;
  }

  getObject(bucket: string, name: string): StoredObject {
    const o = this.bucket(bucket).objects.get(name);
    if (!o) throw noSuchObject(bucket, name);
    return o;
  }

  findObject(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.objects.get(name);
  }

  putObject(bucket: string, name: string, data: Buffer, contentType = 'application/octet-stream', metadata?: Record<string, string>): StoredObject {
    const b = this.bucket(bucket);
    const prev = b.objects.get(name);
    const now = nowIso();
    const o: StoredObject = {
      name,
      data,
      contentType,
      generation: String(++this.generationCounter),
      metageneration: '1',
      timeCreated: prev?.timeCreated ?? now,
      updated: now,
      metadata: metadata ?? prev?.metadata,
    };
    b.objects.set(name, o);
    return o;
  }

  clear(): void {
    this.buckets.clear();
  }
}

export function bucketJson(b: Bucket): Record<string, unknown> {
  return {
    kind: 'storage#bucket',
    id: b.name,
    selfLink: `https://www.googleapis.com/storage/v1/b/${b.name}`,
    projectNumber: projectNumber(b.project),
    name: b.name,
    timeCreated: b.timeCreated,
    updated: b.timeCreated,
    metageneration: '1',
    location: b.location,
    locationType: b.location.includes('-') ? 'region' : 'multi-region',
    storageClass: b.storageClass,
    etag: 'CAE=',
    ...(b.labels ? { labels: b.labels } : {}),
  };
}

export function objectJson(bucket: string, o: StoredObject): Record<string, unknown> {
  const enc = encodeURIComponent(o.name);
  const j: Record<string, unknown> = {
    kind: 'storage#object',
    id: `${bucket}/${o.name}/${o.generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${enc}`,
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${bucket}/o/${enc}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket,
    generation: o.generation,
    metageneration: o.metageneration,
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.data.length),
    md5Hash: createHash('md5').update(o.data).digest('base64'),
    crc32c: crc32cBase64(o.data),
    etag: Buffer.from(o.generation).toString('base64'),
    timeCreated: o.timeCreated,
    updated: o.updated,
    timeStorageClassUpdated: o.timeCreated,
  };
  if (o.metadata) j.metadata = o.metadata;
  return j;
}

/** Handles /storage/v1/b… (the JSON API). `rest` is the segments after `storage/v1`. */
export function handleStorageJson(st: StorageState, req: Req, res: ServerResponse, rest: string[]): void {
  const m = req.method;
  if (rest[0] !== 'b') throw gcsError(404, 'notFound', 'Not Found', 'NOT_FOUND');
  if (rest.length === 1) {
    const project = req.query.get('project') ?? '';
    if (m === 'GET') {
      const prefix = req.query.get('prefix') ?? '';
      const items = [...st.buckets.values()]
        .filter((b) => b.project === project && b.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(bucketJson);
      return sendJson(res, 200, { kind: 'storage#buckets', items });
    }
    if (m === 'POST') {
      if (!project) throw gcsError(400, 'required', 'Required parameter: project', 'INVALID_ARGUMENT');
      const body = jsonBody(req);
      const bad = labelProblem(body.labels);
      if (bad) throw gcsError(400, 'invalid', `Invalid argument: bucket labels: ${bad.message}.`, 'INVALID_ARGUMENT');
      const b = st.createBucket(String(body.name ?? ''), project, String(body.location ?? 'US'), String(body.storageClass ?? 'STANDARD'));
      if (body.labels) b.labels = { ...(body.labels as Record<string, string>) };
      return sendJson(res, 200, bucketJson(b));
    }
  }
  const bucketName = rest[1];
  if (rest.length === 2) {
    if (m === 'GET') return sendJson(res, 200, bucketJson(st.bucket(bucketName)));
    if (m === 'DELETE') {
      const b = st.bucket(bucketName);
      if (b.objects.size > 0) throw gcsError(409, 'conflict', 'The bucket you tried to delete is not empty.', 'FAILED_PRECONDITION');
      st.buckets.delete(bucketName);
      res.writeHead(204).end();
      return;
    }
  }
  if (rest[2] === 'o' && rest.length === 3 && m === 'GET') return listObjects(st, req, res, bucketName);
  if (rest[2] === 'o' && rest.length >= 4) {
    const name = rest.slice(3).join('/');
    if (m === 'GET' && req.query.get('alt') === 'media') return download(st, req, res, bucketName, name);
    if (m === 'GET') return sendJson(res, 200, objectJson(bucketName, st.getObject(bucketName, name)));
    if (m === 'DELETE') {
      st.getObject(bucketName, name);
      st.bucket(bucketName).objects.delete(name);
      res.writeHead(204).end();
      return;
    }
  }
  throw gcsError(404, 'notFound', `Not Found: ${m} ${req.rawPath}`, 'NOT_FOUND');
}

function listObjects(st: StorageState, req: Req, res: ServerResponse, bucketName: string): void {
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  const b = st.bucket(bucketName);
  const items: Record<string, unknown>[] = [];
  const prefixes = new Set<string>();
  for (const o of [...b.objects.values()].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    if (!o.name.startsWith(prefix)) continue;
    if (delimiter) {
      const idx = o.name.indexOf(delimiter, prefix.length);
      if (idx >= 0) {
        prefixes.add(o.name.slice(0, idx + delimiter.length));
        continue;
      }
    }
    items.push(objectJson(bucketName, o));
  }
  const out: Record<string, unknown> = { kind: 'storage#objects', items };
  if (prefixes.size) out.prefixes = [...prefixes];
  sendJson(res, 200, out);
}

function download(st: StorageState, req: Req, res: ServerResponse, bucketName: string, name: string): void {
  const o = st.getObject(bucketName, name);
  const size = o.data.length;
  const meta = objectJson(bucketName, o);
  const headers: Record<string, string> = {
    'Content-Type': o.contentType,
    'x-goog-hash': `crc32c=${meta.crc32c as string},md5=${meta.md5Hash as string}`,
    'x-goog-stored-content-encoding': 'identity',
    'x-goog-stored-content-length': String(size),
    'x-goog-generation': o.generation,
    'x-goog-metageneration': o.metageneration,
    'Accept-Ranges': 'bytes',
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
  if (range && (range[1] !== '' || range[2] !== '')) {
    let start: number;
    let end: number;
    if (range[1] === '') {
      start = Math.max(0, size - Number(range[2]));
      end = size - 1;
    } else {
      start = Number(range[1]);
      end = range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
    }
    if (start >= size || start > end) {
      const msg = 'The requested range cannot be satisfied.';
      res.writeHead(416, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Range': `bytes */${size}` });
      res.end(JSON.stringify({ error: { code: 416, message: msg, errors: [{ message: msg, domain: 'global', reason: 'requestedRangeNotSatisfiable' }] } }));
      return;
    }
    const part = o.data.subarray(start, end + 1);
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(part.length) });
    res.end(part);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(size) });
  res.end(o.data);
}
