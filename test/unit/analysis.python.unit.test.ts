import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirView } from '../../src/core/analysis/dirView';
import { pythonDetector } from '../../src/core/analysis/python';
import { literalRequires, normaliseDep } from '../../src/core/analysis/pythonProject';
import { readToml } from '../../src/core/analysis/pythonToml';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { pythonDockerfile } from '../../src/core/dockerfiles/python';
import { FIXTURES, fixtureView, startAndFetch } from '../support/analysisFixtures';

async function analyze(name: string): Promise<AppAnalysis> {
  const app = await pythonDetector.detect(fixtureView(name));
  assert.ok(app, `${name} is recognised as Python`);
  assert.equal(app.stack, 'python');
  assert.equal(app.language.value, 'python');
  assert.equal(app.path, name);
  return app;
}

function dockerfileLines(app: AppAnalysis): string[] {
  return pythonDockerfile(app).dockerfile.split('\n');
}

/** The line of the Dockerfile that starts with `prefix` (exactly one). */
function line(lines: string[], prefix: string): string {
  const found = lines.filter((l) => l.startsWith(prefix));
  assert.equal(found.length, 1, `one line starting with ${prefix} in:\n${lines.join('\n')}`);
  return found[0];
}

/** Temporary copy of a fixture (to apply a fix or to write files). */
async function tempCopy(name: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-py-'));
  await fs.cp(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Detects a throwaway workspace made of `files`. */
async function detectIn(files: Record<string, string>): Promise<AppAnalysis | undefined> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-py-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await fs.writeFile(path.join(dir, rel), text);
    }
    return await pythonDetector.detect(new DirView(dir, ''));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs a detected start command here: this machine has python3, the image has python. */
function local(start: string[]): string[] {
  return start[0] === 'python' ? ['python3', ...start.slice(1)] : start;
}

describe('python analysis', () => {
  it('Flask with requirements.txt: gunicorn app:app, gunicorn added, app.run under __main__ noted', async () => {
    const app = await analyze('python-flask-requirements');
    assert.equal(app.packageManager?.value, 'pip');
    assert.equal(app.version?.value, '3.11');
    assert.deepEqual(app.version?.evidence[0], { file: 'python-flask-requirements/.python-version', line: 1, detail: '.python-version "3.11.9": pinned' });
    assert.equal(app.framework?.value, 'flask');
    assert.deepEqual(
      app.framework?.evidence.map((e) => [e.file, e.line]),
      [
        ['python-flask-requirements/requirements.txt', 1],
        ['python-flask-requirements/app.py', 3],
      ],
    );
    assert.deepEqual(app.start?.value, ['gunicorn', 'app:app']);
    assert.deepEqual([app.port.port, app.port.honoursPortEnv, app.port.source, app.port.fix], [8080, true, 'framework-default', undefined]);
    assert.deepEqual([app.port.evidence[0].file, app.port.evidence[0].line], ['python-flask-requirements/app.py', 3]);
    assert.equal(app.confidence, 'high');
    assert.deepEqual(app.hints.serverPackages, ['gunicorn']);
    assert.ok(
      app.notes.some((n) => n.includes('app.py:12') && n.includes('no change is needed')),
      app.notes.join('\n'),
    );
    assert.ok(app.notes.some((n) => n.startsWith('gunicorn is not among the dependencies')));

    const df = dockerfileLines(app);
    assert.equal(df[1], 'FROM python:3.11-slim AS builder');
    assert.ok(df.includes('FROM python:3.11-slim'));
    assert.ok(df.indexOf('COPY requirements.txt ./') < df.indexOf('RUN pip install -r requirements.txt'));
    assert.ok(df.indexOf('RUN pip install -r requirements.txt') < df.indexOf('COPY --chown=app:app . .'), 'dependencies before source');
    line(df, 'RUN pip install gunicorn');
    assert.match(line(df, 'ENV PYTHONDONTWRITEBYTECODE'), / PORT=8080$/);
    line(df, 'USER app');
    assert.equal(line(df, 'EXPOSE'), 'EXPOSE 8080');
    assert.equal(line(df, 'CMD'), 'CMD ["gunicorn","app:app"]');
    assert.match(pythonDockerfile(app).dockerignore, /^__pycache__$/m);
  });

  it('FastAPI with Poetry: uvicorn module:variable on $PORT, ^3.11 resolves to the preferred 3.14', async () => {
    const app = await analyze('python-fastapi-poetry');
    assert.equal(app.name, 'orders-api');
    assert.deepEqual(app.packageManager, { value: 'poetry', evidence: [{ file: 'python-fastapi-poetry/poetry.lock', detail: 'Poetry lockfile' }] });
    assert.equal(app.version?.value, '3.14');
    assert.deepEqual([app.version?.evidence[0].file, app.version?.evidence[0].line], ['python-fastapi-poetry/pyproject.toml', 8]);
    assert.equal(app.framework?.value, 'fastapi');
    assert.deepEqual(
      app.framework?.evidence.map((e) => [e.file, e.line]),
      [
        ['python-fastapi-poetry/pyproject.toml', 9],
        ['python-fastapi-poetry/app/main.py', 3],
      ],
    );
    assert.deepEqual(app.start?.value, ['sh', '-c', 'exec uvicorn app.main:api --host 0.0.0.0 --port ${PORT:-8080}']);
    assert.deepEqual([app.port.port, app.port.honoursPortEnv], [8080, true]);
    assert.deepEqual([app.port.evidence[0].file, app.port.evidence[0].line], ['python-fastapi-poetry/app/main.py', 3]);
    assert.equal(app.hints.serverPackages, undefined, 'uvicorn is a Poetry dependency');
    assert.equal(app.confidence, 'high');

    const df = dockerfileLines(app);
    assert.equal(df[1], 'FROM python:3.14-slim AS builder');
    assert.ok(df.indexOf('RUN pip install poetry') < df.indexOf('RUN python -m venv /opt/venv'), 'Poetry stays out of the venv');
    line(df, 'COPY pyproject.toml poetry.lock ./');
    line(df, 'RUN poetry install --no-root --only main --no-interaction');
    line(df, 'COPY --from=builder /opt/venv /opt/venv');
    line(df, 'USER app');
    assert.equal(line(df, 'EXPOSE'), 'EXPOSE 8080');
    assert.equal(line(df, 'CMD'), 'CMD ["sh","-c","exec uvicorn app.main:api --host 0.0.0.0 --port ${PORT:-8080}"]');
  });

  it('Django with Pipenv: project from manage.py, gunicorn project.wsgi:application, collectstatic', async () => {
    const app = await analyze('python-django-pipenv');
    assert.equal(app.packageManager?.value, 'pipenv');
    assert.deepEqual(app.version, { value: '3.12', evidence: [{ file: 'python-django-pipenv/Pipfile', line: 15, detail: 'python_version = "3.12": pinned' }] });
    assert.equal(app.framework?.value, 'django');
    assert.deepEqual(
      app.framework?.evidence.map((e) => [e.file, e.line]),
      [
        ['python-django-pipenv/Pipfile', 7],
        ['python-django-pipenv/mysite/wsgi.py', 7],
      ],
    );
    assert.deepEqual(app.start?.value, ['gunicorn', 'mysite.wsgi:application']);
    assert.deepEqual(
      [app.port.port, app.port.honoursPortEnv, app.port.evidence[0].file, app.port.evidence[0].line],
      [8080, true, 'python-django-pipenv/mysite/wsgi.py', 7],
    );
    assert.equal(app.hints.serverPackages, undefined, 'gunicorn is in the Pipfile');
    assert.equal(app.hints.collectstatic, 'manage.py');
    assert.ok(app.notes.some((n) => n.includes('collectstatic') && n.includes('settings.py:12')));
    assert.ok(!app.notes.some((n) => n.includes('ALLOWED_HOSTS')), 'ALLOWED_HOSTS reads the environment');
    assert.equal(app.confidence, 'high');

    const df = dockerfileLines(app);
    assert.equal(df[1], 'FROM python:3.12-slim AS builder');
    line(df, 'COPY Pipfile Pipfile.lock ./');
    line(df, 'RUN pipenv requirements > /tmp/requirements.txt && pip install -r /tmp/requirements.txt');
    assert.ok(df.indexOf('RUN python manage.py collectstatic --noinput') < df.indexOf('USER app'));
    assert.equal(line(df, 'EXPOSE'), 'EXPOSE 8080');
    assert.equal(line(df, 'CMD'), 'CMD ["gunicorn","mysite.wsgi:application"]');
  });

  it('FastAPI with uv in a src layout: --app-dir src, uvicorn added with uv pip', async () => {
    const app = await analyze('python-fastapi-uv');
    assert.equal(app.name, 'inventory');
    assert.equal(app.packageManager?.value, 'uv');
    assert.equal(app.version?.value, '3.12');
    assert.match(app.version?.evidence[0].detail ?? '', /requires-python ">=3.10,<3.13": newest supported it allows/);
    assert.deepEqual(
      app.framework?.evidence.map((e) => [e.file, e.line]),
      [
        ['python-fastapi-uv/pyproject.toml', 6],
        ['python-fastapi-uv/src/api/server.py', 3],
      ],
    );
    assert.deepEqual(app.start?.value, ['sh', '-c', 'exec uvicorn api.server:app --host 0.0.0.0 --port ${PORT:-8080} --app-dir src']);
    assert.deepEqual(app.hints.serverPackages, ['uvicorn']);
    assert.ok(
      app.notes.some((n) => n.includes('server.py:14') && n.includes('uvicorn.run')),
      'the __main__ uvicorn.run is explained, not fixed',
    );
    assert.equal(app.port.fix, undefined);

    const df = dockerfileLines(app);
    line(df, 'COPY pyproject.toml uv.lock ./');
    line(df, 'RUN uv sync --frozen --no-dev --no-install-project');
    line(df, 'RUN uv pip install --python /opt/venv/bin/python uvicorn');
    line(df, 'USER app');
    assert.equal(line(df, 'CMD'), `CMD ${JSON.stringify(app.start?.value)}`);
  });

  it('PDM: Flask app built by a factory in wsgi.py', async () => {
    const app = await analyze('python-pdm');
    assert.equal(app.packageManager?.value, 'pdm');
    assert.equal(app.version?.value, '3.14');
    assert.equal(app.framework?.value, 'flask');
    assert.deepEqual(app.start?.value, ['gunicorn', 'wsgi:app']);
    assert.deepEqual([app.start?.evidence[0].file, app.start?.evidence[0].line], ['python-pdm/wsgi.py', 3]);
    assert.equal(app.hints.serverPackages, undefined);

    const df = dockerfileLines(app);
    line(df, 'COPY pyproject.toml pdm.lock ./');
    line(df, 'RUN pdm export --prod --without-hashes -o /tmp/requirements.txt && pip install -r /tmp/requirements.txt');
    assert.equal(line(df, 'CMD'), 'CMD ["gunicorn","wsgi:app"]');
  });

  it('setup.py: runtime.txt version, create_app() factory, dependencies before the source', async () => {
    const app = await analyze('python-setuppy');
    assert.equal(app.name, 'shop');
    assert.equal(app.packageManager?.value, 'setuptools');
    assert.deepEqual(app.version, {
      value: '3.10',
      evidence: [{ file: 'python-setuppy/runtime.txt', line: 1, detail: 'runtime.txt "python-3.10.14": pinned' }],
    });
    assert.deepEqual(
      app.framework?.evidence.map((e) => [e.file, e.line]),
      [
        ['python-setuppy/setup.py', 8],
        ['python-setuppy/shop/__init__.py', 4],
      ],
    );
    assert.deepEqual(app.start?.value, ['gunicorn', 'shop:create_app()']);
    assert.equal(app.confidence, 'medium', 'no lockfile');
    assert.ok(app.notes.some((n) => n.startsWith('No lockfile')));

    const df = dockerfileLines(app);
    assert.equal(df[1], 'FROM python:3.10-slim AS builder');
    // install_requires is a literal list: the dependencies get a layer before the source, the package installs alone after it.
    const deps = df.indexOf("RUN pip install 'Flask>=2.3' 'SQLAlchemy>=2.0'");
    assert.deepEqual(df.slice(deps, deps + 3), ["RUN pip install 'Flask>=2.3' 'SQLAlchemy>=2.0'", 'COPY . .', 'RUN pip install --no-deps .']);
    line(df, 'RUN pip install gunicorn');
    assert.equal(line(df, 'CMD'), 'CMD ["gunicorn","shop:create_app()"]');
  });

  it('setup.py install_requires: read only when it is a literal list of plain requirements', () => {
    assert.deepEqual(literalRequires('setup(\n  install_requires=["a>=1, <2", \'b[x]==1.0\',  # why\n  ],\n)'), ['a>=1, <2', 'b[x]==1.0']);
    // Markers, names computed in Python, or a list extended by code: pip install . with the source, as before.
    for (const text of [
      'setup(install_requires=["a; python_version<\'3.8\'"])',
      'setup(install_requires=REQUIRES)',
      'setup(install_requires=["a"] + extra)',
      'setup(install_requires=["a", *extra])',
      'setup(name="x")',
    ])
      assert.equal(literalRequires(text), undefined, text);
  });

  it('Streamlit: streamlit run on $PORT and 0.0.0.0, default version noted', async () => {
    const app = await analyze('python-streamlit');
    assert.equal(app.framework?.value, 'streamlit');
    assert.equal(app.version?.value, '3.14');
    assert.match(app.version?.evidence[0].detail ?? '', /^no version in \.python-version, runtime\.txt, requires-python or Pipfile/);
    assert.deepEqual(app.start?.value, [
      'sh',
      '-c',
      'exec streamlit run dashboard.py --server.port ${PORT:-8080} --server.address 0.0.0.0 --server.headless true',
    ]);
    assert.deepEqual(
      [app.port.port, app.port.honoursPortEnv, app.port.evidence[0].file, app.port.evidence[0].line],
      [8080, true, 'python-streamlit/dashboard.py', 2],
    );

    const df = dockerfileLines(app);
    line(df, 'RUN pip install -r requirements.txt');
    assert.equal(line(df, 'EXPOSE'), 'EXPOSE 8080');
    assert.match(line(df, 'CMD'), /streamlit run dashboard\.py --server\.port \$\{PORT:-8080\}/);
  });

  it('Gradio: GRADIO_SERVER_NAME in the image, GRADIO_SERVER_PORT from $PORT', async () => {
    const app = await analyze('python-gradio');
    assert.equal(app.framework?.value, 'gradio');
    assert.deepEqual(app.version?.evidence[0], { file: 'python-gradio/.python-version', line: 1, detail: '.python-version "3.12": pinned' });
    assert.deepEqual(app.start?.value, ['sh', '-c', 'export GRADIO_SERVER_PORT=${PORT:-8080}; exec python app.py']);
    assert.deepEqual([app.port.port, app.port.honoursPortEnv, app.port.evidence[0].file, app.port.evidence[0].line], [8080, true, 'python-gradio/app.py', 1]);

    const df = dockerfileLines(app);
    assert.match(line(df, 'ENV PYTHONDONTWRITEBYTECODE'), / PORT=8080 GRADIO_SERVER_NAME=0\.0\.0\.0$/);
    assert.equal(line(df, 'CMD'), 'CMD ["sh","-c","export GRADIO_SERVER_PORT=${PORT:-8080}; exec python app.py"]');
  });

  it('stdlib http.server reading PORT: python server.py, single stage, answers for real', async () => {
    const app = await analyze('python-plain-http-server');
    assert.equal(app.packageManager, undefined);
    assert.equal(app.framework, undefined);
    assert.deepEqual(app.start?.value, ['python', 'server.py']);
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'code',
      honoursPortEnv: true,
      evidence: [{ file: 'python-plain-http-server/server.py', line: 16, detail: 'reads PORT from the environment' }],
    });
    assert.equal(app.confidence, 'low');

    const df = dockerfileLines(app);
    assert.equal(df[1], 'FROM python:3.14-slim');
    assert.ok(!df.some((l) => l.includes('builder')), 'nothing to install, no builder stage');
    line(df, 'USER app');
    assert.equal(line(df, 'CMD'), 'CMD ["python","server.py"]');

    const res = await startAndFetch(local(app.start!.value), fixtureView('python-plain-http-server').abs());
    assert.equal(res.status, 200);
    assert.equal(res.body, 'hello from python\n');
  });

  it('hard-coded localhost:5000: port 5000 with a fix that, applied, serves on $PORT', async () => {
    const app = await analyze('python-hardcoded-port');
    assert.deepEqual(app.start?.value, ['python', 'main.py']);
    assert.deepEqual([app.port.port, app.port.source, app.port.honoursPortEnv], [5000, 'code', false]);
    assert.deepEqual([app.port.evidence[0].file, app.port.evidence[0].line], ['python-hardcoded-port/main.py', 13]);
    const fix = app.port.fix!;
    assert.deepEqual([fix.file, fix.line, fix.before], ['python-hardcoded-port/main.py', 13, 'server = ThreadingHTTPServer(("localhost", 5000), Handler)']);
    assert.equal(fix.after, 'server = ThreadingHTTPServer(("0.0.0.0", int(__import__("os").environ.get("PORT", 5000))), Handler)');
    assert.ok(app.notes.some((n) => n.includes('localhost only')));

    const df = dockerfileLines(app);
    assert.match(line(df, 'ENV PYTHONDONTWRITEBYTECODE'), / PORT=5000$/);
    assert.equal(line(df, 'EXPOSE'), 'EXPOSE 5000');

    const dir = await tempCopy('python-hardcoded-port');
    try {
      const file = path.join(dir, 'main.py');
      const lines = (await fs.readFile(file, 'utf8')).split('\n');
      assert.equal(lines[fix.line - 1], fix.before);
      lines[fix.line - 1] = fix.after;
      await fs.writeFile(file, lines.join('\n'));
      const res = await startAndFetch(local(app.start!.value), dir);
      assert.equal(res.status, 200);
      assert.equal(res.body, 'ok\n');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a script that imports os gets an os.environ fix; run(port=…) in a plain script is hard-coded', async () => {
    const app = await detectIn({ 'main.py': 'import os\nfrom bottle import run\n\nrun(host="0.0.0.0", port=9000)\n' });
    assert.equal(app?.port.port, 9000);
    assert.deepEqual([app?.port.fix?.file, app?.port.fix?.line], ['main.py', 4]);
    assert.equal(app?.port.fix?.after, 'run(host="0.0.0.0", port=int(os.environ.get("PORT", 9000)))');
  });

  it('recognises the ways scripts read PORT, and a module-level port constant', async () => {
    for (const code of [
      'import os\nif "PORT" in os.environ:\n    pass\n',
      'from os import getenv\nport = int(getenv("PORT", "8000"))\n',
      'import os\nPORT = os.environ["PORT"]\n',
    ]) {
      const app = await detectIn({ 'app.py': code });
      assert.deepEqual([app?.port.port, app?.port.honoursPortEnv, app?.port.fix], [8080, true, undefined], code);
    }
    const app = await detectIn({ 'main.py': 'import socketserver\n\nPORT = 8000\nsocketserver.TCPServer(("", PORT), None).serve_forever()\n' });
    assert.deepEqual([app?.port.port, app?.port.fix?.line, app?.port.fix?.after], [8000, 3, 'PORT = int(__import__("os").environ.get("PORT", 8000))']);
  });

  it('Gradio with a hard-coded server_port: python app.py, port and fix from the launch line', async () => {
    const app = await detectIn({
      'requirements.txt': 'gradio\n',
      'app.py': 'import gradio as gr\n\ndemo = gr.Interface(fn=str, inputs="text", outputs="text")\ndemo.launch(server_name="0.0.0.0", server_port=7861)\n',
    });
    assert.deepEqual(app?.start?.value, ['python', 'app.py']);
    assert.deepEqual([app?.port.port, app?.port.honoursPortEnv, app?.port.evidence[0].line], [7861, false, 4]);
    assert.equal(app?.port.fix?.after, 'demo.launch(server_name="0.0.0.0", server_port=int(__import__("os").environ.get("PORT", 7861)))');
  });

  it('Django in a subfolder with a settings package: --chdir, collectstatic and the env it needs, -r includes', async () => {
    const app = await detectIn({
      'requirements.txt': '-r requirements/base.txt\ngunicorn==22.0.0\n',
      'requirements/base.txt': 'Django==5.0.6\n',
      Procfile: 'web: gunicorn --chdir backend config.wsgi\n',
      'backend/manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\n',
      'backend/config/__init__.py': '',
      'backend/config/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
      'backend/config/settings/__init__.py': '',
      'backend/config/settings/production.py': 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\nALLOWED_HOSTS = []\nSTATIC_ROOT = "/app/static"\n',
    });
    assert.equal(app?.framework?.value, 'django');
    assert.deepEqual(
      app?.framework?.evidence.map((e) => [e.file, e.line]),
      [
        ['requirements/base.txt', 1],
        ['backend/config/wsgi.py', 2],
      ],
    );
    // The Procfile says how it starts (gunicorn serves `application` when the module names no variable).
    assert.deepEqual(app?.start, {
      value: ['gunicorn', '--chdir', 'backend', 'config.wsgi'],
      evidence: [{ file: 'Procfile', line: 1, detail: 'Procfile web: gunicorn --chdir backend config.wsgi' }],
    });
    assert.deepEqual([app?.port.honoursPortEnv, app?.port.evidence[0].detail], [true, 'gunicorn binds 0.0.0.0:$PORT when no bind is given']);
    assert.equal(app?.hints.collectstatic, 'backend/manage.py');
    assert.equal(app?.hints.serverPackages, undefined);
    assert.ok(
      app?.notes.some((n) => n.includes('requires SECRET_KEY')),
      app?.notes.join('\n'),
    );
    assert.ok(app?.notes.some((n) => n.includes('ALLOWED_HOSTS')));
    assert.ok(dockerfileLines(app!).includes('RUN python backend/manage.py collectstatic --noinput'));
  });

  it('a framework dependency without an app object leaves start out and says so', async () => {
    const app = await detectIn({ 'requirements.txt': 'fastapi\n', 'routes.py': 'def handler():\n    return 1\n' });
    assert.equal(app?.framework?.value, 'fastapi');
    assert.equal(app?.start, undefined);
    assert.deepEqual([app?.port.port, app?.port.source], [8000, 'framework-default']);
    assert.equal(app?.confidence, 'low');
    assert.ok(app?.notes.some((n) => n.includes('No start command')));
  });

  it('a Flask-Script manage.py is not Django; a top-level app.run() is flagged', async () => {
    const app = await detectIn({
      'requirements.txt': 'flask\nflask-script\n',
      'manage.py': 'from flask_script import Manager\nfrom app import app\nManager(app).run()\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\napp.run()\n',
    });
    assert.equal(app?.framework?.value, 'flask');
    assert.deepEqual(app?.start?.value, ['gunicorn', 'app:app']);
    assert.ok(
      app?.notes.some((n) => n.startsWith('app.py:3 calls `app.run()` at import time')),
      app?.notes.join('\n'),
    );
  });

  it('a Flask app built inside main(): falls back to python main.py, medium confidence', async () => {
    const app = await detectIn({
      'requirements.txt': 'flask==3.0.3\n',
      'main.py':
        'import os\nfrom flask import Flask\n\n\ndef main():\n    app = Flask(__name__)\n    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))\n\n\nmain()\n',
    });
    assert.equal(app?.framework?.value, 'flask');
    assert.deepEqual(app?.start?.value, ['python', 'main.py']);
    assert.deepEqual([app?.port.port, app?.port.honoursPortEnv, app?.port.evidence[0].line], [8080, true, 7]);
    assert.equal(app?.confidence, 'medium');
  });

  it('is not fooled by folders without Python', async () => {
    assert.equal(await detectIn({ 'package.json': '{"name":"web"}', 'build.py': 'print("helper")\n' }), undefined);
  });
});

describe('python analysis helpers', () => {
  it('normalises dependency names and reads multi-line TOML arrays with their lines', () => {
    assert.equal(normaliseDep('Flask_SQLAlchemy[async]>=3'), 'flask-sqlalchemy');
    assert.equal(normaliseDep('uvicorn[standard]==0.30'), 'uvicorn');
    const toml = readToml('[project]\nname = "x"\ndependencies = [\n  "fastapi>=0.1",  # web\n  "httpx",\n]\n[tool.poetry.dependencies]\npython = "^3.11"\n');
    const deps = toml.find((e) => e.key === 'dependencies');
    assert.deepEqual(deps?.strings, [
      { value: 'fastapi>=0.1', line: 4 },
      { value: 'httpx', line: 5 },
    ]);
    assert.deepEqual(toml.find((e) => e.table === 'tool.poetry.dependencies')?.strings, [{ value: '^3.11', line: 8 }]);
  });
});

describe('python ports from server config files', () => {
  const flask = { 'requirements.txt': 'flask\ngunicorn\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' };

  it('gunicorn.conf.py binding a fixed port is that port, with the one-line fix', async () => {
    const app = await detectIn({ ...flask, 'gunicorn.conf.py': 'workers = 2\nbind = "0.0.0.0:8000"\n' });
    assert.deepEqual([app?.port.port, app?.port.honoursPortEnv, app?.port.source], [8000, false, 'config']);
    assert.deepEqual(
      [app?.port.fix?.file, app?.port.fix?.line, app?.port.fix?.after],
      ['gunicorn.conf.py', 2, `bind = "0.0.0.0:" + __import__('os').environ.get('PORT', '8000')`],
    );
  });

  it('gunicorn.conf.py reading PORT honours it; without a config gunicorn binds $PORT itself', async () => {
    const reads = await detectIn({ ...flask, 'gunicorn.conf.py': 'import os\nbind = f"0.0.0.0:{os.environ.get(\'PORT\', 8080)}"\n' });
    assert.deepEqual([reads?.port.honoursPortEnv, reads?.port.evidence[0].file, reads?.port.evidence[0].line], [true, 'gunicorn.conf.py', 2]);
    const bare = await detectIn(flask);
    assert.deepEqual([bare?.port.honoursPortEnv, bare?.port.source], [true, 'framework-default']);
  });

  it('a Procfile uvicorn without --host/--port listens on localhost:8000: flagged, with the Procfile fix', async () => {
    const app = await detectIn({
      'requirements.txt': 'fastapi\nuvicorn\n',
      'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      Procfile: 'web: uvicorn main:app\n',
    });
    assert.deepEqual([app?.port.port, app?.port.honoursPortEnv], [8000, false]);
    assert.equal(app?.port.fix?.after, 'web: uvicorn main:app --host 0.0.0.0 --port $PORT');
    assert.ok(app?.notes.some((n) => /localhost only/.test(n)));
  });
});
