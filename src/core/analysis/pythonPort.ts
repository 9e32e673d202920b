// Where a Python script listens: does it read $PORT, or hard-code a port (and
// then the one-line fix that makes it read $PORT with the old port as fallback)?
import { DEFAULT_PORT } from './detector';
import { lineAt, type DirView } from './dirView';
import type { PortFinding } from './types';

const READS_PORT = /\b(?:environ\.get|getenv)\(\s*["']PORT["']|\benviron\[\s*["']PORT["']\s*\]|["']PORT["']\s+in\s+(?:os\.)?environ\b/;

/** Calls that hard-code the listening port; group 1 is the port literal. Most specific first. */
const HARD_CODED: { re: RegExp; what: string }[] = [
  { re: /\b(?:HTTPServer|ThreadingHTTPServer|TCPServer|ThreadingTCPServer)\(\s*\(\s*["'][^"']*["']\s*,\s*(\d{2,5})\s*\)/, what: 'socket server address' },
  { re: /\bmake_server\(\s*["'][^"']*["']\s*,\s*(\d{2,5})\b/, what: 'wsgiref make_server' },
  { re: /\.launch\([^)]*\bserver_port\s*=\s*(\d{2,5})\b/, what: 'Gradio launch(server_port=…)' },
  { re: /\b(?:run|run_app|serve)\([^)]*\bport\s*=\s*(\d{2,5})\b/, what: 'run(port=…)' },
  { re: /\.listen\(\s*(\d{2,5})\s*[,)]/, what: 'listen(…)' },
  { re: /^(?:PORT|port)\s*=\s*(\d{2,5})\s*(?:#.*)?$/m, what: 'port constant' },
];

/** Binds only to loopback: unreachable from outside the container. */
const LOOPBACK = /(["'])(?:localhost|127\.0\.0\.1)\1/;

export interface ScriptPort {
  finding: PortFinding;
  notes: string[];
}

/** The same line reading $PORT, the old port as fallback (and all interfaces instead of loopback). */
function fixLine(text: string, lineText: string, literalIndex: number, port: number): { after: string; extra: string } {
  const importsOs = /^\s*import\s+(?:[\w.]+\s*,\s*)*os\b|^\s*from\s+os\s+import/m.test(text);
  const env = importsOs ? `int(os.environ.get("PORT", ${port}))` : `int(__import__("os").environ.get("PORT", ${port}))`;
  let after = lineText.slice(0, literalIndex) + env + lineText.slice(literalIndex + String(port).length);
  const loopback = LOOPBACK.test(after);
  after = after.replace(LOOPBACK, (_m, q: string) => `${q}0.0.0.0${q}`);
  return {
    after,
    extra:
      (importsOs ? '' : ' (the file does not import os, so the fix uses __import__("os"))') +
      (loopback ? '; it also listens on all interfaces instead of loopback only' : ''),
  };
}

/** Port of a script started with `python <file>`; undefined when the file says nothing about a port. */
export async function scriptPort(view: DirView, file: string): Promise<ScriptPort | undefined> {
  const text = await view.readText(file);
  if (text === undefined) return undefined;
  const rel = view.rel(file);
  const reads = READS_PORT.exec(text);
  if (reads) {
    const line = lineAt(text, reads.index);
    const notes = LOOPBACK.test(text.split(/\r?\n/)[line - 1] ?? '') ? [`${rel}:${line} binds to localhost only; Cloud Run needs 0.0.0.0.`] : [];
    return {
      finding: { port: DEFAULT_PORT, source: 'code', honoursPortEnv: true, evidence: [{ file: rel, line, detail: 'reads PORT from the environment' }] },
      notes,
    };
  }
  for (const { re, what } of HARD_CODED) {
    const m = re.exec(text);
    if (!m) continue;
    const port = Number(m[1]);
    const line = lineAt(text, m.index);
    const lines = text.split(/\r?\n/);
    const before = lines[line - 1];
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const literalIndex = m.index - lineStart + m[0].lastIndexOf(m[1]);
    const { after, extra } = fixLine(text, before, literalIndex, port);
    return {
      finding: {
        port,
        source: 'code',
        honoursPortEnv: false,
        evidence: [{ file: rel, line, detail: `hard-codes port ${port} (${what})` }],
        fix: { file: rel, line, before, after, explanation: `Read the port from $PORT (Cloud Run sets it), keeping ${port} as the local default${extra}.` },
      },
      notes: [
        `${rel}:${line} hard-codes port ${port}; the service listens on ${port} unless the suggested fix is applied.`,
        ...(LOOPBACK.test(before) ? [`${rel}:${line} binds to localhost only, which is unreachable in a container; the suggested fix binds 0.0.0.0.`] : []),
      ],
    };
  }
  return undefined;
}

/**
 * A hard-coded `app.run(port=…)` under `if __name__ == "__main__":` is dead code when a
 * server imports the module; one at the top level would start the dev server on import.
 */
export async function devServerNote(view: DirView, file: string, server: string): Promise<string | undefined> {
  const text = await view.readText(file);
  if (text === undefined) return undefined;
  const top = /^\w+\.run\([^)]*\)/m.exec(text);
  if (top)
    return `${view.rel(file)}:${lineAt(text, top.index)} calls \`${top[0]}\` at import time, which would block ${server}; move it under \`if __name__ == "__main__":\`.`;
  const m = /^[ \t]+\w+\.run\([^)]*\)/m.exec(text);
  if (!m || !/^if\s+__name__\s*==/m.test(text)) return undefined;
  return `${view.rel(file)}:${lineAt(text, m.index)} \`${m[0].trim()}\` only runs with \`python ${file}\`; ${server} imports the module and binds $PORT, so no change is needed.`;
}

/**
 * The port gunicorn binds from ./gunicorn.conf.py (it loads that file by itself):
 * `bind = "0.0.0.0:8000"` is hard-coded (with a fix), a bind that reads PORT honours it.
 * Undefined when there is no such file or it names no bind (gunicorn then binds $PORT).
 */
export async function gunicornConfPort(view: DirView, file = 'gunicorn.conf.py'): Promise<PortFinding | undefined> {
  const text = await view.readText(file);
  const m = text === undefined ? undefined : /^bind\s*=\s*(.+)$/m.exec(text);
  if (!text || !m) return undefined;
  const rel = view.rel(file);
  const line = lineAt(text, m.index);
  const before = text.split(/\r?\n/)[line - 1];
  const evidence = [{ file: rel, line, detail: `gunicorn ${before.trim()}` }];
  if (/\bPORT\b/.test(m[1])) return { port: DEFAULT_PORT, source: 'config', honoursPortEnv: true, evidence };
  const literal = /:(\d{2,5})\b/.exec(m[1]);
  if (!literal) return { port: DEFAULT_PORT, source: 'config', honoursPortEnv: false, evidence };
  const port = Number(literal[1]);
  const importsOs = /^\s*import\s+(?:[\w.]+\s*,\s*)*os\b/m.test(text);
  const env = importsOs ? `os.environ.get('PORT', '${port}')` : `__import__('os').environ.get('PORT', '${port}')`;
  return {
    port,
    source: 'config',
    honoursPortEnv: false,
    evidence,
    fix: {
      file: rel,
      line,
      before,
      after: `bind = "0.0.0.0:" + ${env}`,
      explanation: `gunicorn binds what ${file} says; reading PORT (Cloud Run sets it, ${port} stays the fallback) lets the service run on any port.`,
    },
  };
}
