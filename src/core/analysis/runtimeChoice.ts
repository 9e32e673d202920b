// Turns what a project says about its runtime version (a pin, a range, or
// nothing) into the line its image uses, with the reason in plain words, and
// warns when that line is past (or near) its end of life, with the one-line
// change to make. The dated facts live in runtimes.ts.
import { findLine, pickLine, RUNTIMES, type RuntimeId, today } from './runtimes';
import type { Evidence, Fact, Warning } from './types';
import { rangeAllows, type RangeDialect } from './versionRange';

/** Days before end of life when the analysis starts to say so. */
const EOL_SOON_DAYS = 120;

export interface RuntimeChoice {
  fact: Fact<string>;
  warnings: Warning[];
}

/** Where the project states its version, for evidence and for the suggested change. */
export interface VersionSource {
  evidence: Evidence;
  /** The change that would move the project to `line`, e.g. `.nvmrc: 26` or `"engines": { "node": ">=26" }`. */
  fixFor(line: string): string;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

/** Warnings for running `line` of `id` as of `on`: past end of life, or close to it. */
export function eolWarnings(id: RuntimeId, line: string, source: VersionSource | undefined, on = today()): Warning[] {
  const rt = RUNTIMES[id];
  const known = findLine(id, line);
  if (!known) return [];
  const evidence = source ? [source.evidence] : [];
  const fix = source && line !== rt.preferred ? source.fixFor(rt.preferred) : undefined;
  if (known.eol <= on) {
    return [
      {
        kind: 'runtime-eol',
        message: `${rt.name} ${line} reached end of life on ${known.eol} and gets no security fixes; ${rt.name} ${rt.preferred} is ${rt.why}.`,
        evidence,
        ...(fix ? { fix } : {}),
      },
    ];
  }
  if (daysBetween(on, known.eol) <= EOL_SOON_DAYS) {
    return [
      {
        kind: 'runtime-eol-soon',
        message: `${rt.name} ${line} reaches end of life on ${known.eol}; plan the move to ${rt.name} ${rt.preferred}.`,
        evidence,
        ...(fix ? { fix } : {}),
      },
    ];
  }
  return [];
}

/** The project pins one line: keep it (the code was written for it), warning when it is end of life. */
export function pinned(id: RuntimeId, line: string, source: VersionSource, on = today()): RuntimeChoice {
  return {
    fact: { value: line, evidence: [{ ...source.evidence, detail: `${source.evidence.detail}: pinned` }] },
    warnings: eolWarnings(id, line, source, on),
  };
}

/** The project gives a range: the preferred line if it allows it, else the newest supported one it allows. */
export function ranged(id: RuntimeId, spec: string, dialect: RangeDialect, source: VersionSource, on = today()): RuntimeChoice | undefined {
  const pick = pickLine(id, (l) => rangeAllows(spec, l, dialect), on);
  if (!pick) return undefined;
  const rt = RUNTIMES[id];
  const how =
    pick.how === 'preferred'
      ? `newest supported, ${rt.why}`
      : pick.how === 'newest supported'
        ? 'newest supported it allows'
        : 'the newest it allows, past end of life';
  return {
    fact: { value: pick.line, evidence: [{ ...source.evidence, detail: `${source.evidence.detail}: ${how}` }] },
    warnings: eolWarnings(id, pick.line, source, on),
  };
}

/** Nothing in the project says: the preferred line. */
export function defaulted(id: RuntimeId, where: string, what: string): RuntimeChoice {
  const rt = RUNTIMES[id];
  return { fact: { value: rt.preferred, evidence: [{ file: where, detail: `no version in ${what}: ${rt.why}` }] }, warnings: [] };
}
