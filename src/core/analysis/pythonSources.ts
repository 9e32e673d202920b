// The project's own Python sources, most likely entry points first, and the
// lookups the framework detectors share (first file matching a pattern, module names).
import { lineAt, type DirView } from './dirView';

/** Usual entry-point names, best first; other files follow by depth, then name. */
const ENTRY_NAMES = ['main.py', 'app.py', 'server.py', 'application.py', 'wsgi.py', 'asgi.py', 'api.py', 'run.py', 'streamlit_app.py', '__init__.py'];

function isTestOrTooling(file: string): boolean {
  const parts = file.split('/');
  const base = parts[parts.length - 1];
  return (
    parts.some((p) => p === 'tests' || p === 'test' || p === 'migrations' || p === 'docs') ||
    /^test_|_test\.py$|^conftest\.py$|^setup\.py$|^noxfile\.py$/.test(base)
  );
}

export async function pythonSources(view: DirView): Promise<string[]> {
  const files = (await view.findFiles(['.py'], { maxFiles: 300, maxDepth: 3 })).filter((f) => !isTestOrTooling(f));
  const rank = (f: string) => {
    const depth = f.split('/').length - 1;
    const i = ENTRY_NAMES.indexOf(f.slice(f.lastIndexOf('/') + 1));
    return depth * 100 + (i < 0 ? ENTRY_NAMES.length : i);
  };
  return files.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export interface SourceHit {
  file: string;
  line: number;
  match: RegExpExecArray;
  /** The matching line, trimmed, for evidence. */
  text: string;
}

/** The first source (in entry-point order) matching `re`. */
export async function findInSources(view: DirView, files: string[], re: RegExp): Promise<SourceHit | undefined> {
  for (const file of files) {
    const text = await view.readText(file);
    if (text === undefined) continue;
    const match = re.exec(text);
    if (!match) continue;
    const line = lineAt(text, match.index);
    return { file, line, match, text: (text.split(/\r?\n/)[line - 1] ?? '').trim() };
  }
  return undefined;
}

/** Import path of a source file and the folder the server must run from ('src' layout). */
export function moduleOf(file: string): { module: string; chdir?: string } {
  let path = file.replace(/\.py$/, '').replace(/\/__init__$/, '');
  let chdir: string | undefined;
  if (path.startsWith('src/')) {
    chdir = 'src';
    path = path.slice(4);
  }
  return { module: path.split('/').join('.'), chdir };
}
