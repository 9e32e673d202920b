import type { ServerResponse } from 'node:http';
import { projectNumber, type Context } from './context';
import { jsonBody, notFound, permissionDenied, sendJson, type Req } from './http';

// Resource Manager v1, the three calls a preflight makes: the project (for its
// number), testIamPermissions (all granted but the `deniedPermissions` knob)
// and the IAM policy (an owner, and the build service account with the
// `buildServiceAccountRoles` knob).

export const EMULATOR_OWNER = 'user:dev@example.com';

function denied(ctx: Context, permission: string): boolean {
  return ctx.knobs.deniedPermissions.includes(permission);
}

/** `seg` is the path after `/v1`; false when it is not a Resource Manager path. */
export function handleResourceManager(ctx: Context, r: Req, res: ServerResponse, seg: string[]): boolean {
  if (seg[0] !== 'projects' || seg.length !== 2) return false;
  const [project, verb] = seg[1].split(':');
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
