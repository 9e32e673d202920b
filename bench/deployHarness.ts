/**
 * What the deploy benchmarks (overhead, memory) share: a tiny Node app whose
 * source changes per deploy, the options a bench deploy uses, and a wrapper
 * that times every port call, so a deploy's wall time can be split by cause.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_OPTIONS, type DeployOptions } from '../src/core/deploy/deployOptions';
import type { CloudPorts } from '../src/core/cloud/ports';

/** A small app: package.json and a server; `version` changes the source, so each deploy builds. */
export async function writeSmallApp(root: string, version: number): Promise<void> {
  await fs.mkdir(root, { recursive: true });
  await fs.writeFile(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true, scripts: { start: 'node server.js' } }, null, 2),
  );
  await fs.writeFile(
    path.join(root, 'server.js'),
    `// version ${version}\nrequire('http').createServer((q, s) => s.end('hello v${version}\\n')).listen(Number(process.env.PORT) || 8080);\n`,
  );
}

export function benchDeployOptions(root: string, serviceName: string): DeployOptions {
  return {
    ...DEFAULT_OPTIONS,
    workspaceRoot: root,
    project: 'bench-project',
    region: 'europe-west1',
    service: serviceName,
    env: {},
    // No gcloud configuration is read: the project and region come from the options.
    gcloudConfigDir: path.join(root, '..', 'no-gcloud'),
    verifyTimeoutSeconds: 30,
  };
}

/** One port call: `port.method`, when it started and how long it took (performance.now() ms). */
export interface PortCall {
  name: string;
  start: number;
  ms: number;
}

/** The same ports, each method call recorded into `calls` (sequential within a stage, so durations add up). */
export function timedPorts(ports: CloudPorts, calls: PortCall[]): CloudPorts {
  const wrap = <T extends object>(port: T, portName: string): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) => {
          const start = performance.now();
          const record = () => calls.push({ name: `${portName}.${key}`, start, ms: performance.now() - start });
          const r = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (r instanceof Promise) return r.finally(record);
          record();
          return r;
        };
      },
    });
  return Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, wrap(p as object, k)])) as unknown as CloudPorts;
}
