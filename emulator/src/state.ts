import type { ArtifactRegistryState } from './artifactRegistry';
import type { CloudBuildState } from './cloudBuild';
import type { CloudRunState } from './cloudRun';
import type { Context } from './context';
import { isPublic } from './runModel';
import { secretsOf } from './secretManager';
import type { StorageState } from './storage';

/** The parts of the emulator the summary reads (the server passes itself), named here so this file needs no server import. */
export interface SummarySources {
  ctx: Context;
  storage: StorageState;
  ar: ArtifactRegistryState;
  builds: CloudBuildState;
  run: CloudRunState;
}

/** The JSON of GET /__emulator/state: what tests and e2e runs check. */
export function summarize(core: SummarySources): Record<string, unknown> {
  const buckets = [...core.storage.buckets.values()].map((b) => ({
    name: b.name,
    project: b.project,
    location: b.location,
    labels: b.labels ?? {},
    objects: [...b.objects.keys()].sort(),
  }));
  const repositories = [...core.ar.repositories.values()].map((r) => ({ name: r.name, format: r.format, labels: r.labels ?? {} }));
  const images = [...core.ar.images.values()].map((i) => ({ name: i.name, digest: i.digest, buildId: i.buildId }));
  const builds = [...core.builds.builds.values()].map((b) => ({
    id: b.id,
    project: b.project,
    location: b.location,
    status: b.build.status,
    images: b.build.images ?? [],
    logsBucket: b.build.logsBucket,
  }));
  const services = [...core.run.services.values()].map((s) => ({
    name: s.name,
    uri: s.json.uri,
    labels: s.json.labels ?? {},
    public: isPublic(s),
    invokerIamDisabled: s.json.invokerIamDisabled === true,
    image: ((s.json.template as { containers?: { image?: string }[] }).containers ?? [])[0]?.image,
    latestReadyRevision: s.json.latestReadyRevision ?? null,
    latestCreatedRevision: s.json.latestCreatedRevision ?? null,
    activeRevision: s.active?.id ?? null,
    routes: s.routes.map((r) => ({ revision: r.rev.id, percent: r.percent })),
    revisions: [...s.revisions.values()].map((r) => ({
      name: r.id,
      ready: ((r.json.conditions as { type: string; state: string }[] | undefined) ?? []).some((c) => c.type === 'Ready' && c.state === 'CONDITION_SUCCEEDED'),
      mode: r.app?.containerId ? 'container' : r.app ? 'process' : r.notStarted ? 'not-started' : 'none',
      pid: r.app?.pid ?? null,
      containerId: r.app?.containerId ?? null,
    })),
    iamBindings: s.policy.bindings,
  }));
  return { knobs: core.ctx.knobs, buckets, repositories, images, builds, services, secrets: secretsOf(core.ctx).summary() };
}
