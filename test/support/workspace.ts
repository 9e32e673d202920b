import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_OPTIONS, type DeployOptions } from '../../src/core/deploy/deployOptions';
import { FIXTURES } from './analysisFixtures';

/** A throwaway folder with the given files (path -> content), removed by `cleanup`. */
export async function makeWorkspace(files: Record<string, string>, name = 'my-app'): Promise<{ root: string; cleanup(): Promise<void> }> {
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-ws-'));
  const root = path.join(parent, name);
  await fs.mkdir(root);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  return { root, cleanup: () => fs.rm(parent, { recursive: true, force: true }) };
}

/**
 * Like makeWorkspace, but at the same path every time for one `name` (in this process): the next
 * version of the same app deployed from the same folder, which Devgem recognises as the workspace
 * that created the service (its origin is the folder's path; core/deploy/origin.ts). Not for two
 * at once with one name (`a/app` and `b/app` are two folders named app); `cleanup` removes the folder.
 */
export async function sameWorkspace(files: Record<string, string>, name = 'my-app'): Promise<{ root: string; cleanup(): Promise<void> }> {
  const parent = path.join(os.tmpdir(), `devgem-same-ws-${process.pid}`);
  const root = path.join(parent, name);
  await fs.rm(root, { recursive: true, force: true });
  await fs.mkdir(root, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  return {
    root,
    cleanup: async () => {
      await fs.rm(root, { recursive: true, force: true });
      // Empty folders between the parent and the workspace (a `name` like `8123/app`) go too.
      for (let dir = path.dirname(root); dir.startsWith(parent); dir = path.dirname(dir))
        if (
          !(await fs.rmdir(dir).then(
            () => true,
            () => false,
          ))
        )
          break;
    },
  };
}

export const NODE_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'my-app', scripts: { start: 'node server.js' } }),
  'server.js': "require('http').createServer((q, s) => s.end('hi')).listen(process.env.PORT || 8080);\n",
};

/** test/fixtures/node-env-echo's files plus the version.txt it answers with, so each deploy can serve a different version. */
export async function envEchoFiles(version: string): Promise<Record<string, string>> {
  const dir = path.join(FIXTURES, 'node-env-echo');
  const files: Record<string, string> = { 'version.txt': `${version}\n` };
  for (const name of await fs.readdir(dir)) files[name] = await fs.readFile(path.join(dir, name), 'utf8');
  return files;
}

/** Deploy options for tests: a fixed project and region, no environment, no gcloud configuration. */
export function testDeployOptions(workspaceRoot: string, overrides: Partial<DeployOptions> = {}): DeployOptions {
  return {
    ...DEFAULT_OPTIONS,
    workspaceRoot,
    project: 'demo-project',
    region: 'europe-west1',
    env: {},
    gcloudConfigDir: path.join(workspaceRoot, 'no-gcloud'),
    ...overrides,
  };
}
