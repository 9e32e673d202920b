import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry/build/src/v1/artifact_registry_client.js';
import type { RegistryPort } from '../../core/ports';
import { call, isNotFound } from './gcpErrors';

const API = 'artifactregistry.googleapis.com';

export class RegistryAdapter implements RegistryPort {
  constructor(private readonly client: () => Promise<ArtifactRegistryClient>) {}

  async ensureDockerRepository(opts: { project: string; location: string; repository: string }): Promise<{ created: boolean }> {
    const client = await this.client();
    const parent = `projects/${opts.project}/locations/${opts.location}`;
    const ctx = { what: `Checking Artifact Registry repository ${opts.repository}`, project: opts.project, role: 'roles/artifactregistry.admin', api: API };
    try {
      await call(ctx, () => client.getRepository({ name: `${parent}/repositories/${opts.repository}` }));
      return { created: false };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await call({ ...ctx, what: `Creating Artifact Registry repository ${opts.repository}` }, async () => {
        const [op] = await client.createRepository({
          parent,
          repositoryId: opts.repository,
          repository: { format: 'DOCKER', description: 'Images built by Devgem for Cloud Run' },
        });
        await op.promise();
      });
      return { created: true };
    } catch (err) {
      // Another deploy created it first: that is what we wanted.
      if ((err as { kind?: string }).kind === 'already-exists') return { created: false };
      throw err;
    }
  }
}
