/** Behaviour switches of the emulator, settable at start, via configure() or POST /__emulator/knobs. */
export type BuildOutcome = 'success' | 'failure';

export interface Knobs {
  /** Total simulated build time in seconds; with a real builder (a Docker daemon), the least time a build takes. */
  buildSeconds: number;
  /** Outcome of builds whose source does not itself fail. */
  buildOutcome: BuildOutcome;
  /** Lines written to the build log when a build fails because of `buildOutcome`. */
  failureLog: string[];
  /** Seconds a Cloud Run create/update long-running operation takes. */
  deploySeconds: number;
  /** With a Docker daemon: how long a revision's container may take to listen on PORT (Cloud Run's startup probe allows 240 s). */
  containerStartupSeconds: number;
  /** Refuse `invokerIamDisabled: true` with 403 PERMISSION_DENIED (org policy). */
  refuseInvokerIamDisabled: boolean;
  /** Refuse setIamPolicy with `allUsers` with 400 FAILED_PRECONDITION (org policy). */
  refusePublicIam: boolean;
  /** Reject API requests without `Authorization: Bearer` with 401 UNAUTHENTICATED. */
  requireAuth: boolean;
  /** APIs Service Usage reports disabled (and which answer 403 SERVICE_DISABLED); enabling one removes it. */
  disabledServices: string[];
  /** Permissions Resource Manager's testIamPermissions leaves out. */
  deniedPermissions: string[];
  /** Project roles of the default build service account in the IAM policy. */
  buildServiceAccountRoles: string[];
  /** Check API requests against Google's published contracts (emulator/src/contracts): on unless a test needs it off. */
  contracts: boolean;
  /** Cloud Storage upload request bodies are read at most this fast (bytes per second, each request); 0 = no limit. */
  uploadBytesPerSecond: number;
}

export const DEFAULT_FAILURE_LOG: readonly string[] = [
  'npm ERR! code ERESOLVE',
  'npm ERR! ERESOLVE unable to resolve dependency tree',
  'npm ERR! ',
  'npm ERR! While resolving: app@1.0.0',
  'npm ERR! Found: react@18.2.0',
  'npm ERR! Could not resolve dependency:',
  'npm ERR! peer react@"^17.0.0" from some-widget@2.1.0',
  'npm ERR! A complete log of this run can be found in: /root/.npm/_logs/debug-0.log',
  "The command '/bin/sh -c npm ci --omit=dev' returned a non-zero code: 1",
];

export function defaultKnobs(): Knobs {
  return {
    buildSeconds: 3,
    buildOutcome: 'success',
    failureLog: [...DEFAULT_FAILURE_LOG],
    deploySeconds: 0.5,
    containerStartupSeconds: 30,
    refuseInvokerIamDisabled: false,
    refusePublicIam: false,
    requireAuth: false,
    disabledServices: [],
    deniedPermissions: [],
    buildServiceAccountRoles: ['roles/run.builder'],
    contracts: true,
    uploadBytesPerSecond: 0,
  };
}

/** Applies a partial knob set, ignoring unknown keys and values of the wrong type. */
export function applyKnobs(target: Knobs, patch: Partial<Knobs> | Record<string, unknown>): void {
  const p = patch as Record<string, unknown>;
  const num = (k: 'buildSeconds' | 'deploySeconds' | 'containerStartupSeconds' | 'uploadBytesPerSecond'): void => {
    if (typeof p[k] === 'number' && Number.isFinite(p[k]) && (p[k] as number) >= 0) target[k] = p[k] as number;
  };
  const bool = (k: 'refuseInvokerIamDisabled' | 'refusePublicIam' | 'requireAuth' | 'contracts'): void => {
    if (typeof p[k] === 'boolean') target[k] = p[k] as boolean;
  };
  num('buildSeconds');
  num('deploySeconds');
  num('containerStartupSeconds');
  num('uploadBytesPerSecond');
  bool('refuseInvokerIamDisabled');
  bool('refusePublicIam');
  bool('requireAuth');
  bool('contracts');
  if (p.buildOutcome === 'success' || p.buildOutcome === 'failure') target.buildOutcome = p.buildOutcome;
  if (Array.isArray(p.failureLog)) target.failureLog = p.failureLog.map(String);
  // Copies, so enabling a service never edits the knobs a reset restores.
  for (const k of ['disabledServices', 'deniedPermissions', 'buildServiceAccountRoles'] as const) {
    if (Array.isArray(p[k])) target[k] = (p[k] as unknown[]).map(String);
  }
}
