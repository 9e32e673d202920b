import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DevgemError } from '../base/errors';

function inside(realRoot: string, target: string): boolean {
  const rel = path.relative(realRoot, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Links are uploaded as links, never followed. One that points outside the
 * folder would extract to a dangling link in the build (or, worse, make the
 * build read the builder's own files), so it is refused. Inside the folder a
 * link is fine even when broken or part of a loop: nothing follows it here.
 *
 * `realRoot` is `fs.realpath(root)`, so a root reached through a link still compares right.
 */
export async function checkSymlink(realRoot: string, linkAbs: string, linkRel: string): Promise<void> {
  const target = await fs.readlink(linkAbs);
  // Judge by the link's own text first: `../outside` is outside even when it does not exist.
  const lexical = path.resolve(path.join(realRoot, path.dirname(linkRel)), target);
  let escapes = !inside(realRoot, lexical);
  if (!escapes) {
    // A chain (`a -> b`, `b -> /etc`) can still leave; realpath resolves it, and
    // fails with ENOENT (broken) or ELOOP (loop), which are kept as they are.
    const real = await fs.realpath(linkAbs).catch(() => undefined);
    escapes = real !== undefined && !inside(realRoot, real);
  }
  if (escapes) {
    throw new DevgemError(
      'invalid-argument',
      `${linkRel} is a symbolic link to ${target}, which is outside the folder being deployed, so it can't be uploaded.`,
      {
        fix: `Remove ${linkRel}, replace it with a copy of the file it points to, or exclude it in .gcloudignore.`,
      },
    );
  }
}
