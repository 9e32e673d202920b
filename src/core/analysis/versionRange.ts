// Does a project's version range allow a runtime line? One reader for the
// range syntaxes projects write: npm's engines.node, Composer's require.php,
// PEP 440's requires-python and Bundler's `ruby "~> 3.2"`. A line ("24",
// "3.14", "8.5") stands for every release in it; a range allows the line when
// it allows at least one of them.

export type RangeDialect = 'npm' | 'composer' | 'pep440' | 'gem';

type Parts = number[];

function parse(v: string): Parts | undefined {
  const m = /^v?(\d+)(?:\.(\d+|[x*]))?(?:\.(\d+|[x*]))?/i.exec(v.trim());
  if (!m) return undefined;
  const out: Parts = [Number(m[1])];
  for (const p of [m[2], m[3]]) {
    if (p === undefined || /[x*]/i.test(p)) break;
    out.push(Number(p));
  }
  return out;
}

/** Compares the first `n` parts (missing parts count as 0). */
function cmp(a: Parts, b: Parts, n: number): number {
  for (let i = 0; i < n; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Whether some release of `line` satisfies one comparator. */
function allowsOne(op: string, v: Parts, line: Parts, dialect: RangeDialect): boolean {
  const n = line.length;
  const common = Math.min(n, v.length);
  switch (op) {
    case '>=':
      return cmp(line, v, common) >= 0;
    case '>':
      // ">3.9.1" still allows the 3.9 line; ">18" means 19 and later.
      return v.length > n ? cmp(line, v, n) >= 0 : cmp(line, v, common) > 0;
    case '<':
      return cmp([...line, 0, 0], v, Math.max(n, v.length)) < 0;
    case '<=':
      return cmp(line, v, common) <= 0;
    case '!=':
      return v.length > n || cmp(line, v, common) !== 0;
    case '^': {
      if (cmp(line, v, common) < 0) return false;
      // ^0.x pins the minor, ^X pins the major.
      return v[0] === 0 && v.length > 1 ? line[0] === 0 && (n < 2 || line[1] === v[1]) : line[0] === v[0];
    }
    case '~':
    case '~>':
    case '~=': {
      if (cmp(line, v, common) < 0) return false;
      // npm ~1.2 stays on 1.2; Composer ~8.1, PEP 440 ~=3.9 and Bundler ~> 3.1 stay on the major.
      const fixed = dialect === 'npm' ? Math.min(v.length, 2) : Math.max(v.length - 1, 1);
      return cmp(line, v, Math.min(fixed, n)) === 0;
    }
    default:
      return cmp(line, v, common) === 0;
  }
}

/** True when `spec` allows some release of `line`; true for an empty or unreadable spec (it excludes nothing we can tell). */
export function rangeAllows(spec: string, line: string, dialect: RangeDialect): boolean {
  const target = parse(line);
  if (!target) return false;
  const alternatives = spec.split(dialect === 'composer' ? /\|\|?/ : /\|\|/);
  return alternatives.some((alt) => {
    const text = alt.trim();
    if (!text || text === '*' || text === 'x' || /^latest$/i.test(text)) return true;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) {
      const lo = parse(hyphen[1]);
      const hi = parse(hyphen[2]);
      return !!lo && !!hi && allowsOne('>=', lo, target, dialect) && allowsOne('<=', hi, target, dialect);
    }
    // Comparators are separated by commas (PEP 440, Bundler) or spaces (npm, Composer).
    const comparators = [...text.matchAll(/(>=|<=|~>|~=|==|!=|>|<|=|\^|~)?\s*(v?\d+(?:\.(?:\d+|[x*]))*(?:\.\*)?)/gi)];
    if (!comparators.length) return true;
    return comparators.every(([, op, v]) => {
      const parts = parse(v);
      return !parts || allowsOne(op ?? '', parts, target, dialect);
    });
  });
}

/** True when the spec names exactly one line (a pin such as "20", "3.11.4", "=8.1"), not a range. */
export function isPin(spec: string): boolean {
  return /^\s*(?:==?|v)?\s*\d+(?:\.\d+){0,2}\s*$/.test(spec);
}
