import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry/build/src/v1/artifact_registry_client.js';
import type { RegistryPort } from '../../core/cloud/ports';
import { call, isNotFound, retried, settled, type PendingOperation } from './gcpErrors';

const API = 'artifactregistry.googleapis.com';

export class RegistryAdapter implements RegistryPort {
  constructor(private readonly client: () => Promise<ArtifactRegistryClient>) {}

  /** Get or create: as a whole safe to repeat (a create that landed before its answer was lost is found, or answers 409). */
  async ensureDockerRepository(
    opts: { project: string; location: string; repository: string; labels?: Record<string, string> },
    signal?: AbortSignal,
  ): Promise<{ created: boolean }> {
    const what = `Preparing Artifact Registry repository ${opts.repository}`;
    return retried({ what, project: opts.project, api: API }, () => this.ensureOnce(opts, signal), signal);
  }

  private async ensureOnce(
    opts: { project: string; location: string; repository: string; labels?: Record<string, string> },
    signal?: AbortSignal,
  ): Promise<{ created: boolean }> {
    const client = await this.client();
    const parent = `projects/${opts.project}/locations/${opts.location}`;
    const ctx = { what: `Checking Artifact Registry repository ${opts.repository}`, project: opts.project, role: 'roles/artifactregistry.admin', api: API };
    try {
      await call(ctx, () => client.getRepository({ name: `${parent}/repositories/${opts.repository}` }, { signal }));
      return { created: false };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await call({ ...ctx, what: `Creating Artifact Registry repository ${opts.repository}` }, async () => {
        const [op] = await client.createRepository(
          {
            parent,
            repositoryId: opts.repository,
            repository: { format: 'DOCKER', description: 'Images built by Devgem for Cloud Run', ...(opts.labels ? { labels: opts.labels } : {}) },
          },
          { signal },
        );
        await settled(ctx, op, (n) => client.checkCreateRepositoryProgress(n) as Promise<PendingOperation>, signal);
      });
      return { created: true };
    } catch (err) {
      // Another deploy created it first: that is what we wanted.
      if ((err as { kind?: string }).kind === 'already-exists') return { created: false };
      throw err;
    }
  }

  async findImageByTag(
    opts: { project: string; location: string; repository: string; image: string; tag: string },
    signal?: AbortSignal,
  ): Promise<{ digest?: string } | undefined> {
    const client = await this.client();
    // Docker package ids are the image path with '/' escaped.
    const pkg = encodeURIComponent(opts.image);
    const name = `projects/${opts.project}/locations/${opts.location}/repositories/${opts.repository}/packages/${pkg}/tags/${opts.tag}`;
    const ctx = {
      what: `Looking up image ${opts.image}:${opts.tag} in Artifact Registry`,
      project: opts.project,
      role: 'roles/artifactregistry.reader',
      api: API,
    };
    try {
      const [tag] = await retried(ctx, () => client.getTag({ name }, { signal }), signal);
      // `version` is …/versions/sha256:<hex>: the digest the tag points at.
      const version = tag.version ?? '';
      const digest = version.slice(version.lastIndexOf('/') + 1);
      return { digest: digest.startsWith('sha256:') ? digest : undefined };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
