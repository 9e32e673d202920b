// A Node.js server without a package.json: one file (server.js, app.js,
// index.js, main.js, or their .mjs/.ts forms) that starts an HTTP server with
// Node's own modules. Node runs it as it is (TypeScript too, since Node 23
// strips types), so the image has nothing to install.
import { type DirView, lineAt } from './dirView';
import { scanNodePort } from './nodePort';
import { defaulted } from './runtimeChoice';
import type { AppAnalysis } from './types';
import { DEFAULT_PORT } from './detector';

const FILES = ['server', 'app', 'index', 'main'].flatMap((n) => ['.js', '.mjs', '.cjs', '.ts', '.mts'].map((x) => n + x));
const SERVES = /\brequire\(\s*['"](?:node:)?https?['"]\s*\)|\bfrom\s+['"](?:node:)?https?['"]|\bcreateServer\s*\(/;
/** Other stacks' manifests: their detectors own the folder, and a stray .js file there is theirs. */
const OTHER_MANIFESTS =
  /^(requirements\.txt|pyproject\.toml|Pipfile|setup\.py|Gemfile|composer\.json|go\.mod|pom\.xml|build\.gradle(\.kts)?|Cargo\.toml|mix\.exs|deno\.jsonc?|pubspec\.yaml|Package\.swift|.*\.csproj)$/;

export async function detectLoneNode(view: DirView): Promise<AppAnalysis | undefined> {
  const entries = await view.list();
  if (entries.some((e) => OTHER_MANIFESTS.test(e))) return undefined;
  let file: string | undefined;
  let text = '';
  for (const f of FILES) {
    if (!entries.includes(f)) continue;
    text = (await view.readText(f)) ?? '';
    if (SERVES.test(text) && !/\bDeno\./.test(text)) {
      file = f;
      break;
    }
  }
  if (!file) return undefined;
  const serves = SERVES.exec(text)!;
  const ts = /\.m?ts$/.test(file);
  const scan = await scanNodePort(view, file, 'node');
  return {
    path: view.dir,
    name: view.dir.split('/').pop() || 'app',
    stack: 'node',
    language: {
      value: ts ? 'typescript' : 'javascript',
      evidence: [{ file: view.rel(file), line: lineAt(text, serves.index), detail: `${file} starts an HTTP server` }],
    },
    version: defaulted('node', view.rel(file), 'a package.json').fact,
    start: { value: ['node', file], evidence: [{ file: view.rel(file), detail: `no package.json: Node runs ${file} as it is` }] },
    port: scan?.finding ?? { port: DEFAULT_PORT, source: 'devgem-default', honoursPortEnv: false, evidence: [] },
    confidence: scan ? 'high' : 'medium',
    context: view.dir,
    hints: { runtime: 'node', noPackageJson: true },
    notes: [`No package.json: the image runs ${file} with Node's own modules and installs nothing.`, ...(scan?.notes ?? [])],
    needs: [],
    warnings: [],
  };
}
