import type { LogLines } from './logLines';

/**
 * Find in the log pane: plain text, case-insensitive, one match per line that
 * contains the query (a log is read by the line). Matches are absolute line
 * indexes, kept up to date as lines arrive and old ones drop out, so the
 * count stays right while a build streams.
 */
export class LogSearch {
  private needle = '';
  /** Absolute indexes of matching lines, ascending. */
  private hits: number[] = [];
  /** Position in `hits` of the current match, or -1 before Next/Previous. */
  private pos = -1;

  get query(): string {
    return this.needle;
  }

  get count(): number {
    return this.hits.length;
  }

  /** 1-based number of the current match, 0 when there is none. */
  get currentNumber(): number {
    return this.pos + 1;
  }

  /** Absolute index of the current match's line. */
  get currentLine(): number | undefined {
    return this.pos >= 0 ? this.hits[this.pos] : undefined;
  }

  /** A new query: scans every kept line. */
  setQuery(query: string, lines: LogLines): void {
    this.needle = query.toLowerCase();
    this.rescan(lines);
  }

  /** After the kept range changed wholesale. */
  rescan(lines: LogLines): void {
    this.hits = [];
    this.pos = -1;
    if (this.needle) this.scan(lines, lines.base);
  }

  /** After `added` lines were appended and `dropped` fell out at the top. */
  update(lines: LogLines, added: number, dropped: number): void {
    if (!this.needle) return;
    if (dropped) {
      let gone = 0;
      while (gone < this.hits.length && this.hits[gone] < lines.base) gone++;
      if (gone) {
        this.hits = this.hits.slice(gone);
        this.pos = this.pos < 0 ? -1 : Math.max(0, this.pos - gone);
        if (!this.hits.length) this.pos = -1;
      }
    }
    if (added) this.scan(lines, lines.end - added);
  }

  /** Moves to the next (or previous) match from the current one, or from `fromLine` when there is none; wraps around. */
  step(direction: 1 | -1, fromLine: number): number | undefined {
    if (!this.hits.length) return undefined;
    if (this.pos < 0) {
      // The first match at or below (above) where the reader is looking.
      const i = this.hits.findIndex((h) => h >= fromLine);
      this.pos = direction === 1 ? (i < 0 ? 0 : i) : i < 0 ? this.hits.length - 1 : i === 0 ? this.hits.length - 1 : i - 1;
    } else {
      this.pos = (this.pos + direction + this.hits.length) % this.hits.length;
    }
    return this.hits[this.pos];
  }

  /** [start, end) character ranges of the query in `line`, for highlighting. */
  ranges(line: string): [number, number][] {
    if (!this.needle) return [];
    const out: [number, number][] = [];
    const hay = line.toLowerCase();
    // toLowerCase can change the length of some characters; highlight only where it did not.
    if (hay.length !== line.length) return hay.includes(this.needle) ? [[0, line.length]] : [];
    for (let i = hay.indexOf(this.needle); i >= 0; i = hay.indexOf(this.needle, i + this.needle.length)) out.push([i, i + this.needle.length]);
    return out;
  }

  private scan(lines: LogLines, from: number): void {
    for (const [i, line] of lines.entries(from)) if (line.toLowerCase().includes(this.needle)) this.hits.push(i);
  }
}
