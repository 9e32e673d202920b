// Which runtime versions are supported, when each line reaches end of life,
// and which one a generated Dockerfile uses when the project leaves it open.
// Checked by hand against each project's release schedule; re-check it and
// move RUNTIMES_CHECKED when a line is released or retired.
//
// Sources (2026-12-07): nodejs/Release schedule (26 "Lithium" active LTS since
// 2026-10-28, 24 "Krypton" maintenance, 20 EOL 2026-04-30); Python devguide
// release-cycle (3.15.0 2026-10-01, 3.10 EOL 2026-10); go.dev release policy
// (1.27 in 2026-08 retired 1.25); Adoptium Temurin support (LTS 8/11/17/21/25);
// ruby-lang branches (3.2 EOL 2026-03, 4.0 since 2025-12-25); php.net supported
// versions (8.6.0 2026-11-19, 8.2 EOL 2026-12-31); .NET support policy (8 and 9
// EOL 2026-11-10, 10 LTS, 11 STS); nginx (1.30 stable since 2026-04); Deno 2 and
// Bun 1 ship continuous releases of one supported line.

/** The day this table was last checked against the upstream schedules. */
export const RUNTIMES_CHECKED = '2026-12-07';

export type RuntimeId = 'node' | 'python' | 'go' | 'java' | 'ruby' | 'php' | 'dotnet' | 'deno' | 'bun' | 'nginx';

export interface RuntimeLine {
  /** The line as image tags name it: "24", "3.14", "1.27", "8.5", "10.0", "2", "1.30". */
  line: string;
  released: string;
  /** First day without security fixes (YYYY-MM-DD). */
  eol: string;
  codename?: string;
  lts?: boolean;
  /** When the line became LTS (Node.js lines are "Current" for their first six months). */
  ltsFrom?: string;
}

export interface Runtime {
  id: RuntimeId;
  /** How people call it: "Node.js", "Python" … */
  name: string;
  /** Newest first. */
  lines: RuntimeLine[];
  /** The line a Dockerfile uses when the project allows it. */
  preferred: string;
  /** Why that line, in a few words, for the analysis to say. */
  why: string;
  /** The base image for a line. */
  image(line: string): string;
}

const line = (l: string, released: string, eol: string, extra: Partial<RuntimeLine> = {}): RuntimeLine => ({ line: l, released, eol, ...extra });

// Defaults follow one rule: the newest supported line that has been out long
// enough for its ecosystem (binary wheels, native gems, extensions) to catch up,
// and an LTS line where the language has them.
export const RUNTIMES: Record<RuntimeId, Runtime> = {
  node: {
    id: 'node',
    name: 'Node.js',
    lines: [
      line('27', '2027-04-20', '2030-04-30'),
      line('26', '2026-05-05', '2029-04-30', { codename: 'lithium', lts: true, ltsFrom: '2026-10-28' }),
      line('25', '2025-10-15', '2026-06-01'),
      line('24', '2025-05-06', '2028-04-30', { codename: 'krypton', lts: true, ltsFrom: '2025-10-28' }),
      line('23', '2024-10-16', '2025-06-01'),
      line('22', '2024-04-24', '2027-04-30', { codename: 'jod', lts: true, ltsFrom: '2024-10-29' }),
      line('21', '2023-10-17', '2024-06-01'),
      line('20', '2023-04-18', '2026-04-30', { codename: 'iron', lts: true }),
      line('19', '2022-10-18', '2023-06-01'),
      line('18', '2022-04-19', '2025-04-30', { codename: 'hydrogen', lts: true }),
      line('16', '2021-04-20', '2023-09-11', { codename: 'gallium', lts: true }),
      line('14', '2020-04-21', '2023-04-30', { codename: 'fermium', lts: true }),
      line('12', '2019-04-23', '2022-04-30', { codename: 'erbium', lts: true }),
      line('10', '2018-04-24', '2021-04-30', { codename: 'dubnium', lts: true }),
      line('8', '2017-05-30', '2019-12-31', { codename: 'carbon', lts: true }),
      line('6', '2016-04-26', '2019-04-30', { codename: 'boron', lts: true }),
      line('4', '2015-09-08', '2018-04-30', { codename: 'argon', lts: true }),
    ],
    preferred: '26',
    why: 'the active LTS',
    image: (l) => `node:${l}-slim`,
  },
  python: {
    id: 'python',
    name: 'Python',
    lines: [
      line('3.15', '2026-10-01', '2031-10-31'),
      line('3.14', '2025-10-07', '2030-10-31'),
      line('3.13', '2024-10-07', '2029-10-31'),
      line('3.12', '2023-10-02', '2028-10-31'),
      line('3.11', '2022-10-24', '2027-10-31'),
      line('3.10', '2021-10-04', '2026-10-31'),
      line('3.9', '2020-10-05', '2025-10-31'),
      line('3.8', '2019-10-14', '2024-10-07'),
      line('3.7', '2018-06-27', '2023-06-27'),
    ],
    // 3.15 came out on 2026-10-01: binary wheels for it still lag.
    preferred: '3.14',
    why: 'the newest with a year of binary wheels',
    image: (l) => `python:${l}-slim`,
  },
  go: {
    id: 'go',
    name: 'Go',
    lines: [
      line('1.27', '2026-08-11', '2027-08-10'),
      line('1.26', '2026-02-10', '2027-02-09'),
      line('1.25', '2025-08-12', '2026-08-11'),
      line('1.24', '2025-02-11', '2026-02-10'),
      line('1.23', '2024-08-13', '2025-08-12'),
      line('1.22', '2024-02-06', '2025-02-11'),
      line('1.21', '2023-08-08', '2024-08-13'),
    ],
    // The Go 1 promise: newer toolchains build older modules, so the newest release is the safe pick.
    preferred: '1.27',
    why: 'the newest release',
    image: (l) => `golang:${l}`,
  },
  java: {
    id: 'java',
    name: 'Java',
    lines: [
      line('27', '2026-09-15', '2027-03-16'),
      line('26', '2026-03-17', '2026-09-15'),
      line('25', '2025-09-16', '2031-09-30', { lts: true }),
      line('24', '2025-03-18', '2025-09-16'),
      line('23', '2024-09-17', '2025-03-18'),
      line('22', '2024-03-19', '2024-09-17'),
      line('21', '2023-09-19', '2029-12-31', { lts: true }),
      line('17', '2021-09-14', '2027-10-31', { lts: true }),
      line('11', '2018-09-25', '2027-10-31', { lts: true }),
      line('8', '2014-03-18', '2030-12-31', { lts: true }),
    ],
    preferred: '25',
    why: 'the newest LTS',
    image: (l) => `eclipse-temurin:${l}-jre`,
  },
  ruby: {
    id: 'ruby',
    name: 'Ruby',
    lines: [
      line('4.0', '2025-12-25', '2029-03-31'),
      line('3.4', '2024-12-25', '2028-03-31'),
      line('3.3', '2023-12-25', '2027-03-31'),
      line('3.2', '2022-12-25', '2026-03-31'),
      line('3.1', '2021-12-25', '2025-03-26'),
      line('3.0', '2020-12-25', '2024-04-23'),
      line('2.7', '2019-12-25', '2023-03-31'),
    ],
    // 4.0 changed the C API; native gems pinned in older lockfiles may not build on it.
    preferred: '3.4',
    why: 'the newest line its native gems all build on',
    image: (l) => `ruby:${l}-slim`,
  },
  php: {
    id: 'php',
    name: 'PHP',
    lines: [
      line('8.6', '2026-11-19', '2030-12-31'),
      line('8.5', '2025-11-20', '2029-12-31'),
      line('8.4', '2024-11-21', '2028-12-31'),
      line('8.3', '2023-11-23', '2027-12-31'),
      line('8.2', '2022-12-08', '2026-12-31'),
      line('8.1', '2021-11-25', '2025-12-31'),
      line('8.0', '2020-11-26', '2023-11-26'),
      line('7.4', '2019-11-28', '2022-11-28'),
    ],
    // 8.6 came out on 2026-11-19: PECL extensions (redis, imagick …) had no release for it yet.
    preferred: '8.5',
    why: 'the newest line its extensions support',
    image: (l) => `php:${l}-apache`,
  },
  dotnet: {
    id: 'dotnet',
    name: '.NET',
    lines: [
      line('11.0', '2026-11-10', '2028-11-14'),
      line('10.0', '2025-11-11', '2028-11-14', { lts: true }),
      line('9.0', '2024-11-12', '2026-11-10'),
      line('8.0', '2023-11-14', '2026-11-10', { lts: true }),
      line('7.0', '2022-11-08', '2024-05-14'),
      line('6.0', '2021-11-08', '2024-11-12', { lts: true }),
      line('5.0', '2020-11-10', '2022-05-10'),
      line('3.1', '2019-12-03', '2022-12-13', { lts: true }),
    ],
    preferred: '10.0',
    why: 'the newest LTS',
    image: (l) => `mcr.microsoft.com/dotnet/aspnet:${l}`,
  },
  deno: {
    id: 'deno',
    name: 'Deno',
    lines: [line('2', '2024-10-09', '2099-12-31'), line('1', '2020-05-13', '2025-04-30')],
    preferred: '2',
    why: 'the current major',
    image: () => `denoland/deno:${DENO_IMAGE_VERSION}`,
  },
  bun: {
    id: 'bun',
    name: 'Bun',
    lines: [line('1', '2023-09-08', '2099-12-31')],
    preferred: '1',
    why: 'the current major',
    image: (l) => `oven/bun:${l}-slim`,
  },
  nginx: {
    id: 'nginx',
    name: 'nginx',
    lines: [line('1.30', '2026-04-14', '2027-04-30'), line('1.28', '2025-04-23', '2026-04-14'), line('1.26', '2024-04-23', '2025-04-23')],
    preferred: '1.30',
    why: 'the stable line',
    image: (l) => `nginxinc/nginx-unprivileged:${l}-alpine`,
  },
};

/** denoland/deno publishes full versions only; this is the newest 2.x release known to the table. */
export const DENO_IMAGE_VERSION = '2.9.7';

/** The image for static files, on the current nginx stable line. */
export const STATIC_IMAGE = RUNTIMES.nginx.image(RUNTIMES.nginx.preferred);

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function findLine(id: RuntimeId, version: string): RuntimeLine | undefined {
  return RUNTIMES[id].lines.find((l) => l.line === version);
}

/** Lines released by `on` and not yet past end of life, newest first. */
export function supportedLines(id: RuntimeId, on = today()): RuntimeLine[] {
  return RUNTIMES[id].lines.filter((l) => l.released <= on && l.eol > on);
}

export interface Pick {
  line: string;
  /** Why this line, e.g. 'engines.node ">=18": newest supported'. */
  reason: string;
}

/**
 * The line for a version range: the preferred line when the range allows it,
 * else the newest supported line it allows, else the newest line it allows at
 * all (end of life, which the analysis then warns about); undefined when none.
 */
export function pickLine(
  id: RuntimeId,
  allows: (line: string) => boolean,
  on = today(),
): { line: string; how: 'preferred' | 'newest supported' | 'end of life' } | undefined {
  const rt = RUNTIMES[id];
  if (allows(rt.preferred)) return { line: rt.preferred, how: 'preferred' };
  const supported = supportedLines(id, on).find((l) => allows(l.line));
  if (supported) return { line: supported.line, how: 'newest supported' };
  const any = rt.lines.find((l) => l.released <= on && allows(l.line));
  return any ? { line: any.line, how: 'end of life' } : undefined;
}

/** The node line an .nvmrc LTS code name (lts/krypton) stands for, or the newest LTS for lts/*. */
export function nodeCodename(name: string, on = today()): string | undefined {
  const n = name.toLowerCase();
  if (n === '*' || n === 'latest') return RUNTIMES.node.lines.find((l) => l.lts && (l.ltsFrom ?? l.released) <= on)?.line;
  return RUNTIMES.node.lines.find((l) => l.codename === n)?.line;
}
