import { stripAnsi } from '../../shared/ansi';
import { MAX_VIEW_LOG_LINES, type DeployState } from '../../shared/protocol';

/**
 * The current deploy's build log as the host keeps it for the log pane and
 * "Open in editor": the newest `capacity` lines in a ring, so appending is
 * O(1) however long the build runs, plus a count of the lines that fell out.
 *
 * Lines are addressed by their absolute index from the deploy's first line
 * (the `from` of a `log` host message), so a reader can ask for "everything
 * after what I already sent" without knowing what was dropped meanwhile.
 */
export class LogBuffer {
  private ring: string[] = [];
  /** Where the oldest kept line sits in `ring` once it is full. */
  private head = 0;
  private appended = 0;
  private id: string | undefined;

  constructor(readonly capacity = MAX_VIEW_LOG_LINES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LogBuffer capacity must be a positive integer, got ${capacity}`);
  }

  /** The deploy these lines belong to (undefined before the first one). */
  get deployId(): string | undefined {
    return this.id;
  }

  /** Lines appended since the deploy started, kept or not; the index the next line gets. */
  get total(): number {
    return this.appended;
  }

  /** Lines that fell out at the top; also the absolute index of the oldest kept line. */
  get dropped(): number {
    return this.appended - this.ring.length;
  }

  get length(): number {
    return this.ring.length;
  }

  /** Starts over for a new deploy; `startIndex` is the index of the first line to come. */
  reset(deployId: string | undefined, startIndex = 0): void {
    this.ring = [];
    this.head = 0;
    this.appended = startIndex;
    this.id = deployId;
  }

  /**
   * Appends a log event's lines, `state` being the deploy with them folded in.
   * A buffer that has not seen this deploy (a window reload restored it) first
   * takes the lines the state kept, so indexes stay those of the deploy's log.
   */
  appendFrom(state: Pick<DeployState, 'deployId' | 'log' | 'droppedLogLines'>, lines: readonly string[]): void {
    if (state.deployId !== this.id) {
      const before = Math.max(0, state.log.length - lines.length);
      this.reset(state.deployId, state.droppedLogLines + state.log.length - lines.length - before);
      this.append(state.deployId, state.log.slice(0, before));
    }
    this.append(state.deployId, lines);
  }

  /** Adds lines of `deployId`'s log; lines of another deploy than the current one start the buffer over. */
  append(deployId: string, lines: readonly string[]): void {
    if (deployId !== this.id) this.reset(deployId);
    for (const line of lines) {
      if (this.ring.length < this.capacity) this.ring.push(line);
      else {
        this.ring[this.head] = line;
        this.head = (this.head + 1) % this.capacity;
      }
    }
    this.appended += lines.length;
  }

  /**
   * Kept lines with absolute indexes in [from, to), clamped to what is kept:
   * asking from 0 after a drop starts at the oldest kept line (see `dropped`).
   */
  slice(from = 0, to = this.appended): string[] {
    const start = Math.max(from, this.dropped) - this.dropped;
    const end = Math.min(to, this.appended) - this.dropped;
    if (end <= start) return [];
    const n = this.ring.length;
    const a = (this.head + start) % n;
    const b = (this.head + end) % n;
    // At most two contiguous runs of the ring.
    if (a < b || (b === 0 && a < n)) return this.ring.slice(a, b === 0 ? n : b);
    return this.ring.slice(a).concat(this.ring.slice(0, b));
  }
}

/**
 * The text of the "build log" editor document for `deployId`: the buffer's
 * lines when it holds that deploy, else the tail the deploy state kept (after
 * a window reload the buffer starts empty), with a first line saying what is
 * missing. ANSI colours are stripped: the editor shows text.
 */
export function buildLogDocument(deployId: string, buffer: LogBuffer, state: Pick<DeployState, 'deployId' | 'log' | 'droppedLogLines'> | undefined): string {
  let lines: string[];
  let missing: number;
  if (buffer.deployId === deployId && (buffer.total > 0 || state?.deployId !== deployId)) {
    lines = buffer.slice();
    missing = buffer.dropped;
  } else if (state?.deployId === deployId) {
    lines = state.log;
    missing = state.droppedLogLines;
  } else {
    return `[Devgem] The build log of deploy ${deployId} is no longer kept: only the current deploy's is. The Devgem output channel has the lines logged in this window.\n`;
  }
  const head =
    missing > 0
      ? [`[Devgem] ${missing} earlier ${missing === 1 ? 'line is' : 'lines are'} not kept here; the Devgem output channel has the lines logged in this window.`]
      : [];
  if (!lines.length && !missing) return '[Devgem] No build log lines yet.\n';
  return `${head.concat(lines.map(stripAnsi)).join('\n')}\n`;
}
