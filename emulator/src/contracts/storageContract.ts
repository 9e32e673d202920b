// Cloud Storage's JSON API ships no protos, so its contract is this checked-in
// excerpt of the published reference, for the methods Devgem's Storage calls use:
//   https://cloud.google.com/storage/docs/json_api/v1/buckets (resource, insert, get, list, delete)
//   https://cloud.google.com/storage/docs/json_api/v1/objects (resource, insert, get, list, delete)
//   https://cloud.google.com/storage/docs/uploading-objects, …/performing-resumable-uploads
//   https://cloud.google.com/apis/docs/system-parameters (alt, fields, prettyPrint, …)
// Field names are checked recursively; values are Storage's to judge.
import { ApiError } from '../http';
import { NoBinding } from './googleErrors';
import { isSystemParameter } from './queryCheck';

/** A resource's fields: a nested shape, `[shape]` for a list of it, `'map'` for free keys, `'value'` for a scalar. */
type Shape = 'value' | 'map' | Shape[] | { [field: string]: Shape };

const ACL: Shape = [
  {
    bucket: 'value',
    domain: 'value',
    email: 'value',
    entity: 'value',
    entityId: 'value',
    etag: 'value',
    generation: 'value',
    id: 'value',
    kind: 'value',
    object: 'value',
    projectTeam: { projectNumber: 'value', team: 'value' },
    role: 'value',
    selfLink: 'value',
  },
];

const LOCKABLE = { enabled: 'value', lockedTime: 'value' } as const;

export const BUCKET: Shape = {
  acl: ACL,
  autoclass: { enabled: 'value', toggleTime: 'value', terminalStorageClass: 'value', terminalStorageClassUpdateTime: 'value' },
  billing: { requesterPays: 'value' },
  cors: [{ maxAgeSeconds: 'value', method: ['value'], origin: ['value'], responseHeader: ['value'] }],
  customPlacementConfig: { dataLocations: ['value'] },
  defaultEventBasedHold: 'value',
  defaultObjectAcl: ACL,
  encryption: { defaultKmsKeyName: 'value' },
  etag: 'value',
  generation: 'value',
  hardDeleteTime: 'value',
  hierarchicalNamespace: { enabled: 'value' },
  iamConfiguration: { bucketPolicyOnly: LOCKABLE, uniformBucketLevelAccess: LOCKABLE, publicAccessPrevention: 'value' },
  id: 'value',
  ipFilter: 'map',
  kind: 'value',
  labels: 'map',
  lifecycle: {
    rule: [
      {
        action: { storageClass: 'value', type: 'value' },
        condition: {
          age: 'value',
          createdBefore: 'value',
          customTimeBefore: 'value',
          daysSinceCustomTime: 'value',
          daysSinceNoncurrentTime: 'value',
          isLive: 'value',
          matchesPattern: 'value',
          matchesPrefix: ['value'],
          matchesStorageClass: ['value'],
          matchesSuffix: ['value'],
          noncurrentTimeBefore: 'value',
          numNewerVersions: 'value',
        },
      },
    ],
  },
  location: 'value',
  locationType: 'value',
  logging: { logBucket: 'value', logObjectPrefix: 'value' },
  metageneration: 'value',
  name: 'value',
  objectRetention: { mode: 'value' },
  owner: { entity: 'value', entityId: 'value' },
  projectNumber: 'value',
  retentionPolicy: { effectiveTime: 'value', isLocked: 'value', retentionPeriod: 'value' },
  rpo: 'value',
  satisfiesPZI: 'value',
  satisfiesPZS: 'value',
  selfLink: 'value',
  softDeletePolicy: { effectiveTime: 'value', retentionDurationSeconds: 'value' },
  softDeleteTime: 'value',
  storageClass: 'value',
  timeCreated: 'value',
  updated: 'value',
  versioning: { enabled: 'value' },
  website: { mainPageSuffix: 'value', notFoundPage: 'value' },
};

export const OBJECT: Shape = {
  acl: ACL,
  bucket: 'value',
  cacheControl: 'value',
  componentCount: 'value',
  contentDisposition: 'value',
  contentEncoding: 'value',
  contentLanguage: 'value',
  contentType: 'value',
  contexts: { custom: 'map' },
  crc32c: 'value',
  customTime: 'value',
  customerEncryption: { encryptionAlgorithm: 'value', keySha256: 'value' },
  etag: 'value',
  eventBasedHold: 'value',
  generation: 'value',
  hardDeleteTime: 'value',
  id: 'value',
  kind: 'value',
  kmsKeyName: 'value',
  md5Hash: 'value',
  mediaLink: 'value',
  metadata: 'map',
  metageneration: 'value',
  name: 'value',
  owner: { entity: 'value', entityId: 'value' },
  restoreToken: 'value',
  retention: { mode: 'value', retainUntilTime: 'value' },
  retentionExpirationTime: 'value',
  selfLink: 'value',
  size: 'value',
  softDeleteTime: 'value',
  storageClass: 'value',
  temporaryHold: 'value',
  timeCreated: 'value',
  timeDeleted: 'value',
  timeFinalized: 'value',
  timeStorageClassUpdated: 'value',
  updated: 'value',
};

const GENERATION_CONDITIONS = ['ifGenerationMatch', 'ifGenerationNotMatch', 'ifMetagenerationMatch', 'ifMetagenerationNotMatch'];
const OBJECT_INSERT = ['contentEncoding', ...GENERATION_CONDITIONS, 'kmsKeyName', 'name', 'predefinedAcl', 'projection', 'userProject'];

interface StorageMethod {
  id: string;
  method: string;
  path: RegExp;
  params: string[];
  required?: string[];
  /** The resource a JSON body must be. */
  body?: Shape;
}

const UPLOAD = '/upload/storage/v1/b/[^/]+/o';
const METHODS: StorageMethod[] = [
  {
    id: 'buckets.list',
    method: 'GET',
    path: /^\/storage\/v1\/b$/,
    params: ['project', 'maxResults', 'pageToken', 'prefix', 'projection', 'softDeleted', 'returnPartialSuccess', 'userProject'],
    required: ['project'],
  },
  {
    id: 'buckets.insert',
    method: 'POST',
    path: /^\/storage\/v1\/b$/,
    params: ['project', 'enableObjectRetention', 'predefinedAcl', 'predefinedDefaultObjectAcl', 'projection', 'userProject'],
    required: ['project'],
    body: BUCKET,
  },
  {
    id: 'buckets.get',
    method: 'GET',
    path: /^\/storage\/v1\/b\/[^/]+$/,
    params: ['generation', 'ifMetagenerationMatch', 'ifMetagenerationNotMatch', 'projection', 'softDeleted', 'userProject'],
  },
  { id: 'buckets.delete', method: 'DELETE', path: /^\/storage\/v1\/b\/[^/]+$/, params: ['ifMetagenerationMatch', 'ifMetagenerationNotMatch', 'userProject'] },
  {
    id: 'objects.list',
    method: 'GET',
    path: /^\/storage\/v1\/b\/[^/]+\/o$/,
    params: [
      'delimiter',
      'endOffset',
      'filter',
      'includeFoldersAsPrefixes',
      'includeTrailingDelimiter',
      'matchGlob',
      'maxResults',
      'pageToken',
      'prefix',
      'projection',
      'softDeleted',
      'startOffset',
      'userProject',
      'versions',
    ],
  },
  { id: 'objects.insert', method: 'POST', path: /^\/storage\/v1\/b\/[^/]+\/o$/, params: OBJECT_INSERT, body: OBJECT },
  {
    id: 'objects.get',
    method: 'GET',
    path: /^\/storage\/v1\/b\/[^/]+\/o\/.+$/,
    params: ['generation', ...GENERATION_CONDITIONS, 'projection', 'restoreToken', 'softDeleted', 'userProject'],
  },
  { id: 'objects.delete', method: 'DELETE', path: /^\/storage\/v1\/b\/[^/]+\/o\/.+$/, params: ['generation', ...GENERATION_CONDITIONS, 'userProject'] },
  // The upload session itself (`upload_id`): its chunks, its status query and its cancellation.
  { id: 'upload session', method: 'PUT', path: new RegExp(`^${UPLOAD}$`), params: ['uploadType', 'name', 'upload_id'], required: ['upload_id'] },
  { id: 'upload session', method: 'POST', path: new RegExp(`^${UPLOAD}$`), params: ['uploadType', 'name', 'upload_id'], required: ['upload_id'] },
  { id: 'upload session', method: 'DELETE', path: new RegExp(`^${UPLOAD}$`), params: ['uploadType', 'name', 'upload_id'], required: ['upload_id'] },
  {
    id: 'objects.insert (upload)',
    method: 'POST',
    path: new RegExp(`^${UPLOAD}$`),
    params: ['uploadType', ...OBJECT_INSERT],
    required: ['uploadType'],
    body: OBJECT,
  },
];

/** Storage's error envelope (`errors[]` with a reason) around a 400. */
const storageBadRequest = (message: string, reason: string): ApiError =>
  new ApiError(400, 'INVALID_ARGUMENT', message, { errors: [{ message, domain: 'global', reason }] });

function unknownFields(shape: Shape, value: unknown, at: string, out: string[]): void {
  if (shape === 'value' || shape === 'map' || value === null || typeof value !== 'object') return;
  if (Array.isArray(shape)) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(shape[0], item, `${at}[${i}]`, out));
    return;
  }
  if (Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const inner = shape[k];
    if (inner === undefined) out.push(`Invalid JSON payload received. Unknown name "${k}"${at ? ` at '${at}'` : ''}: Cannot find field.`);
    else unknownFields(inner, v, at ? `${at}.${k}` : k, out);
  }
}

/** The JSON metadata of an upload: the body of a resumable start, the first part of a multipart one. */
function metadataOf(query: URLSearchParams, contentType: string, body: Buffer): unknown {
  const uploadType = query.get('uploadType');
  if (uploadType === 'media' || body.length === 0) return undefined;
  let part = body;
  if (uploadType === 'multipart') {
    // Only the first part, the metadata, is read: the object's bytes after it may be large.
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    const delimiter = Buffer.from(`--${boundary?.[1] ?? boundary?.[2] ?? ''}`);
    const start = body.indexOf(delimiter);
    const end = start < 0 ? -1 : body.indexOf(delimiter, start + delimiter.length);
    const headersEnd = end < 0 ? -1 : body.indexOf('\r\n\r\n', start);
    if (!boundary || headersEnd < 0 || headersEnd > end) return undefined;
    part = body.subarray(headersEnd + 4, end);
  }
  try {
    return JSON.parse(part.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Checks a Cloud Storage request's method, path, query parameters and body field names. */
export function checkStorage(method: string, rawPath: string, query: URLSearchParams, contentType: string, body: Buffer): void {
  const isSession = query.has('upload_id');
  const m = METHODS.find((x) => x.method === method && x.path.test(rawPath) && (x.id === 'upload session') === isSession);
  if (!m) throw new NoBinding(rawPath);
  for (const key of new Set(query.keys())) {
    if (isSystemParameter(key)) continue;
    if (!m.params.includes(key))
      throw storageBadRequest(
        `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. Field '${key}' could not be found in request message.`,
        'invalid',
      );
  }
  for (const key of m.required ?? []) if (!query.get(key)) throw storageBadRequest(`Required parameter: ${key}`, 'required');
  if (!m.body) return;
  const json = m.id === 'objects.insert (upload)' ? metadataOf(query, contentType, body) : body.length ? safeJson(body) : undefined;
  const problems: string[] = [];
  unknownFields(m.body, json, '', problems);
  if (problems.length) throw storageBadRequest(problems.join('\n'), 'invalid');
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
