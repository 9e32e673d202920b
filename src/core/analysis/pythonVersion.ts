// Which Python the image uses: the project's pin when it has one, else the
// newest supported minor that satisfies its `requires-python`, else 3.12.
import { grep, type DirView } from './dirView';
import { readToml, tomlGet } from './pythonToml';
import type { Fact } from './types';

export const DEFAULT_PYTHON = '3.12';

/** Minors with official slim images we are willing to pick from a range, newest preferred after the default. */
const MINORS = [8, 9, 10, 11, 12, 13];

function minorOf(text: string): string | undefined {
  const m = /(?:^|[^\d.])(3)\.(\d{1,2})(?!\d)/.exec(text);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** Does Python 3.<minor> (any patch) satisfy one PEP 440 / Poetry clause such as ">=3.10" or "^3.11"? */
function satisfies(minor: number, clause: string): boolean {
  const m = /^\s*(~=|==|!=|>=|<=|>|<|\^|~)?\s*3(?:\.(\d+|\*))?(?:\.(\d+|\*))?\s*$/.exec(clause);
  if (!m) return true; // unknown clause: don't let it exclude anything
  const op = m[1] ?? '==';
  const want = m[2] === undefined || m[2] === '*' ? undefined : Number(m[2]);
  const hasPatch = m[3] !== undefined && m[3] !== '*' && m[3] !== '0';
  if (want === undefined) return op !== '<' && op !== '!=';
  switch (op) {
    case '>=':
    case '^':
    case '>':
      return minor >= want;
    case '~=':
      return m[3] !== undefined ? minor === want : minor >= want;
    case '~':
    case '==':
      return minor === want;
    case '!=':
      return hasPatch || minor !== want;
    case '<=':
      return minor <= want;
    case '<':
      return hasPatch ? minor <= want : minor < want;
    default:
      return true;
  }
}

/** The minor version to use for a specifier like ">=3.9,<3.13" (or "^3.10 || ^4"), undefined when none fits. */
export function pickFromSpecifier(spec: string): string | undefined {
  const alternatives = spec.split('||');
  const ok = MINORS.filter((minor) => alternatives.some((alt) => alt.split(',').every((c) => satisfies(minor, c))));
  if (!ok.length) return undefined;
  const preferred = Number(DEFAULT_PYTHON.split('.')[1]);
  return `3.${ok.includes(preferred) ? preferred : ok[ok.length - 1]}`;
}

/** The Python version with its evidence; `defaulted` when nothing in the project says. */
export async function detectPythonVersion(view: DirView): Promise<{ fact: Fact<string>; defaulted: boolean }> {
  const pinned = await view.readText('.python-version');
  const pinnedMinor = pinned !== undefined ? minorOf(pinned.split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#')) ?? '') : undefined;
  if (pinnedMinor)
    return {
      fact: { value: pinnedMinor, evidence: [{ file: view.rel('.python-version'), line: 1, detail: `pins Python ${pinned!.trim().split(/\s/)[0]}` }] },
      defaulted: false,
    };

  const runtime = await grep(view, 'runtime.txt', /python-(3\.\d+(?:\.\d+)?)/);
  if (runtime)
    return {
      fact: { value: minorOf(runtime.match[1])!, evidence: [{ file: view.rel('runtime.txt'), line: runtime.line, detail: runtime.text.trim() }] },
      defaulted: false,
    };

  const pyproject = await view.readText('pyproject.toml');
  if (pyproject !== undefined) {
    const toml = readToml(pyproject);
    const entry = tomlGet(toml, 'project', 'requires-python') ?? tomlGet(toml, 'tool.poetry.dependencies', 'python');
    const spec = entry?.strings[0]?.value;
    const picked = spec ? pickFromSpecifier(spec) : undefined;
    if (entry && spec && picked) {
      return {
        fact: {
          value: picked,
          evidence: [
            { file: view.rel('pyproject.toml'), line: entry.line, detail: `${entry.key} = "${spec}" (newest of the usual versions it allows: ${picked})` },
          ],
        },
        defaulted: false,
      };
    }
  }

  const pipfile = await grep(view, 'Pipfile', /^\s*python_version\s*=\s*["'](3\.\d+)/m);
  if (pipfile)
    return { fact: { value: pipfile.match[1], evidence: [{ file: view.rel('Pipfile'), line: pipfile.line, detail: pipfile.text.trim() }] }, defaulted: false };

  return { fact: { value: DEFAULT_PYTHON, evidence: [] }, defaulted: true };
}
