/** "0s", "42s", "3m 07s", "1h 02m": compact enough for a narrow sidebar. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  if (hours > 0) return `${hours}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** Elapsed between two host timestamps; `end` missing means still running. */
export function elapsedBetween(start: number | undefined, end: number | undefined, now: number): number | undefined {
  if (start === undefined) return undefined;
  return Math.max(0, (end ?? now) - start);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
