// Shared by the analysis tests: where the fixture apps live, and running a
// detected start command for real.
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Detector } from '../../src/core/analysis/detector';
import { DirView } from '../../src/core/analysis/dirView';
import type { AppAnalysis } from '../../src/core/analysis/types';

/** test/fixtures in the source tree (tests run from out/test/…). */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

export function fixtureView(name: string): DirView {
  return new DirView(FIXTURES, name);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs `command` (exec form) in `cwd` with PORT set, waits (bounded) until
 * http://127.0.0.1:PORT/ answers, and returns status and body. The process is
 * always killed. Rejects with the process output when it never answers.
 */
export async function startAndFetch(command: string[], cwd: string, timeoutMs = 15_000): Promise<{ status: number; body: string; port: number }> {
  const port = await freePort();
  const child = spawn(command[0], command.slice(1), { cwd, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`exited with ${code} before answering:\n${output}`))));
  exited.catch(() => undefined);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await Promise.race([fetch(`http://127.0.0.1:${port}/`), exited]);
        return { status: res.status, body: await res.text(), port };
      } catch (err) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`${command.join(' ')} did not answer on PORT=${port}: ${(err as Error).message}\n${output}`, { cause: err });
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs the first detector of a stack on a fixture and insists it recognises it. */
export async function detectFixture(detectors: readonly Detector[], name: string, stack: string): Promise<AppAnalysis> {
  const app = await detectors[0].detect(fixtureView(name));
  if (!app) throw new Error(`${name} is not recognised as ${stack}`);
  return app;
}
