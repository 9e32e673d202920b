import type * as Kit from './analysisKit';

/**
 * The analyzers and Dockerfile generators, loaded at their first use: in the
 * extension this require is dist/analysis.js (esbuild.mjs), so activation does
 * not parse them; under tsc and in the CLI it is the module itself.
 */
export function analysisKit(): typeof Kit {
  return require('./analysisKit') as typeof Kit;
}
