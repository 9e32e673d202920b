import { type DirView, lineAt } from './dirView';
import type { AppAnalysis, Warning } from './types';

// A server that listens on localhost answers on the developer's machine and
// nowhere else: on Cloud Run requests (and the startup probe) come from outside
// the container, so the revision never becomes ready. Listening on 0.0.0.0 (or
// leaving the host out, which Node and Bun take as every address) fixes it.

const LOOPBACK = String.raw`(['"\`])(localhost|127\.0\.0\.1|::1)\1`;

/** JavaScript: `listen(port, 'localhost')`, `listen({ port, host: 'localhost' })`, `serve({ hostname: 'localhost' })`. */
const JS = [
  new RegExp(String.raw`\.listen\(\s*[^,()]+,\s*${LOOPBACK}`),
  new RegExp(String.raw`\b(?:listen|serve)\(\s*\{[^{}]*?\bhost(?:name)?\s*:\s*${LOOPBACK}`),
];
/** Python run from its own file: `app.run(host="127.0.0.1")`, `uvicorn.run(app, host="localhost")`, `web.run_app(app, host=…)`. */
const PY = [new RegExp(String.raw`\b(?:run|run_app)\([^)]*\bhost\s*=\s*${LOOPBACK}`, 's')];

/** The first server in `files` that listens on a loopback address only, as a warning with the changed line. */
export async function loopbackListen(view: DirView, app: AppAnalysis, family: 'js' | 'python', files: string[]): Promise<Warning | undefined> {
  const start = app.start?.value.join(' ') ?? '';
  // Python's own run() only matters when the container runs the file; gunicorn or uvicorn on the command line bind as told.
  const candidates =
    family === 'python' ? files.filter((f) => new RegExp(String.raw`\bpython3?\s+(\S+/)?${f.split('/').pop()!.replace('.', '\\.')}\b`).test(start)) : files;
  for (const f of candidates) {
    const text = await view.readText(f);
    if (text === undefined) continue;
    for (const re of family === 'python' ? PY : JS) {
      const m = re.exec(text);
      if (!m) continue;
      const line = lineAt(text, m.index + m[0].indexOf(m[1]));
      const before = text.split(/\r?\n/)[line - 1] ?? '';
      const after = before.replace(new RegExp(LOOPBACK), (_q, quote: string) => `${quote}0.0.0.0${quote}`);
      return {
        kind: 'localhost-listen',
        message: `${view.rel(f)}:${line} listens on ${m[2]} only. On Cloud Run requests and the startup check come from outside the container, so nothing would reach the server and the revision would not start. Listen on 0.0.0.0.`,
        evidence: [{ file: view.rel(f), line, detail: before.trim() }],
        fix: `${view.rel(f)}:${line}: ${after.trim()}`,
      };
    }
  }
  return undefined;
}
