// Reads what package.json and its neighbours say about a Node app: the package
// manager (from the lockfile or the `packageManager` field), with its evidence.
// The runtime version is nodeVersion.ts's.
import type { DirView } from './dirView';
import type { Evidence, Fact } from './types';

export interface PackageJson {
  name?: string;
  main?: string;
  type?: string;
  scripts?: Record<string, string>;
  engines?: { node?: string; bun?: string };
  volta?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packageManager?: string;
  /** npm, yarn and bun workspaces: member folders or globs (`packages/*`). */
  workspaces?: string[] | { packages?: string[] };
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
