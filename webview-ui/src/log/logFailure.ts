import { stripAnsi } from '../../../src/shared/ansi';
import type { DeployResult } from '../../../src/shared/protocol';
import type { LogLines } from './logLines';

/** Lines build tools print when something breaks (npm, pip, docker, go, gradle, Cloud Build). */
const ERROR_LINE = /\berror\b|ERR!|\bfailed\b|\bfatal\b|returned a non-zero code/i;
/** How far back from the end to look for the failure's tail lines. */
const TAIL_WINDOW = 5000;

/**
 * Which log lines explain a failed deploy: those of the problem's log tail
 * (what the build stage picked as the reason) and any line that looks like an
 * error. Only for failures the build log can explain: the build itself and
 * the health check after it.
 */
export class LogFailure {
  private tail = new Set<string>();
  private tailFirst: string | undefined;
  private on = false;

  get active(): boolean {
    return this.on;
  }

  /** Returns true when the highlighting changed. */
  set(result: DeployResult | undefined): boolean {
    const failed = result?.outcome === 'failed' && (result.stage === 'build' || result.stage === 'verify');
    const tail = failed ? (result.problem.logTail ?? []).map(stripAnsi) : [];
    const changed = failed !== this.on || tail.length !== this.tail.size || tail.some((l) => !this.tail.has(l));
    this.on = failed;
    this.tail = new Set(tail);
    this.tailFirst = tail.find((l) => l.trim());
    return changed;
  }

  isFailing(line: string): boolean {
    return this.on && (this.tail.has(line) || ERROR_LINE.test(line));
  }

  /**
   * The line to show first: the first error line of the failure's tail where
   * it appears at the end of the log (earlier "error" lines are usually noise,
   * like a package named error-ex), else the tail's first line, else the first
   * error line anywhere.
   */
  firstLine(lines: LogLines): number | undefined {
    if (!this.on) return undefined;
    if (this.tailFirst !== undefined) {
      let start: number | undefined;
      for (let i = lines.end - 1; i >= Math.max(lines.base, lines.end - TAIL_WINDOW); i--) {
        if (lines.at(i) === this.tailFirst) {
          start = i;
          break;
        }
      }
      if (start !== undefined) {
        for (const [i, line] of lines.entries(start)) if (ERROR_LINE.test(line)) return i;
        return start;
      }
    }
    for (const [i, line] of lines.entries()) if (this.isFailing(line)) return i;
    return undefined;
  }
}
