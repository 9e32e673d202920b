import { stripAnsi } from '../../../src/shared/ansi';
import { MAX_VIEW_LOG_LINES } from '../../../src/shared/protocol';

/** What a merge did, so search and scrolling can update incrementally. */
export type MergeResult =
  /** `added` lines went on the end; `dropped` oldest ones fell out to stay within capacity. */
  | { kind: 'append'; added: number; dropped: number }
  /** The kept range moved in a way appending cannot express; everything is new. */
  | { kind: 'reset' };

/** Below this much garbage at the front, compacting is not worth a copy. */
const COMPACT_MIN = 16_384;

/**
 * The log pane's lines: up to `capacity` of them, as plain text (ANSI
 * stripped once, on arrival), addressed by their index from the deploy's
 * first line. Lines come from two overlapping sources, snapshots (the newest
 * 2000) and streamed `log` messages (everything), so `merge` takes a run of
 * lines at any index and keeps one contiguous range.
 */
export class LogLines {
  /** Kept lines are `lines[head..]`; the front is garbage until compacted. */
  private lines: string[] = [];
  private head = 0;
  /** Absolute index of the first kept line (lines before it were dropped). */
  private first = 0;
  private id: string | undefined;

  constructor(readonly capacity = MAX_VIEW_LOG_LINES) {}

  get deployId(): string | undefined {
    return this.id;
  }

  get base(): number {
    return this.first;
  }

  get length(): number {
    return this.lines.length - this.head;
  }

  /** Absolute index after the last kept line. */
  get end(): number {
    return this.first + this.length;
  }

  /** The line at absolute index `i`, if kept. */
  at(i: number): string | undefined {
    return i >= this.first && i < this.end ? this.lines[this.head + i - this.first] : undefined;
  }

  reset(deployId: string | undefined, base = 0): void {
    this.id = deployId;
    this.lines = [];
    this.head = 0;
    this.first = base;
  }

  /** Takes `incoming` as the lines at absolute indexes `from`, `from + 1`, …; overlap with kept lines is skipped. */
  merge(from: number, incoming: readonly string[]): MergeResult {
    const to = from + incoming.length;
    if (to <= this.end && from >= this.first) return { kind: 'append', added: 0, dropped: 0 };
    if (from > this.end || to < this.first || (this.length === 0 && from !== this.first)) {
      // Not touching what is kept (a gap, or wholly older): start from these.
      this.lines = incoming.map(stripAnsi);
      this.head = 0;
      this.first = from;
      this.trim();
      return { kind: 'reset' };
    }
    if (from < this.first) {
      // Older lines that reach what is kept (a replay after a reload): put them in front.
      const kept = this.lines.slice(this.head + Math.max(0, to - this.first));
      this.lines = incoming.map(stripAnsi).concat(kept);
      this.head = 0;
      this.first = from;
      this.trim();
      return { kind: 'reset' };
    }
    const skip = this.end - from;
    for (let i = skip; i < incoming.length; i++) this.lines.push(stripAnsi(incoming[i]));
    return { kind: 'append', added: incoming.length - skip, dropped: this.trim() };
  }

  /** Indexes in [from, to) (absolute, clamped to what is kept) and their lines. */
  *entries(from = this.first, to = this.end): Generator<[number, string]> {
    for (let i = Math.max(from, this.first); i < Math.min(to, this.end); i++) yield [i, this.lines[this.head + i - this.first]];
  }

  /** Drops the oldest lines past the capacity; how many. */
  private trim(): number {
    const over = this.length - this.capacity;
    if (over <= 0) return 0;
    this.head += over;
    this.first += over;
    // Amortised O(1): copy the kept lines only once the garbage outweighs them.
    if (this.head >= COMPACT_MIN && this.head > this.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
    return over;
  }
}
