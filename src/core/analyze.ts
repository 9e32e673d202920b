import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DevgemError } from './errors';

// A deliberately small first analyzer: an existing Dockerfile, a Node web app or
// a Python web app. The full, evidence-carrying analyzer is its own issue.

export type Analysis =
  | { kind: 'dockerfile'; port: number; summary: string }
  | { kind: 'node'; port: number; summary: string; nodeMajor: number; lockfile: 'npm' | 'none'; start: string[]; hasBuild: boolean }
  | { kind: 'python'; port: number; summary: string; pythonVersion: string; hasRequirements: boolean; start: string[] };

export const DEFAULT_PORT = 8080;

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** `EXPOSE 3000` / `EXPOSE 3000/tcp` → 3000; the first one wins, as Cloud Run has one port. */
export function exposedPort(dockerfile: string): number | undefined {
  const m = /^\s*EXPOSE\s+(\d{1,5})/im.exec(dockerfile);
  const port = m ? Number(m[1]) : undefined;
  return port && port > 0 && port < 65536 ? port : undefined;
}

interface PackageJson {
  main?: string;
  scripts?: Record<string, string>;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

async function analyzeNode(root: string): Promise<Analysis> {
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as PackageJson;
  } catch (err) {
    throw new DevgemError('invalid-argument', `package.json could not be read: ${(err as Error).message}`, {
      fix: 'Fix the JSON syntax of package.json (your editor marks the error), then deploy again.',
    });
  }
  const major = /(\d{2})/.exec(pkg.engines?.node ?? '')?.[1];
  const nodeMajor = major ? Math.max(18, Number(major)) : 22;
  let start: string[] | undefined;
  if (pkg.scripts?.start) start = ['npm', 'start'];
  else {
    for (const candidate of [pkg.main, 'server.js', 'index.js', 'app.js', 'main.js']) {
      if (candidate && (await exists(path.join(root, candidate)))) {
        start = ['node', candidate];
        break;
      }
    }
  }
  if (!start) {
    throw new DevgemError('failed-precondition', 'This Node.js project has no start script and no server.js, index.js or app.js.', {
      fix: 'Add "scripts": { "start": "node your-server.js" } to package.json, or add a Dockerfile.',
    });
  }
  return {
    kind: 'node',
    port: DEFAULT_PORT,
    nodeMajor,
    lockfile: (await exists(path.join(root, 'package-lock.json'))) ? 'npm' : 'none',
    start,
    hasBuild: Boolean(pkg.scripts?.build),
    summary: `Node.js ${nodeMajor} app, started with \`${start.join(' ')}\``,
  };
}

async function analyzePython(root: string, entries: string[]): Promise<Analysis | undefined> {
  const hasRequirements = entries.includes('requirements.txt');
  const requirements = hasRequirements ? (await fs.readFile(path.join(root, 'requirements.txt'), 'utf8')).toLowerCase() : '';
  const main = ['main.py', 'app.py', 'server.py'].find((f) => entries.includes(f));
  if (!main && !hasRequirements) return undefined;
  if (!main) {
    throw new DevgemError('failed-precondition', 'This Python project has a requirements.txt but no main.py, app.py or server.py.', {
      fix: 'Add a Dockerfile that starts your app, or name its entry point main.py or app.py.',
    });
  }
  const module = main.replace(/\.py$/, '');
  let start = ['python', main];
  let summary = `Python app, started with \`python ${main}\``;
  if (/^fastapi\b/m.test(requirements)) {
    start = ['sh', '-c', `exec uvicorn ${module}:app --host 0.0.0.0 --port \${PORT:-8080}`];
    summary = `FastAPI app (${main}), served by uvicorn`;
  } else if (/^flask\b/m.test(requirements)) {
    start = ['sh', '-c', `exec gunicorn --bind 0.0.0.0:\${PORT:-8080} ${module}:app`];
    summary = `Flask app (${main}), served by gunicorn`;
  }
  const pinned = entries.includes('.python-version') ? (await fs.readFile(path.join(root, '.python-version'), 'utf8')).trim() : '';
  const pythonVersion = /^3\.\d+/.exec(pinned)?.[0] ?? '3.12';
  return { kind: 'python', port: DEFAULT_PORT, pythonVersion, hasRequirements, start, summary };
}

export async function analyzeWorkspace(root: string): Promise<Analysis> {
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch (err) {
    throw new DevgemError('invalid-argument', `The folder ${root} cannot be read: ${(err as Error).message}`, {
      fix: 'Open the folder of the app you want to deploy (File > Open Folder).',
    });
  }
  if (entries.includes('Dockerfile')) {
    const text = await fs.readFile(path.join(root, 'Dockerfile'), 'utf8');
    const port = exposedPort(text) ?? DEFAULT_PORT;
    return { kind: 'dockerfile', port, summary: `Existing Dockerfile, container port ${port}` };
  }
  if (entries.includes('package.json')) return analyzeNode(root);
  const python = await analyzePython(root, entries);
  if (python) return python;
  const visible = entries.filter((e) => !e.startsWith('.'));
  throw new DevgemError('failed-precondition', visible.length ? 'Devgem does not recognise this app yet (no Dockerfile, package.json or Python entry point).' : 'The folder is empty: there is nothing to deploy.', {
    fix: visible.length ? 'Add a Dockerfile that builds and starts your app on $PORT, then deploy again.' : 'Open the folder that holds your app, then deploy again.',
  });
}
