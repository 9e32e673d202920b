// A Cloud Run service someone else made before the test: its labels, its image,
// who may call it and when it was last deployed, its revision not started by the emulator.
// Tests of what Devgem does with a service it did not create start from here.
import type { CloudRunState } from './cloudRun';
import { applySpec, newServiceRec } from './cloudRun';
import type { Context } from './context';
import { alreadyExists, nowIso } from './http';
import { markRevision, markServiceRollout, newRevision } from './runModel';
import { setPolicy } from './runIam';
import { applyTraffic } from './runTraffic';
import type { ArtifactRegistryState } from './artifactRegistry';

/** What `emu.seedService` takes. */
export interface SeedService {
  project: string;
  region: string;
  service: string;
  /** Default: Google's sample image, which the emulator cannot run: the revision is not started (its URL says so). */
  image?: string;
  labels?: Record<string, string>;
  /**
   * Who may call it: `private` (default: the invoker IAM check is on and no one is granted),
   * `no-invoker-check` (invokerIamDisabled), or `all-users` (roles/run.invoker for allUsers).
   */
  access?: 'private' | 'no-invoker-check' | 'all-users';
  /** More roles/run.invoker members, e.g. `group:payments@example.com`. */
  invokers?: string[];
  /** The account that created and last deployed it. */
  creator?: string;
  /** RFC 3339: when it was last deployed (default: now). */
  updateTime?: string;
}

/** Creates the service with one ready revision taking all traffic; resolves with its URL. */
export async function seedService(ctx: Context, st: CloudRunState, ar: ArtifactRegistryState, seed: SeedService): Promise<{ uri: string }> {
  const s = newServiceRec(ctx, seed.project, seed.region, seed.service, seed.creator ?? 'payments-team@example.com');
  if (st.services.has(s.name)) throw alreadyExists(`Resource '${seed.service}' already exists.`);
  applySpec(s, {
    template: { containers: [{ image: seed.image ?? 'us-docker.pkg.dev/cloudrun/container/hello', ports: [{ containerPort: 8080 }] }] },
    labels: seed.labels ?? {},
    invokerIamDisabled: seed.access === 'no-invoker-check',
  });
  const invokers = [...(seed.access === 'all-users' ? ['allUsers'] : []), ...(seed.invokers ?? [])];
  if (invokers.length) setPolicy(ctx, s, { policy: { bindings: [{ role: 'roles/run.invoker', members: invokers }] } });
  await s.front.listen();
  s.json.uri = s.front.uri;
  s.json.urls = [s.front.uri];
  const rev = newRevision(s, String(s.json.generation));
  // Its image is not ours to run: the URL says so (not started) rather than pretending to be the app.
  rev.notStarted = `a seeded service (${String(s.json.creator)}), whose image the emulator does not run`;
  markRevision(rev, true);
  markServiceRollout(s, rev, true);
  await applyTraffic(ctx, ar, s);
  s.json.updateTime = seed.updateTime ?? nowIso();
  st.services.set(s.name, s);
  ctx.log(`[run] ${s.id}: seeded (${JSON.stringify(s.json.labels)})`);
  return { uri: s.front.uri };
}
