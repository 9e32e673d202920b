import { requestOf } from './deployRequest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployEvent, DeployResult } from '../../shared/protocol';
import { realClock, type Clock } from '../base/wait';
import type { CloudPorts } from '../cloud/ports';
import { readGitInfo } from '../git/gitInfo';
import { rememberManifest, type ManifestStore } from '../git/sourceChanges';
import { newDeployId, type DeployOptions } from './deployOptions';
import { redactEvent } from './redactEvent';
import { runStages } from './deployStages';
import { unattendedUi, type DeployUiPort } from './deployUi';
import { sessionPreflightCache, type PreflightCache } from './projectAccess';
import { originOf } from './origin';
import { toResumeData } from './releasePlan';
import type { StageContext } from './stage';
import { StageRunner } from './stageRunner';

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
 * command → orchestrator → **deploy pipeline** → ports. Runs every stage of
 * deployStages.ts in order, emits the typed event stream, and always ends
 * with a `finished` event.
 */
export async function runDeploy(opts: DeployOptions, deps: PipelineDeps, signal: AbortSignal): Promise<DeployResult> {
  const clock = deps.clock ?? realClock;
  const deployId = opts.deployId ?? newDeployId(new Date(clock.now()));
  const { ports } = deps;
  const emit = (e: DeployEvent) => deps.emit(redactEvent(e));
  emit({ type: 'started', deployId, workspace: opts.workspaceRoot, at: clock.now(), request: requestOf(opts) });
  // What was deployed, for the history; absent outside a git repository (readGitInfo never throws).
  // A GitHub deploy's folder is an extracted archive: its source is the repository's ref and commit.
  const git = opts.gitHub ? { commit: opts.gitHub.commit, branch: opts.gitHub.ref, dirty: false } : await readGitInfo(opts.workspaceRoot, { checkDirty: true });
  if (git) emit({ type: 'source', commit: git.commit, branch: git.branch, dirty: git.dirty, ...(opts.gitHub ? { repository: opts.gitHub.repository } : {}) });

  const origin = await originOf(opts);
  const runner = new StageRunner(emit, clock, signal, 'preflight');
  const ui = deps.ui ?? unattendedUi;
  const ctx: StageContext = {
    ports,
    emit,
    clock,
    signal,
    callMs: (opts.callTimeoutSeconds ?? 60) * 1000,
    ui,
    buildPollMs: deps.buildPollMs,
    preflightCache: deps.preflightCache ?? sessionPreflightCache,
    guard: { ui, approved: opts.approvedSpecChanges, origin, approvedTakeOver: opts.approvedTakeOver },
    undoOnCancel: (undo) => runner.undoOnCancel(undo),
  };
  const workDir = await fs.mkdtemp(path.join(deps.tempDir ?? os.tmpdir(), 'devgem-'));
  try {
    const { result, manifest } = await runStages('preflight', { opts, deployId, git, workDir, origin }, runner, ctx, {
      // Saved with the deploy before the build starts: a window reload during the
      // build leaves enough behind for the next window to finish (resume.ts).
      build: ({ plan }) => emit({ type: 'resume', data: toResumeData(plan) }),
    });
    // A manifest that cannot be saved must not turn a live deploy into a failure.
    if (manifest && deps.manifests && (result.outcome === 'success' || result.outcome === 'private'))
      await rememberManifest(deps.manifests, manifest).catch(() => undefined);
    return runner.finish(result);
  } catch (err) {
    return await runner.ended(err);
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
