import { DevgemError } from '../../base/errors';
import { bounded } from '../../base/wait';
import type { RevisionInfo, ServiceRef } from '../../cloud/ports';
import { shortCommit, sourceText } from '../../explorer/revisionSourceText';
import { refText, resolveRef, type AgentContext } from '../context';
import type { AgentTool } from '../registry';
import { assertServiceUnchanged, describeStamp, pinOf } from './pinned';
import { targetProps, type RevisionPin } from './serviceTools';

const CALL_MS = 60_000;
const SLOW_MS = 300_000;

export interface SendTrafficArgs {
  service?: string;
  region?: string;
  revision: string;
}

/** The revision asked for, ready, and what serves now. */
async function resolve(
  args: SendTrafficArgs,
  ctx: AgentContext,
  signal: AbortSignal,
  pinnedRef?: ServiceRef,
): Promise<{ ref: ServiceRef; to: RevisionInfo; serving: RevisionInfo[] }> {
  const ref = pinnedRef ?? (await resolveRef(ctx, args));
  const revisions = await bounded('Listing revisions', CALL_MS, signal, (s) => ctx.cloud().runAdmin.listRevisions(ref, s));
  const to = revisions.find((r) => r.revision === args.revision);
  if (!to) {
    throw new DevgemError('not-found', `There is no revision "${args.revision}" of ${ref.service}.`, {
      fix: `Use one of: ${revisions
        .slice(0, 10)
        .map((r) => r.revision)
        .join(', ')}.`,
    });
  }
  if (!to.ready) throw new DevgemError('failed-precondition', `Revision ${to.revision} is not ready, so it cannot take traffic.`);
  return { ref, to, serving: revisions.filter((r) => r.percent > 0) };
}

/**
 * Sends all traffic to one revision, newer or older: after a rollback pinned the
 * traffic, an env change makes a revision that serves no one until this moves it.
 */
export function sendTrafficTool(): AgentTool<SendTrafficArgs, AgentContext> {
  return {
    name: 'send_traffic',
    description:
      "Send 100% of a service's traffic to one ready revision, e.g. the new revision an env change made while an earlier rollback kept the traffic on an older one (set_env_vars says so). Only when the user asks for it.",
    parameters: {
      type: 'object',
      properties: {
        ...targetProps,
        revision: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'The revision to serve, e.g. api-00004-xyz.' },
      },
      required: ['revision'],
    },
    risk: 'write',
    confirmation: async (args, ctx, signal) => {
      const { ref, to, serving } = await resolve(args, ctx, signal);
      const pin: RevisionPin = { ref, revision: to.revision, stamp: await describeStamp(ctx, ref, signal) };
      return {
        pin,
        title: `Send all traffic of "${ref.service}" to ${to.revision}`,
        approveLabel: 'Send Traffic',
        details: [
          { label: 'Service', value: refText(ref) },
          {
            label: 'Serving now',
            value: serving.map((r) => `${r.revision} (${r.percent}%${shortCommit(r) ? `, commit ${shortCommit(r)}` : ''})`).join(', ') || 'nothing',
          },
          { label: 'After', value: `${to.revision} (100%)${to.createTime ? `, created ${to.createTime}` : ''}` },
          { label: 'Image', value: to.image ?? 'unknown' },
          { label: 'Commit', value: sourceText(to) },
        ],
      };
    },
    run: async (_args, ctx, signal, pinned) => {
      const pin = pinOf<RevisionPin>(pinned, 'send_traffic');
      await assertServiceUnchanged(ctx, pin.ref, pin.stamp, signal);
      // The pinned ref, project included: a project switched meanwhile must not redirect the approved change.
      const { ref, to } = await resolve({ revision: pin.revision }, ctx, signal, pin.ref);
      // To the newest ready revision: the service follows "latest" again, so the next change serves at once.
      const info = await bounded('Sending the traffic', SLOW_MS, signal, (s) =>
        ctx.cloud().runAdmin.routeAllTraffic(ref, to.revision, s, { followLatest: true }),
      );
      return { data: { service: ref.service, servingRevision: to.revision, url: info.uri }, summary: `100% → ${to.revision}` };
    },
  };
}
