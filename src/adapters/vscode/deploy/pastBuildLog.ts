import { cloudConsoleUrl } from '../../../core/explorer/consoleUrls';
import * as vscode from 'vscode';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { isCancelled, toProblem } from '../../../core/base/errors';
import { findDeploy, pastBuildLogDocument, readPastBuildLog, recordBuild } from '../../../core/logs/pastBuildLog';
import type { CloudPorts } from '../../../core/cloud/ports';
import { MAX_VIEW_LOG_LINES, type DeployRecord } from '../../../shared/protocol';
import { withCancellableProgress } from '../progress';

export const SHOW_PAST_BUILD_LOG_COMMAND = 'devgem.showPastBuildLog';
export const OPEN_BUILD_IN_CONSOLE_COMMAND = 'devgem.openBuildInConsole';
/** Read-only virtual documents, one per build, never on disk. */
const SCHEME = 'devgem-build-log';

const OUTCOME_ICONS: Record<DeployRecord['outcome'], string> = { success: '$(pass)', private: '$(lock)', failed: '$(error)', cancelled: '$(circle-slash)' };

interface RecordItem extends vscode.QuickPickItem {
  record: DeployRecord;
}

function item(r: DeployRecord): RecordItem {
  const build = recordBuild(r);
  return {
    label: `${OUTCOME_ICONS[r.outcome]} ${r.target?.service ?? 'unknown service'}${r.revision ? ` · ${r.revision}` : ''}`,
    description: new Date(r.endedAt).toLocaleString(),
    detail: [
      r.commit ? `${r.commit.slice(0, 7)}${r.dirty ? '*' : ''}${r.branch ? ` on ${r.branch}` : ''}` : undefined,
      r.repository,
      build ? `build ${build.id}` : undefined,
      r.outcome,
    ]
      .filter(Boolean)
      .join(' · '),
    record: r,
  };
}

/**
 * "Devgem: Show Build Log of a Past Deploy…": picks a deploy of this
 * workspace's history (or takes the id the history view sends), reads its
 * Cloud Build log back from Google and opens it read-only in an editor.
 */
export function registerPastBuildLog(deps: { session: DeploySession; ports: () => CloudPorts }): vscode.Disposable {
  // Each document's text, fetched (with progress and errors shown) before it opens.
  const texts = new Map<string, string>();
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: (uri) =>
      texts.get(uri.toString()) ?? '[Devgem] This build log is no longer loaded: run "Devgem: Show Build Log of a Past Deploy…" again.\n',
  };

  /** The deploy `deployId` names, else the one the user picks among those that ran a build. */
  const pick = async (deployId: unknown, title: string): Promise<DeployRecord | undefined> => {
    const history = deps.session.current.history ?? [];
    let record: DeployRecord | undefined;
    try {
      if (typeof deployId === 'string') record = findDeploy(history, deployId);
    } catch (err) {
      void vscode.window.showErrorMessage(toProblem(err).message);
      return;
    }
    if (!record) {
      const withBuild = history.filter((r) => recordBuild(r));
      if (!withBuild.length) {
        void vscode.window.showInformationMessage('No past deploy of this workspace ran a Cloud Build build yet.');
        return;
      }
      record = (await vscode.window.showQuickPick(withBuild.map(item), { title, matchOnDetail: true, matchOnDescription: true }))?.record;
    }
    return record;
  };

  const openInConsole = async (deployId?: unknown): Promise<void> => {
    const r = await pick(deployId, 'Open the Cloud Build build of which deploy?');
    const build = r && recordBuild(r);
    if (!build) return;
    await vscode.env.openExternal(vscode.Uri.parse(cloudConsoleUrl({ kind: 'build', project: build.project, region: build.region, buildId: build.id })));
  };

  const show = async (deployId?: unknown): Promise<void> => {
    const r = await pick(deployId, 'Show the build log of which deploy?');
    if (!r) return;
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${encodeURIComponent(r.deployId)}/build.log` });
    try {
      const text = await withCancellableProgress(`Reading the build log of deploy ${r.deployId}…`, undefined, async (signal) =>
        pastBuildLogDocument(r, await readPastBuildLog(deps.ports().build, r, MAX_VIEW_LOG_LINES, signal)),
      );
      texts.set(uri.toString(), text);
    } catch (err) {
      if (isCancelled(err)) return;
      const p = toProblem(err);
      void vscode.window.showErrorMessage(p.fix ? `${p.message} ${p.fix}` : p.message);
      return;
    }
    changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'log') await Promise.resolve(vscode.languages.setTextDocumentLanguage(doc, 'log')).catch(() => undefined);
    await vscode.window.showTextDocument(doc, { preview: true });
  };

  const changed = new vscode.EventEmitter<vscode.Uri>();
  provider.onDidChange = changed.event;
  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === SCHEME) texts.delete(doc.uri.toString());
    }),
    vscode.commands.registerCommand(SHOW_PAST_BUILD_LOG_COMMAND, show),
    vscode.commands.registerCommand(OPEN_BUILD_IN_CONSOLE_COMMAND, openInConsole),
  );
}
