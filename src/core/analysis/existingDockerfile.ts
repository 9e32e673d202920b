import type { Evidence, Language } from './types';

// Reads what a project's own Dockerfile says about the container: the port it
// EXPOSEs and the command it starts, as the final image sees them. Only the
// last stage matters (earlier ones build), but a stage built FROM an earlier
// stage inherits its ENV, EXPOSE and CMD, as Docker does.

export interface DockerfileFacts {
  /** Relative to the workspace root. */
  file: string;
  port?: { port: number; evidence: Evidence };
  start?: { command: string[]; evidence: Evidence[] };
  /** True when CMD/ENTRYPOINT mentions $PORT, i.e. the server follows Cloud Run's PORT. */
  readsPortEnv: boolean;
  /** From the first base image Devgem knows, e.g. node:20 → javascript 20. */
  language?: { value: Language; version?: string; evidence: Evidence };
  /** First path segments of COPY/ADD sources from the build context (not --from stages). */
  copySources: string[];
  /** A COPY/ADD takes the whole build context (`COPY . .`). */
  copiesContext: boolean;
  notes: string[];
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface StageState {
  name?: string;
  vars: Map<string, string>;
  expose?: { port: number; evidence: Evidence };
  cmd?: { parts: string[]; shell: boolean; evidence: Evidence };
  entrypoint?: { parts: string[]; shell: boolean; evidence: Evidence };
}

/** Joins `\` continuations and drops comments; keeps the 1-based line each instruction starts on. */
function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const out: Instruction[] = [];
  let current: { text: string; line: number } | undefined;
  let heredoc: string | undefined;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    // Heredoc bodies (`RUN <<EOF … EOF`) are script text, not instructions.
    if (heredoc !== undefined) {
      if (trimmed === heredoc) heredoc = undefined;
      return;
    }
    if (!current && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (current && trimmed.startsWith('#')) return; // comment lines inside a continuation are skipped by Docker
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += ' ' + piece.trim();
    else current = { text: piece.trim(), line: i + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/s.exec(current.text);
      if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: current.line });
      heredoc = /<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/.exec(current.text)?.[1];
      current = undefined;
    }
  });
  if (current) {
    const m = /^(\S+)\s*(.*)$/s.exec(current.text);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: current.line });
  }
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}`; undefined when a variable is unknown. */
export function substitute(value: string, vars: Map<string, string>): string | undefined {
  let unknown = false;
  const out = value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const v = vars.get(name);
      if (op === '-') return v !== undefined && v !== '' ? v : (word ?? '');
      if (op === '+') return v !== undefined && v !== '' ? (word ?? '') : '';
      if (v === undefined) unknown = true;
      return v ?? '';
    },
  );
  return unknown ? undefined : out;
}

function unquote(s: string): string {
  return /^(["']).*\1$/s.test(s) ? s.slice(1, -1) : s;
}

/** `ENV A=1 B="two"` or the legacy `ENV A 1`; same for ARG (which may have no value). */
function assignments(args: string): Array<[string, string | undefined]> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const m = /^(\S+)(?:\s+(.*))?$/s.exec(args);
    return m ? [[m[1], m[2] === undefined ? undefined : unquote(m[2].trim())]] : [];
  }
  const out: Array<[string, string | undefined]> = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  for (let m = re.exec(args); m; m = re.exec(args)) out.push([m[1], m[2] === undefined ? undefined : unquote(m[2])]);
  return out;
}

/** Exec form (a JSON array) or shell form, as Docker reads CMD/ENTRYPOINT. */
function commandOf(args: string): { parts: string[]; shell: boolean } {
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return { parts: parsed as string[], shell: false };
    } catch {
      // Docker runs an invalid JSON array as a shell command, and so do we.
    }
  }
  return { parts: [args], shell: true };
}

const IMAGE_LANGUAGES: Array<[RegExp, Language]> = [
  [/^(?:.*\/)?(?:node|bun)$/, 'javascript'],
  [/^(?:.*\/)?denoland\/deno$|^(?:.*\/)?deno$/, 'typescript'],
  [/^(?:.*\/)?(?:python|pypy)$/, 'python'],
  [/^(?:.*\/)?golang$/, 'go'],
  [/^(?:.*\/)?(?:eclipse-temurin|openjdk|amazoncorretto|maven|gradle)$/, 'java'],
  [/^(?:.*\/)?ruby$/, 'ruby'],
  [/^(?:.*\/)?php$/, 'php'],
  [/^mcr\.microsoft\.com\/dotnet\/(?:sdk|aspnet|runtime)$/, 'csharp'],
  [/^(?:.*\/)?rust$/, 'rust'],
  [/^(?:.*\/)?elixir$/, 'elixir'],
  [/^(?:.*\/)?dart$/, 'dart'],
  [/^(?:.*\/)?swift$/, 'swift'],
];

function languageOfImage(image: string): { value: Language; version?: string } | undefined {
  const [name, tag] = image.split('@')[0].split(/:(?=[^/]*$)/);
  const hit = IMAGE_LANGUAGES.find(([re]) => re.test(name.toLowerCase()));
  if (!hit) return undefined;
  const version = /^(\d+(?:\.\d+)?)/.exec(tag ?? '')?.[1];
  return { value: hit[1], version };
}

/** What a Dockerfile's final stage exposes and runs. `file` is its path relative to the workspace root. */
export function parseDockerfile(text: string, file: string): DockerfileFacts {
  const notes: string[] = [];
  const globalArgs = new Map<string, string>();
  const stages: StageState[] = [];
  let stage: StageState | undefined;
  let language: DockerfileFacts['language'];
  const copySources: string[] = [];
  let copiesContext = false;
  const ev = (line: number, detail: string): Evidence => ({ file, line, detail });

  for (const ins of instructions(text)) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(ins.args);
      const image = substitute(m?.[1] ?? '', globalArgs) ?? m?.[1] ?? '';
      const base = stages.find((s) => s.name !== undefined && s.name === image.toLowerCase());
      // FROM an earlier stage inherits what that stage set; FROM an image starts afresh.
      stage = base ? { ...base, name: m?.[2]?.toLowerCase(), vars: new Map(base.vars) } : { name: m?.[2]?.toLowerCase(), vars: new Map() };
      stages.push(stage);
      const lang = base ? undefined : languageOfImage(image);
      if (lang && !language) language = { ...lang, evidence: ev(ins.line, `base image ${image}`) };
      continue;
    }
    if (!stage) {
      if (ins.keyword === 'ARG') for (const [k, v] of assignments(ins.args)) if (v !== undefined) globalArgs.set(k, v);
      continue;
    }
    switch (ins.keyword) {
      case 'ARG':
        for (const [k, v] of assignments(ins.args)) {
          // A bare `ARG X` inside a stage re-imports the global default.
          const value = v !== undefined ? substitute(v, stage.vars) : globalArgs.get(k);
          if (value !== undefined && !stage.vars.has(k)) stage.vars.set(k, value);
        }
        break;
      case 'ENV':
        for (const [k, v] of assignments(ins.args)) {
          const value = v === undefined ? undefined : substitute(v, stage.vars);
          if (value !== undefined) stage.vars.set(k, value);
          else stage.vars.delete(k);
        }
        break;
      case 'EXPOSE': {
        const words = ins.args.split(/\s+/).filter(Boolean);
        const ports: number[] = [];
        for (const w of words) {
          const resolved = substitute(w, stage.vars);
          const m = resolved === undefined ? undefined : /^(\d{1,5})(?:\/tcp)?$/i.exec(resolved);
          const port = m ? Number(m[1]) : NaN;
          if (port > 0 && port < 65536) ports.push(port);
          else if (!/\/udp$/i.test(resolved ?? '')) notes.push(`${file}:${ins.line}: EXPOSE ${w} could not be resolved to a port.`);
        }
        if (ports.length) {
          const detail = ports.length > 1 ? `EXPOSE ${ports.join(' ')}: Cloud Run routes to one port, the first` : `EXPOSE ${ports[0]}`;
          stage.expose = { port: ports[0], evidence: ev(ins.line, detail) };
        }
        break;
      }
      case 'CMD':
        stage.cmd = { ...commandOf(ins.args), evidence: ev(ins.line, `CMD ${ins.args}`) };
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = { ...commandOf(ins.args), evidence: ev(ins.line, `ENTRYPOINT ${ins.args}`) };
        // Docker resets an inherited CMD when ENTRYPOINT is set in the same stage.
        stage.cmd = undefined;
        break;
      case 'COPY':
      case 'ADD': {
        if (/(^|\s)--from=/.test(ins.args)) break;
        const words = ins.args.startsWith('[') ? commandOf(ins.args).parts : ins.args.split(/\s+/);
        const srcs = words.filter((w) => !w.startsWith('--')).slice(0, -1);
        for (const s of srcs) {
          if (/^[a-z]+:\/\//i.test(s) || s.startsWith('<<')) continue; // a URL, or a heredoc's text
          const first = s.replace(/^\.\//, '').split('/')[0];
          if (!first || first === '.') copiesContext = true;
          else if (!copySources.includes(first)) copySources.push(first);
        }
        break;
      }
      default:
        break;
    }
  }

  const last = stages[stages.length - 1];
  if (!last) notes.push(`${file} has no FROM instruction.`);
  const entry = last?.entrypoint;
  const command = last?.cmd;
  let start: DockerfileFacts['start'];
  if (entry || command) {
    const toArgs = (c: { parts: string[]; shell: boolean }) => (c.shell ? ['/bin/sh', '-c', c.parts[0]] : c.parts);
    // Shell-form ENTRYPOINT ignores CMD; exec-form ENTRYPOINT gets CMD appended as arguments.
    const parts = entry ? (entry.shell || !command ? toArgs(entry) : [...entry.parts, ...toArgs(command)]) : toArgs(command!);
    start = { command: parts, evidence: [entry?.evidence, command?.evidence].filter((e): e is Evidence => !!e) };
  }
  const readsPortEnv = !!start && start.command.some((p) => /\$\{?PORT\b/.test(p));
  return { file, port: last?.expose, start, readsPortEnv, language, copySources, copiesContext, notes };
}
