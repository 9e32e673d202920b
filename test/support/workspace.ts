import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_OPTIONS, type DeployOptions } from '../../src/core/deploy/deployOptions';

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

export const NODE_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'my-app', scripts: { start: 'node server.js' } }),
  'server.js': "require('http').createServer((q, s) => s.end('hi')).listen(process.env.PORT || 8080);\n",
};

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
