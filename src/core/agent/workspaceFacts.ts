import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analysisKit } from '../analysis/lazyAnalysis';
import type { AppAnalysis, WorkspaceAnalysis } from '../analysis/types';
import { DevgemError } from '../base/errors';
import { redactText } from '../base/redact';
import { bounded } from '../base/wait';
import type { DeployOptions } from '../deploy/deployOptions';
import { resolveTarget, targetForApp } from '../deploy/target';

// What the model should know before its first tool call: the folder's apps
// and the project, region and service a deploy would really use. Without it
// every conversation began with a round trip to analyze_workspace, and the
// prompt said "(from gcloud/env)" where it meant a project the model could
// name. The analysis is computed once per state of the folder: it is redone
// only when a file it drew on, or a folder holding an app, changes.

export interface PinnedApp {
  path: string;
  name: string;
  stack: string;
  language: string;
  framework?: string;
  port: number;
  readsPortEnv: boolean;
  /** The app's own Dockerfile, or false when Devgem would write one. */
  dockerfile: string | false;
  /** The service a deploy of this app creates or updates. */
  service?: string;
}

export type PinnedAnalysis = { apps: PinnedApp[]; monorepo?: string; unrecognised?: string } | { unavailable: string };

export type PinnedTarget = { project: string; region: string; service: string; projectFrom: string; regionFrom: string } | { unresolved: string };

export interface PinnedFacts {
  target?: PinnedTarget;
  analysis?: PinnedAnalysis;
}

export interface WorkspaceFactsDeps {
  analyze?(root: string, signal: AbortSignal): Promise<WorkspaceAnalysis>;
  /** A string that changes when any of `files` (relative to `root`) changes. */
  stamp?(root: string, files: readonly string[]): Promise<string>;
  /** Longest an analysis may take before the model goes without one. */
  analysisMs?: number;
}

const ANALYSIS_MS = 20_000;
const MAX_STAMPED_FILES = 200;
const NAME_CHARS = 60;

interface Cached {
  root: string;
  files: string[];
  stamp: string;
  analysis: WorkspaceAnalysis | { unavailable: string };
}

export class WorkspaceFacts {
  private cached?: Cached;

  constructor(private readonly deps: WorkspaceFactsDeps = {}) {}

  /** The facts for the folder `options` deploy, analysis from the cache while the folder is unchanged. */
  async get(options: () => DeployOptions, signal: AbortSignal): Promise<PinnedFacts> {
    let opts: DeployOptions;
    try {
      opts = options();
    } catch (err) {
      const why = redactText(err instanceof Error ? err.message : String(err));
      return { target: { unresolved: why }, analysis: { unavailable: why } };
    }
    const analysis = await this.analysis(opts.workspaceRoot, signal);
    let target: PinnedTarget;
    let apps: PinnedApp[] | undefined;
    try {
      const resolved = await resolveTarget(opts);
      target = { ...resolved.target, projectFrom: resolved.projectFrom, regionFrom: resolved.regionFrom };
      if ('apps' in analysis) apps = analysis.apps.map((a) => pinApp(a, targetForApp(resolved, a).service));
    } catch (err) {
      target = { unresolved: redactText(err instanceof DevgemError && err.fix ? `${err.message} ${err.fix}` : String((err as Error)?.message ?? err)) };
    }
    if (!('apps' in analysis)) return { target, analysis };
    return {
      target,
      analysis: {
        apps: apps ?? analysis.apps.map((a) => pinApp(a)),
        ...(analysis.monorepo ? { monorepo: analysis.monorepo.value } : {}),
        ...(analysis.unrecognised ? { unrecognised: analysis.unrecognised.message.slice(0, 300) } : {}),
      },
    };
  }

  private async analysis(root: string, signal: AbortSignal): Promise<WorkspaceAnalysis | { unavailable: string }> {
    const stampOf = this.deps.stamp ?? statStamp;
    const c = this.cached;
    if (c && c.root === root && (await stampOf(root, c.files)) === c.stamp) return c.analysis;
    const analyze = this.deps.analyze ?? ((r, s) => analysisKit().analyzeWorkspace(r, { signal: s }));
    let analysis: WorkspaceAnalysis | { unavailable: string };
    try {
      analysis = await bounded('Analyzing the workspace', this.deps.analysisMs ?? ANALYSIS_MS, signal, (s) => analyze(root, s));
    } catch (err) {
      if (signal.aborted) throw err;
      analysis = { unavailable: redactText(err instanceof Error ? err.message : String(err)).slice(0, 300) };
    }
    const files = 'apps' in analysis ? filesOf(analysis) : [''];
    this.cached = { root, files, stamp: await stampOf(root, files), analysis };
    return analysis;
  }
}

function pinApp(a: AppAnalysis, service?: string): PinnedApp {
  return {
    path: a.path || '.',
    name: a.name.slice(0, NAME_CHARS),
    stack: a.stack,
    language: a.language.value,
    ...(a.framework ? { framework: a.framework.value.slice(0, NAME_CHARS) } : {}),
    port: a.port.port,
    readsPortEnv: a.port.honoursPortEnv,
    dockerfile: a.dockerfile ?? false,
    ...(service ? { service } : {}),
  };
}

/** What the analysis drew on: the root, each app folder and the folders above it, each app's Dockerfile and every file cited as evidence. */
function filesOf(analysis: WorkspaceAnalysis): string[] {
  const files = new Set<string>(['']);
  for (const app of analysis.apps) {
    for (let dir = app.path; dir && dir !== '.'; dir = path.posix.dirname(dir)) files.add(dir);
    if (app.dockerfile) files.add(app.dockerfile);
    collectEvidence(app, files);
  }
  return [...files].slice(0, MAX_STAMPED_FILES);
}

function collectEvidence(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectEvidence(v, into);
  else if (value && typeof value === 'object') {
    const file = (value as { file?: unknown }).file;
    if (typeof file === 'string' && 'detail' in value) into.add(file);
    for (const v of Object.values(value)) if (v && typeof v === 'object') collectEvidence(v, into);
  }
}

/** Modification time and size of each path; a folder's time changes when an entry is added or removed in it. */
async function statStamp(root: string, files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => {
      const s = await fs.stat(path.join(root, f)).catch(() => undefined);
      return s ? `${f}:${s.mtimeMs}:${s.size}` : `${f}:-`;
    }),
  );
  return parts.join('|');
}
