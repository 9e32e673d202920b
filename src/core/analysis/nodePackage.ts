// Reads what package.json and its neighbours say about a Node app: the package
// manager (from the lockfile or the `packageManager` field) and the runtime
// version (.nvmrc, .node-version, engines.node), each with its evidence.
import type { DirView } from './dirView';
import type { Evidence, Fact } from './types';

export interface PackageJson {
  name?: string;
  main?: string;
  type?: string;
  scripts?: Record<string, string>;
  engines?: { node?: string; bun?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packageManager?: string;
}

/** package.json parsed, with its text kept so evidence can point at lines. */
export interface NodePackage {
  pkg: PackageJson;
  text: string;
  /** Evidence for `"key":` in package.json (first occurrence), line included when found. */
  at(key: string, detail: string): Evidence;
  /** Whether the package depends on `name` (dependencies or devDependencies). */
  has(name: string): boolean;
}

export function nodePackage(view: DirView, pkg: PackageJson, text: string): NodePackage {
  const lines = text.split(/\r?\n/);
  return {
    pkg,
    text,
    at(key, detail) {
      const needle = `"${key}"`;
      const index = lines.findIndex((l) => l.includes(needle));
      return index >= 0 ? { file: view.rel('package.json'), line: index + 1, detail } : { file: view.rel('package.json'), detail };
    },
    has: (name) => Boolean(pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]),
  };
}

export interface PackageManagerInfo {
  fact: Fact<string>;
  /** The lockfile name, when there is one. */
  lockfile?: string;
  /** Files the Dockerfile copies before installing (cache layer). */
  manifests: string[];
  notes: string[];
}

const LOCKFILES: [string, string][] = [
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

export async function detectPackageManager(view: DirView, np: NodePackage): Promise<PackageManagerInfo> {
  const notes: string[] = [];
  const manifests = ['package.json'];
  for (const extra of ['.npmrc', '.yarnrc.yml', '.yarnrc']) if (await view.exists(extra)) manifests.push(extra);
  // Yarn berry keeps its own release in .yarn/releases; the install needs it.
  if ((await view.exists('.yarnrc.yml')) && (await view.list('.yarn')).includes('releases')) manifests.push('.yarn/releases');

  let lockfile: string | undefined;
  let fromLock: string | undefined;
  for (const [file, pm] of LOCKFILES) {
    if (await view.exists(file)) {
      lockfile = file;
      fromLock = pm;
      break;
    }
  }
  if (lockfile) manifests.push(lockfile);
  if (fromLock === 'yarn') {
    const lock = (await view.readText('yarn.lock')) ?? '';
    // Berry lockfiles are YAML with a __metadata block; classic ones say "yarn lockfile v1".
    if (/^__metadata:/m.test(lock) || (await view.exists('.yarnrc.yml'))) fromLock = 'yarn-berry';
  }

  const declared = /^(npm|yarn|pnpm|bun)@(\d+)/.exec(np.pkg.packageManager ?? '');
  if (declared) {
    const pm = declared[1] === 'yarn' && Number(declared[2]) >= 2 ? 'yarn-berry' : declared[1];
    const evidence = [np.at('packageManager', `"packageManager": "${np.pkg.packageManager}"`)];
    if (lockfile) evidence.push({ file: view.rel(lockfile), detail: `lockfile ${lockfile}` });
    if (fromLock && fromLock !== pm)
      notes.push(`package.json declares ${np.pkg.packageManager} but the lockfile is ${lockfile}; Devgem follows the packageManager field.`);
    return { fact: { value: pm, evidence }, lockfile: fromLock === pm ? lockfile : undefined, manifests, notes };
  }
  if (fromLock && lockfile) {
    return { fact: { value: fromLock, evidence: [{ file: view.rel(lockfile), detail: `lockfile ${lockfile}` }] }, lockfile, manifests, notes };
  }
  notes.push('No lockfile found: the image runs `npm install`, so dependency versions may differ from yours. Commit a lockfile for repeatable builds.');
  return { fact: { value: 'npm', evidence: [{ file: view.rel('package.json'), detail: 'package.json without a lockfile' }] }, manifests, notes };
}

// .nvmrc may name an LTS line by its code name.
const LTS_NAMES: Record<string, string> = {
  argon: '4',
  boron: '6',
  carbon: '8',
  dubnium: '10',
  erbium: '12',
  fermium: '14',
  gallium: '16',
  hydrogen: '18',
  iron: '20',
  jod: '22',
};

export const DEFAULT_NODE_VERSION = '22';

/** "v20.11.1" → "20", "lts/iron" → "20", ">=20" → "20", "18.x" → "18", "^18.17 || ^20" → "18"; undefined when no major is named. */
export function nodeMajor(spec: string): string | undefined {
  const s = spec.trim().toLowerCase();
  const lts = /^lts\/([a-z]+)/.exec(s);
  if (lts) return LTS_NAMES[lts[1]];
  return /(\d+)/.exec(s)?.[1];
}

export async function detectNodeVersion(view: DirView, np: NodePackage): Promise<{ fact: Fact<string>; notes: string[] }> {
  for (const file of ['.nvmrc', '.node-version']) {
    const text = await view.readText(file);
    const first = text
      ?.split(/\r?\n/)
      .find((l) => l.trim() && !l.trim().startsWith('#'))
      ?.trim();
    const major = first && nodeMajor(first);
    if (major) return { fact: { value: major, evidence: [{ file: view.rel(file), line: 1, detail: `${file}: ${first}` }] }, notes: [] };
  }
  const engines = np.pkg.engines?.node;
  const major = engines && nodeMajor(engines);
  if (major) {
    return { fact: { value: major, evidence: [np.at('node', `engines.node "${engines}"`)] }, notes: [] };
  }
  return {
    fact: {
      value: DEFAULT_NODE_VERSION,
      evidence: [{ file: view.rel('package.json'), detail: `no .nvmrc, .node-version or engines.node; Node ${DEFAULT_NODE_VERSION} (current LTS) assumed` }],
    },
    notes: [`No Node version is pinned (.nvmrc, .node-version or engines.node); the image uses Node ${DEFAULT_NODE_VERSION}.`],
  };
}

/** Bun's image tag: "1.1" from packageManager "bun@1.1.38", else "1". */
export function bunVersion(np: NodePackage): Fact<string> {
  const m = /^bun@(\d+\.\d+)/.exec(np.pkg.packageManager ?? '');
  if (m) return { value: m[1], evidence: [np.at('packageManager', `"packageManager": "${np.pkg.packageManager}"`)] };
  return { value: '1', evidence: [{ file: np.at('name', '').file, detail: 'Bun version not pinned; Bun 1 assumed' }] };
}
