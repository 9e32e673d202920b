import type { RunServiceInfo } from '../../cloud/ports';
import { bounded } from '../../base/wait';
import type { AfterUpload } from '../releasePlan';
import type { Stage, StageContext } from '../stage';
import { followBuild, runBuild } from './cloudBuild';
import type { BuildOrder, Uploaded } from './upload';

/** The image exists in Artifact Registry. */
export interface Built extends AfterUpload {
  /** The service already runs the image (a reload came after the update): the deploy stage only reports it. */
  deployed?: RunServiceInfo;
}

/** Builds the uploaded source with Cloud Build and follows its log; or reuses an earlier image; or re-attaches to a build after a reload. */
export const buildStage: Stage<Uploaded, Built, 'build'> = {
  name: 'build',
  async run(input, ctx) {
    const out: Built = { plan: input.plan, manifest: input.manifest };
    const order = input.build;
    if (order.kind === 'reuse') return { out, detail: { status: 'skipped', detail: order.detail } };
    const id = order.kind === 'start' ? await startBuild(input, order, ctx) : await reattach(input, order, ctx);
    const how = order.kind === 'start' && order.builder === 'buildpacks' ? " with Google's buildpacks, which chose the runtime" : '';
    return { out, detail: `Built ${input.plan.image}${how} (build ${id})` };
  },
};

async function startBuild(input: Uploaded, order: Extract<BuildOrder, { kind: 'start' }>, ctx: StageContext): Promise<string> {
  const { ports, signal, callMs, clock, emit } = ctx;
  const { target, bucket, image } = input.plan;
  await bounded('Preparing the Artifact Registry repository', 3 * callMs, signal, (s) =>
    ports.registry.ensureDockerRepository({ project: target.project, location: target.region, repository: order.repository, labels: input.plan.labels }, s),
  );
  const build = await runBuild(
    {
      project: target.project,
      region: target.region,
      bucket,
      object: order.object,
      image,
      extraTags: order.extraTags,
      dockerfile: order.dockerfile,
      logsBucket: `gs://${bucket}`,
      timeoutSeconds: input.plan.buildTimeoutSeconds,
      ...(order.builder ? { builder: order.builder } : {}),
      ...(order.cacheStages ? { cacheStages: order.cacheStages } : {}),
      ...(order.machineType ? { machineType: order.machineType } : {}),
    },
    {
      build: ports.build,
      storage: ports.storage,
      clock,
      pollMs: ctx.buildPollMs,
      callMs,
      onLog: (lines) => emit({ type: 'log', stage: 'build', lines }),
      onBuildStarted: (info) => {
        emit({ type: 'build', id: info.id, consoleUrl: info.logUrl ?? buildConsoleUrl(target.project, target.region, info.id), logObject: info.logObject });
        emit({ type: 'stage', stage: 'build', status: 'running', detail: `Build ${info.id}`, at: clock.now() });
      },
    },
    signal,
  );
  return build.id;
}

/** A build an earlier window started: take it as it is now (it may have ended while no window watched), then follow it. */
async function reattach(input: Uploaded, order: Extract<BuildOrder, { kind: 'follow' }>, ctx: StageContext): Promise<string> {
  const { ports, signal, callMs, clock, emit } = ctx;
  const { target, bucket } = input.plan;
  const info = await bounded('Checking the build', callMs, signal, (s) =>
    ports.build.get({ project: target.project, region: target.region, id: order.buildId }, s),
  );
  emit({ type: 'stage', stage: 'build', status: 'running', detail: `Build ${order.buildId} (re-attached after a reload)`, at: clock.now() });
  await followBuild(
    { project: target.project, region: target.region, bucket, timeoutSeconds: input.plan.buildTimeoutSeconds },
    { ...info, logObject: info.logObject || order.logObject },
    { build: ports.build, storage: ports.storage, clock, pollMs: ctx.buildPollMs, callMs, onLog: (lines) => emit({ type: 'log', stage: 'build', lines }) },
    signal,
    order.from,
  );
  return order.buildId;
}

/** The build's page in Cloud Console, for when the API gives no `logUrl`. */
export function buildConsoleUrl(project: string, region: string, id: string): string {
  const e = encodeURIComponent;
  return `https://console.cloud.google.com/cloud-build/builds;region=${e(region)}/${e(id)}?project=${e(project)}`;
}
