// Layer order of every generated Dockerfile: dependency installs come before the
// full source is copied, so a source-only change re-runs only the layers after
// `COPY . .` and the install layer comes from the build cache (buildConfig.ts).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import { generateFiles } from '../../src/core/dockerfiles/generate';
import { FIXTURES } from '../support/analysisFixtures';

/** A RUN that installs dependencies from a manifest or lockfile. */
const INSTALL =
  /\b(npm (ci|install)|yarn( install)?( |$)|pnpm (install|i)\b|bun install|pip install|poetry install|uv sync|pipenv (install|sync)|pdm (install|sync)|bundle install|composer install|go mod download|cargo (build|fetch)|mvn\S* .*dependency:|gradle\S* .*(dependencies|build)|dotnet restore|mix deps\.get|dart pub get|swift package resolve|deno (cache|install))/;
/** `COPY [--flags] . <dest>`: the whole build context. */
const WHOLE_SOURCE = /^COPY\s+(--\S+\s+)*\.\/?\s+\S+\s*$/;

/**
 * Generators that still install after the whole source, and why (open work: each needs its own
 * manifest-only layer). The test fails when another one does, and when one of these is fixed
 * (so the list stays true).
 */
const KNOWN: Record<string, string> = {
  'deno-no-config (deno)': 'no deno.json: the imports in the code are the only dependency list, so `deno cache <entry>` needs the source (by design)',
};

interface Stage {
  from: string;
  lines: string[];
}

function stages(dockerfile: string): Stage[] {
  const out: Stage[] = [];
  for (const raw of dockerfile.split('\n')) {
    const line = raw.trim();
    if (/^FROM\s/i.test(line)) out.push({ from: line, lines: [] });
    else if (line && !line.startsWith('#') && out.length) out[out.length - 1].lines.push(line);
  }
  return out;
}

/** In one stage: where the whole source is copied, and the installs before and after it. */
export function layerOrder(stage: Stage): { copyAt: number; installsBefore: string[]; installsAfter: string[] } {
  const copyAt = stage.lines.findIndex((l) => WHOLE_SOURCE.test(l));
  const installs = stage.lines.map((l, i) => ({ l, i })).filter(({ l }) => /^RUN\s/.test(l) && INSTALL.test(l));
  return {
    copyAt,
    installsBefore: installs.filter(({ i }) => copyAt < 0 || i < copyAt).map(({ l }) => l),
    installsAfter: installs.filter(({ i }) => copyAt >= 0 && i > copyAt).map(({ l }) => l),
  };
}

describe('generated Dockerfiles: dependency installs before the source', () => {
  it('Deno 2 with a deno.json installs from the config and lockfile, then caches the entry with the source', async () => {
    const [app] = (await analyzeWorkspace(path.join(FIXTURES, 'deno-serve'))).apps;
    const lines = stages(generateFiles(app).dockerfile)[0].lines;
    assert.deepEqual(lines.slice(1, 5), ['COPY deno.json ./', 'RUN deno install', 'COPY --chown=deno:deno . .', 'RUN deno cache main.ts']);
    // Deno 1's `deno install` installs a script, not the dependencies: the whole source first.
    const old = stages(generateFiles({ ...app, version: { value: '1.46.3', evidence: [] } }).dockerfile)[0].lines;
    assert.deepEqual(old.slice(1, 3), ['COPY --chown=deno:deno . .', 'RUN deno cache main.ts']);
  });

  it('the check itself: an install after COPY . . with none before is caught, one before it passes', () => {
    const bad = stages('FROM node:24-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n')[0];
    assert.deepEqual(layerOrder(bad).installsBefore, []);
    assert.deepEqual(layerOrder(bad).installsAfter, ['RUN npm ci']);
    const good = stages('FROM node:24-slim\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY --chown=node:node . .\nRUN npm run build\n')[0];
    assert.deepEqual(layerOrder(good), { copyAt: 2, installsBefore: ['RUN npm ci'], installsAfter: [] });
  });

  it('every stack: in each stage that installs dependencies and copies the whole source, an install comes first', async function () {
    this.timeout(60_000);
    const checked: string[] = [];
    const wrong: string[] = [];
    const dirs = [
      ...(await fs.readdir(FIXTURES)).filter((d) => d !== 'containers').map((d) => path.join(FIXTURES, d)),
      ...(await fs.readdir(path.join(FIXTURES, 'containers'))).map((d) => path.join(FIXTURES, 'containers', d)),
    ];
    for (const dir of dirs) {
      if (!(await fs.stat(dir)).isDirectory()) continue;
      const ws = await analyzeWorkspace(dir);
      for (const app of ws.apps) {
        if (app.dockerfile) continue;
        let dockerfile: string;
        try {
          dockerfile = generateFiles(app).dockerfile;
        } catch {
          continue;
        }
        const name = `${path.relative(FIXTURES, dir)}${app.path ? `/${app.path}` : ''} (${app.stack})`;
        checked.push(name);
        for (const stage of stages(dockerfile)) {
          const o = layerOrder(stage);
          if (o.installsAfter.length && !o.installsBefore.length) wrong.push(name);
        }
      }
    }
    assert.ok(checked.length >= 40, `only ${checked.length} apps checked`);
    const found = [...new Set(wrong)];
    assert.deepEqual(
      found.filter((n) => !KNOWN[n]),
      [],
      'install after COPY . . with none before it',
    );
    assert.deepEqual(
      Object.keys(KNOWN).filter((n) => !found.includes(n)),
      [],
      'fixed: take it off KNOWN',
    );
  });
});
