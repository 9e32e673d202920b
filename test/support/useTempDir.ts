// A fresh folder under the OS temp dir for each test, removed after it. Call inside describe().
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TempDir {
  /** The current test's folder (valid inside hooks and tests). */
  readonly path: string;
}

export function useTempDir(prefix: string): TempDir {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    get path() {
      if (!dir) throw new Error('the temp dir exists only inside a test or its hooks');
      return dir;
    },
  };
}
