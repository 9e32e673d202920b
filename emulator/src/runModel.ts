import { randomUUID } from 'node:crypto';
import type { RunningApp } from './appRunner';
import { projectNumber, randomLetters } from './ids';
import type { FrontServer } from './frontServer';
import { invalidArgument, nowIso } from './http';
import { labelProblem } from './labels';
import type { MutableOperation } from './operations';

export const RUN = 'google.cloud.run.v2';

export interface RevisionRec {
  /** Short id, e.g. svc-00001-abc */
  id: string;
  json: Record<string, unknown>;
  app?: RunningApp;
  /** Why the emulator serves no app for this revision (no daemon, not runnable as a process): the front answers 501. */
  notStarted?: string;
}

export interface IamPolicy {
  version: number;
  bindings: { role: string; members: string[] }[];
  etag: string;
  serial: number;
}

export interface ServiceRec {
  project: string;
  location: string;
  id: string;
  name: string;
  json: Record<string, unknown>;
  revisions: Map<string, RevisionRec>;
  revisionCounter: number;
  front: FrontServer;
  /** A front per traffic tag: the tag's own URL (Cloud Run's https://TAG---SERVICE-….run.app), see runTraffic.ts. */
  tagFronts: Map<string, FrontServer>;
  policy: IamPolicy;
  /** The revision with the largest share of traffic. */
  active?: RevisionRec;
  /** Where the front sends requests, by share (see runTraffic.ts). */
  routes: { rev: RevisionRec; percent: number }[];
  pending: NodeJS.Timeout[];
  ops: MutableOperation[];
  deleted: boolean;
}

export function condition(type: string, state: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, state, lastTransitionTime: nowIso(), ...extra };
}

export function isPublic(s: ServiceRec): boolean {
  if (s.json.invokerIamDisabled === true) return true;
  return s.policy.bindings.some((b) => b.role === 'roles/run.invoker' && (b.members.includes('allUsers') || b.members.includes('allAuthenticatedUsers')));
}

export function containerPort(template: Record<string, unknown>): number {
  const c = (template.containers as { ports?: { containerPort?: number }[] }[] | undefined)?.[0];
  const p = c?.ports?.[0]?.containerPort;
  return typeof p === 'number' && p > 0 ? p : 8080;
}

export function imageOf(template: Record<string, unknown>): string {
  const c = (template.containers as { image?: string }[] | undefined)?.[0];
  return typeof c?.image === 'string' ? c.image : '';
}

/**
 * A template as proto3 sees it: keys sorted, default values (0, '', false, empty) dropped.
 * A client that read the service and sends it back unchanged must not make a new revision.
 */
export function canonicalTemplate(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(canonicalTemplate).filter((x) => x !== undefined);
    return items.length ? items : undefined;
  }
  if (v && typeof v === 'object') {
    const entries = Object.keys(v)
      .sort()
      .map((k) => [k, canonicalTemplate((v as Record<string, unknown>)[k])] as const)
      .filter(([, x]) => x !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return v === null || v === '' || v === 0 || v === false ? undefined : v;
}

const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];

/** Refuses what Cloud Run refuses in a template's env, scaling and resources. */
export function validateTemplate(t: Record<string, unknown> | undefined): void {
  const containers =
    (t?.containers as
      | { env?: { name?: string; value?: string; valueSource?: { secretKeyRef?: { secret?: string } } }[]; resources?: { limits?: Record<string, string> } }[]
      | undefined) ?? [];
  containers.forEach((c, ci) => {
    const env = c.env ?? [];
    const reserved = env.map((e) => e.name ?? '').filter((n) => RESERVED_ENV.includes(n));
    if (reserved.length) {
      throw invalidArgument(
        `spec.template.spec.containers[${ci}].env: The following reserved env names were provided: ${reserved.join(', ')}. These values are automatically set by the system.`,
      );
    }
    env.forEach((e, i) => {
      const n = e.name ?? '';
      if (!n || n.includes('=') || n.startsWith('X_GOOGLE_'))
        throw invalidArgument(`spec.template.spec.containers[${ci}].env[${i}].name: '${n}' is not a valid environment variable name.`);
      if (e.valueSource && !e.valueSource.secretKeyRef?.secret)
        throw invalidArgument(`spec.template.spec.containers[${ci}].env[${i}].valueSource.secretKeyRef.secret: Required field is missing.`);
    });
    const limits = c.resources?.limits ?? {};
    if (limits.cpu !== undefined && !/^(\d+(\.\d+)?|\d+m)$/.test(limits.cpu))
      throw invalidArgument(`spec.template.spec.containers[${ci}].resources.limits.cpu: Invalid value '${limits.cpu}'.`);
    if (limits.memory !== undefined && !/^\d+(Ki|Mi|Gi|K|M|G)?$/.test(limits.memory))
      throw invalidArgument(`spec.template.spec.containers[${ci}].resources.limits.memory: Invalid value '${limits.memory}'.`);
  });
  validateLabels('spec.template.metadata.labels', t?.labels);
  const scaling = (t?.scaling as { minInstanceCount?: number; maxInstanceCount?: number } | undefined) ?? {};
  if (scaling.minInstanceCount !== undefined && scaling.maxInstanceCount && scaling.minInstanceCount > scaling.maxInstanceCount) {
    throw invalidArgument(
      `spec.template.scaling: minInstanceCount (${scaling.minInstanceCount}) must not exceed maxInstanceCount (${scaling.maxInstanceCount}).`,
    );
  }
}

/** Google's label rule (labels.ts), refused as Cloud Run words it. */
export function validateLabels(field: string, labels: unknown): void {
  const problem = labelProblem(labels);
  if (problem) throw invalidArgument(`${field}${problem.key !== undefined ? `[${problem.key}]` : ''}: ${problem.message}.`);
}

/** Fills the defaults Cloud Run adds to a container template. */
export function normalizeTemplate(t: Record<string, unknown> | undefined): Record<string, unknown> {
  const template: Record<string, unknown> = { ...(t ?? {}) };
  const containers = ((template.containers as Record<string, unknown>[] | undefined) ?? [{}]).map((c) => ({ ...c }));
  const c0 = containers[0];
  const ports = (c0.ports as { containerPort?: number; name?: string }[] | undefined) ?? [];
  c0.ports = [{ name: ports[0]?.name ?? 'http1', containerPort: ports[0]?.containerPort ?? 8080 }];
  const resources = (c0.resources as { limits?: Record<string, string> } | undefined) ?? {};
  c0.resources = { cpuIdle: true, startupCpuBoost: true, ...resources, limits: { cpu: '1000m', memory: '512Mi', ...(resources.limits ?? {}) } };
  template.containers = containers;
  template.scaling = { maxInstanceCount: 100, ...((template.scaling as Record<string, unknown> | undefined) ?? {}) };
  template.timeout = template.timeout ?? '300s';
  template.maxInstanceRequestConcurrency = template.maxInstanceRequestConcurrency ?? 80;
  return template;
}

export function newRevision(s: ServiceRec, generation: string): RevisionRec {
  s.revisionCounter += 1;
  const template = s.json.template as Record<string, unknown>;
  const requested = typeof template.revision === 'string' && template.revision ? template.revision : '';
  const id = requested || `${s.id}-${String(s.revisionCounter).padStart(5, '0')}-${randomLetters(3)}`;
  const num = projectNumber(s.project);
  const json: Record<string, unknown> = {
    name: `${s.name}/revisions/${id}`,
    uid: randomUUID(),
    generation: '1',
    createTime: nowIso(),
    updateTime: nowIso(),
    launchStage: 'GA',
    service: s.id,
    scaling: template.scaling,
    timeout: template.timeout,
    maxInstanceRequestConcurrency: template.maxInstanceRequestConcurrency,
    // An empty account (the SDK sends '' back for an unset one) is the default, as on Cloud Run.
    serviceAccount: template.serviceAccount || `${num}-compute@developer.gserviceaccount.com`,
    containers: template.containers,
    executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
    reconciling: true,
    conditions: [condition('ResourcesAvailable', 'CONDITION_RECONCILING'), condition('ContainerHealthy', 'CONDITION_RECONCILING')],
    observedGeneration: '1',
    logUri: `https://console.cloud.google.com/logs/viewer?project=${s.project}&resource=cloud_run_revision/service_name/${s.id}/revision_name/${id}`,
    // Like Cloud Run: the template's labels and annotations become the revision's own.
    labels: { ...((s.json.labels as Record<string, string>) ?? {}), ...((template.labels as Record<string, string> | undefined) ?? {}) },
    annotations: { ...((template.annotations as Record<string, string> | undefined) ?? {}), 'run.googleapis.com/service-generation': generation },
    etag: `"${randomLetters(8)}"`,
  };
  const rev: RevisionRec = { id, json };
  s.revisions.set(id, rev);
  return rev;
}

export function markRevision(rev: RevisionRec, ok: boolean, message?: string): void {
  rev.json.reconciling = false;
  rev.json.updateTime = nowIso();
  rev.json.conditions = ok
    ? [condition('Ready', 'CONDITION_SUCCEEDED'), condition('ResourcesAvailable', 'CONDITION_SUCCEEDED'), condition('ContainerHealthy', 'CONDITION_SUCCEEDED')]
    : [condition('Ready', 'CONDITION_FAILED', { message, reason: 'HEALTH_CHECK_CONTAINER_ERROR' })];
}

/** Updates the service resource after a rollout of `rev` ended. */
export function markServiceRollout(s: ServiceRec, rev: RevisionRec, ok: boolean, message?: string): void {
  const j = s.json;
  j.reconciling = false;
  j.observedGeneration = j.generation;
  j.latestCreatedRevision = rev.json.name;
  j.updateTime = nowIso();
  j.etag = `"${randomLetters(10)}"`;
  if (ok) {
    j.latestReadyRevision = rev.json.name;
    j.terminalCondition = condition('Ready', 'CONDITION_SUCCEEDED');
    j.conditions = [condition('RoutesReady', 'CONDITION_SUCCEEDED'), condition('ConfigurationsReady', 'CONDITION_SUCCEEDED')];
  } else {
    j.terminalCondition = condition('Ready', 'CONDITION_FAILED', { message, reason: 'CONTAINER_MISSING' });
    j.conditions = [condition('ConfigurationsReady', 'CONDITION_FAILED', { message })];
  }
}
