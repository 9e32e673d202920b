import type { AuthClient } from 'google-auth-library';
import type { PreflightPort, ProjectSummary } from '../../core/cloud/ports';
import { CancelledError, DevgemError } from '../../core/base/errors';
import { emulatorBaseUrl, type GcpConfig } from './gcpConfig';
import { toDevgemError } from './gcpErrors';
import { realClock } from '../../core/base/wait';

const SERVICE_USAGE = 'serviceusage.googleapis.com';
const RESOURCE_MANAGER = 'cloudresourcemanager.googleapis.com';
const OPERATION_POLL_MS = 1_000;
/** The project picker reads at most this many pages of this size: enough for a person, bounded for an org admin. */
const PROJECTS_PAGE_SIZE = 200;
const PROJECTS_MAX_PAGES = 5;

/**
 * Service Usage v1 and Resource Manager v1 over plain REST through the auth
 * client: two small APIs, not worth two more SDK packages in the bundle.
 */
export class PreflightAdapter implements PreflightPort {
  constructor(
    private readonly auth: () => Promise<AuthClient>,
    private readonly config: GcpConfig,
  ) {}

  private base(api: string): string {
    return emulatorBaseUrl(this.config) ?? `https://${api}`;
  }

  private async call<T>(
    what: string,
    project: string,
    api: string,
    req: { url: string; method?: 'GET' | 'POST'; data?: unknown },
    signal?: AbortSignal,
  ): Promise<T> {
    const client = await this.auth();
    try {
      const res = await client.request<T>({ url: req.url, method: req.method ?? 'GET', data: req.data, signal, retry: false });
      return res.data;
    } catch (err) {
      if (signal?.aborted) throw new CancelledError();
      throw toDevgemError(err, { what, project, api });
    }
  }

  async enabledServices(project: string, names: string[], signal?: AbortSignal): Promise<Record<string, boolean>> {
    const p = encodeURIComponent(project);
    const query = names.map((n) => `names=${encodeURIComponent(`projects/${project}/services/${n}`)}`).join('&');
    const body = await this.call<{ services?: { name?: string; config?: { name?: string }; state?: string }[] }>(
      'Checking the enabled APIs',
      project,
      SERVICE_USAGE,
      { url: `${this.base(SERVICE_USAGE)}/v1/projects/${p}/services:batchGet?${query}` },
      signal,
    );
    const out: Record<string, boolean> = {};
    for (const s of body.services ?? []) {
      const name = s.config?.name ?? s.name?.split('/').pop();
      if (name) out[name] = s.state === 'ENABLED';
    }
    return out;
  }

  async enableService(project: string, name: string, signal?: AbortSignal): Promise<void> {
    const base = this.base(SERVICE_USAGE);
    const what = `Enabling ${name}`;
    type Operation = { name?: string; done?: boolean; error?: { message?: string } };
    let op = await this.call<Operation>(
      what,
      project,
      SERVICE_USAGE,
      { url: `${base}/v1/projects/${encodeURIComponent(project)}/services/${encodeURIComponent(name)}:enable`, method: 'POST', data: {} },
      signal,
    );
    // Core bounds the whole wait; the poll ends with the signal.
    while (!op.done && op.name) {
      await realClock.sleep(OPERATION_POLL_MS, signal);
      op = await this.call<Operation>(what, project, SERVICE_USAGE, { url: `${base}/v1/${op.name}` }, signal);
    }
    if (op.error) throw toDevgemError({ code: 9, message: op.error.message ?? 'the operation failed' }, { what, project, api: SERVICE_USAGE });
  }

  async testPermissions(project: string, permissions: string[], signal?: AbortSignal): Promise<string[]> {
    const body = await this.call<{ permissions?: string[] }>(
      'Checking your permissions',
      project,
      RESOURCE_MANAGER,
      { url: `${this.base(RESOURCE_MANAGER)}/v1/projects/${encodeURIComponent(project)}:testIamPermissions`, method: 'POST', data: { permissions } },
      signal,
    );
    // Google leaves the field out when none is granted.
    return body.permissions ?? [];
  }

  async projectNumber(project: string, signal?: AbortSignal): Promise<string> {
    const body = await this.call<{ projectNumber?: string }>(
      'Reading the project',
      project,
      RESOURCE_MANAGER,
      { url: `${this.base(RESOURCE_MANAGER)}/v1/projects/${encodeURIComponent(project)}` },
      signal,
    );
    if (!body.projectNumber) throw new Error(`Resource Manager returned no number for project ${project}.`);
    return String(body.projectNumber);
  }

  async projectPolicyBindings(project: string, signal?: AbortSignal): Promise<{ role: string; members: string[] }[]> {
    const body = await this.call<{ bindings?: { role?: string; members?: string[] }[] }>(
      'Reading the project IAM policy',
      project,
      RESOURCE_MANAGER,
      {
        url: `${this.base(RESOURCE_MANAGER)}/v1/projects/${encodeURIComponent(project)}:getIamPolicy`,
        method: 'POST',
        data: { options: { requestedPolicyVersion: 3 } },
      },
      signal,
    );
    return (body.bindings ?? []).flatMap((b) => (b.role ? [{ role: b.role, members: b.members ?? [] }] : []));
  }

  async listProjects(signal?: AbortSignal): Promise<ProjectSummary[]> {
    type Page = { projects?: { projectId?: string; name?: string; lifecycleState?: string }[]; nextPageToken?: string };
    const out: ProjectSummary[] = [];
    let token: string | undefined;
    for (let page = 0; page < PROJECTS_MAX_PAGES; page++) {
      const query = `filter=${encodeURIComponent('lifecycleState:ACTIVE')}&pageSize=${PROJECTS_PAGE_SIZE}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
      const body = await this.call<Page>(
        'Listing your projects',
        '',
        RESOURCE_MANAGER,
        { url: `${this.base(RESOURCE_MANAGER)}/v1/projects?${query}` },
        signal,
      ).catch((err: unknown) => {
        throw listingError(err);
      });
      for (const p of body.projects ?? []) {
        if (p.projectId && (p.lifecycleState ?? 'ACTIVE') === 'ACTIVE') out.push({ projectId: p.projectId, name: p.name || undefined });
      }
      token = body.nextPageToken || undefined;
      if (!token) break;
    }
    return out;
  }
}

/** The generic fixes name a project; a listing has none yet, so say what to do without one. */
function listingError(err: unknown): unknown {
  if (!(err instanceof DevgemError)) return err;
  const fixes: Partial<Record<DevgemError['kind'], string>> = {
    'failed-precondition': `Enable the Cloud Resource Manager API (gcloud services enable ${RESOURCE_MANAGER} --project=YOUR_PROJECT_ID), or type the project ID instead.`,
    'permission-denied': 'Your account may not list projects; type the project ID instead (Cloud Console shows it next to the project name).',
    'not-found': 'Type the project ID instead (Cloud Console shows it next to the project name).',
  };
  const fix = fixes[err.kind];
  return fix ? new DevgemError(err.kind, err.message, { fix, cause: err }) : err;
}
