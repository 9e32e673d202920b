// Cloud Run custom domain mappings, v1 (Knative-style) API: only the list call
// Devgem makes. Mappings are seeded by tests; the emulator serves no domain.
import type { ServerResponse } from 'node:http';
import { notFound, sendJson, type Req } from './http';

export interface SeedDomainMapping {
  project: string;
  /** The region the mapping lives in (Google serves each region on its own host). */
  region: string;
  domain: string;
  service: string;
}

export class DomainMappingState {
  readonly mappings: SeedDomainMapping[] = [];

  seed(m: SeedDomainMapping): void {
    this.mappings.push({ ...m });
  }

  clear(): void {
    this.mappings.length = 0;
  }
}

function resource(m: SeedDomainMapping): Record<string, unknown> {
  return {
    apiVersion: 'domains.cloudrun.com/v1',
    kind: 'DomainMapping',
    metadata: { name: m.domain, namespace: m.project, labels: { 'cloud.googleapis.com/location': m.region } },
    spec: { routeName: m.service, certificateMode: 'AUTOMATIC' },
    status: { conditions: [{ type: 'Ready', status: 'True' }], url: `https://${m.domain}` },
  };
}

/**
 * `GET /apis/domains.cloudrun.com/v1/namespaces/{project}/domainmappings`. One host
 * serves every region here, so a `?region=` query (emulator only) narrows the list.
 */
export function handleDomainMappings(state: DomainMappingState, r: Req, res: ServerResponse): void {
  const [, group, version, namespaces, project, kind] = r.segments;
  if (
    group !== 'domains.cloudrun.com' ||
    version !== 'v1' ||
    namespaces !== 'namespaces' ||
    kind !== 'domainmappings' ||
    r.segments.length !== 6 ||
    r.method !== 'GET'
  ) {
    throw notFound(`Not found: ${r.method} ${r.rawPath}`);
  }
  const region = r.query.get('region');
  const items = state.mappings.filter((m) => m.project === project && (!region || m.region === region)).map(resource);
  sendJson(res, 200, { apiVersion: 'domains.cloudrun.com/v1', kind: 'DomainMappingList', metadata: {}, items });
}
