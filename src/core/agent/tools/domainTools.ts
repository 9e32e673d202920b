import { DevgemError } from '../../base/errors';
import { bounded } from '../../base/wait';
import { refText, resolveRef, type AgentContext } from '../context';
import type { AgentTool } from '../registry';
import { assertServiceUnchanged, assertStill, pinOf, serviceStamp, type ServicePin } from './pinned';
import { targetProps } from './serviceTools';

const CALL_MS = 60_000;
const DOMAIN = '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$';

export function listDomainMappingsTool(): AgentTool<{ service?: string; region?: string }, AgentContext> {
  return {
    name: 'list_domain_mappings',
    description: 'The custom domains mapped to a Cloud Run service (Cloud Run domain mappings).',
    parameters: { type: 'object', properties: targetProps },
    risk: 'read',
    run: async (args, ctx, signal) => {
      const ref = await resolveRef(ctx, args);
      const mappings = await bounded('Listing domain mappings', CALL_MS, signal, (s) => ctx.cloud().run.listDomainMappings(ref, s));
      return {
        data: { service: ref.service, domains: mappings.map((m) => m.domain) },
        summary: `${mappings.length} custom domain${mappings.length === 1 ? '' : 's'}`,
      };
    },
  };
}

/** The service and the domains the card showed. */
type DomainPin = ServicePin & { domains: string[] };

export function createDomainMappingTool(): AgentTool<{ service?: string; region?: string; domain: string }, AgentContext> {
  return {
    name: 'create_domain_mapping',
    description:
      'Map a custom domain (one the user has verified in Google Search Console) to a Cloud Run service; returns the DNS records the user must add. Only when the user asks for it.',
    parameters: {
      type: 'object',
      properties: { ...targetProps, domain: { type: 'string', maxLength: 253, pattern: DOMAIN, description: 'e.g. api.example.com' } },
      required: ['domain'],
    },
    risk: 'write',
    confirmation: async (args, ctx, signal) => {
      const ref = await resolveRef(ctx, args);
      const d = await bounded('Describing the service', CALL_MS, signal, (s) => ctx.cloud().runAdmin.describeService(ref, s));
      if (!d) throw new DevgemError('not-found', `There is no service ${refText(ref)}.`, { fix: 'Check the name and region with list_services.' });
      const existing = await bounded('Listing domain mappings', CALL_MS, signal, (s) => ctx.cloud().run.listDomainMappings(ref, s));
      const pin: DomainPin = { ref, stamp: serviceStamp(d), domains: existing.map((m) => m.domain).sort() };
      return {
        pin,
        title: `Map ${args.domain} to "${ref.service}"`,
        approveLabel: 'Map Domain',
        details: [
          { label: 'Service', value: refText(ref) },
          { label: 'Domains', value: `${existing.map((m) => m.domain).join(', ') || 'none'} → ${[...existing.map((m) => m.domain), args.domain].join(', ')}` },
          { label: 'Access', value: d.invokerIamDisabled ? 'public' : 'private: the domain serves only IAM-authenticated callers' },
          { label: 'Then', value: 'add the DNS records Cloud Run returns; the certificate follows once they resolve' },
        ],
      };
    },
    run: async (args, ctx, signal, pinned) => {
      const { ref, stamp, domains } = pinOf<DomainPin>(pinned, 'create_domain_mapping');
      await assertServiceUnchanged(ctx, ref, stamp, signal);
      const now = (await bounded('Listing domain mappings', CALL_MS, signal, (s) => ctx.cloud().run.listDomainMappings(ref, s))).map((m) => m.domain).sort();
      assertStill(`The custom domains of ${ref.service}`, [
        now.join(',') !== domains.join(',') && `${domains.join(', ') || 'none'} → ${now.join(', ') || 'none'}`,
      ]);
      const m = await bounded('Mapping the domain', CALL_MS, signal, (s) => ctx.cloud().runAdmin.createDomainMapping(ref, args.domain, s));
      return { data: { domain: m.domain, service: m.service, dnsRecords: m.records }, summary: `${m.domain} → ${m.service}` };
    },
  };
}
