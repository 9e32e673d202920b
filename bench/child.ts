import { spawn } from 'node:child_process';

/**
 * Runs `node <script> ...args` in a fresh process and parses the JSON it prints
 * last. Each measured run gets its own process so heap, JIT and page state from
 * one run cannot leak into the next.
 */
export function runNodeJson<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${stderr.trim() || stdout.trim()}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${stdout.trim()} ${stderr.trim()}`));
      }
    });
  });
}
