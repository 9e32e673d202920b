import type { DirView } from './dirView';
import { isWorkspaceMember } from './monorepo';
import type { Evidence } from './types';

// A Node app whose build script works in a folder with its own package.json (a
// React client beside an Express server: `"build": "cd client && npm run build"`)
// needs that folder's dependencies installed first. On a developer's machine they
// were installed by hand once; in a fresh image nothing has, and the build fails
// with "vite: not found". The root install does not reach them: the folder is not
// a workspace member.

/** `cd client &&`, `--prefix client`, `--cwd client` (yarn), `-C client` / `--dir client` (pnpm). */
const ENTERS = /(?:^|[\s;&(])cd\s+([\w.@/-]+)\s*&&|--prefix[=\s]+([\w.@/-]+)|--cwd[=\s]+([\w.@/-]+)|(?:^|\s)-C\s+([\w.@/-]+)|--dir[=\s]+([\w.@/-]+)/g;
/** A script named through `npm run X`, `yarn X`, `pnpm X`, `bun run X`. */
const RUNS = /\b(?:npm\s+run(?:-script)?|yarn(?:\s+run)?|pnpm(?:\s+run)?|bun\s+run)\s+([\w:.-]+)/g;
/** An install, in one part of a script: `npm ci`, `pnpm i`, `yarn install`, or a bare `yarn` with only options. */
const INSTALL =
  /\b(?:npm\s+(?:ci|install|i)|pnpm\s+(?:i|install)|yarn\s+install|bun\s+(?:i|install))\b|\byarn(?:\s+(?:--cwd[=\s]+\S+|--?[\w-]+(?:=\S+)?))*\s*$/;

const clean = (dir: string): string | undefined => {
  const d = dir.replace(/^\.\//, '').replace(/\/+$/, '');
  return d && d !== '.' && !d.split('/').includes('..') ? d : undefined;
};

/** The text of `name` and of every script it runs by name (a few levels), for reading what it does. */
function scriptChain(scripts: Record<string, string>, name: string): string[] {
  const seen = new Set<string>();
  const texts: string[] = [];
  const visit = (n: string, depth: number): void => {
    const text = scripts[n];
    if (text === undefined || seen.has(n) || depth > 4) return;
    seen.add(n);
    texts.push(text);
    for (const m of text.matchAll(RUNS)) visit(m[1], depth + 1);
  };
  visit(name, 0);
  return texts;
}

/** True when `text` installs dependencies in `dir` (`cd dir && npm install`, `npm ci --prefix dir`). */
function installsIn(texts: string[], dir: string): boolean {
  return texts.some((text) =>
    text.split(/&&|;|\|\|/).some((part, i, parts) => {
      const entered = [...part.matchAll(ENTERS)].some((m) => clean(m.slice(1).find(Boolean) ?? '') === dir);
      const previous = i > 0 && new RegExp(`\\bcd\\s+(?:\\./)?${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?\\s*$`).test(parts[i - 1]);
      return (entered || previous) && INSTALL.test(part.trim());
    }),
  );
}

export interface FolderInstalls {
  /** Install commands to run in the image after the source is copied and before the build. */
  commands: string[];
  evidence: Evidence[];
}

/**
 * Folders with a package.json of their own that the `build` script chain works in and no script
 * installs: each gets an install (`npm ci --prefix client` with its lockfile, else `npm install`).
 */
export async function folderInstalls(
  view: DirView,
  scripts: Record<string, string> | undefined,
  buildScript = 'build',
  bun = false,
  workspaces: string[] = [],
): Promise<FolderInstalls> {
  const out: FolderInstalls = { commands: [], evidence: [] };
  // A pnpm workspace installs its members at the root, and npm cannot read their workspace: links.
  if (!scripts || (await view.exists('pnpm-workspace.yaml'))) return out;
  const build = scriptChain(scripts, buildScript);
  // What the image's install runs by itself (npm's lifecycle scripts).
  const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].flatMap((n) => scriptChain(scripts, n));
  const dirs = new Set<string>();
  for (const text of build) for (const m of text.matchAll(ENTERS)) dirs.add(clean(m.slice(1).find(Boolean) ?? '') ?? '');
  for (const dir of [...dirs].filter(Boolean).sort()) {
    if (!(await view.exists(`${dir}/package.json`)) || installsIn([...build, ...lifecycle], dir) || isWorkspaceMember(dir, workspaces)) continue;
    // Bun's image has no npm; elsewhere npm is in every Node image, whatever manages the root.
    if (bun) out.commands.push(`bun install --cwd ${dir}`);
    else out.commands.push(`${(await view.exists(`${dir}/package-lock.json`)) ? 'npm ci' : 'npm install'} --prefix ${dir}`);
    out.evidence.push({ file: view.rel(`${dir}/package.json`), detail: `the build script works in ${dir}/, whose dependencies no script installs` });
  }
  return out;
}
