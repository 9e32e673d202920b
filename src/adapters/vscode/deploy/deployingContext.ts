import * as vscode from 'vscode';
import type { DeploySession } from '../../../core/deploy/deploySession';

/**
 * Keeps the `devgem.deploying` context key (which of Deploy / Cancel the
 * view's title bar shows) in step with the session, and calls `ended` when a
 * deploy ends: it may have created a service or a revision worth showing.
 */
export function trackDeploying(session: DeploySession, ended: () => void): vscode.Disposable {
  let deploying = false;
  return session.onDidChange((s) => {
    if (s.busy === deploying) return;
    deploying = s.busy;
    void vscode.commands.executeCommand('setContext', 'devgem.deploying', deploying);
    if (!deploying) ended();
  });
}
