// Cloud Logging v2 `entries:list` over the lines the emulated Cloud Run apps write
// (and entries tests seed). Filters: the subset Devgem and the console's Cloud Run
// log links use; anything else is refused rather than silently ignored.
import type { ServerResponse } from 'node:http';
import { randomLetters } from './ids';
import { invalidArgument, jsonBody, sendJson, type Req } from './http';

export const SEVERITIES = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a test seeds (POST /__emulator/logs, `emulator.logs.seed`). */
export interface SeedLogEntry {
  project: string;
  location: string;
  service: string;
  revision?: string;
  /** Default: DEFAULT. */
  severity?: Severity;
  /** RFC 3339; default: now. */
  timestamp?: string;
  /** A text payload… */
  text?: string;
  /** …or a JSON payload. */
  json?: Record<string, unknown>;
  /** `stdout` (default), `stderr`, or `varlog/system` (Cloud Run's own lines about the instance): the log name Cloud Run would use. */
  stream?: 'stdout' | 'stderr' | 'varlog/system';
}

interface Stored {
  project: string;
  ms: number;
  rank: number;
  seq: number;
  json: Record<string, unknown>;
}

/** Oldest entries are dropped past this many: a long-lived emulator must not grow forever. */
const MAX_ENTRIES = 20_000;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

function severityRank(v: string): number {
  const upper = v.toUpperCase();
  const i = SEVERITIES.indexOf(upper as Severity);
  if (i >= 0) return i;
  if (/^\d+$/.test(v)) return Math.min(SEVERITIES.length - 1, Math.floor(Number(v) / 100));
  throw invalidArgument(`Unparseable filter: severity value '${v}' is not a LogSeverity.`);
}

export class LogStore {
  private entries: Stored[] = [];
  private seq = 0;

  clear(): void {
    this.entries = [];
  }

  add(e: SeedLogEntry): void {
    const ms = e.timestamp ? Date.parse(e.timestamp) : Date.now();
    if (Number.isNaN(ms)) throw invalidArgument(`timestamp '${String(e.timestamp)}' is not RFC 3339.`);
    const severity = e.severity && SEVERITIES.includes(e.severity) ? e.severity : 'DEFAULT';
    const stream = e.stream ?? 'stdout';
    const iso = new Date(ms).toISOString();
    const json: Record<string, unknown> = {
      insertId: randomLetters(16),
      logName: `projects/${e.project}/logs/run.googleapis.com%2F${stream.replace('/', '%2F')}`,
      resource: {
        type: 'cloud_run_revision',
        labels: { project_id: e.project, service_name: e.service, revision_name: e.revision ?? '', location: e.location, configuration_name: e.service },
      },
      timestamp: iso,
      receiveTimestamp: new Date().toISOString(),
      severity,
      labels: { instanceId: '00emulator' },
    };
    if (e.json) json.jsonPayload = e.json;
    else json.textPayload = e.text ?? '';
    this.entries.push({ project: e.project, ms, rank: SEVERITIES.indexOf(severity), seq: ++this.seq, json });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  /**
   * One line an app wrote. Like Cloud Run: a line that is a JSON object becomes a
   * jsonPayload whose `severity` field sets the entry's; other stdout is DEFAULT, stderr ERROR.
   */
  appLine(where: { project: string; location: string; service: string; revision: string }, stream: 'stdout' | 'stderr', line: string): void {
    if (!line.trim()) return;
    let json: Record<string, unknown> | undefined;
    if (line.trimStart().startsWith('{')) {
      try {
        const v: unknown = JSON.parse(line);
        if (v && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
      } catch {
        /* a text line that starts with a brace */
      }
    }
    const declared = typeof json?.severity === 'string' ? json.severity.toUpperCase() : undefined;
    const severity = declared && SEVERITIES.includes(declared as Severity) ? (declared as Severity) : stream === 'stderr' ? 'ERROR' : 'DEFAULT';
    if (json) {
      json = { ...json };
      delete json.severity;
    }
    this.add({ ...where, stream, severity, ...(json ? { json } : { text: line }) });
  }

  /** A line Cloud Run itself writes about a revision's instance (start-up probe failures, exits). */
  systemLine(where: { project: string; location: string; service: string; revision: string }, severity: Severity, text: string): void {
    this.add({ ...where, stream: 'varlog/system', severity, text });
  }

  /** `entries:list`: resourceNames, filter, orderBy, pageSize, pageToken. */
  list(body: Record<string, unknown>): { entries: Record<string, unknown>[]; nextPageToken?: string } {
    const resourceNames = Array.isArray(body.resourceNames) ? body.resourceNames.map(String) : [];
    if (resourceNames.length === 0) throw invalidArgument('resource_names: Required field is missing.');
    const projects = new Set(
      resourceNames.map((r) => {
        const m = /^projects\/([^/]+)$/.exec(r);
        if (!m) throw invalidArgument(`Invalid resource name '${r}': the emulator serves projects/PROJECT_ID only.`);
        return m[1];
      }),
    );
    const orderBy = String(body.orderBy ?? '')
      .trim()
      .toLowerCase();
    if (orderBy && orderBy !== 'timestamp asc' && orderBy !== 'timestamp desc') {
      throw invalidArgument(`Invalid order_by '${String(body.orderBy)}': only "timestamp asc" and "timestamp desc" are permitted.`);
    }
    const pageSize = body.pageSize === undefined ? DEFAULT_PAGE : Number(body.pageSize);
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE) throw invalidArgument(`page_size must be between 0 and ${MAX_PAGE}.`);
    const offset = body.pageToken ? Number(Buffer.from(String(body.pageToken), 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('Invalid page token.');
    const matches = parseFilter(String(body.filter ?? ''));
    const desc = orderBy === 'timestamp desc';
    const hits = this.entries
      .filter((e) => projects.has(e.project) && matches(e))
      .sort((a, b) => (desc ? b.ms - a.ms || b.seq - a.seq : a.ms - b.ms || a.seq - b.seq));
    const size = pageSize || DEFAULT_PAGE;
    const page = hits.slice(offset, offset + size);
    const next = offset + size < hits.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
    return { entries: page.map((e) => e.json), ...(next ? { nextPageToken: next } : {}) };
  }
}

type Matcher = (e: Stored) => boolean;

/** `"a \"b\""` → `a "b"`; a bare token as is. */
function unquote(raw: string): string {
  const v = raw.trim();
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>=':
      return a >= b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a < b;
  }
}

const UNSUPPORTED = 'The emulator supports AND-ed comparisons of resource.type, resource.labels.*, logName, severity and timestamp, and textPayload:"…".';

/** Conjunctions (`AND`, or a plain space) of `resource.type`, `resource.labels.K`, `logName`, `severity` and `timestamp` comparisons. */
export function parseFilter(filter: string): Matcher {
  const tokens = (filter.match(/"(?:[^"\\]|\\.)*"|>=|<=|!=|=|>|<|:|[^\s"=<>!:]+/g) ?? []).filter((t) => t !== 'AND');
  const tests: Matcher[] = [];
  for (let i = 0; i < tokens.length; i += 3) {
    const [field, op, rawValue] = tokens.slice(i, i + 3);
    if (!field || !/^[A-Za-z_.]+$/.test(field) || !/^(>=|<=|!=|=|>|<|:)$/.test(op ?? '') || rawValue === undefined) {
      throw invalidArgument(`Unparseable filter near '${tokens.slice(i, i + 3).join(' ')}'. ${UNSUPPORTED}`);
    }
    tests.push(comparison(field, op, unquote(rawValue)));
  }
  return (e) => tests.every((t) => t(e));
}

function comparison(field: string, op: string, value: string): Matcher {
  if (field === 'severity') {
    const rank = severityRank(value);
    return (e) => compare(e.rank, op, rank);
  }
  if (field === 'timestamp') {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw invalidArgument(`Unparseable filter: timestamp value '${value}' is not RFC 3339.`);
    return (e) => compare(e.ms, op, t);
  }
  if (op === ':') {
    // The "has" operator: a case-insensitive substring of a text field (Logging query language).
    if (field !== 'textPayload') throw invalidArgument(`Unparseable filter: the emulator supports ':' on textPayload only.`);
    const needle = value.toLowerCase();
    return (e) => typeof e.json.textPayload === 'string' && e.json.textPayload.toLowerCase().includes(needle);
  }
  if (op !== '=' && op !== '!=') throw invalidArgument(`Unparseable filter: the emulator compares ${field} with = and != only.`);
  const read = fieldReader(field);
  return (e) => (read(e.json) === value) === (op === '=');
}

function fieldReader(field: string): (json: Record<string, unknown>) => string | undefined {
  if (field === 'resource.type') return (j) => (j.resource as { type?: string }).type;
  if (field === 'logName') return (j) => j.logName as string;
  const label = /^resource\.labels\.([a-z_]+)$/.exec(field)?.[1];
  if (label) return (j) => (j.resource as { labels: Record<string, string> }).labels[label];
  throw invalidArgument(`Unparseable filter: the emulator does not filter on '${field}'. ${UNSUPPORTED}`);
}

/** POST /v2/entries:list */
export function handleLogging(store: LogStore, req: Req, res: ServerResponse): void {
  if (req.method !== 'POST') throw invalidArgument(`entries:list takes POST, not ${req.method}.`);
  sendJson(res, 200, store.list(jsonBody(req)));
}

/** POST /__emulator/logs {entries: SeedLogEntry[]} */
export function seedLogs(store: LogStore, body: Record<string, unknown>): number {
  const entries = Array.isArray(body.entries) ? (body.entries as SeedLogEntry[]) : [];
  for (const e of entries) {
    if (!e || typeof e.service !== 'string' || typeof e.project !== 'string' || typeof e.location !== 'string') {
      throw invalidArgument('Each seeded log entry needs project, location and service.');
    }
    store.add(e);
  }
  return entries.length;
}
