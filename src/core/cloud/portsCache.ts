import type { CloudPorts } from './ports';

/**
 * One set of Cloud clients per configuration, made again only when the
 * configuration changes or a credentials check failed (so signing in again
 * takes effect without a reload). Clients made per deploy cost every deploy
 * ~80 ms of CPU and ~0.8 MiB that is never freed: each new Cloud Build SDK
 * client adds a parsed copy of its protos to gax's global cache
 * (docs/benchmarks.md, "Memory across consecutive deploys").
 */
export function cachedPorts<C>(config: () => C, make: (config: C) => CloudPorts): () => CloudPorts {
  let current: { key: string; ports: CloudPorts } | undefined;
  return () => {
    const c = config();
    const key = JSON.stringify(c) ?? '';
    if (current?.key === key) return current.ports;
    const made = make(c);
    const entry = {
      key,
      ports: {
        ...made,
        credentials: {
          check: async (signal: AbortSignal) => {
            try {
              return await made.credentials.check(signal);
            } catch (err) {
              if (current === entry) current = undefined;
              throw err;
            }
          },
        },
      },
    };
    current = entry;
    return entry.ports;
  };
}
