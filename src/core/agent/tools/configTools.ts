import { DevgemError } from '../../base/errors';
import { bounded } from '../../base/wait';
import type { ConfigChange, RevisionInfo, ServiceDetails, ServiceRef, TrafficSplit } from '../../cloud/ports';
import { refText, resolveRef, type AgentContext } from '../context';
import type { AgentTool } from '../registry';
import { assertServiceUnchanged, assertStill, moved, pinOf, pinService, serviceStamp, type ServicePin } from './pinned';
import { targetProps } from './serviceTools';

const CALL_MS = 60_000;
const SLOW_MS = 300_000;
const REVISION = '^[a-z][a-z0-9-]{0,62}$';
const TAG = '^[a-z]([a-z0-9-]{0,46}[a-z0-9])?$';

export interface ConfigArgs extends ConfigChange {
  service?: string;
  region?: string;
  public?: boolean;
}

async function live(ctx: AgentContext, args: { service?: string; region?: string }, signal: AbortSignal): Promise<{ ref: ServiceRef; d: ServiceDetails }> {
  const ref = await resolveRef(ctx, args);
  const d = await bounded('Describing the service', CALL_MS, signal, (s) => ctx.cloud().runAdmin.describeService(ref, s));
  if (!d) throw new DevgemError('not-found', `There is no service ${refText(ref)}.`, { fix: 'Check the name and region with list_services.' });
  return { ref, d };
}

function changeOf(args: ConfigArgs): ConfigChange {
  const { service: _s, region: _r, public: _p, ...change } = args;
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as ConfigChange;
}

/** "name: before → after" for every asked change. */
function configLines(args: ConfigArgs, d: ServiceDetails): { label: string; value: string }[] {
  const show = (v: unknown, fallback: string) => (v === undefined ? fallback : String(v));
  const rows: [keyof ConfigArgs, string, unknown, string][] = [
    ['minInstances', 'Min instances', d.minInstances, '0'],
    ['maxInstances', 'Max instances', d.maxInstances, 'Cloud Run default (100)'],
    ['cpu', 'CPU', d.cpu, 'Cloud Run default (1)'],
    ['memory', 'Memory', d.memory, 'Cloud Run default (512Mi)'],
    ['concurrency', 'Concurrency', d.concurrency, 'Cloud Run default (80)'],
    ['timeoutSeconds', 'Request timeout (s)', d.timeoutSeconds, 'Cloud Run default (300)'],
  ];
  const lines = rows.filter(([k]) => args[k] !== undefined).map(([k, label, before, fb]) => ({ label, value: `${show(before, fb)} → ${String(args[k])}` }));
  if (args.public !== undefined)
    lines.push({
      label: 'Access',
      value: `${d.invokerIamDisabled ? 'public' : 'private (or IAM-granted)'} → ${args.public ? 'public: anyone with the URL' : 'private: IAM-authenticated callers only'}`,
    });
  return lines;
}

/** Scaling, resources, concurrency, timeout and access of a live service, without a build. */
export function updateConfigTool(): AgentTool<ConfigArgs, AgentContext> {
  return {
    name: 'update_service_config',
    description:
      "Change a live service's settings without a rebuild: min/max instances, CPU, memory, concurrency, request timeout (a new revision from the same image), and public ↔ private access. The plan shows each value before → after.",
    parameters: {
      type: 'object',
      properties: {
        ...targetProps,
        minInstances: { type: 'integer', minimum: 0, maximum: 1000 },
        maxInstances: { type: 'integer', minimum: 1, maximum: 1000 },
        cpu: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?|[0-9]+m)$', description: 'CPU limit, e.g. "1", "2", "500m".' },
        memory: { type: 'string', pattern: '^[0-9]+(Mi|Gi)$', description: 'Memory limit, e.g. "512Mi", "2Gi".' },
        concurrency: { type: 'integer', minimum: 1, maximum: 1000, description: 'Requests one instance serves at once.' },
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600, description: 'Request timeout in seconds.' },
        public: { type: 'boolean', description: 'true: anyone with the URL may call it; false: IAM-authenticated callers only.' },
      },
    },
    risk: 'write',
    confirmation: async (args, ctx, signal) => {
      const change = changeOf(args);
      if (!Object.keys(change).length && args.public === undefined) throw new DevgemError('invalid-argument', 'Nothing to change: give at least one setting.');
      if (args.minInstances !== undefined && args.maxInstances !== undefined && args.minInstances > args.maxInstances)
        throw new DevgemError('invalid-argument', `minInstances (${args.minInstances}) is more than maxInstances (${args.maxInstances}).`);
      const { ref, d } = await live(ctx, args, signal);
      const pin: ServicePin = { ref, stamp: serviceStamp(d) };
      return {
        pin,
        title: `Change the configuration of "${ref.service}"`,
        approveLabel: 'Apply Changes',
        details: [
          { label: 'Service', value: refText(ref) },
          ...configLines(args, d),
          ...(Object.keys(change).length ? [{ label: 'Revision', value: `a new revision from the same image (${d.image ?? 'live image'}); no build` }] : []),
        ],
      };
    },
    run: async (args, ctx, signal, pinned) => {
      // The service the card showed, as it was then (a deploy meanwhile would change the "before" values).
      const { ref, stamp } = pinOf<ServicePin>(pinned, 'update_service_config');
      await assertServiceUnchanged(ctx, ref, stamp, signal);
      const change = changeOf(args);
      const out: Record<string, unknown> = { service: ref.service };
      if (Object.keys(change).length) {
        const info = await bounded('Changing the configuration', SLOW_MS, signal, (s) => ctx.cloud().runAdmin.updateConfig(ref, change, s));
        Object.assign(out, { changed: change, latestRevision: info.latestReadyRevision, servingRevision: info.servingRevision, url: info.uri });
      }
      if (args.public !== undefined) {
        await bounded('Changing who may call it', SLOW_MS, signal, (s) => ctx.cloud().runAdmin.setPublic(ref, args.public!, s));
        out.public = args.public;
      }
      return {
        data: out,
        summary: `Updated ${ref.service}: ${[...Object.keys(change), ...(args.public !== undefined ? [args.public ? 'public' : 'private'] : [])].join(', ')}`,
      };
    },
  };
}

function trafficText(revisions: RevisionInfo[]): string {
  return (
    revisions
      .filter((r) => r.percent > 0 || r.tags.length)
      .map((r) => `${r.revision} ${r.percent}%${r.tags.length ? ` (tag ${r.tags.join(', ')})` : ''}`)
      .join(', ') || 'nothing'
  );
}

export interface SplitArgs {
  service?: string;
  region?: string;
  split: TrafficSplit[];
}

async function checkSplit(
  args: SplitArgs,
  ctx: AgentContext,
  signal: AbortSignal,
  pinnedRef?: ServiceRef,
): Promise<{ ref: ServiceRef; revisions: RevisionInfo[] }> {
  const total = args.split.reduce((n, t) => n + t.percent, 0);
  if (total !== 100) throw new DevgemError('invalid-argument', `The percentages add up to ${total}; they must add up to 100.`);
  const names = args.split.map((t) => t.revision);
  if (new Set(names).size !== names.length) throw new DevgemError('invalid-argument', 'Each revision may appear once.');
  const ref = pinnedRef ?? (await resolveRef(ctx, args));
  const revisions = await bounded('Listing revisions', CALL_MS, signal, (s) => ctx.cloud().runAdmin.listRevisions(ref, s));
  for (const t of args.split) {
    const r = revisions.find((x) => x.revision === t.revision);
    if (!r) throw new DevgemError('not-found', `There is no revision "${t.revision}" of ${ref.service}.`, { fix: 'Use list_revisions for the names.' });
    if (!r.ready) throw new DevgemError('failed-precondition', `Revision ${t.revision} is not ready, so it cannot take traffic.`);
  }
  return { ref, revisions };
}

/** A canary or a gradual rollout: traffic split between ready revisions. */
export function splitTrafficTool(): AgentTool<SplitArgs, AgentContext> {
  return {
    name: 'split_traffic',
    description:
      "Split a service's traffic between ready revisions, e.g. 90 % to the current one and 10 % to a new one (a canary); percentages add up to 100; a tag gives a revision its own URL. Only when the user asks for it.",
    parameters: {
      type: 'object',
      properties: {
        ...targetProps,
        split: {
          type: 'array',
          maxItems: 10,
          items: {
            type: 'object',
            properties: {
              revision: { type: 'string', pattern: REVISION },
              percent: { type: 'integer', minimum: 0, maximum: 100 },
              tag: { type: 'string', pattern: TAG },
            },
            required: ['revision', 'percent'],
          },
        },
      },
      required: ['split'],
    },
    risk: 'write',
    confirmation: async (args, ctx, signal) => {
      const { ref, revisions } = await checkSplit(args, ctx, signal);
      return {
        pin: await pinService(ctx, ref, signal),
        title: `Split the traffic of "${ref.service}"`,
        approveLabel: 'Split Traffic',
        details: [
          { label: 'Service', value: refText(ref) },
          { label: 'Before', value: trafficText(revisions) },
          { label: 'After', value: args.split.map((t) => `${t.revision} ${t.percent}%${t.tag ? ` (tag ${t.tag})` : ''}`).join(', ') },
        ],
      };
    },
    run: async (args, ctx, signal, pinned) => {
      const pin = pinOf<ServicePin>(pinned, 'split_traffic');
      await assertServiceUnchanged(ctx, pin.ref, pin.stamp, signal);
      const { ref } = await checkSplit(args, ctx, signal, pin.ref);
      const info = await bounded('Splitting the traffic', SLOW_MS, signal, (s) => ctx.cloud().runAdmin.setTraffic(ref, args.split, s));
      return { data: { service: ref.service, split: args.split, url: info.uri }, summary: args.split.map((t) => `${t.revision} ${t.percent}%`).join(', ') };
    },
  };
}

/** The service and the revision the tag named when the card was made. */
type TagPin = ServicePin & { revision: string };

/** A tagged preview (deploy with preview_tag) becomes the live revision. */
export function promoteTagTool(): AgentTool<{ service?: string; region?: string; tag: string }, AgentContext> {
  const resolve = async (args: { service?: string; region?: string; tag: string }, ctx: AgentContext, signal: AbortSignal, pinnedRef?: ServiceRef) => {
    const ref = pinnedRef ?? (await resolveRef(ctx, args));
    const revisions = await bounded('Listing revisions', CALL_MS, signal, (s) => ctx.cloud().runAdmin.listRevisions(ref, s));
    const to = revisions.find((r) => r.tags.includes(args.tag));
    if (!to)
      throw new DevgemError('not-found', `No revision of ${ref.service} has the tag "${args.tag}".`, {
        fix: `Tags: ${revisions.flatMap((r) => r.tags).join(', ') || 'none'}.`,
      });
    if (!to.ready) throw new DevgemError('failed-precondition', `Revision ${to.revision} (tag ${args.tag}) is not ready, so it cannot take traffic.`);
    return { ref, to, revisions };
  };
  return {
    name: 'promote_tag',
    description:
      'Send 100 % of the traffic to the revision a tag names (a preview deployed with preview_tag); the tag keeps its URL. Only when the user asks to promote it.',
    parameters: { type: 'object', properties: { ...targetProps, tag: { type: 'string', pattern: TAG } }, required: ['tag'] },
    risk: 'write',
    confirmation: async (args, ctx, signal) => {
      const { ref, to, revisions } = await resolve(args, ctx, signal);
      const pin: TagPin = { ...(await pinService(ctx, ref, signal)), revision: to.revision };
      return {
        pin,
        title: `Promote the "${args.tag}" preview of "${ref.service}"`,
        approveLabel: 'Promote',
        details: [
          { label: 'Service', value: refText(ref) },
          { label: 'Before', value: trafficText(revisions) },
          { label: 'After', value: `${to.revision} 100% (tag ${args.tag})` },
        ],
      };
    },
    run: async (args, ctx, signal, pinned) => {
      const pin = pinOf<TagPin>(pinned, 'promote_tag');
      await assertServiceUnchanged(ctx, pin.ref, pin.stamp, signal);
      const { ref, to } = await resolve(args, ctx, signal, pin.ref);
      // The revision the card named: a tag moved to another revision meanwhile is refused, not followed.
      assertStill(`The "${args.tag}" tag of ${ref.service}`, [moved('it names', pin.revision, to.revision)]);
      const info = await bounded('Promoting the preview', SLOW_MS, signal, (s) =>
        ctx.cloud().runAdmin.setTraffic(ref, [{ revision: to.revision, percent: 100, tag: args.tag }], s),
      );
      return { data: { service: ref.service, servingRevision: to.revision, url: info.uri }, summary: `100% → ${to.revision} (${args.tag})` };
    },
  };
}
