// A small line diff for showing a proposed edit in the confirmation card.

const MAX_CELLS = 4_000_000;
/** What a diff says when its changed middle is too big to compare line by line (the card offers the diff editor). */
export const TOO_LARGE = 'changes too large for an inline diff';

/** Unified diff (3 lines of context) of `before` → `after`, or undefined when they are equal. */
export function unifiedDiff(path: string, before: string, after: string): string | undefined {
  if (before === after) return undefined;
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const header = [`--- a/${path}`, `+++ b/${path}`];
  const ops = diffLines(a, b);
  if (!ops) return [...header, `@@ ${TOO_LARGE} (${a.length} → ${b.length} lines) @@`].join('\n');
  const out = [...header];
  const CONTEXT = 3;
  let i = 0;
  while (i < ops.length) {
    if (ops[i].op === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    // Extend the hunk while changes are within 2×CONTEXT of each other.
    while (end < ops.length) {
      if (ops[end].op !== ' ') {
        end++;
        continue;
      }
      let run = 0;
      while (end + run < ops.length && ops[end + run].op === ' ') run++;
      if (end + run >= ops.length || run > 2 * CONTEXT) {
        end = Math.min(ops.length, end + CONTEXT);
        break;
      }
      end += run;
    }
    const hunk = ops.slice(start, end);
    const aStart = ops[start].a;
    const bStart = ops[start].b;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aStart + 1},${aLen} +${bStart + 1},${bLen} @@`, ...hunk.map((o) => `${o.op}${o.text}`));
    i = end;
  }
  return out.join('\n');
}

interface Op {
  op: ' ' | '-' | '+';
  text: string;
  /** Line index in a / b where this op sits. */
  a: number;
  b: number;
}

/** The line edits from a to b; undefined when the part between the common start and end is too big to compare. */
function diffLines(a: string[], b: string[]): Op[] | undefined {
  // Trim the common prefix and suffix, then LCS on the middle.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const n = am.length;
  const m = bm.length;
  // Only the changed middle is compared: a one-line change in a 2,000-line file stays a small diff.
  if (n * m > MAX_CELLS) return undefined;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = am[i] === bm[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Op[] = [];
  for (let k = 0; k < pre; k++) ops.push({ op: ' ', text: a[k], a: k, b: k });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && am[i] === bm[j]) {
      ops.push({ op: ' ', text: am[i], a: pre + i, b: pre + j });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Removals before additions, as diff(1) shows them.
      ops.push({ op: '-', text: am[i], a: pre + i, b: pre + j });
      i++;
    } else {
      ops.push({ op: '+', text: bm[j], a: pre + i, b: pre + j });
      j++;
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ op: ' ', text: a[a.length - suf + k], a: a.length - suf + k, b: b.length - suf + k });
  return ops;
}
