import type * as vscode from 'vscode';
import type { DeployManifest, ManifestStore } from '../../../core/git/sourceChanges';

const KEY = 'devgem.deployManifests';

/** Deploy manifests in the workspace's own storage: per workspace, never in the view snapshot. */
export function workspaceManifestStore(state: vscode.Memento): ManifestStore {
  return {
    list: () => {
      const kept = state.get<unknown>(KEY);
      return Array.isArray(kept) ? (kept as DeployManifest[]) : [];
    },
    save: async (manifests) => {
      await state.update(KEY, manifests);
    },
  };
}
