// Which Python the image uses: the project's pin when it has one (kept even
// past end of life, with a warning), else the preferred line when its
// `requires-python` allows it (or the newest supported one it allows), else
// the preferred line.
import { grep, type DirView } from './dirView';
import { readToml, tomlGet } from './pythonToml';
import { defaulted, pinned, ranged, type RuntimeChoice } from './runtimeChoice';
import { today } from './runtimes';

/** "3.11.4" / "python-3.11" / "3.11" → "3.11". */
function minorOf(text: string): string | undefined {
  const m = /(?:^|[^\d.])(3)\.(\d{1,2})(?!\d)/.exec(text);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

export async function detectPythonVersion(view: DirView, on = today()): Promise<RuntimeChoice & { defaulted: boolean }> {
  const pinnedFile = await view.readText('.python-version');
  const first = pinnedFile?.split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#'));
  const pin = first ? minorOf(first) : undefined;
  if (pin) {
    const source = {
      evidence: { file: view.rel('.python-version'), line: 1, detail: `.python-version "${first!.trim()}"` },
      fixFor: (l: string) => `.python-version: ${l}`,
    };
    return { ...pinned('python', pin, source, on), defaulted: false };
  }

  const runtime = await grep(view, 'runtime.txt', /python-(3\.\d+(?:\.\d+)?)/);
  if (runtime) {
    const source = {
      evidence: { file: view.rel('runtime.txt'), line: runtime.line, detail: `runtime.txt "${runtime.text.trim()}"` },
      fixFor: (l: string) => `runtime.txt: python-${l}`,
    };
    return { ...pinned('python', minorOf(runtime.match[1])!, source, on), defaulted: false };
  }

  const pyproject = await view.readText('pyproject.toml');
  if (pyproject !== undefined) {
    const toml = readToml(pyproject);
    const entry = tomlGet(toml, 'project', 'requires-python') ?? tomlGet(toml, 'tool.poetry.dependencies', 'python');
    const spec = entry?.strings[0]?.value;
    if (entry && spec) {
      const source = {
        evidence: { file: view.rel('pyproject.toml'), line: entry.line, detail: `${entry.key} "${spec}"` },
        fixFor: (l: string) => `pyproject.toml: ${entry.key} = ">=${l}"`,
      };
      const choice = ranged('python', spec, 'pep440', source, on);
      if (choice) return { ...choice, defaulted: false };
    }
  }

  const pipfile = await grep(view, 'Pipfile', /^\s*python_version\s*=\s*["'](3\.\d+)/m);
  if (pipfile) {
    const source = {
      evidence: { file: view.rel('Pipfile'), line: pipfile.line, detail: pipfile.text.trim() },
      fixFor: (l: string) => `Pipfile: python_version = "${l}"`,
    };
    return { ...pinned('python', pipfile.match[1], source, on), defaulted: false };
  }

  const asdf = /^python\s+(3\.\d+)/m.exec((await view.readText('.tool-versions')) ?? '');
  if (asdf) {
    const source = {
      evidence: { file: view.rel('.tool-versions'), detail: `.tool-versions python ${asdf[1]}` },
      fixFor: (l: string) => `.tool-versions: python ${l}`,
    };
    return { ...pinned('python', asdf[1], source, on), defaulted: false };
  }

  const names = await view.list();
  const manifest = ['requirements.txt', 'pyproject.toml', 'Pipfile', 'setup.py', 'manage.py', 'main.py', 'app.py'].find((f) => names.includes(f));
  return { ...defaulted('python', view.rel(manifest ?? '.'), '.python-version, runtime.txt, requires-python or Pipfile'), defaulted: true };
}
