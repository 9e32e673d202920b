// How core's RuntimeSpec lands on a Cloud Run v2 revision template, and back.
// Pure functions over the SDK's plain objects, so they are unit-tested without a client.
import { isReservedEnvName, RESERVED_ENV_PREFIX } from '../../core/env/envNames';
import type { protos } from '@google-cloud/run';
import { DevgemError } from '../../core/base/errors';
import type { EnvVarInfo, RuntimeSpec, SecretRef } from '../../core/cloud/ports';

type EnvVar = protos.google.cloud.run.v2.IEnvVar;
type Container = protos.google.cloud.run.v2.IContainer;
type Template = protos.google.cloud.run.v2.IRevisionTemplate;

const MAX_VARS = 1000;
const CLOUD_SQL_VOLUME = 'cloudsql';

/** Cloud Run v2's ingress enum for core's RuntimeSpec value. */
export const INGRESS_ENUM = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
} as const;
const MAX_VALUE_BYTES = 32 * 1024;

/** Why Cloud Run would refuse this env var name, or undefined when it takes it. */
export function envNameProblem(name: string): string | undefined {
  if (!name) return 'an env var name cannot be empty';
  if (name.includes('=')) return `"${name}" contains "=", which cannot be part of a name`;
  if (/[\0\r\n]/.test(name)) return `"${name.replace(/[\0\r\n]/g, '?')}" contains a control character`;
  // Cloud Run's own rule is looser than Devgem's (src/core/env/envNames.ts): this
  // layer refuses only what Cloud Run itself would, whoever called it.
  if (isReservedEnvName(name))
    return name.startsWith(RESERVED_ENV_PREFIX) ? `${name} uses the ${RESERVED_ENV_PREFIX} prefix Cloud Run reserves` : `${name} is set by Cloud Run itself`;
  return undefined;
}

/** Throws one invalid-argument DevgemError listing every name Cloud Run would refuse. Never echoes values. */
export function checkEnv(plain: Record<string, string>, secretNames: string[] = []): void {
  const problems = [...Object.keys(plain), ...secretNames].map(envNameProblem).filter((p): p is string => p !== undefined);
  for (const [name, value] of Object.entries(plain)) {
    if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) problems.push(`the value of ${name} is longer than Cloud Run's 32 KiB limit`);
  }
  if (problems.length) {
    throw new DevgemError('invalid-argument', `Cloud Run would refuse these env vars: ${problems.join('; ')}.`, {
      fix: 'Rename or drop them: names must be non-empty, without "=", not PORT, K_SERVICE, K_REVISION or K_CONFIGURATION (Cloud Run sets those) and not start with X_GOOGLE_. Put large values in Secret Manager instead.',
    });
  }
}

function secretOf(e: EnvVar): SecretRef | undefined {
  const ref = e.valueSource?.secretKeyRef;
  return ref?.secret ? { secret: ref.secret, version: ref.version || 'latest' } : undefined;
}

/**
 * One clean entry per var: a plain value or a secret ref, never both (the SDK's
 * decoded objects carry `value: ''` next to a `valueSource`, a oneof Cloud Run refuses to get back).
 */
function cleanEnv(e: EnvVar): EnvVar {
  const secret = secretOf(e);
  return secret ? { name: e.name, valueSource: { secretKeyRef: { secret: secret.secret, version: secret.version } } } : { name: e.name, value: e.value ?? '' };
}

/**
 * The live env with `set` and `secrets` merged over it and `unset` removed. A name
 * keeps its place; new names go last. A plain value replaces a secret ref of the same name and vice versa.
 */
export function mergeEnv(
  live: EnvVar[] | null | undefined,
  change: { set?: Record<string, string>; secrets?: Record<string, SecretRef>; unset?: string[] },
): EnvVar[] {
  const next = new Map<string, EnvVar>();
  for (const e of live ?? []) if (e.name) next.set(e.name, cleanEnv(e));
  for (const name of change.unset ?? []) next.delete(name);
  for (const [name, value] of Object.entries(change.set ?? {})) next.set(name, { name, value });
  for (const [name, ref] of Object.entries(change.secrets ?? {})) {
    next.set(name, { name, valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version || 'latest' } } });
  }
  const out = [...next.values()];
  if (out.length > MAX_VARS) {
    throw new DevgemError('invalid-argument', `A Cloud Run container takes at most ${MAX_VARS} env vars; this change would leave ${out.length}.`, {
      fix: 'Unset the env vars the app no longer reads.',
    });
  }
  return out;
}

/** The template (a copy) with a RuntimeSpec applied to its first container; absent fields keep the live value. */
export function applyRuntime(template: Template, first: Container, spec: RuntimeSpec): { template: Template; container: Container } {
  const container: Container = { ...first };
  const t: Template = { ...template };
  if (spec.env !== undefined || spec.secrets !== undefined) {
    checkEnv(spec.env ?? {}, Object.keys(spec.secrets ?? {}));
    container.env = mergeEnv(first.env, { set: spec.env, secrets: spec.secrets });
  }
  if (spec.cpu !== undefined || spec.memory !== undefined) {
    const limits = { ...(first.resources?.limits ?? {}) };
    if (spec.cpu !== undefined) limits.cpu = spec.cpu;
    if (spec.memory !== undefined) limits.memory = spec.memory;
    // Cloud Run reads `resources` without `cpuIdle` as CPU always allocated: a
    // container that had none keeps the default (CPU only during requests).
    container.resources = { ...(first.resources ?? { cpuIdle: true }), limits };
  }
  if (spec.minInstances !== undefined || spec.maxInstances !== undefined) {
    const scaling = { ...(template.scaling ?? {}) };
    if (spec.minInstances !== undefined) scaling.minInstanceCount = spec.minInstances;
    if (spec.maxInstances !== undefined) scaling.maxInstanceCount = spec.maxInstances;
    if (scaling.minInstanceCount != null && scaling.maxInstanceCount && scaling.minInstanceCount > scaling.maxInstanceCount) {
      throw new DevgemError('invalid-argument', `Minimum instances (${scaling.minInstanceCount}) is above maximum instances (${scaling.maxInstanceCount}).`, {
        fix: 'Lower the minimum or raise the maximum.',
      });
    }
    t.scaling = scaling;
  }
  if (spec.concurrency !== undefined) t.maxInstanceRequestConcurrency = spec.concurrency;
  if (spec.timeoutSeconds !== undefined) t.timeout = { seconds: spec.timeoutSeconds };
  if (spec.serviceAccount !== undefined) t.serviceAccount = spec.serviceAccount;
  if (spec.vpcConnector !== undefined) t.vpcAccess = { ...(template.vpcAccess ?? {}), connector: spec.vpcConnector };
  if (spec.cloudSqlInstances !== undefined) {
    // Cloud Run mounts the Cloud SQL sockets as a volume; the app connects to /cloudsql/<connection name>.
    const volumes = (template.volumes ?? []).filter((v) => v.name !== CLOUD_SQL_VOLUME);
    const mounts = (first.volumeMounts ?? []).filter((m) => m.name !== CLOUD_SQL_VOLUME);
    if (spec.cloudSqlInstances.length) {
      volumes.push({ name: CLOUD_SQL_VOLUME, cloudSqlInstance: { instances: [...spec.cloudSqlInstances] } });
      mounts.push({ name: CLOUD_SQL_VOLUME, mountPath: '/cloudsql' });
    }
    t.volumes = volumes;
    container.volumeMounts = mounts;
  }
  return { template: t, container };
}

/** The env as core sees it: plain values, and secret refs without values. */
export function envInfo(env: EnvVar[] | null | undefined): EnvVarInfo[] {
  return (env ?? [])
    .filter((e) => e.name)
    .map((e) => {
      const secret = secretOf(e);
      return secret ? { name: e.name as string, secret } : { name: e.name as string, value: e.value ?? '' };
    });
}
