import type { ServerResponse } from 'node:http';
import type { Context } from './context';
import { projectNumber } from './ids';
import { ApiError, invalidArgument, notFound, sendJson, type Req } from './http';
import { any, MutableOperation } from './operations';

// Service Usage v1: which APIs a project has on. Every API is on unless the
// `disabledServices` knob lists it; enabling one takes it off that list once
// its operation is polled.

const TITLES: Record<string, string> = {
  'run.googleapis.com': 'Cloud Run Admin API',
  'cloudbuild.googleapis.com': 'Cloud Build API',
  'artifactregistry.googleapis.com': 'Artifact Registry API',
  'storage.googleapis.com': 'Cloud Storage API',
  'secretmanager.googleapis.com': 'Secret Manager API',
};

let opSeq = 0;

function serviceJson(ctx: Context, project: string, name: string): Record<string, unknown> {
  const parent = `projects/${projectNumber(project)}`;
  return {
    name: `${parent}/services/${name}`,
    parent,
    config: { name, title: TITLES[name] ?? name },
    state: ctx.knobs.disabledServices.includes(name) ? 'DISABLED' : 'ENABLED',
  };
}

/** What Google answers when a project calls an API it has not enabled. */
export function assertServiceEnabled(ctx: Context, project: string, service: string): void {
  if (!ctx.knobs.disabledServices.includes(service)) return;
  const num = projectNumber(project);
  const title = TITLES[service] ?? service;
  throw new ApiError(
    403,
    'PERMISSION_DENIED',
    `${title} has not been used in project ${num} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${service}/overview?project=${num} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
    {
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: { service, consumer: `projects/${num}` },
        },
      ],
    },
  );
}

/** `seg` is the path after `/v1`; false when it is not a Service Usage path. */
export function handleServiceUsage(ctx: Context, r: Req, res: ServerResponse, seg: string[]): boolean {
  if (seg[0] !== 'projects' || !seg[2]?.startsWith('services')) return false;
  const project = seg[1];
  if (seg.length === 3 && seg[2] === 'services:batchGet' && r.method === 'GET') {
    const names = r.query.getAll('names');
    if (names.length === 0 || names.length > 30) throw invalidArgument('names must hold between 1 and 30 service names.');
    const services = names.map((n) => serviceJson(ctx, project, n.split('/').pop() ?? n));
    sendJson(res, 200, { services });
    return true;
  }
  if (seg.length === 4 && seg[2] === 'services' && seg[3].endsWith(':enable') && r.method === 'POST') {
    const name = seg[3].slice(0, -':enable'.length);
    const opName = `operations/acf.p2-${projectNumber(project)}-${++opSeq}`;
    // Like Google, the first answer is a pending operation; it is done (and the API on) at the first poll.
    const op = new MutableOperation(opName, {});
    ctx.ops.register(opName, () => {
      if (!op.done) {
        ctx.knobs.disabledServices = ctx.knobs.disabledServices.filter((s) => s !== name);
        op.succeed(any('google.api.serviceusage.v1.EnableServiceResponse', { service: serviceJson(ctx, project, name) }));
        ctx.log(`[emulator] enabled ${name} in ${project}`);
      }
      return op.toJson();
    });
    sendJson(res, 200, { name: opName, done: false, metadata: {} });
    return true;
  }
  if (seg.length === 4 && seg[2] === 'services' && r.method === 'GET') {
    sendJson(res, 200, serviceJson(ctx, project, seg[3]));
    return true;
  }
  throw notFound(`Not found: ${r.method} ${r.rawPath}`);
}
