import type { SecretManagerServiceClient } from '@google-cloud/secret-manager/build/src/v1/secret_manager_service_client.js';
import type { SecretsPort } from '../../core/cloud/ports';
import { call, isNotFound } from './gcpErrors';

const API = 'secretmanager.googleapis.com';
const ADMIN = 'roles/secretmanager.admin';

function alreadyExists(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 6 || e?.code === 409 || /ALREADY_EXISTS|already exists/i.test(String(e?.message));
}

/**
 * Secret Manager v1 through the SDK's REST fallback. Values are sent and, for
 * `latestMatching`, read and compared here; none is returned, logged or put in an error.
 */
export class SecretsAdapter implements SecretsPort {
  constructor(private readonly client: () => Promise<SecretManagerServiceClient>) {}

  private ctx(what: string, project: string, role = ADMIN) {
    return { what, project, role, api: API };
  }

  async ensureSecret(project: string, id: string, labels: Record<string, string>, signal?: AbortSignal): Promise<boolean> {
    const c = await this.client();
    try {
      await c.createSecret({ parent: `projects/${project}`, secretId: id, secret: { replication: { automatic: {} }, labels } }, { signal });
      return true;
    } catch (err) {
      if (alreadyExists(err)) return false;
      return call(this.ctx(`Creating secret ${id}`, project), () => Promise.reject(err));
    }
  }

  async secretLabels(project: string, id: string, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
    const c = await this.client();
    try {
      const [secret] = await call(this.ctx(`Reading secret ${id}`, project, 'roles/secretmanager.viewer'), () =>
        c.getSecret({ name: `projects/${project}/secrets/${id}` }, { signal }),
      );
      return { ...(secret.labels ?? {}) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async latestMatching(project: string, id: string, value: string, signal?: AbortSignal): Promise<string | undefined> {
    const c = await this.client();
    try {
      const [v] = await c.accessSecretVersion({ name: `projects/${project}/secrets/${id}/versions/latest` }, { signal });
      const data = v.payload?.data;
      if (data === null || data === undefined) return undefined;
      const same = Buffer.from(typeof data === 'string' ? Buffer.from(data, 'base64') : data).equals(Buffer.from(value, 'utf8'));
      // The answer names the version `latest` resolved to.
      return same ? (v.name ?? '').split('/').pop() || undefined : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      return call(this.ctx(`Reading the latest version of secret ${id}`, project, 'roles/secretmanager.secretAccessor'), () => Promise.reject(err));
    }
  }

  async readValue(project: string, id: string, version: string, signal?: AbortSignal): Promise<string> {
    const c = await this.client();
    const [v] = await call(this.ctx(`Reading secret ${id}`, project, 'roles/secretmanager.secretAccessor'), () =>
      c.accessSecretVersion({ name: `projects/${project}/secrets/${id}/versions/${version}` }, { signal }),
    );
    const data = v.payload?.data;
    if (data === null || data === undefined) return '';
    return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'base64') : data).toString('utf8');
  }

  async addVersion(project: string, id: string, value: string, signal?: AbortSignal): Promise<string> {
    const c = await this.client();
    const data = Buffer.from(value, 'utf8');
    const [v] = await call(this.ctx(`Adding a version to secret ${id}`, project), () =>
      c.addSecretVersion({ parent: `projects/${project}/secrets/${id}`, payload: { data } }, { signal }),
    );
    return (v.name ?? '').split('/').pop() ?? '';
  }

  async roleMembers(project: string, id: string, role: string, signal?: AbortSignal): Promise<string[]> {
    const c = await this.client();
    const [policy] = await call(this.ctx(`Reading the IAM policy of secret ${id}`, project), () =>
      c.getIamPolicy({ resource: `projects/${project}/secrets/${id}` }, { signal }),
    );
    return (policy.bindings ?? []).filter((b) => b.role === role).flatMap((b) => b.members ?? []);
  }

  async grantRole(project: string, id: string, role: string, member: string, signal?: AbortSignal): Promise<boolean> {
    const c = await this.client();
    const resource = `projects/${project}/secrets/${id}`;
    return call(this.ctx(`Granting ${role} on secret ${id}`, project), async () => {
      const [policy] = await c.getIamPolicy({ resource }, { signal });
      const bindings = [...(policy.bindings ?? [])];
      const b = bindings.find((x) => x.role === role && !x.condition);
      if (b?.members?.includes(member)) return false;
      if (b) b.members = [...(b.members ?? []), member];
      else bindings.push({ role, members: [member] });
      // The etag makes a concurrent change fail instead of being overwritten.
      await c.setIamPolicy({ resource, policy: { ...policy, bindings } }, { signal });
      return true;
    });
  }
}
