import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Devgem's version from its package.json, found by walking up from this file:
 * the same code runs from out/src (tsc) and from dist (esbuild bundles).
 */
export function devgemVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'devgem' && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
