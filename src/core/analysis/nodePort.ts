// Port truth for hand-written Node servers: read the source (never run it) for
// a $PORT read, or a hard-coded `listen(3000)`, `const PORT = 3000; listen(PORT)`,
// `listen({ port: 3000 })`, `serve({ port: 3000 })` or Bun's `export default { port }`.
import { DEFAULT_PORT } from './detector';
import { lineAt, type DirView } from './dirView';
import type { PortFinding } from './types';

const SOURCE_EXTS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

// A read of PORT from the environment, in the spellings people use.
const HONOURS = [
  /process\.env\.PORT\b/,
  /process\.env\[\s*['"]PORT['"]\s*\]/,
  /Bun\.env\.PORT\b/,
  /\{[^}]*\bPORT\b[^}]*\}\s*=\s*process\.env\b/,
  /\.get(?:<[^>]*>)?\(\s*['"]PORT['"]/, // NestJS ConfigService and similar
];

const LISTEN_LITERAL = /\.listen\(\s*(\d{2,5})\b/;
const OBJECT_PORT_LITERAL = /\b(?:listen|serve)\(\s*\{[^)]*?\bport\s*:\s*(\d{2,5})\b/s;
const BUN_EXPORT_PORT = /export\s+default\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b/s;
const PORT_IDENT = /(?:\.listen\(\s*|\b(?:listen|serve)\(\s*\{[^)]*?\bport\s*:\s*)([A-Za-z_$][\w$]*)\s*[,)}]/s;
const BUN_DEFAULT_EXPORT = /export\s+default\s+(?:app\b|\{\s*fetch\b)/;

export interface PortScan {
  finding: PortFinding;
  notes: string[];
}

interface Hit {
  port: number;
  /** Character index of the literal. */
  index: number;
  kind: 'listen' | 'object' | 'const';
}

function literalHit(text: string): Hit | undefined {
  for (const [re, kind] of [
    [LISTEN_LITERAL, 'listen'],
    [OBJECT_PORT_LITERAL, 'object'],
    [BUN_EXPORT_PORT, 'object'],
  ] as const) {
    const m = re.exec(text);
    if (m) return { port: Number(m[1]), index: m.index + m[0].lastIndexOf(m[1]), kind };
  }
  const ident = PORT_IDENT.exec(text);
  if (ident) {
    const decl = new RegExp(`\\b(?:const|let|var)\\s+${ident[1].replace(/\$/g, '\\$')}\\s*(?::\\s*\\w+\\s*)?=\\s*(\\d{2,5})\\b`).exec(text);
    if (decl) return { port: Number(decl[1]), index: decl.index + decl[0].lastIndexOf(decl[1]), kind: 'const' };
  }
  return undefined;
}

/** The line with its port literal replaced by a PORT read that falls back to it. */
function fixedLine(line: string, port: number, typescript: boolean, addHost: boolean): string {
  // Node's listen() takes a string port, but TypeScript typings, Fastify and Bun want a number.
  const expr = typescript ? `Number(process.env.PORT) || ${port}` : `process.env.PORT || ${port}`;
  const numeric = `Number(process.env.PORT) || ${port}`;
  if (new RegExp(`\\.listen\\(\\s*${port}\\b`).test(line)) return line.replace(new RegExp(`(\\.listen\\(\\s*)${port}\\b`), `$1${expr}`);
  if (new RegExp(`\\bport\\s*:\\s*${port}\\b`).test(line)) {
    return line.replace(new RegExp(`(\\bport\\s*:\\s*)${port}\\b`), `$1${numeric}${addHost ? ", host: '0.0.0.0'" : ''}`);
  }
  return line.replace(new RegExp(`(=\\s*)${port}\\b`), `$1${expr}`);
}

/** A file below a folder with its own package.json belongs to that (workspace) package, not to this app. */
async function insideNestedPackage(view: DirView, file: string): Promise<boolean> {
  const parts = file.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) if (await view.exists(`${parts.slice(0, i).join('/')}/package.json`)) return true;
  return false;
}

async function sourceFiles(view: DirView, entry: string | undefined): Promise<string[]> {
  const found = await view.findFiles(SOURCE_EXTS, { maxFiles: 80, maxDepth: 3 });
  const files: string[] = [];
  for (const f of found) {
    if (/(\.config\.|\.test\.|\.spec\.|\.d\.ts$)/.test(f) || /^(test|tests|__tests__)\//.test(f)) continue;
    if (!(await insideNestedPackage(view, f))) files.push(f);
  }
  return entry ? [entry, ...files.filter((f) => f !== entry)] : files;
}

/** The port the code listens on, or undefined when the source says nothing recognisable. */
export async function scanNodePort(view: DirView, entry: string | undefined, runtime: 'node' | 'bun'): Promise<PortScan | undefined> {
  const files = await sourceFiles(view, entry);
  const texts: [string, string][] = [];
  for (const file of files) {
    const text = await view.readText(file);
    if (text !== undefined) texts.push([file, text]);
  }
  // A PORT read anywhere wins over a literal elsewhere: the literal is then usually its fallback.
  for (const [file, text] of texts) {
    for (const re of HONOURS) {
      const m = re.exec(text);
      if (!m) continue;
      const line = lineAt(text, m.index);
      const notes = fastifyHostNote(text);
      return {
        finding: {
          port: DEFAULT_PORT,
          source: 'code',
          honoursPortEnv: true,
          evidence: [{ file: view.rel(file), line, detail: `reads PORT: ${text.split(/\r?\n/)[line - 1].trim()}` }],
        },
        notes,
      };
    }
  }
  for (const [file, text] of texts) {
    const hit = literalHit(text);
    if (!hit) continue;
    const lines = text.split(/\r?\n/);
    const line = lineAt(text, hit.index);
    const before = lines[line - 1];
    const typescript = /\.[cm]?ts$/.test(file);
    const addHost = /fastify/i.test(text) && !/\bhost\s*:/.test(text) && /listen\(\s*\{/.test(before);
    const after = fixedLine(before, hit.port, typescript, addHost);
    return {
      finding: {
        port: hit.port,
        source: 'code',
        honoursPortEnv: false,
        evidence: [{ file: view.rel(file), line, detail: `hard-coded port ${hit.port}: ${before.trim()}` }],
        fix: {
          file: view.rel(file),
          line,
          before,
          after,
          explanation: `Cloud Run tells the app its port in $PORT. Reading it (with ${hit.port} as the fallback) lets the service run on any port${addHost ? '; Fastify also has to listen on 0.0.0.0, not localhost, to be reachable' : ''}.`,
        },
      },
      notes: fastifyHostNote(text),
    };
  }
  if (runtime === 'bun') {
    for (const [file, text] of texts) {
      const m = BUN_DEFAULT_EXPORT.exec(text);
      if (m) {
        const line = lineAt(text, m.index);
        return {
          finding: {
            port: DEFAULT_PORT,
            source: 'framework-default',
            honoursPortEnv: true,
            evidence: [{ file: view.rel(file), line, detail: 'Bun serves the default export on $PORT (3000 when unset)' }],
          },
          notes: [],
        };
      }
    }
  }
  return undefined;
}

function fastifyHostNote(text: string): string[] {
  if (/require\(\s*['"]fastify['"]|from\s+['"]fastify['"]/.test(text) && !/\bhost\s*:/.test(text)) {
    return ["Fastify listens on localhost unless told otherwise; pass host: '0.0.0.0' to listen() so Cloud Run can reach it."];
  }
  return [];
}
