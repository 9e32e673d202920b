import type { LogBuffer } from './logBuffer';

/** What a `log` host message carries: lines of `deployId`'s log from index `from`. */
export interface LogDelta {
  deployId: string;
  from: number;
  lines: string[];
}

export interface LogStreamOptions {
  /** Least time between two sends while lines stream in (50 ms: at most 20 messages a second). */
  intervalMs?: number;
  /**
   * Most lines in one message; a replay of 100k lines goes as several. Small
   * enough that the webview handles one in a few ms and draws between them
   * (see docs/benchmarks.md, "Webview").
   */
  maxLines?: number;
  now?: () => number;
}

/**
 * Turns a LogBuffer into `log` messages for a view: new lines go out batched
 * (a build printing thousands of lines a second costs the view at most 20
 * messages a second), and a view that (re)loads gets everything kept again.
 */
export class LogDeltaStream {
  private sentDeployId: string | undefined;
  /** Absolute index of the next line to send. */
  private sent = 0;
  private lastFlush = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly intervalMs: number;
  private readonly maxLines: number;
  private readonly now: () => number;

  constructor(
    private readonly buffer: LogBuffer,
    private readonly post: (delta: LogDelta) => void,
    options: LogStreamOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 50;
    this.maxLines = options.maxLines ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** Lines arrived in the buffer: send them soon, with whatever else arrives meanwhile. */
  notify(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** The view (re)loaded and has only what its snapshot held: send every kept line, now. */
  replay(): void {
    this.sentDeployId = undefined;
    this.flush();
  }

  /** Sends what the view has not had yet. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = this.now();
    const deployId = this.buffer.deployId;
    if (deployId === undefined) return;
    if (deployId !== this.sentDeployId) {
      this.sentDeployId = deployId;
      this.sent = 0;
    }
    const total = this.buffer.total;
    for (let from = Math.max(this.sent, this.buffer.dropped); from < total; from += this.maxLines) {
      this.post({ deployId, from, lines: this.buffer.slice(from, Math.min(from + this.maxLines, total)) });
    }
    this.sent = total;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
