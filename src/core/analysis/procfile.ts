// A Procfile's `web:` process (Heroku's convention, also read by Google's and
// Cloud Foundry's buildpacks) is the app's own statement of how it starts, in
// any language. This turns that shell line into what a Dockerfile needs:
// leading VAR=value pairs become ENV lines, and the command runs in exec form,
// through `sh -c` only when it needs a shell ($VAR expansion, &&, pipes,
// globs), with `exec` on its last command so the server gets Cloud Run's SIGTERM.
import { lineAt, type DirView } from './dirView';
import type { Evidence } from './types';

export interface ProcfileWeb {
  /** The command as written after `web:`. */
  raw: string;
  /** `VAR=value` pairs the line sets before its command. */
  env: string[];
  /** The command without them. */
  command: string;
  /** Exec-form start for the image. */
  start: string[];
  /** The program the command runs (`gunicorn`, `node`, `bundle` …), after `python -m`/`exec`. */
  program: string;
  evidence: Evidence;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=((?:"[^"$`\\]*"|'[^']*'|[^\s'"$`\\;&|<>])*)(?:\s+|$)/;

/** Splits `a && b; c` at the top level (outside quotes) into its commands and the operators between them. */
function sequence(command: string): { parts: string[]; ops: string[] } {
  const parts: string[] = [];
  const ops: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ((ch === '&' && command[i + 1] === '&') || (ch === '|' && command[i + 1] === '|')) {
      parts.push(command.slice(start, i).trim());
      ops.push(command.slice(i, i + 2));
      start = i + 2;
      i++;
    } else if (ch === ';') {
      parts.push(command.slice(start, i).trim());
      ops.push(';');
      start = i + 1;
    }
  }
  parts.push(command.slice(start).trim());
  return { parts: parts.filter(Boolean), ops };
}

/** Words of a command without shell syntax: spaces split, simple quotes group. Undefined when it needs a shell. */
function words(command: string): string[] | undefined {
  if (/[$`\\|&;<>(){}*?~[\]]/.test(command.replace(/'[^']*'/g, "''"))) return undefined;
  const out: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/**
 * A shell command line as a container start: `VAR=x cmd args` → env ['VAR=x'] and
 * ['cmd', 'args']; `cmd -b :$PORT` → ['sh', '-c', 'exec cmd -b :$PORT'];
 * `cd web && node server.js` → ['sh', '-c', 'cd web && exec node server.js'].
 */
export function commandStart(line: string): { env: string[]; command: string; start: string[] } {
  let rest = line.trim().replace(/^env\s+(?=[A-Za-z_][A-Za-z0-9_]*=)/, '');
  const env: string[] = [];
  for (let m = ASSIGNMENT.exec(rest); m && rest.length > m[0].length; m = ASSIGNMENT.exec(rest)) {
    env.push(`${m[1]}=${m[2].replace(/^(["'])(.*)\1$/, '$2')}`);
    rest = rest.slice(m[0].length);
  }
  const plain = words(rest);
  if (plain) return { env, command: rest, start: plain };
  const { parts, ops } = sequence(rest);
  const last = parts[parts.length - 1] ?? '';
  // Only a last command that runs alone (not in a pipe, not after ||, not backgrounded) can replace the shell.
  const canExec = !/(^|[^|])\|([^|]|$)|&\s*$/.test(last) && ops[ops.length - 1] !== '||' && !/^exec\s/.test(last);
  // `exec VAR=$X cmd` is not valid sh; `exec env VAR=$X cmd` is, and env hands PID 1 on to cmd.
  const execLast = /^[A-Za-z_][A-Za-z0-9_]*=/.test(last) ? `exec env ${last}` : `exec ${last}`;
  const script = canExec ? [...parts.slice(0, -1).map((p, i) => `${p} ${ops[i]} `), execLast].join('') : rest;
  return { env, command: rest, start: ['sh', '-c', script] };
}

/** The program a command runs: `python -m gunicorn` → gunicorn, `bundle exec puma` → puma, `npx next` → next. */
export function programOf(command: string): string {
  const tokens = command.replace(/^(?:cd\s+\S+\s*&&\s*)+/, '').split(/\s+/);
  let i = 0;
  while (i < tokens.length && /^(exec|env|nohup|[A-Za-z_][A-Za-z0-9_]*=\S*)$/.test(tokens[i])) i++;
  let word = tokens[i] ?? '';
  if (/^python[\d.]*$/.test(word) && tokens[i + 1] === '-m') word = tokens[i + 2] ?? word;
  else if ((word === 'bundle' && tokens[i + 1] === 'exec') || word === 'npx' || word === 'pnpx' || word === 'bunx')
    word = tokens[i + (word === 'bundle' ? 2 : 1)] ?? word;
  return word.replace(/^.*\//, '');
}

/** The `web:` process, or undefined when there is no Procfile or no web line. */
export async function readProcfileWeb(view: DirView): Promise<ProcfileWeb | undefined> {
  const text = await view.readText('Procfile');
  if (text === undefined) return undefined;
  const m = /^web\s*:[ \t]*(.*?)\s*$/m.exec(text);
  if (!m || !m[1]) return undefined;
  const { env, command, start } = commandStart(m[1]);
  return {
    raw: m[1],
    env,
    command,
    start,
    program: programOf(command),
    evidence: { file: view.rel('Procfile'), line: lineAt(text, m.index), detail: `Procfile web: ${m[1]}` },
  };
}

/** Commands that only exist in a buildpack's own image (Heroku's PHP/nginx launchers, Google's /layers). */
export function buildpackOnly(command: string): boolean {
  return /\bheroku-php-(apache2|nginx)\b|\bbin\/start-(nginx|pgbouncer)\b|\/layers\/|^\s*pid1\b/.test(command);
}

/** Whether a start command passes Cloud Run's $PORT to the server. */
export function passesPort(command: string): boolean {
  return /\$\{?PORT\b/.test(command);
}
