// Cloud Logging's side of a service's logs: the filter that selects them and
// the text of an entry. Pure, so both are unit-tested without a client.
import type { LogEntryInfo, LogQuery, LogSeverity, ServiceRef } from '../../core/cloud/ports';

export const SEVERITIES: readonly LogSeverity[] = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];

/** A string literal of the Logging query language. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The Logging query for one Cloud Run service's entries. */
export function serviceLogFilter(opts: ServiceRef & LogQuery): string {
  const parts = ['resource.type="cloud_run_revision"', `resource.labels.service_name=${quote(opts.service)}`, `resource.labels.location=${quote(opts.region)}`];
  if (opts.minSeverity && opts.minSeverity !== 'DEFAULT') parts.push(`severity>=${opts.minSeverity}`);
  if (opts.sinceIso) {
    const t = Date.parse(opts.sinceIso);
    if (Number.isNaN(t)) throw new RangeError(`"${opts.sinceIso}" is not an RFC 3339 time.`);
    parts.push(`timestamp>=${quote(new Date(t).toISOString())}`);
  }
  if (opts.untilIso) {
    const t = Date.parse(opts.untilIso);
    if (Number.isNaN(t)) throw new RangeError(`"${opts.untilIso}" is not an RFC 3339 time.`);
    parts.push(`timestamp<${quote(new Date(t).toISOString())}`);
  }
  if (opts.revision) parts.push(`resource.labels.revision_name=${quote(opts.revision)}`);
  if (opts.text) parts.push(`textPayload:${quote(opts.text)}`);
  return parts.join(' AND ');
}

/** A google.protobuf.Value as the SDK decodes it (`{stringValue}`, `{structValue: {fields}}`, …) → plain JSON. */
export function valueToJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v ?? null;
  const o = v as Record<string, unknown>;
  const kind =
    typeof o.kind === 'string'
      ? o.kind
      : ['stringValue', 'numberValue', 'boolValue', 'structValue', 'listValue', 'nullValue'].find((k) => o[k] !== undefined && o[k] !== null);
  switch (kind) {
    case 'structValue':
      return structToJson(o.structValue);
    case 'listValue':
      return ((o.listValue as { values?: unknown[] } | undefined)?.values ?? []).map(valueToJson);
    case 'nullValue':
      return null;
    case undefined:
      return null;
    default:
      return o[kind];
  }
}

/** A google.protobuf.Struct (`{fields: {k: Value}}`) → a plain object. */
export function structToJson(s: unknown): Record<string, unknown> {
  const fields = (s as { fields?: Record<string, unknown> } | null | undefined)?.fields ?? {};
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, valueToJson(v)]));
}

function severityOf(v: unknown): LogSeverity {
  if (typeof v === 'number') return SEVERITIES[Math.floor(v / 100)] ?? 'DEFAULT';
  return SEVERITIES.includes(v as LogSeverity) ? (v as LogSeverity) : 'DEFAULT';
}

function timestampIso(t: unknown): string {
  if (typeof t === 'string') return t;
  const { seconds, nanos } = (t ?? {}) as { seconds?: unknown; nanos?: unknown };
  return new Date(Number(String(seconds ?? 0)) * 1000 + Math.floor(Number(nanos ?? 0) / 1e6)).toISOString();
}

export interface RawLogEntry {
  timestamp?: unknown;
  severity?: unknown;
  textPayload?: string | null;
  jsonPayload?: unknown;
  resource?: { labels?: Record<string, string> | null } | null;
}

/** The text a person reads: the text payload, else the JSON payload's message, else the JSON itself. */
export function entryInfo(e: RawLogEntry): LogEntryInfo {
  let text = e.textPayload ?? '';
  if (!text && e.jsonPayload) {
    const json = structToJson(e.jsonPayload);
    text = typeof json.message === 'string' ? json.message : JSON.stringify(json);
  }
  const revision = e.resource?.labels?.revision_name || undefined;
  return { timestamp: timestampIso(e.timestamp), severity: severityOf(e.severity), text: text.replace(/\n+$/, ''), revision };
}
