import * as vscode from 'vscode';
import { CancelledError } from '../../core/base/errors';
import { bounded } from '../../core/base/wait';
import { abortSignalOf } from './lifecycle';

/**
 * Runs `work` under a progress notification whose Cancel aborts its signal, bounded by
 * `ms` when given (a cancel rejects as a CancelledError, a timeout with its message). A
 * window-location progress is quiet and has no Cancel.
 */
export function withCancellableProgress<T>(
  title: string,
  ms: number | undefined,
  work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string }>) => Promise<T>,
  location: vscode.ProgressLocation = vscode.ProgressLocation.Notification,
): Promise<T> {
  const cancellable = location === vscode.ProgressLocation.Notification;
  return Promise.resolve(
    vscode.window.withProgress({ location, title, cancellable }, async (progress, token) => {
      const cancel = abortSignalOf(token);
      try {
        return ms === undefined ? await work(cancel.signal, progress) : await bounded(title, ms, cancel.signal, (s) => work(s, progress));
      } catch (err) {
        // Whatever the work threw once Cancel was pressed, the caller sees one cancellation.
        throw cancel.signal.aborted ? new CancelledError() : err;
      } finally {
        cancel.dispose();
      }
    }),
  );
}
