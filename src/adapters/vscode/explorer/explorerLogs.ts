import * as vscode from 'vscode';
import { formatLogEntry, tailServiceLogs } from '../../../core/logs/logTailer';
import type { LoggingPort, LogSeverity, ServiceRef } from '../../../core/cloud/ports';
import { toProblem } from '../../../core/base/errors';
import { realClock } from '../../../core/base/wait';

/** A tail left open is stopped after this long, so a forgotten channel does not poll forever. */
const MAX_TAIL_MS = 60 * 60_000;

const SEVERITIES: (vscode.QuickPickItem & { min?: LogSeverity })[] = [
  { label: 'All entries' },
  { label: 'INFO and above', min: 'INFO' },
  { label: 'WARNING and above', min: 'WARNING' },
  { label: 'ERROR and above', min: 'ERROR' },
];

interface Tail {
  channel: vscode.OutputChannel;
  stop: AbortController;
}

/** One output channel per service, following its logs until stopped, replaced or disposed. */
export class ServiceLogTails implements vscode.Disposable {
  private readonly tails = new Map<string, Tail>();

  constructor(private readonly logging: () => LoggingPort) {}

  async show(ref: ServiceRef): Promise<void> {
    const picked = await vscode.window.showQuickPick(SEVERITIES, { title: `Logs of ${ref.service}: which entries?`, placeHolder: 'Severity filter' });
    if (!picked) return;
    const key = `${ref.project}/${ref.region}/${ref.service}`;
    this.stopTail(key, false);
    const channel = vscode.window.createOutputChannel(`Devgem: ${ref.service} logs`);
    const stop = new AbortController();
    this.tails.set(key, { channel, stop });
    channel.show(true);
    channel.appendLine(
      `Newest entries of ${ref.service} (${ref.region}, project ${ref.project}), ${picked.label.toLowerCase()}; following new ones every few seconds. Devgem: Stop Tailing Logs ends this.`,
    );
    const deadline = setTimeout(() => {
      channel.appendLine(`— Stopped following after ${MAX_TAIL_MS / 60_000} minutes; Show Logs again to continue. —`);
      stop.abort();
    }, MAX_TAIL_MS);
    let lastError = '';
    try {
      await tailServiceLogs(
        this.logging(),
        { ref, minSeverity: picked.min },
        {
          entries: (entries) => {
            lastError = '';
            for (const e of entries) channel.appendLine(formatLogEntry(e));
          },
          error: (err, retryInMs) => {
            const p = toProblem(err);
            const text = `${p.message}${p.fix ? ` ${p.fix}` : ''}`;
            // The same failure every few seconds would bury the log: say it once until it changes.
            if (text !== lastError) channel.appendLine(`— Could not read the logs: ${text} Retrying in ${Math.round(retryInMs / 1000)} s. —`);
            lastError = text;
          },
        },
        realClock,
        stop.signal,
      );
    } finally {
      clearTimeout(deadline);
      if (this.tails.get(key)?.stop === stop) this.tails.delete(key);
    }
  }

  /** Asks which tail to stop when several run. */
  async stopTailing(): Promise<void> {
    const keys = [...this.tails.keys()];
    if (keys.length === 0) {
      void vscode.window.showInformationMessage('No Devgem log tail is running.');
      return;
    }
    let key: string | undefined = keys[0];
    if (keys.length > 1) key = (await vscode.window.showQuickPick(keys, { title: 'Stop following the logs of…' })) ?? undefined;
    if (key) this.stopTail(key, true);
  }

  private stopTail(key: string, keepChannel: boolean): void {
    const tail = this.tails.get(key);
    if (!tail) return;
    this.tails.delete(key);
    tail.stop.abort();
    if (keepChannel) tail.channel.appendLine('— Stopped following the logs. —');
    else tail.channel.dispose();
  }

  dispose(): void {
    for (const key of [...this.tails.keys()]) this.stopTail(key, false);
  }
}
