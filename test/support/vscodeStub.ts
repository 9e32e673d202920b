// Loads a host module (src/adapters/vscode/*) against a small stand-in for the
// `vscode` module, installed only while the calling describe() runs. Call it
// inside describe(); `load()` gives the module, required fresh in before().
import Module from 'node:module';
import * as path from 'node:path';

type ModuleInternals = typeof Module & { _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string };

export function useVscodeStub<T>(stub: unknown, subject: string): { load(): T } {
  const M = Module as ModuleInternals;
  const resolve = M._resolveFilename;
  const stubId = path.join(__dirname, `__vscode_stub_${path.basename(subject, '.js')}__.js`);
  let loaded: T | undefined;
  before(() => {
    M._resolveFilename = function (request, parent, ...rest) {
      return request === 'vscode' ? stubId : resolve.call(this, request, parent, ...rest);
    };
    const m = new Module(stubId);
    m.filename = stubId;
    m.loaded = true;
    m.exports = stub;
    require.cache[stubId] = m;
    forgetHostModules();
    loaded = require(subject) as T;
  });
  after(() => {
    M._resolveFilename = resolve;
    delete require.cache[stubId];
    forgetHostModules();
  });
  return {
    load() {
      if (!loaded) throw new Error('the stubbed module is loaded in before(): use it inside a test or hook');
      return loaded;
    },
  };
}

/**
 * The subject's own imports that import `vscode` too (settings.ts, lifecycle.ts, …) must see this
 * describe's stub, not the one of whichever describe loaded them first: load them fresh as well.
 */
function forgetHostModules(): void {
  const hostDir = `${path.sep}src${path.sep}adapters${path.sep}vscode${path.sep}`;
  for (const id of Object.keys(require.cache)) {
    if (id.includes(hostDir) || id.endsWith(`${path.sep}src${path.sep}extension.js`)) delete require.cache[id];
  }
}
