// Cloud Run custom domain mappings. They only exist in the v1 (Knative-style)
// API, which @google-cloud/run does not wrap: one REST GET through the same
// auth client the SDK clients use.
import type { DomainMappingInfo, ServiceRef } from '../../core/cloud/ports';
import { emulatorBaseUrl, type ClientSetup, type GcpConfig } from './gcpConfig';
import { call } from './gcpErrors';

export type DomainMappingLister = (ref: ServiceRef, signal: AbortSignal) => Promise<DomainMappingInfo[]>;

interface DomainMappingList {
  items?: { metadata?: { name?: string }; spec?: { routeName?: string } }[];
}

/** `https://{region}-run.googleapis.com`, or the emulator, whose one host serves all regions (`?region=`). */
export function domainMappingsUrl(ref: ServiceRef, emulatorBase?: string): string {
  const path = `/apis/domains.cloudrun.com/v1/namespaces/${encodeURIComponent(ref.project)}/domainmappings`;
  return emulatorBase ? `${emulatorBase}${path}?region=${encodeURIComponent(ref.region)}` : `https://${ref.region}-run.googleapis.com${path}`;
}

/** The mappings of `ref`'s region that route to `ref.service`. */
export function domainMappingLister(setup: () => Promise<ClientSetup>, config: GcpConfig): DomainMappingLister {
  return async (ref, signal) => {
    const { authClient } = await setup();
    // The emulator serves the v1 API on its one port; Google serves it per region.
    const emulatorBase = emulatorBaseUrl(config);
    const ctx = { what: `Listing the custom domain mappings of ${ref.service}`, project: ref.project, role: 'roles/run.viewer', api: 'run.googleapis.com' };
    const res = await call(ctx, () =>
      authClient.request<DomainMappingList>({ url: domainMappingsUrl(ref, emulatorBase), method: 'GET', signal, timeout: 30_000 }),
    );
    return (res.data.items ?? [])
      .filter((m) => m.spec?.routeName === ref.service && m.metadata?.name)
      .map((m) => ({ domain: m.metadata!.name!, service: ref.service }));
  };
}

export type DomainMappingCreator = (
  ref: ServiceRef,
  domain: string,
  signal: AbortSignal,
) => Promise<DomainMappingInfo & { records: { type: string; name: string; rrdata: string }[] }>;

interface DomainMappingResource {
  metadata?: { name?: string };
  spec?: { routeName?: string };
  status?: { resourceRecords?: { type?: string; name?: string; rrdata?: string }[] };
}

/** `POST …/domainmappings`: maps `domain` to the service; Google answers with the DNS records to create (the certificate follows). */
export function domainMappingCreator(setup: () => Promise<ClientSetup>, config: GcpConfig): DomainMappingCreator {
  return async (ref, domain, signal) => {
    const { authClient } = await setup();
    const emulatorBase = emulatorBaseUrl(config);
    const ctx = { what: `Mapping ${domain} to ${ref.service}`, project: ref.project, role: 'roles/run.admin', api: 'run.googleapis.com' };
    const body = {
      apiVersion: 'domains.cloudrun.com/v1',
      kind: 'DomainMapping',
      metadata: { name: domain, namespace: ref.project },
      spec: { routeName: ref.service, certificateMode: 'AUTOMATIC' },
    };
    const res = await call(ctx, () =>
      authClient.request<DomainMappingResource>({ url: domainMappingsUrl(ref, emulatorBase), method: 'POST', data: body, signal, timeout: 30_000 }),
    );
    const records = (res.data.status?.resourceRecords ?? []).map((r) => ({ type: r.type ?? '', name: r.name ?? '', rrdata: r.rrdata ?? '' }));
    return { domain: res.data.metadata?.name ?? domain, service: ref.service, records };
  };
}
