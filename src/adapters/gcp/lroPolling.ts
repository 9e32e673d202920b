/**
 * How often Devgem polls a long-running operation it waits for (a Cloud Run
 * rollout, an Artifact Registry repository). gax's default starts at 100 ms
 * and grows ×1.3 up to 60 s: 8 s into a rollout it already waits 1.5 s between
 * polls, 20 s in about 4.6 s, and the deploy learns the revision is ready up to
 * that long after it was. Growing ×1.5 to at most 500 ms keeps that wait under
 * half a second, at two light reads a second (docs/benchmarks.md,
 * "Orchestration overhead").
 */
export const LRO_BACKOFF = {
  initialRetryDelayMillis: 100,
  retryDelayMultiplier: 1.5,
  maxRetryDelayMillis: 500,
  initialRpcTimeoutMillis: null,
  rpcTimeoutMultiplier: null,
  maxRpcTimeoutMillis: null,
  totalTimeoutMillis: null,
} as const;

/**
 * Makes a gax Operation poll on LRO_BACKOFF. gax reads `backoffSettings` when
 * polling starts (at `promise()`), so this must come before it; the
 * check…Progress clients' operations get gax's default otherwise.
 */
export function pollBriskly<T>(op: T): T {
  if (op && typeof op === 'object' && 'backoffSettings' in op) (op as { backoffSettings: unknown }).backoffSettings = { ...LRO_BACKOFF };
  return op;
}
