import { createHash, randomBytes } from 'node:crypto';
import type { Docker } from './docker/dockerCli';
import type { Faults } from './faults';
import type { Knobs } from './knobs';
import type { LogStore } from './logging';
import { OperationStore } from './operations';

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

/** A stable fake 12-digit project number derived from the project id. */
export function projectNumber(projectId: string): string {
  const h = createHash('sha256').update(projectId).digest();
  const n = h.readUInt32BE(0) * 1000 + (h.readUInt16BE(4) % 1000);
  return String(100000000000 + (n % 899999999999));
}

export function randomLetters(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + (bytes[i] % 26));
  return s;
}

export function randomHex(nBytes: number): string {
  return randomBytes(nBytes).toString('hex');
}
