import { createHash, randomBytes } from 'node:crypto';

/** A stable fake 12-digit project number derived from the project id. */
export function projectNumber(projectId: string): string {
  const h = createHash('sha256').update(projectId).digest();
  const n = h.readUInt32BE(0) * 1000 + (h.readUInt16BE(4) % 1000);
  return String(100000000000 + (n % 899999999999));
}

/** Lowercase letters for generated names and etags (revision suffixes, log insert ids). */
export function randomLetters(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + (bytes[i] % 26));
  return s;
}
