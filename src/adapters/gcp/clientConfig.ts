// The generated clients' own retry and timeout settings, bounded. Out of the box
// an RPC may wait 60 s to 10 min per attempt and retry for 10 min in all, long
// after the deploy gave up on it (our own bound and retries, core/wait.ts and
// gcpRetry): a hung call then lingered in the background, holding its timers.
// The override keeps each client's retry codes and backoff and caps every time.

interface RetryParams {
  initial_retry_delay_millis: number;
  retry_delay_multiplier: number;
  max_retry_delay_millis: number;
  initial_rpc_timeout_millis: number;
  rpc_timeout_multiplier: number;
  max_rpc_timeout_millis: number;
  total_timeout_millis: number;
}

interface InterfaceConfig {
  retry_codes?: Record<string, string[]>;
  retry_params?: Record<string, RetryParams>;
  methods?: Record<string, { timeout_millis?: number; retry_codes_name?: string; retry_params_name?: string }>;
}

export interface GaxClientConfig {
  interfaces: Record<string, InterfaceConfig>;
}

/** `config` (a client's `*_client_config.json`) with every timeout at most `totalMs` and retry delays at most 10 s. */
export function boundedClientConfig(config: GaxClientConfig, totalMs: number): GaxClientConfig {
  const cap = (n: number | undefined) => Math.min(n ?? totalMs, totalMs);
  const interfaces: Record<string, InterfaceConfig> = {};
  for (const [name, svc] of Object.entries(config.interfaces)) {
    const retryParams: Record<string, RetryParams> = {};
    for (const [k, p] of Object.entries(svc.retry_params ?? {})) {
      retryParams[k] = {
        ...p,
        max_retry_delay_millis: Math.min(p.max_retry_delay_millis, 10_000),
        initial_rpc_timeout_millis: cap(p.initial_rpc_timeout_millis),
        max_rpc_timeout_millis: cap(p.max_rpc_timeout_millis),
        total_timeout_millis: cap(p.total_timeout_millis),
      };
    }
    const methods: InterfaceConfig['methods'] = {};
    for (const [m, mc] of Object.entries(svc.methods ?? {})) methods[m] = { ...mc, timeout_millis: cap(mc.timeout_millis) };
    interfaces[name] = { retry_codes: svc.retry_codes, retry_params: retryParams, methods };
  }
  return { interfaces };
}

const OP_METHOD = { timeout_millis: 60_000, retry_codes_name: 'idempotent', retry_params_name: 'default' };

/**
 * gax's own settings for the operations client a generated client makes for its
 * long-running operations (google-gax's operations_client_config.json, which the
 * package does not export): retried for 10 min unless bounded like the rest.
 */
export const OPERATIONS_CLIENT_CONFIG: GaxClientConfig = {
  interfaces: {
    'google.longrunning.Operations': {
      retry_codes: { idempotent: ['DEADLINE_EXCEEDED', 'UNAVAILABLE'], non_idempotent: [] },
      retry_params: {
        default: {
          initial_retry_delay_millis: 100,
          retry_delay_multiplier: 1.3,
          max_retry_delay_millis: 60_000,
          initial_rpc_timeout_millis: 90_000,
          rpc_timeout_multiplier: 1,
          max_rpc_timeout_millis: 90_000,
          total_timeout_millis: 600_000,
        },
      },
      methods: { GetOperation: OP_METHOD, ListOperations: OP_METHOD, CancelOperation: OP_METHOD, DeleteOperation: OP_METHOD },
    },
  },
};
