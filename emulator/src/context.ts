import type { Docker } from './docker/dockerCli';
import type { Faults } from './faults';
import type { Knobs } from './knobs';
import type { LogStore } from './logging';
import type { OperationStore } from './operations';

/** Everything the services share. */
export interface Context {
  knobs: Knobs;
  log: (line: string) => void;
  ops: OperationStore;
  /** Cloud Logging entries: what the running apps write, plus seeded ones. */
  logs: LogStore;
  /** Injected faults (faults.ts), also applied by the Cloud Run service fronts. */
  faults: Faults;
  /** The Docker daemon that builds and runs images for real; absent: simulated builds, apps run as local processes. */
  docker?: Docker;
}
