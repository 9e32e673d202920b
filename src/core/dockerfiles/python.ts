// Python images: a builder stage installs the locked dependencies into a
// virtualenv at /opt/venv (with the package manager's own tool, which stays out
// of the final image); the runtime stage copies the venv and the source and
// runs as a non-root user.
//
// Hints read (set by the python detector):
//   install: 'requirements' | 'poetry' | 'uv' | 'uv-project' | 'pipenv' | 'pdm' | 'project' | 'none'
//   manifests: string[]        files copied before the install (cache layer)
//   setupRequires: string[]    a lone setup.py's literal install_requires, installed before the source
//   serverPackages: string[]   servers the dependencies lack (gunicorn, uvicorn)
//   collectstatic: string      path of manage.py when Django's STATIC_ROOT is set
//   env: string[]              extra KEY=VALUE runtime environment (e.g. GRADIO_SERVER_NAME=0.0.0.0)
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { assetStage, copySource } from './assets';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratedFiles, type GeneratorMap, startEnvLines } from './generator';

const VENV_ENV = 'ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Builder lines that install the dependencies into /opt/venv. */
function installLines(install: string, manifests: string[], requires: string[]): string[] {
  const copy = manifests.length ? [`COPY ${manifests.join(' ')} ./`] : [];
  const venv = ['RUN python -m venv /opt/venv', VENV_ENV];
  switch (install) {
    case 'requirements':
      return [...venv, ...copy, 'RUN pip install -r requirements.txt'];
    case 'poetry':
      // Poetry installs into the active virtualenv (VIRTUAL_ENV) instead of creating its own.
      return ['RUN pip install poetry', ...venv, 'ENV POETRY_VIRTUALENVS_CREATE=false', ...copy, 'RUN poetry install --no-root --only main --no-interaction'];
    case 'uv':
    case 'uv-project': {
      // --frozen installs exactly uv.lock; without one uv resolves now. A project with a build system is installed too.
      const frozen = manifests.includes('uv.lock') ? ' --frozen' : '';
      const uv = ['RUN pip install uv', 'ENV UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy'];
      if (install === 'uv-project') return [...uv, 'COPY . .', `RUN uv sync${frozen} --no-dev --no-editable`, VENV_ENV];
      return [...uv, ...copy, `RUN uv sync${frozen} --no-dev --no-install-project`, VENV_ENV];
    }
    case 'pipenv':
      return [
        'RUN pip install pipenv',
        ...venv,
        ...copy,
        manifests.includes('Pipfile.lock')
          ? 'RUN pipenv requirements > /tmp/requirements.txt && pip install -r /tmp/requirements.txt'
          : 'RUN pipenv lock && pipenv requirements > /tmp/requirements.txt && pip install -r /tmp/requirements.txt',
      ];
    case 'pdm':
      return [
        'RUN pip install pdm',
        ...venv,
        ...copy,
        'RUN pdm export --prod --without-hashes -o /tmp/requirements.txt && pip install -r /tmp/requirements.txt',
      ];
    case 'project':
      // setup.py without a lockfile: the package needs its source to install. Its literal
      // install_requires (setupRequires) go in a layer of their own first, then the package alone.
      if (requires.length) return [...venv, `RUN pip install ${requires.map((r) => `'${r}'`).join(' ')}`, 'COPY . .', 'RUN pip install --no-deps .'];
      return [...venv, 'COPY . .', 'RUN pip install .'];
    default:
      return venv;
  }
}

export function pythonDockerfile(app: AppAnalysis): GeneratedFiles {
  const version = app.version?.value ?? RUNTIMES.python.preferred;
  const install = typeof app.hints.install === 'string' ? app.hints.install : 'none';
  const servers = strings(app.hints.serverPackages);
  const env = strings(app.hints.env);
  const port = app.port.port;
  // A stdlib-only script needs no builder stage and no virtualenv.
  const build = install !== 'none' || servers.length > 0;
  const lines = [
    GENERATED_HEADER,
    ...assetStage(app),
    ...(build
      ? [
          `FROM python:${version}-slim AS builder`,
          'ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1',
          'WORKDIR /app',
          ...installLines(install, strings(app.hints.manifests), strings(app.hints.setupRequires)),
          // uv's venv has no pip of its own.
          ...(servers.length ? [`RUN ${install.startsWith('uv') ? 'uv pip install --python /opt/venv/bin/python' : 'pip install'} ${servers.join(' ')}`] : []),
          '',
        ]
      : []),
    `FROM python:${version}-slim`,
    `ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1${build ? ' ' + VENV_ENV.slice(4) : ''} PORT=${port}${env.length ? ' ' + env.join(' ') : ''}`,
    ...startEnvLines(app),
    'RUN useradd --create-home --uid 10001 app',
    'WORKDIR /app',
    ...(build ? ['COPY --from=builder /opt/venv /opt/venv'] : []),
    copySource(app, '.', 'app:app'),
    ...(typeof app.hints.collectstatic === 'string' ? [`RUN python ${app.hints.collectstatic} collectstatic --noinput`] : []),
    'USER app',
    `EXPOSE ${port}`,
    // Without a start command the image still builds; the user is told in the analysis notes.
    cmd(app.start?.value ?? ['python', '-c', 'print("Devgem could not determine how this app starts; edit the Dockerfile CMD.")']),
  ];
  return {
    dockerfile: lines.join('\n') + '\n',
    dockerignore: dockerignore([
      '__pycache__',
      '*.pyc',
      '*.pyo',
      '.venv',
      'venv',
      'env',
      '.pytest_cache',
      '.mypy_cache',
      '.ruff_cache',
      '.tox',
      '*.egg-info',
      '.coverage',
      'htmlcov',
    ]),
  };
}

export const pythonGenerators: GeneratorMap = { python: pythonDockerfile };
