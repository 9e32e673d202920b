import * as path from 'node:path';
import { readGitInfo } from '../../git/gitInfo';
import { listSourceFiles } from '../../packaging/packageSource';
import { diffManifests, hashFiles } from '../../git/sourceChanges';
import type { AgentContext } from '../context';
import type { AgentTool } from '../registry';

/** "What changed since the last deploy?": the workspace's files now against the last successful upload. */
export function changesSinceDeployTool(): AgentTool<Record<string, never>, AgentContext> {
  return {
    name: 'get_changes_since_deploy',
    description:
      "Files added, removed and modified in the workspace since the last successful deploy (same ignore rules as the upload), with that deploy's commit, branch and time and the current commit.",
    parameters: { type: 'object', properties: {} },
    risk: 'read',
    run: async (_args, ctx, signal) => {
      const last = ctx.manifests?.().list()[0];
      if (!last) {
        return {
          data: { deployed: false, message: 'No successful deploy of this workspace has a file list yet. Deploy once, then ask again.' },
          summary: 'no deploy to compare with',
        };
      }
      const root = path.join(ctx.deployOptions().workspaceRoot, last.context);
      const listed = await listSourceFiles(root, signal);
      const now = await hashFiles(root, listed.files, signal);
      const diff = diffManifests(last.files, now.files);
      const git = await readGitInfo(root, { checkDirty: true });
      const { added, removed, modified } = diff.counts;
      return {
        data: {
          deployed: true,
          lastDeploy: { deployId: last.deployId, at: new Date(last.at).toISOString(), commit: last.commit, branch: last.branch, context: last.context || '.' },
          current: { commit: git?.commit, branch: git?.branch, dirty: git?.dirty },
          ...diff,
          ...(last.truncated || now.truncated ? { note: 'Only the first files of a very large tree were compared.' } : {}),
        },
        summary: added + removed + modified === 0 ? 'no changes since the last deploy' : `${added} added, ${removed} removed, ${modified} modified`,
      };
    },
  };
}
