import { DevgemError } from '../base/errors';
import { cleanRelPath, WorkspaceJail, type JailRule } from '../base/workspaceJail';
import { classifySecretFile, secretByName } from '../packaging/secretFiles';

// The workspace files the agent may read into the conversation or edit: those
// inside the open folder that are neither secrets nor git's or npm's own.

/** Git's history and installed packages are not the user's files to read or edit. */
function internalFolder(rel: string): string | undefined {
  return rel
    .toLowerCase()
    .split('/')
    .find((p) => p === '.git' || p === 'node_modules');
}

/** The agent's rule: no `.git`/`node_modules`, and (unless `secretFile`) nothing the secret-file rule names. */
export function agentFileRule(opts: { secretFile?: boolean } = {}): JailRule {
  return async (rel, head) => {
    const folder = internalFolder(rel);
    if (folder) return folder === '.git' ? 'Git’s own data under .git' : 'installed packages under node_modules';
    return opts.secretFile ? undefined : classifySecretFile(rel, head);
  };
}

/**
 * The workspace at `root` as the agent's tools may touch it. `secretFile`:
 * the caller reads a secret file on purpose (the .env import, whose values go
 * to Secret Manager and never into the conversation).
 */
export function agentJail(root: string, opts: { secretFile?: boolean } = {}): WorkspaceJail {
  return new WorkspaceJail(root, { rule: agentFileRule(opts) });
}

/** A quick check on the text of a path before anything is opened; `agentJail` repeats it on where the path really leads. */
export function safeRelPath(rel: string): string {
  const clean = cleanRelPath(rel);
  const folder = internalFolder(clean);
  if (folder) throw new DevgemError('invalid-argument', `Devgem does not read or edit files under ${folder}.`);
  if (secretByName(clean))
    throw new DevgemError('invalid-argument', `"${clean}" looks like a secrets file; Devgem never reads it into the conversation or edits it.`);
  return clean;
}
