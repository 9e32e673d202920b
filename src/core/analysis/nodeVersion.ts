// Which Node.js (or Bun) line the image runs. A pin (.nvmrc "20", "v20.11.1",
// "lts/krypton", .node-version, Volta, .tool-versions) is kept even when it is
// end of life (the code was written for it; the analysis warns). A range
// (engines.node ">=18") gets the active LTS when it allows it, else the newest
// supported line it allows. Nothing at all gets the active LTS.
import type { DirView } from './dirView';
import type { NodePackage } from './nodePackage';
import { defaulted, pinned, ranged, type RuntimeChoice, type VersionSource } from './runtimeChoice';
import { nodeCodename, RUNTIMES, today } from './runtimes';
import { isPin } from './versionRange';

/** The line a version file names: "v20.11.1" → "20", "lts/krypton" → "24", "lts/*" → the newest LTS; undefined for "node"/"system". */
export function nodeLineOf(spec: string, on = today()): string | undefined {
  const s = spec.trim().toLowerCase();
  const lts = /^lts\/([a-z*-]+)$/.exec(s);
  if (lts) return nodeCodename(lts[1], on);
  if (/^[a-z]+$/.test(s)) return nodeCodename(s, on);
  return /^v?(\d+)(?:\.\d+){0,2}$/.exec(s)?.[1];
}

function firstLine(text: string | undefined): string | undefined {
  return text
    ?.split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .find(Boolean);
}

export async function detectNodeVersion(view: DirView, np: NodePackage, on = today()): Promise<RuntimeChoice> {
  for (const file of ['.nvmrc', '.node-version']) {
    const first = firstLine(await view.readText(file));
    if (!first) continue;
    const source: VersionSource = { evidence: { file: view.rel(file), line: 1, detail: `${file} "${first}"` }, fixFor: (l) => `${file}: ${l}` };
    const pin = nodeLineOf(first, on);
    if (pin) return pinned('node', pin, source, on);
    // nvm also accepts a range such as ">=20" or "20.x" in .nvmrc.
    const range = ranged('node', first, 'npm', source, on);
    if (range) return range;
  }
  const asdf = /^nodejs\s+(\S+)/m.exec((await view.readText('.tool-versions')) ?? '');
  if (asdf && nodeLineOf(asdf[1], on)) {
    return pinned('node', nodeLineOf(asdf[1], on)!, {
      evidence: { file: view.rel('.tool-versions'), detail: `.tool-versions nodejs ${asdf[1]}` },
      fixFor: (l) => `.tool-versions: nodejs ${l}`,
    });
  }
  const volta = np.pkg.volta?.node;
  if (volta && nodeLineOf(volta, on)) {
    return pinned('node', nodeLineOf(volta, on)!, { evidence: np.at('volta', `volta.node "${volta}"`), fixFor: (l) => `"volta": { "node": "${l}" }` }, on);
  }
  const engines = np.pkg.engines?.node;
  if (engines) {
    const source: VersionSource = { evidence: np.at('node', `engines.node "${engines}"`), fixFor: (l) => `"engines": { "node": ">=${l}" }` };
    const choice = isPin(engines) ? pinned('node', nodeLineOf(engines, on) ?? engines, source, on) : ranged('node', engines, 'npm', source, on);
    if (choice) return choice;
  }
  return defaulted('node', view.rel('package.json'), '.nvmrc, .node-version or engines.node');
}

/** Bun's image tag: "1.1" from packageManager "bun@1.1.38" or engines.bun, else the current major. */
export function bunVersion(np: NodePackage): RuntimeChoice {
  const declared = /^bun@(\d+\.\d+)/.exec(np.pkg.packageManager ?? '');
  if (declared)
    return { fact: { value: declared[1], evidence: [np.at('packageManager', `"packageManager": "${np.pkg.packageManager}": pinned`)] }, warnings: [] };
  return defaulted('bun', np.at('name', '').file, 'packageManager or engines.bun');
}

export const PREFERRED_NODE = RUNTIMES.node.preferred;
