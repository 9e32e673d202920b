// Where a Ruby server listens. Puma (Rails' server, and most Rack apps') loads
// config/puma.rb on its own and reads $PORT when that file names no port;
// `port ENV['PORT'] || 4567` honours it, `port 4567` does not (with the one-line
// fix). A start command that passes $PORT wins; a `ruby app.rb` script is read.
import { DEFAULT_PORT } from './detector';
import { lineAt, type DirView } from './dirView';
import { scanPort } from './stackKit';
import type { Evidence, PortFinding } from './types';

const READS_PORT = /ENV(?:\.fetch\(\s*|\[\s*)["']PORT["']/;

/** `port …` / `bind "tcp://…:N"` in a puma config file; undefined when the file is missing. */
export async function pumaConfigPort(view: DirView, file = 'config/puma.rb'): Promise<PortFinding | undefined> {
  const text = await view.readText(file);
  if (text === undefined) return undefined;
  const rel = view.rel(file);
  const directive = /^[ \t]*(port|bind)\b[ \t(]*(.*)$/m.exec(text);
  if (!directive) {
    return { port: DEFAULT_PORT, source: 'framework-default', honoursPortEnv: true, evidence: [{ file: rel, detail: 'names no port, so puma reads $PORT' }] };
  }
  const line = lineAt(text, directive.index);
  const before = text.split(/\r?\n/)[line - 1];
  const evidence: Evidence[] = [{ file: rel, line, detail: `puma ${directive[1]}: ${before.trim()}` }];
  if (READS_PORT.test(directive[2])) return { port: DEFAULT_PORT, source: 'config', honoursPortEnv: true, evidence };
  const literal = /(?::|^|\s)(\d{2,5})\b/.exec(directive[2]);
  if (!literal) return { port: DEFAULT_PORT, source: 'config', honoursPortEnv: false, evidence };
  const port = Number(literal[1]);
  const after =
    directive[1] === 'port'
      ? before.replace(/port\b.*$/, `port ENV.fetch("PORT") { ${port} }`)
      : before.replace(new RegExp(`:${port}\\b`), `:#{ENV.fetch("PORT") { ${port} }}`).replace(/'(tcp:\/\/[^']*#\{[^']*)'/, '"$1"');
  return {
    port,
    source: 'config',
    honoursPortEnv: false,
    evidence,
    fix: { file: rel, line, before, after, explanation: `Read PORT from the environment (Cloud Run sets it), keeping ${port} as the fallback.` },
  };
}

/** The port of a Ruby app started with `start` (a command line). */
export async function rubyPort(view: DirView, start: string[] | undefined, startEvidence: Evidence | undefined): Promise<PortFinding | undefined> {
  const line = (start ?? []).join(' ');
  if (/\$\{?PORT\b/.test(line) && startEvidence) {
    return { port: DEFAULT_PORT, source: 'config', honoursPortEnv: true, evidence: [{ ...startEvidence, detail: 'the start command passes $PORT' }] };
  }
  const config = /-C\s+(\S+)/.exec(line)?.[1] ?? 'config/puma.rb';
  if (/\b(puma|rails\s+s(erver)?)\b/.test(line)) {
    const puma = await pumaConfigPort(view, config);
    if (puma) return puma;
    if (/\bpuma\b/.test(line))
      return { port: DEFAULT_PORT, source: 'framework-default', honoursPortEnv: true, evidence: [{ ...startEvidence!, detail: 'puma reads $PORT' }] };
  }
  const script = /\bruby\s+(\S+\.rb)\b/.exec(line)?.[1];
  if (script) {
    return scanPort(view, [script], {
      readsEnv: READS_PORT,
      literal: /(?:\bPort:\s*|set\s+:port,\s*|\bport\s*[=:(]\s*)(\d{2,5})\b/,
      fix: (l, p) => l.replace(new RegExp(`\\b${p}\\b`), `Integer(ENV.fetch("PORT", ${p}))`),
    });
  }
  return undefined;
}
