// Small building blocks the non-Node/Python detectors share: an app skeleton,
// evidence-carrying facts, a source scan for how the server picks its port,
// and a note for a Procfile a compiled stack does not follow. Kept here so each stack file stays short.
import * as path from 'node:path';
import { DEFAULT_PORT } from './detector';
import { grep, lineAt, type DirView } from './dirView';
import { readProcfileWeb } from './procfile';
import type { AppAnalysis, Evidence, Fact, Language, PortFinding, StackId } from './types';

export function fact<T>(value: T, file: string, detail: string, line?: number): Fact<T> {
  return { value, evidence: [{ file, ...(line ? { line } : {}), detail }] };
}

/** An app with nothing but its stack and language known; detectors fill in the rest. */
export function newApp(view: DirView, stack: StackId, language: Fact<Language>): AppAnalysis {
  return {
    path: view.dir,
    name: path.basename(view.abs()),
    stack,
    language,
    port: { port: DEFAULT_PORT, source: 'devgem-default', honoursPortEnv: false, evidence: [] },
    confidence: 'medium',
    context: view.dir,
    hints: {},
    notes: [],
    needs: [],
    warnings: [],
  };
}

/** First match of `re` in `rel` as a fact (value = capture group 1, or the match). */
export async function factFrom(view: DirView, rel: string, re: RegExp, detail: string): Promise<Fact<string> | undefined> {
  const hit = await grep(view, rel, re);
  if (!hit) return undefined;
  return fact(hit.match[1] ?? hit.match[0], view.rel(rel), detail, hit.line);
}

/** "3.3.0" / "^8.2" / "~> 1.15" / "1.22.3" → "3.3" / "8.2" / "1.15" / "1.22". */
export function majorMinor(raw: string): string | undefined {
  const m = /(\d+)\.(\d+)/.exec(raw);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

export interface PortRules {
  /** The code reads $PORT (e.g. os.Getenv("PORT")). */
  readsEnv: RegExp;
  /** A hard-coded listen port; the port is the last numeric capture group. */
  literal: RegExp;
  /** The same line reading PORT with the old port as fallback; undefined when no safe one-line edit exists. */
  fix?: (line: string, port: number) => string | undefined;
  /** Fix explanation shown to the user. */
  fixExplanation?: string;
}

/**
 * How the server in `files` picks its port. Reading $PORT anywhere wins, since
 * such code usually also carries a literal fallback; otherwise the first
 * hard-coded listen port, with a one-line fix; undefined when neither shows up.
 */
export async function scanPort(view: DirView, files: string[], rules: PortRules): Promise<PortFinding | undefined> {
  let literal: PortFinding | undefined;
  for (const rel of files) {
    const text = await view.readText(rel);
    if (text === undefined) continue;
    const env = rules.readsEnv.exec(text);
    if (env) {
      const ev: Evidence = { file: view.rel(rel), line: lineAt(text, env.index), detail: `reads PORT: ${env[0].trim()}` };
      return { port: DEFAULT_PORT, source: 'code', honoursPortEnv: true, evidence: [ev] };
    }
    const lit = literal ? undefined : rules.literal.exec(text);
    if (lit) {
      const port = Number([...lit].reverse().find((g) => g !== undefined && /^\d+$/.test(g)));
      const line = lineAt(text, lit.index);
      const before = text.split(/\r?\n/)[line - 1] ?? '';
      const after = rules.fix?.(before, port);
      literal = {
        port,
        source: 'code',
        honoursPortEnv: false,
        evidence: [{ file: view.rel(rel), line, detail: `hard-coded port ${port}: ${before.trim()}` }],
        ...(after && after !== before
          ? {
              fix: {
                file: view.rel(rel),
                line,
                before,
                after,
                explanation: rules.fixExplanation ?? `Read PORT from the environment, keeping ${port} as the fallback.`,
              },
            }
          : {}),
      };
    }
  }
  return literal;
}

/** The port a framework listens on when the code says nothing. */
export function frameworkDefault(port: number, file: string, detail: string, honoursPortEnv = false): PortFinding {
  return { port, source: 'framework-default', honoursPortEnv, evidence: [{ file, detail }] };
}

/** Adds the Procfile `web:` command as a note when the stack's own start is used instead. */
export async function noteProcfile(view: DirView, app: AppAnalysis): Promise<void> {
  const web = await readProcfileWeb(view);
  if (web)
    app.notes.push(
      `${web.evidence.file}:${web.evidence.line} declares "web: ${web.raw}"; a compiled app's Procfile names where Heroku's build puts the program, so the image starts its own build of it as shown instead.`,
    );
}
