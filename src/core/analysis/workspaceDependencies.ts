import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { evidenceOf, type MonorepoLayout, parseJson } from './monorepo';
import type { Evidence } from './types';

// Which workspace packages each member uses. It decides two things: a member
// that uses a sibling builds from the workspace root (its context), and a
// member that others use is a library, not a service.

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Workspace packages an app folder depends on (npm `name` match or `workspace:`
 * protocol; go.mod requiring a sibling module or replacing it with a path
 * outside the folder). Such an app builds only from the workspace root.
 */
export async function siblingDependencies(root: string, dir: string, packages: Map<string, string>): Promise<Array<{ name: string; evidence: Evidence }>> {
  const out: Array<{ name: string; evidence: Evidence }> = [];
  const pkgFile = `${dir}/package.json`;
  const pkgText = await fs.readFile(path.join(root, pkgFile), 'utf8').catch(() => undefined);
  const pkg = parseJson(pkgText);
  if (pkg && pkgText) {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
      const deps = pkg[field];
      if (!deps || typeof deps !== 'object') continue;
      for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
        const sibling = packages.get(name);
        const isWorkspace = typeof spec === 'string' && spec.startsWith('workspace:');
        if ((sibling && sibling !== dir) || isWorkspace) {
          const where = sibling ? ` (${sibling})` : '';
          out.push({
            name,
            evidence: evidenceOf(pkgFile, pkgText, new RegExp(`"${escape(name)}"\\s*:`), `${field}: ${name} ${String(spec)} is a workspace package${where}`),
          });
        }
      }
    }
  }
  const modFile = `${dir}/go.mod`;
  const mod = await fs.readFile(path.join(root, modFile), 'utf8').catch(() => undefined);
  if (mod) {
    for (const [name, sibling] of packages) {
      if (sibling === dir) continue;
      const re = new RegExp(`^\\s*(?:require\\s+)?${escape(name)}\\s+v`, 'm');
      if (re.test(mod)) out.push({ name, evidence: evidenceOf(modFile, mod, re, `requires workspace module ${name} (${sibling})`) });
    }
    const replace = /^\s*(?:replace\s+)?\S+(?:\s+v\S+)?\s+=>\s+(\.\.\/\S*)/m;
    const target = replace.exec(mod)?.[1];
    if (target) out.push({ name: target, evidence: evidenceOf(modFile, mod, replace, `replaces a module with ${target}, outside the app`) });
  }
  return out;
}

export type SiblingDeps = Awaited<ReturnType<typeof siblingDependencies>>;

/**
 * Which members other members depend on: those are libraries, so they are not
 * analysed at all (unless they bring a Dockerfile). In a big monorepo most
 * members are libraries, and this keeps analysis time near the app count.
 */
export async function workspaceDependencies(root: string, layout: MonorepoLayout): Promise<{ deps: Map<string, SiblingDeps>; usedBy: Map<string, string> }> {
  const deps = new Map<string, SiblingDeps>();
  const usedBy = new Map<string, string>();
  for (const member of layout.members) {
    const d = await siblingDependencies(root, member, layout.packages);
    deps.set(member, d);
    for (const { name } of d) {
      const dir = layout.packages.get(name);
      if (dir && dir !== member && !usedBy.has(dir)) usedBy.set(dir, member);
    }
  }
  return { deps, usedBy };
}

/** A used package that still has a start script (an app an e2e package points at) is analysed anyway. */
export async function hasStartScript(root: string, dir: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await fs.readFile(path.join(root, dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    return typeof pkg.scripts?.start === 'string';
  } catch {
    return false;
  }
}
