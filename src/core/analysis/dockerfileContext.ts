import * as path from 'node:path';
import { DirView, SKIP_DIRS } from './dirView';
import type { DockerfileFacts } from './existingDockerfile';

// Which folder a project's own Dockerfile is built from. Most are built from their
// own folder, but a Dockerfile kept in a folder of container files (`docker/`,
// `deploy/`) is written for a folder above it (`docker build -f docker/Dockerfile .`),
// and one that COPYs what only a folder above has was too: built from its own
// folder, that COPY would fail.

export interface DockerfilePlacement {
  /** The build context, relative to the workspace root ('' = the root). */
  context: string;
  /** Why the context is not the Dockerfile's folder, or what will not build, for the app's notes. */
  note?: string;
  /** The Dockerfile's folder holds no app of its own: it builds the app in `context`. */
  buildsFolderAbove: boolean;
}

/** Files a folder of container files holds besides Dockerfiles: none of them is an app. */
const CONTAINER_FILE = /^(Dockerfile.*|.*\.?dockerignore|(docker-)?compose.*\.ya?ml|README.*|.*\.(md|txt|sh|conf|ini|env))$/i;

/** Names projects give the folder that keeps their container files. */
const CONTAINER_FOLDER = /^(docker|dockerfiles?|containers?|container-?files?|deploy|deployments?|cloud-?run|ci|infra|ops|devops)$/i;

const label = (dir: string): string => (dir ? `${dir}/` : 'the workspace root');
const parentOf = (dir: string): string => {
  const p = path.posix.dirname(dir);
  return p === '.' ? '' : p;
};

async function hasAll(root: string, dir: string, names: string[]): Promise<boolean> {
  const view = new DirView(root, dir);
  for (const n of names) if (!(await view.exists(n))) return false;
  return true;
}

/**
 * Where `facts` (the Dockerfile in `view`'s folder) is built from. `hasApp`: a detector found an app
 * in the folder too, so the folder is an app's and only COPY sources can move its context.
 */
export async function placeDockerfile(view: DirView, facts: DockerfileFacts, hasApp: boolean): Promise<DockerfilePlacement> {
  const here = view.dir;
  if (!here) return { context: '', buildsFolderAbove: false };
  const top = here.split('/')[0];
  // A Dockerfile that COPYs folders only the workspace root has was written for the root as context.
  if (facts.copySources.includes(top)) {
    return { context: '', note: `${facts.file} copies ${top}/ from the workspace root, so the root is its build context.`, buildsFolderAbove: false };
  }
  // docker/, deploy/ … with no app of its own: the app is the folder its Dockerfile builds.
  const containerFolder = !hasApp && CONTAINER_FOLDER.test(path.posix.basename(here));
  const named = facts.copySources.filter((s) => !/[*?[\]$]/.test(s));
  const missing: string[] = [];
  for (const s of named) if (!(await view.exists(s))) missing.push(s);
  // A build output (dist/, target/) that is not there yet is made before the image, not found above.
  const outputs = missing.filter((s) => SKIP_DIRS.has(s));
  if (outputs.length) {
    const list = outputs.map((o) => `${o}/`).join(', ');
    return {
      context: here,
      note: `${facts.file} copies ${list}, which ${here}/ does not have yet: build it before deploying (Devgem uploads the folder as it is), or build it in the Dockerfile.`,
      buildsFolderAbove: false,
    };
  }
  if (missing.length) {
    for (let dir = parentOf(here); ; dir = parentOf(dir)) {
      if (await hasAll(view.root, dir, named)) {
        return {
          context: dir,
          note: `${facts.file} copies ${missing.join(', ')}, which ${label(dir)} has and ${here}/ does not, so ${label(dir)} is its build context.`,
          buildsFolderAbove: containerFolder,
        };
      }
      if (!dir) break;
    }
    return {
      context: here,
      note: `${facts.file} copies ${missing.join(', ')}, which neither ${here}/ nor a folder above it has: its build will fail.`,
      buildsFolderAbove: false,
    };
  }
  if (!containerFolder || named.length || !facts.copiesContext) return { context: here, buildsFolderAbove: false };
  // `COPY . …` from docker/ or deploy/ holding nothing but container files: it copies the folder above.
  const entries = await view.list();
  const containerOnly = entries.every((e) => CONTAINER_FILE.test(e)) && (await onlyFiles(view, entries));
  if (!containerOnly) return { context: here, buildsFolderAbove: false };
  const above = parentOf(here);
  return {
    context: above,
    note: `${here}/ holds only container files, so ${facts.file} builds ${label(above)}.`,
    buildsFolderAbove: true,
  };
}

async function onlyFiles(view: DirView, entries: string[]): Promise<boolean> {
  // DirView lists names only; a subfolder (with sources in it) means the folder is more than container files.
  for (const e of entries) if ((await view.list(e)).length) return false;
  return true;
}
