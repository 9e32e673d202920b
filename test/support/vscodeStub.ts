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
    delete require.cache[subject];
    loaded = require(subject) as T;
  });
  after(() => {
    M._resolveFilename = resolve;
    delete require.cache[stubId];
    delete require.cache[subject];
  });
  return {
    load() {
      if (!loaded) throw new Error('the stubbed module is loaded in before(): use it inside a test or hook');
      return loaded;
    },
  };
}
