// An in-memory Secret Manager behind SecretsPort, for unit tests of the .env
// import. `calls` carries ids and member names only, never a value: it ends up
// in assertion messages.
import { DevgemError } from '../../src/core/base/errors';
import type { SecretsPort } from '../../src/core/cloud/ports';

export interface FakeSecret {
  labels: Record<string, string>;
  /** Values, oldest first (version n is `versions[n - 1]`). */
  versions: string[];
  /** role → members. */
  bindings: Map<string, string[]>;
}

export class FakeSecretManager {
  readonly secrets = new Map<string, FakeSecret>();
  readonly calls: string[] = [];
  /** Fails the next call of this method (once) with this error. */
  failNext?: { method: keyof SecretsPort; error: Error };

  private key(project: string, id: string): string {
    return `${project}/${id}`;
  }

  get(project: string, id: string): FakeSecret | undefined {
    return this.secrets.get(this.key(project, id));
  }

  /** A secret that exists before the test starts (labels default to none: made by hand, not by Devgem). */
  seed(project: string, id: string, versions: string[], accessors: string[] = [], labels: Record<string, string> = {}): FakeSecret {
    const s: FakeSecret = {
      labels: { ...labels },
      versions: [...versions],
      bindings: new Map(accessors.length ? [['roles/secretmanager.secretAccessor', accessors]] : []),
    };
    this.secrets.set(this.key(project, id), s);
    return s;
  }

  private must(project: string, id: string): FakeSecret {
    const s = this.get(project, id);
    if (!s) throw new DevgemError('not-found', `Secret ${id} does not exist in ${project}.`);
    return s;
  }

  private check(method: keyof SecretsPort, signal: AbortSignal, line: string): void {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    this.calls.push(line);
    if (this.failNext?.method === method) {
      const { error } = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }

  port(): SecretsPort {
    return {
      ensureSecret: async (project, id, labels, signal) => {
        this.check('ensureSecret', signal, `ensureSecret ${id}`);
        if (this.get(project, id)) return false;
        this.secrets.set(this.key(project, id), { labels: { ...labels }, versions: [], bindings: new Map() });
        return true;
      },
      secretLabels: async (project, id, signal) => {
        this.check('secretLabels', signal, `secretLabels ${id}`);
        const s = this.get(project, id);
        return s ? { ...s.labels } : undefined;
      },
      latestMatching: async (project, id, value, signal) => {
        this.check('latestMatching', signal, `latestMatching ${id}`);
        const s = this.get(project, id);
        return s && s.versions.length > 0 && s.versions[s.versions.length - 1] === value ? String(s.versions.length) : undefined;
      },
      addVersion: async (project, id, value, signal) => {
        this.check('addVersion', signal, `addVersion ${id}`);
        const s = this.must(project, id);
        s.versions.push(value);
        return String(s.versions.length);
      },
      grantRole: async (project, id, role, member, signal) => {
        this.check('grantRole', signal, `grantRole ${id} ${role} ${member}`);
        const s = this.must(project, id);
        const members = s.bindings.get(role) ?? [];
        if (members.includes(member)) return false;
        s.bindings.set(role, [...members, member]);
        return true;
      },
      roleMembers: async (project, id, role, signal) => {
        this.check('roleMembers', signal, `roleMembers ${id} ${role}`);
        return [...(this.must(project, id).bindings.get(role) ?? [])];
      },
    };
  }
}
