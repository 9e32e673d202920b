import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  keyword: string;
  /** Arguments text after the keyword, continuations joined. */
  args: string;
}

/** Splits a Dockerfile into instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    if (!current && (/^\s*#/.test(line) || !line.trim())) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(current);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim() });
    current = '';
  }
  if (current.trim()) {
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(current);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

/** `["a","b"]` → ['a','b']; anything else → undefined (shell form). */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(args);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    /* shell form */
  }
  return undefined;
}

/** True when a RUN command would fail deterministically (`exit 1`, `false`). */
export function runFails(args: string): boolean {
  const cmd = (execForm(args) ?? [args]).join(' ');
  return /(^|[\s;&|(])exit\s+[1-9]\d*\b/.test(cmd) || /(^|[\s;&|(])false(\s|$|;|&|\|)/.test(cmd);
}

/** How docker would show the command of a RUN in "The command '…' returned a non-zero code". */
export function shownCommand(args: string): string {
  const ex = execForm(args);
  return ex ? `[${ex.map((a) => JSON.stringify(a)).join(' ')}]` : `/bin/sh -c ${args}`;
}

export interface StartPlan {
  runnable: boolean;
  /** Why it cannot run here (when not runnable). */
  reason?: string;
  argv?: string[];
  env: Record<string, string>;
}

const SHELL_META = /[|&;<>()$`"'\\*?[\]{}~]/;

/** Decides how to run a built context locally, from its Dockerfile CMD/ENTRYPOINT. */
export function planStart(dir: string): StartPlan {
  const env: Record<string, string> = {};
  const dockerfilePath = join(dir, 'Dockerfile');
  if (!existsSync(dockerfilePath)) return { runnable: false, reason: 'no Dockerfile', env };
  const ins = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
  let cmd: string[] | undefined;
  let entry: string[] | undefined;
  let entryShell = false;
  for (const i of ins) {
    if (i.keyword === 'ENV') Object.assign(env, parseEnv(i.args));
    if (i.keyword === 'CMD') cmd = toArgv(i.args);
    if (i.keyword === 'ENTRYPOINT') {
      entry = toArgv(i.args);
      entryShell = execForm(i.args) === undefined;
    }
  }
  let argv = entry ? (entryShell ? entry : [...entry, ...(cmd ?? [])]) : cmd;
  if (!argv || argv.length === 0) return { runnable: false, reason: 'no CMD or ENTRYPOINT', env };
  const pkgPath = join(dir, 'package.json');
  let pkg: { dependencies?: Record<string, string>; scripts?: Record<string, string> } = {};
  if (existsSync(pkgPath)) {
    try {
      pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as typeof pkg;
    } catch {
      return { runnable: false, reason: 'package.json is not valid JSON', env };
    }
    if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) return { runnable: false, reason: 'package.json has dependencies', env };
  }
  const reqPath = join(dir, 'requirements.txt');
  if (existsSync(reqPath)) {
    const reqs = readFileSync(reqPath, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() && !l.trim().startsWith('#'));
    if (reqs.length > 0) return { runnable: false, reason: 'requirements.txt lists packages', env };
  }
  // npm start / npm run X → the script itself.
  if (argv[0] === 'npm' && (argv[1] === 'start' || (argv[1] === 'run' && argv[2]))) {
    const script = argv[1] === 'start' ? 'start' : argv[2];
    const body = pkg.scripts?.[script] ?? (script === 'start' && existsSync(join(dir, 'server.js')) ? 'node server.js' : undefined);
    if (!body) return { runnable: false, reason: `no "${script}" script in package.json`, env };
    argv = toArgv(body);
  }
  const prog = argv[0] === '/bin/sh' || argv[0] === 'sh' ? firstWord(argv[2] ?? '') : argv[0];
  if (!/^(node|nodejs|python|python3|sh|bash|\/bin\/sh|\/bin\/bash|\/usr\/local\/bin\/node|\/usr\/local\/bin\/python3?)$/.test(prog)) {
    return { runnable: false, reason: `'${prog}' cannot run outside a container here`, env };
  }
  argv = argv.map((a, i) => (i === 0 && /^(python|\/usr\/local\/bin\/python3?)$/.test(a) ? 'python3' : i === 0 && a === '/usr/local/bin/node' ? 'node' : a));
  return { runnable: true, argv, env };
}

function firstWord(s: string): string {
  return s.trim().split(/\s+/)[0] ?? '';
}

/** Exec form as is; simple shell form split on spaces; complex shell form through sh -c. */
function toArgv(args: string): string[] {
  const ex = execForm(args);
  if (ex) return ex;
  if (SHELL_META.test(args)) return ['/bin/sh', '-c', args];
  return args.split(/\s+/).filter(Boolean);
}

function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!args.includes('=')) {
    const [k, ...v] = args.split(/\s+/);
    if (k) out[k] = v.join(' ');
    return out;
  }
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g)) {
    out[m[1]] = m[3] ?? m[4] ?? m[5] ?? '';
  }
  return out;
}
