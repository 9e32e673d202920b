// Cloud Run custom domain mappings, v1 (Knative-style) API: list and create.
// Mappings are seeded by tests or created; the emulator serves no domain.
import type { ServerResponse } from 'node:http';
import { alreadyExists, invalidArgument, jsonBody, notFound, sendJson, type Req } from './http';

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
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      url: `https://${m.domain}`,
      // What Google asks the domain's owner to add to DNS: a subdomain is a CNAME to ghs.googlehosted.com.
      resourceRecords: [{ type: 'CNAME', name: m.domain.split('.')[0], rrdata: 'ghs.googlehosted.com.' }],
    },
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
    (r.method !== 'GET' && r.method !== 'POST')
  ) {
    throw notFound(`Not found: ${r.method} ${r.rawPath}`);
  }
  const region = r.query.get('region');
  if (r.method === 'POST') {
    const body = jsonBody(r) as { metadata?: { name?: string }; spec?: { routeName?: string } };
    const domain = body.metadata?.name ?? '';
    const service = body.spec?.routeName ?? '';
    if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domain)) throw invalidArgument(`metadata.name '${domain}' is not a domain name.`);
    if (!service) throw invalidArgument('spec.routeName is required.');
    if (state.mappings.some((m) => m.project === project && m.domain === domain)) throw alreadyExists(`Domain mapping ${domain} already exists.`);
    const m = { project, region: region ?? 'us-central1', domain, service };
    state.seed(m);
    return sendJson(res, 200, resource(m));
  }
  const items = state.mappings.filter((m) => m.project === project && (!region || m.region === region)).map(resource);
  sendJson(res, 200, { apiVersion: 'domains.cloudrun.com/v1', kind: 'DomainMappingList', metadata: {}, items });
}
