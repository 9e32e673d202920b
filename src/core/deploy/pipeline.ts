import { createReadStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployEvent, DeployResult, DeployResumeData, ServiceRef } from '../../shared/protocol';
import type { AppAnalysis } from '../analysis/types';
import { runBuild } from './stages/build';
import { defaultSourceBucket, newDeployId, type DeployOptions } from './deployOptions';
import { readGitInfo } from '../git/gitInfo';
import { ensureProjectAccess, sessionPreflightCache, type PreflightCache } from './stages/preflight';
import { findBuiltImage, sourceTag, type ImageLookup } from './stages/incremental';
import type { CloudPorts } from '../cloud/ports';
import { unattendedUi, type DeployUiPort } from './deployUi';
import { releaseImage, StageRunner } from './stages/release';
import { rememberManifest, type DeployManifest, type ManifestStore } from '../git/sourceChanges';
import { analyzeStage, dockerfileStage, packageStage, type SourceStageContext } from './stages/sourceStages';
import { resolveTarget, targetForApp, type ResolvedTarget } from './target';
import { bounded, realClock, type Clock } from '../base/wait';

export interface PipelineDeps {
  ports: CloudPorts;
  emit(event: DeployEvent): void;
  clock?: Clock;
  tempDir?: string;
  /** Questions for the user; unattended answers when absent. */
  ui?: DeployUiPort;
  /** How often to poll Cloud Build; tests make it short. */
  buildPollMs?: number;
  /** Where passed project checks are remembered; the session-wide one when absent. */
  preflightCache?: PreflightCache;
  /** Where each successful deploy's file manifest is kept; not kept when absent. */
  manifests?: ManifestStore;
}

/**
 * command → orchestrator → **deploy pipeline** → ports. Runs every stage in
 * order, emits the typed event stream, and always ends with a `finished` event.
 */
export async function runDeploy(opts: DeployOptions, deps: PipelineDeps, signal: AbortSignal): Promise<DeployResult> {
  const clock = deps.clock ?? realClock;
  const callMs = (opts.callTimeoutSeconds ?? 60) * 1000;
  const deployId = opts.deployId ?? newDeployId(new Date(clock.now()));
  const { ports, emit } = deps;
  emit({ type: 'started', deployId, workspace: opts.workspaceRoot, at: clock.now() });
  // What was deployed, for the history; absent outside a git repository (readGitInfo never throws).
  // A GitHub deploy's folder is an extracted archive: its source is the repository's ref and commit.
  const git = opts.gitHub ? { commit: opts.gitHub.commit, branch: opts.gitHub.ref, dirty: false } : await readGitInfo(opts.workspaceRoot, { checkDirty: true });
  if (git) emit({ type: 'source', commit: git.commit, branch: git.branch, dirty: git.dirty, ...(opts.gitHub ? { repository: opts.gitHub.repository } : {}) });

  const run = new StageRunner(emit, clock, signal, 'preflight');
  const { stage } = run;
  const finish = (result: DeployResult) => run.finish(result);

  const tmp = await fs.mkdtemp(path.join(deps.tempDir ?? os.tmpdir(), 'devgem-'));
  try {
    let target!: ServiceRef;
    let resolved!: ResolvedTarget;
    await stage('preflight', async () => {
      resolved = await resolveTarget(opts);
      target = resolved.target;
      emit({ type: 'target', target });
      const who = await bounded('Checking credentials', callMs, signal, (s) => ports.credentials.check(s));
      const access = await ensureProjectAccess({
        project: target.project,
        needs: { secrets: Object.keys(opts.runtime?.secrets ?? {}).length > 0, principal: who.principal },
        port: ports.preflight,
        ui: deps.ui ?? unattendedUi,
        clock,
        cache: deps.preflightCache ?? sessionPreflightCache,
        signal,
        callMs,
      });
      return `${target.project} (${resolved.projectFrom}) · ${target.region} (${resolved.regionFrom})${who.principal ? ` · ${who.principal}` : ''} · ${access}`;
    });
    const source: SourceStageContext = {
      workspaceRoot: opts.workspaceRoot,
      appPath: opts.appPath,
      ui: deps.ui ?? unattendedUi,
      gitHub: opts.gitHub,
      emit,
      signal,
    };
    let app!: AppAnalysis;
    await stage('analyze', async () => {
      const found = await analyzeStage(source);
      app = found.app;
      const named = targetForApp(resolved, app);
      if (named !== target) {
        target = named;
        emit({ type: 'target', target });
      }
      return found.detail;
    });
    const ref = target;

    let dockerfile!: string;
    await stage('dockerfile', async () => {
      const r = await dockerfileStage(source, app);
      dockerfile = r.dockerfile;
      return r.detail;
    });

    const tarball = path.join(tmp, 'source.tar.gz');
    let contentHash!: string;
    let uploaded: DeployManifest | undefined;
    await stage('package', async () => {
      const r = await packageStage(source, app, tarball);
      contentHash = r.sha256;
      uploaded = {
        deployId,
        context: app.context,
        at: clock.now(),
        commit: git?.commit,
        branch: git?.branch,
        files: r.files,
        ...(r.truncated ? { truncated: true } : {}),
      };
      return r.detail;
    });

    const bucket = opts.sourceBucket || defaultSourceBucket(ref.project, ref.region);
    const object = `source/${ref.service}-${deployId}.tar.gz`;
    // Incremental deploys: an image built from this exact source and build
    // configuration is deployed again instead of uploading and building (incremental.ts).
    const imageRepo = `${ref.region}-docker.pkg.dev/${ref.project}/${opts.repository}/${ref.service}`;
    const srcTag = opts.incremental === false ? undefined : sourceTag(contentHash, dockerfile, app.context);
    let built: ImageLookup = {};
    const unchanged = () => ({ status: 'skipped' as const, detail: `Unchanged source (hash ${contentHash.slice(0, 12)}): reusing ${built.image}` });
    await stage('upload', async () => {
      if (srcTag)
        built = await findBuiltImage(
          ports.registry,
          { project: ref.project, location: ref.region, repository: opts.repository, service: ref.service, imageRepo, tag: srcTag },
          signal,
          callMs,
        );
      if (built.image) return unchanged();
      const { created } = await bounded('Preparing the source bucket', 2 * callMs, signal, (s) =>
        ports.storage.ensureBucket({ project: ref.project, bucket, location: ref.region }, s),
      );
      await bounded('Uploading the source', 10 * callMs, signal, (s) =>
        ports.storage.upload({ project: ref.project, bucket, object, source: createReadStream(tarball), contentType: 'application/gzip' }, s),
      );
      return `gs://${bucket}/${object}${created ? ' (bucket created)' : ''}${built.problem ? ` · ${built.problem}` : ''}`;
    });

    const image = built.image ?? `${imageRepo}:${deployId}`;
    // Saved with the deploy before the build starts: a window reload during the
    // build leaves enough behind for the next window to finish (resumeDeploy).
    const resume: DeployResumeData = {
      ...ref,
      bucket,
      image,
      port: app.port.port,
      allowUnauthenticated: opts.allowUnauthenticated,
      buildTimeoutSeconds: opts.buildTimeoutSeconds,
      deployTimeoutSeconds: opts.deployTimeoutSeconds,
      verifyTimeoutSeconds: opts.verifyTimeoutSeconds,
      contentHash,
      runtime: opts.runtime,
      ...(opts.autoRollback === false ? { autoRollback: false } : {}),
      ...(opts.noTraffic ? { noTraffic: opts.noTraffic } : {}),
      // Recorded on the new revision, so its commit can be listed later (revisionSource.ts in the Run adapter).
      ...(git?.commit
        ? { source: { commit: git.commit, ...(git.dirty ? { dirty: true } : {}), ...(opts.gitHub ? { repository: opts.gitHub.repository } : {}) } }
        : {}),
    };
    emit({ type: 'resume', data: resume });
    await stage('build', async () => {
      if (built.image) return unchanged();
      await bounded('Preparing the Artifact Registry repository', 3 * callMs, signal, (s) =>
        ports.registry.ensureDockerRepository({ project: ref.project, location: ref.region, repository: opts.repository }, s),
      );
      const build = await runBuild(
        {
          project: ref.project,
          region: ref.region,
          bucket,
          object,
          image,
          extraTags: srcTag ? [srcTag] : undefined,
          dockerfile,
          logsBucket: `gs://${bucket}`,
          timeoutSeconds: opts.buildTimeoutSeconds,
        },
        {
          build: ports.build,
          storage: ports.storage,
          clock,
          pollMs: deps.buildPollMs,
          callMs,
          onLog: (lines) => emit({ type: 'log', stage: 'build', lines }),
          onBuildStarted: (info) => {
            emit({ type: 'build', id: info.id, consoleUrl: info.logUrl ?? buildConsoleUrl(ref.project, ref.region, info.id), logObject: info.logObject });
            emit({ type: 'stage', stage: 'build', status: 'running', detail: `Build ${info.id}`, at: clock.now() });
          },
        },
        signal,
      );
      return `Built ${image} (build ${build.id})`;
    });

    const guard = { ui: deps.ui ?? unattendedUi, approved: opts.approvedSpecChanges };
    const released = await releaseImage(resume, stage, { ports, clock, guard, callMs }, signal);
    // A manifest that cannot be saved must not turn a live deploy into a failure.
    if (uploaded && deps.manifests && (released.outcome === 'success' || released.outcome === 'private'))
      await rememberManifest(deps.manifests, uploaded).catch(() => undefined);
    return finish(released);
  } catch (err) {
    return run.ended(err);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The build's page in Cloud Console, for when the API gives no `logUrl`. */
export function buildConsoleUrl(project: string, region: string, id: string): string {
  const e = encodeURIComponent;
  return `https://console.cloud.google.com/cloud-build/builds;region=${e(region)}/${e(id)}?project=${e(project)}`;
}
