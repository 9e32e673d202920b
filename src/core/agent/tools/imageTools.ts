import { bounded } from '../../base/wait';
import type { ServiceRef, ServiceSpec } from '../../cloud/ports';
import { deployOptionsFor } from '../../deploy/deployRequest';
import { originOf } from '../../deploy/origin';
import { devgemLabels } from '../../deploy/ownership';
import { resolveTarget } from '../../deploy/target';
import { REGION_PATTERN, SERVICE_PATTERN, refText, type AgentContext } from '../context';
import type { AgentTool, ConfirmationDraft } from '../registry';
import { DEPLOY_PARAMETERS } from './deployTools';
import { assertServiceUnchanged, pinOf, serviceStamp, type ServicePin } from './pinned';
import { takeOverPlan } from './takeOverPlan';

const CALL_MS = 60_000;
const SLOW_MS = 600_000;
/** registry/path[:tag][@sha256:digest], e.g. us-docker.pkg.dev/cloudrun/container/hello or nginx:1.27. */
const IMAGE = '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$';

export interface ImageArgs {
  image: string;
  service: string;
  region?: string;
  port?: number;
  env?: Record<string, string>;
  secrets?: Record<string, string>;
  public?: boolean;
}

async function target(ctx: AgentContext, args: ImageArgs): Promise<{ ref: ServiceRef; spec: ServiceSpec; open: boolean }> {
  const opts = deployOptionsFor(ctx.deployOptions({ folderOptional: true }), {
    service: args.service,
    region: args.region,
    env: args.env,
    secrets: args.secrets,
    public: args.public,
  });
  const { target: ref } = await resolveTarget(opts);
  const origin = (await originOf({ workspaceRoot: opts.workspaceRoot })).label;
  return { ref, spec: { ...opts.runtime, image: args.image, port: args.port ?? 8080, labels: devgemLabels(origin) }, open: opts.allowUnauthenticated };
}

/** An existing container image straight to Cloud Run: no analysis, no build. */
export function deployImageTool(): AgentTool<ImageArgs, AgentContext> {
  return {
    name: 'deploy_image',
    description:
      'Deploy an existing container image (Artifact Registry, Docker Hub, …) to a Cloud Run service without building anything: create the service or roll out a new revision with that image.',
    parameters: {
      type: 'object',
      properties: {
        image: { type: 'string', minLength: 1, maxLength: 500, pattern: IMAGE, description: 'e.g. europe-west1-docker.pkg.dev/p/repo/app:1.2 or nginx:1.27' },
        service: { type: 'string', pattern: SERVICE_PATTERN },
        region: { type: 'string', pattern: REGION_PATTERN },
        port: { type: 'integer', minimum: 1, maximum: 65535, description: 'The port the container listens on (default 8080).' },
        env: DEPLOY_PARAMETERS.properties!.env,
        secrets: DEPLOY_PARAMETERS.properties!.secrets,
        public: { type: 'boolean', description: 'Allow unauthenticated access. Default: the devgem.allowUnauthenticated setting.' },
      },
      required: ['image', 'service'],
    },
    risk: 'write',
    confirmation: async (args, ctx, signal): Promise<ConfirmationDraft> => {
      const { ref, spec, open } = await target(ctx, args);
      const existing = await bounded('Looking up the service', CALL_MS, signal, (s) => ctx.cloud().run.getService(ref, s));
      const takeOver = existing ? await takeOverPlan(ctx, ref, ctx.deployOptions({ folderOptional: true }), open, signal) : undefined;
      const live = existing ? await bounded('Describing the service', CALL_MS, signal, (s) => ctx.cloud().runAdmin.describeService(ref, s)) : undefined;
      // The service as shown (or its absence): one created, deployed to or deleted meanwhile is refused.
      const pin: ServicePin = { ref, stamp: serviceStamp(live) };
      return {
        pin,
        title: takeOver?.title ?? `${existing ? 'Update' : 'Create'} Cloud Run service "${ref.service}" from image ${args.image}`,
        approveLabel: takeOver ? 'Take Over and Deploy' : 'Deploy Image',
        details: [
          ...(takeOver?.lines ?? []),
          { label: 'Service', value: `${refText(ref)} (${existing ? 'update' : 'new'})` },
          { label: 'Image', value: `${live?.image ?? 'none'} → ${args.image} (no build)` },
          { label: 'Port', value: String(spec.port) },
          { label: 'Access', value: open ? 'Public: anyone with the URL' : 'Private: IAM-authenticated callers only' },
          { label: 'Env vars', value: spec.env ? Object.keys(spec.env).join(', ') : existing ? 'unchanged' : 'none' },
          ...(spec.secrets ? [{ label: 'Secrets', value: Object.keys(spec.secrets).join(', ') }] : []),
        ],
      };
    },
    run: async (args, ctx, signal, pinned) => {
      const { ref, stamp } = pinOf<ServicePin>(pinned, 'deploy_image');
      await assertServiceUnchanged(ctx, ref, stamp, signal);
      const { spec, open } = await target(ctx, args);
      const run = ctx.cloud().run;
      const existing = stamp.exists;
      ctx.usage?.check('deploy');
      ctx.usage?.record('deploy');
      const info = await bounded('Deploying the image', SLOW_MS, signal, (s) => (existing ? run.updateService(ref, spec, s) : run.createService(ref, spec, s)));
      if (open) await bounded('Making it public', CALL_MS, signal, (s) => ctx.cloud().runAdmin.setPublic(ref, true, s));
      return {
        data: { outcome: 'success', service: ref.service, image: args.image, url: info.uri, revision: info.latestReadyRevision, public: open },
        summary: `${args.image} → ${ref.service}${info.uri ? `: ${info.uri}` : ''}`,
      };
    },
  };
}
