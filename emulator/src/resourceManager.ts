import type { ServerResponse } from 'node:http';
import type { Context } from './context';
import { projectNumber } from './ids';
import { invalidArgument, jsonBody, notFound, permissionDenied, sendJson, type Req } from './http';

// Resource Manager v1: the project list (seeded projects and those seen, in
// small pages), and the three calls a preflight makes: the project (for its
// number), testIamPermissions (all granted but the `deniedPermissions` knob)
// and the IAM policy (an owner, and the build service account with the
// `buildServiceAccountRoles` knob).

export const EMULATOR_OWNER = 'user:dev@example.com';

/** What `GET /v1/projects` lists besides the projects seen in requests. */
export const SEEDED_PROJECTS: readonly { projectId: string; name: string }[] = [
  { projectId: 'demo-project', name: 'Demo Project' },
  { projectId: 'devgem-staging', name: 'Devgem Staging' },
  { projectId: 'devgem-sandbox', name: 'Devgem Sandbox' },
];
/** Google may return fewer than `pageSize`; a small cap here makes clients follow `nextPageToken`. */
export const PROJECTS_PAGE_MAX = 2;

// Projects named in Resource Manager calls, per emulator, so a test's own
// project shows up in the list too. Kept across `reset` (it only adds names).
const seen = new WeakMap<Context, Set<string>>();

function remember(ctx: Context, project: string): void {
  const set = seen.get(ctx) ?? new Set<string>();
  set.add(project);
  seen.set(ctx, set);
}

function listProjects(ctx: Context, r: Req, res: ServerResponse): void {
  const all = new Map(SEEDED_PROJECTS.map((p) => [p.projectId, p.name]));
  for (const id of seen.get(ctx) ?? []) if (!all.has(id)) all.set(id, id);
  const ids = [...all.keys()].sort();
  const asked = Number(r.query.get('pageSize') ?? '');
  const size = Math.min(PROJECTS_PAGE_MAX, Number.isInteger(asked) && asked > 0 ? asked : PROJECTS_PAGE_MAX);
  const start = Number(r.query.get('pageToken') || '0');
  if (!Number.isInteger(start) || start < 0) throw invalidArgument(`Invalid page token: ${r.query.get('pageToken')}`);
  const page = ids.slice(start, start + size).map((projectId) => ({
    projectId,
    name: all.get(projectId),
    projectNumber: projectNumber(projectId),
    lifecycleState: 'ACTIVE',
    createTime: '2026-01-01T00:00:00Z',
  }));
  const next = start + size < ids.length ? String(start + size) : undefined;
  sendJson(res, 200, next ? { projects: page, nextPageToken: next } : { projects: page });
}

function denied(ctx: Context, permission: string): boolean {
  return ctx.knobs.deniedPermissions.includes(permission);
}

/** `seg` is the path after `/v1`; false when it is not a Resource Manager path. */
export function handleResourceManager(ctx: Context, r: Req, res: ServerResponse, seg: string[]): boolean {
  if (seg[0] === 'projects' && seg.length === 1 && r.method === 'GET') {
    listProjects(ctx, r, res);
    return true;
  }
  if (seg[0] !== 'projects' || seg.length !== 2) return false;
  const [project, verb] = seg[1].split(':');
  remember(ctx, project);
  const num = projectNumber(project);
  if (verb === undefined && r.method === 'GET') {
    sendJson(res, 200, { projectNumber: num, projectId: project, lifecycleState: 'ACTIVE', name: project, createTime: '2026-01-01T00:00:00Z' });
    return true;
  }
  if (verb === 'testIamPermissions' && r.method === 'POST') {
    const asked = jsonBody(r).permissions;
    const granted = (Array.isArray(asked) ? asked.map(String) : []).filter((p) => !denied(ctx, p));
    // Google leaves the field out when nothing is granted.
    sendJson(res, 200, granted.length ? { permissions: granted } : {});
    return true;
  }
  if (verb === 'getIamPolicy' && r.method === 'POST') {
    if (denied(ctx, 'resourcemanager.projects.getIamPolicy')) {
      throw permissionDenied(`The caller does not have permission resourcemanager.projects.getIamPolicy on project ${project}.`);
    }
    const buildSa = `serviceAccount:${num}-compute@developer.gserviceaccount.com`;
    const bindings = [{ role: 'roles/owner', members: [EMULATOR_OWNER] }, ...ctx.knobs.buildServiceAccountRoles.map((role) => ({ role, members: [buildSa] }))];
    sendJson(res, 200, { version: 1, etag: 'BwYemulator=', bindings });
    return true;
  }
  throw notFound(`Not found: ${r.method} ${r.rawPath}`);
}
