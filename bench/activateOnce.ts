/**
 * Child process of activation.bench: loads one extension bundle against the
 * vscode stub and times `require()` and `activate()`. Prints one JSON line.
 * It also reports whether `gcp.js` beside the bundle was loaded by then.
 *
 *   node out/bench/activateOnce.js <bundle.js>
 *   node out/bench/activateOnce.js --compile-only <bundle.js>   (parse + compile, nothing run)
 */
import Module = require('node:module');
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vm from 'node:vm';
import { createContext, createVscodeStub } from './vscodeStub';

export interface ActivationMeasurement {
  requireMs: number;
  activateMs: number;
  subscriptions: number;
  /** Stub members the extension read but the stub does not provide. */
  missing: string[];
  /** Packages whose module code ran, when the bundle was built instrumented (see activation.bench). */
  evaluated?: string[];
  /** Whether `gcp.js` beside the bundle exists (false for a single bundle). */
  gcpPresent: boolean;
  /** Whether `gcp.js` was in `require.cache` after `activate()`: it must not be. */
  gcpLoadedAtActivation: boolean;
  /**
   * Control for the check above: after the measurement the child requires
   * `gcp.js` itself and confirms it then shows up under the same cache key.
   * `gcpRequireMs` is what that later require() costs (the first deploy pays it).
   */
  gcpCheckValid?: boolean;
  gcpRequireMs?: number;
}

type ModuleInternals = typeof Module & {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
};

const STUB_ID = path.join(__dirname, '__vscode_stub__.js');

function installVscodeStub(stub: object): void {
  const M = Module as ModuleInternals;
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request, parent, ...rest) {
    return request === 'vscode' ? STUB_ID : resolve.call(this, request, parent, ...rest);
  };
  const m = new Module(STUB_ID);
  m.filename = STUB_ID;
  m.loaded = true;
  m.exports = stub;
  require.cache[STUB_ID] = m;
}

/** How much of require() is V8 parsing the bundle, measured in its own process (V8 caches compiled scripts). */
function compileOnly(bundle: string): void {
  const t0 = performance.now();
  new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
  console.log(JSON.stringify({ compileMs: performance.now() - t0 }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--compile-only') return compileOnly(path.resolve(process.argv[3] ?? ''));
  const bundle = path.resolve(process.argv[2] ?? '');
  const missing = new Set<string>();
  installVscodeStub(createVscodeStub(missing));
  const context = createContext(path.dirname(path.dirname(bundle)), missing) as { subscriptions: unknown[] };

  const t0 = performance.now();
  const ext = require(bundle) as { activate(context: unknown): unknown };
  const t1 = performance.now();
  // VS Code awaits a returned promise, so an async activate() is timed to its end.
  await ext.activate(context);
  const t2 = performance.now();

  const evaluatedSet = (globalThis as { __devgemBenchEvaluated?: Set<string> }).__devgemBenchEvaluated;
  const evaluated = evaluatedSet && [...evaluatedSet].sort();
  // The bundle's require('./gcp.js') caches the module under its real path.
  const gcpFile = path.join(path.dirname(bundle), 'gcp.js');
  const gcpPresent = existsSync(gcpFile);
  const gcpKey = gcpPresent ? realpathSync(gcpFile) : gcpFile;
  const gcpLoadedAtActivation = gcpKey in require.cache;
  let gcpCheckValid: boolean | undefined;
  let gcpRequireMs: number | undefined;
  if (gcpPresent && !gcpLoadedAtActivation) {
    const t3 = performance.now();
    require(gcpFile);
    gcpRequireMs = performance.now() - t3;
    gcpCheckValid = gcpKey in require.cache;
  }
  const result: ActivationMeasurement = {
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    subscriptions: context.subscriptions.length,
    missing: [...missing].sort(),
    evaluated,
    gcpPresent,
    gcpLoadedAtActivation,
    gcpCheckValid,
    gcpRequireMs,
  };
  console.log(JSON.stringify(result));
  // Whatever activate() scheduled is not part of the measurement.
  process.exit(0);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  });
}
