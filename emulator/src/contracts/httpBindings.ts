// Every published HTTP binding of the APIs the emulator checks: the rpcs' own
// google.api.http options from protos.json, and the long-running Operations
// bindings, which each API declares in its service config rather than in a
// .proto; the generated clients carry them (`lroOptions.httpRules`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parseTemplate, type PathTemplate } from './pathTemplate';
import type { ProtoTable } from './protoTable';

export interface HttpBinding {
  /** `google.cloud.run.v2.Services.CreateService` */
  selector: string;
  requestType: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  template: PathTemplate;
  /** `*`, a top-level field name, or undefined for no body. */
  body?: string;
}

/** One SDK package: the proto packages whose services it serves, and the clients holding its Operations rules. */
export interface ApiSource {
  pkg: string;
  protoPackages: string[];
  lroClients: string[];
}

export const API_SOURCES: ApiSource[] = [
  { pkg: '@google-cloud/run', protoPackages: ['google.cloud.run.v2'], lroClients: ['build/src/v2/services_client.js'] },
  { pkg: '@google-cloud/cloudbuild', protoPackages: ['google.devtools.cloudbuild.v1'], lroClients: ['build/src/v1/cloud_build_client.js'] },
  { pkg: '@google-cloud/artifact-registry', protoPackages: ['google.devtools.artifactregistry.v1'], lroClients: ['build/src/v1/artifact_registry_client.js'] },
  { pkg: '@google-cloud/secret-manager', protoPackages: ['google.cloud.secretmanager.v1'], lroClients: [] },
  { pkg: '@google-cloud/logging-api', protoPackages: ['google.logging.v2'], lroClients: ['build/src/v2/config_service_v2_client.js'] },
];

const OPERATIONS_REQUESTS: Record<string, string> = {
  'google.longrunning.Operations.GetOperation': 'google.longrunning.GetOperationRequest',
  'google.longrunning.Operations.ListOperations': 'google.longrunning.ListOperationsRequest',
  'google.longrunning.Operations.CancelOperation': 'google.longrunning.CancelOperationRequest',
  'google.longrunning.Operations.DeleteOperation': 'google.longrunning.DeleteOperationRequest',
  'google.longrunning.Operations.WaitOperation': 'google.longrunning.WaitOperationRequest',
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A rule and its additional_bindings, each as a binding. */
function bindingsOf(selector: string, requestType: string, rule: Record<string, unknown>): HttpBinding[] {
  const out: HttpBinding[] = [];
  for (const m of METHODS) {
    if (typeof rule[m] === 'string') {
      out.push({
        selector,
        requestType,
        method: m.toUpperCase() as HttpBinding['method'],
        template: parseTemplate(rule[m] as string),
        body: typeof rule.body === 'string' && rule.body !== '' ? rule.body : undefined,
      });
    }
  }
  const more = rule.additional_bindings;
  for (const extra of Array.isArray(more) ? more : more ? [more] : []) out.push(...bindingsOf(selector, requestType, extra as Record<string, unknown>));
  return out;
}

/** The array literal assigned to `lroOptions.httpRules` in a generated client's source. */
export function lroRulesIn(source: string): Record<string, unknown>[] {
  const start = source.indexOf('httpRules = [');
  if (start < 0) return [];
  const open = source.indexOf('[', start);
  let depth = 0;
  let quote = '';
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) {
      // A literal of plain objects and strings: evaluated in an empty context, without access to anything,
      // then copied out of that context as JSON.
      return JSON.parse(JSON.stringify(runInNewContext(`(${source.slice(open, i + 1)})`, {}, { timeout: 1000 }))) as Record<string, unknown>[];
    }
  }
  return [];
}

/** Bindings of the table's services in `source.protoPackages`, plus the Operations rules of its clients. */
export function apiBindings(table: ProtoTable, source: ApiSource, pkgDir: string): HttpBinding[] {
  const out: HttpBinding[] = [];
  for (const m of table.methods) {
    const svcPackage = m.selector.split('.').slice(0, -2).join('.');
    if (!source.protoPackages.includes(svcPackage)) continue;
    for (const rule of m.httpRules) out.push(...bindingsOf(m.selector, m.requestType, rule));
  }
  for (const client of source.lroClients) {
    for (const rule of lroRulesIn(readFileSync(join(pkgDir, client), 'utf8'))) {
      const selector = String(rule.selector);
      const requestType = OPERATIONS_REQUESTS[selector];
      if (requestType) out.push(...bindingsOf(selector, requestType, rule));
    }
  }
  return out;
}
