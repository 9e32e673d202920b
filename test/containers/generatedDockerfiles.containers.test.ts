// The container suite: Devgem's own generated Dockerfile and .dockerignore for
// each fixture app, built for real (docker build) and run with a PORT, must
// answer HTTP with the app's page. Stacks whose base images cannot be made on
// this machine are listed as not built, with the reason, and never counted.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { RUNTIMES, STATIC_IMAGE } from '../../src/core/analysis/runtimes';
import { Docker } from '../../emulator/src/docker/dockerCli';
import { FIXTURES } from '../support/analysisFixtures';
import { BASE_IMAGES_FILE, baseImages, DOCKER_HOST, dockerSkipReason, pulledImages } from '../support/docker';
import { buildAndServe, generatedFor, type Served } from '../support/generatedImage';

const C = path.join(FIXTURES, 'containers');

/** Fixture folder → what `/` must answer. */
const BUILT: [dir: string, body: RegExp][] = [
  [path.join(C, 'node-express-npm'), /^express says hi$/],
  [path.join(C, 'node-express5-node20'), /^express 5 on node 20$/],
  [path.join(C, 'node-fastify-pnpm'), /^fastify says hi$/],
  [path.join(C, 'node-koa-yarn'), /^koa says hi$/],
  [path.join(C, 'node-yarn-node24'), /^yarn on node 24, 1m$/],
  [path.join(C, 'node-pnpm-node26'), /^pnpm on node 26, 2s$/],
  [path.join(C, 'node-hono'), /^hono says hi$/],
  [path.join(C, 'node-plain-nodeps'), /^plain node says hi$/],
  // `node --env-file=.env`, and .env is never uploaded: node must not stop at start.
  [path.join(C, 'node-env-file'), /^env file absent, server says hi$/],
  // `pm2 start` daemonises and returns: the image runs pm2-runtime, which stays in front.
  [path.join(C, 'node-pm2'), /^pm2 says hi$/],
  // A workspace member built from the root: every member's package.json goes in before `npm ci`.
  [path.join(C, 'node-npm-workspace-member'), /^workspace member says hi$/],
  [path.join(FIXTURES, 'node-env-echo'), /^hello nobody from v1; secret absent$/],
  [path.join(C, 'node-typescript-build'), /^typescript says hi$/],
  // A client/ with its own package.json that the root build script works in (MERN style).
  [path.join(C, 'node-express-client'), /^<h1>client &amp; server say hi<\/h1>$/],
  [path.join(C, 'node-nest'), /^nest says hi$/],
  [path.join(C, 'node-next-standalone'), /<h1>next says hi<\/h1>/],
  [path.join(C, 'node-nuxt'), /<h1>nuxt says hi<\/h1>/],
  [path.join(C, 'node-react-router'), /<h1>react router says hi<\/h1>/],
  [path.join(C, 'node-sveltekit'), /<h1>sveltekit says hi<\/h1>/],
  [path.join(C, 'node-astro-ssr'), /<h1>astro says hi<\/h1>/],
  // The built page: Vite and react-scripts put their hashed bundle into it.
  [path.join(C, 'node-vite-spa'), /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>[\s\S]*<h1>vite spa says hi<\/h1>/],
  [path.join(C, 'node-cra-spa'), /<script defer="defer" src="\/static\/js\/main\.\w+\.js"><\/script>.*<h1>cra spa says hi<\/h1>/],
  [path.join(FIXTURES, 'python-plain-http-server'), /^hello from python$/],
  [path.join(C, 'python-stdlib-313'), /^python stdlib says hi$/],
  [path.join(C, 'python-flask-gunicorn'), /^flask says hi$/],
  [path.join(C, 'python-flask-311'), /^flask on 3\.11 says hi$/],
  [path.join(C, 'python-fastapi-uvicorn'), /^fastapi says hi$/],
  [path.join(C, 'python-django'), /^django says hi$/],
  [path.join(FIXTURES, 'static-site'), /<h1>Hello<\/h1>/],
  [path.join(C, 'static-docs'), /<h1>static docs say hi<\/h1>/],
];

const NO_IMAGE = 'its base image has no stand-in here (no container registry; scripts/containers/base-images.txt)';
const PYPI = 'it installs from PyPI, which is unreachable here (only Debian-packaged Python libraries are in the stand-in)';

/** Fixture (test/fixtures) → why it is not built. Each reason is checked against its generated Dockerfile. */
const NOT_BUILT: [fixture: string, why: 'image' | 'pypi'][] = [
  ['go-nethttp', 'image'],
  ['go-gin-cmd', 'image'],
  ['java-spring-maven', 'image'],
  ['java-quarkus-gradle', 'image'],
  ['java-micronaut', 'image'],
  ['kotlin-spring-gradle', 'image'],
  ['scala-play-sbt', 'image'],
  ['ruby-sinatra', 'image'],
  ['ruby-rails', 'image'],
  ['php-plain', 'image'],
  ['php-laravel', 'image'],
  ['dotnet-aspnet-csharp', 'image'],
  ['dotnet-fsharp', 'image'],
  ['rust-axum', 'image'],
  ['node-hono-bun', 'image'],
  ['deno-serve', 'image'],
  ['elixir-phoenix', 'image'],
  ['dart-shelf', 'image'],
  ['swift-vapor', 'image'],
  ['python-fastapi-poetry', 'pypi'],
  ['python-fastapi-uv', 'pypi'],
  ['python-pdm', 'pypi'],
  ['python-django-pipenv', 'pypi'],
  ['python-gradio', 'pypi'],
  ['python-streamlit', 'pypi'],
  ['python-flask-requirements', 'pypi'],
];

describe('container suite: generated Dockerfiles', () => {
  it('the base-image list covers the analysis defaults (one edit in base-images.txt when they move)', () => {
    const list = baseImages();
    for (const image of [RUNTIMES.node.image(RUNTIMES.node.preferred), RUNTIMES.python.image(RUNTIMES.python.preferred), STATIC_IMAGE]) {
      assert.ok(list.includes(image), `add ${image} to ${BASE_IMAGES_FILE}`);
    }
  });

  builtForReal();
  notBuilt();
});

function builtForReal(): void {
  describe('built and served for real', function () {
    this.timeout(20 * 60_000);
    const skip = dockerSkipReason();
    const docker = new Docker(DOCKER_HOST);
    const results: { name: string; served: Served }[] = [];
    let started = 0;

    before(function () {
      if (skip) {
        console.log(`    container suite skipped: ${skip}`);
        this.skip();
      }
      started = Date.now();
    });

    after(() => {
      if (skip || !results.length) return;
      const secs = (ms: number): string => (ms / 1000).toFixed(1);
      console.log(`\n    built and served ${results.length} of ${BUILT.length} apps in ${secs(Date.now() - started)} s:`);
      for (const r of results)
        console.log(`      ${r.name.padEnd(34)} build ${secs(r.served.buildMs).padStart(6)} s, first answer ${secs(r.served.answerMs)} s`);
      console.log(`    not built (${NOT_BUILT.length}): ${NOT_BUILT.map(([f, why]) => `${f} (${why === 'image' ? 'no base image' : 'PyPI'})`).join(', ')}`);
    });

    for (const [dir, body] of BUILT) {
      const name = path.relative(FIXTURES, dir);
      it(`${name}: builds from its generated Dockerfile and answers on its PORT`, async () => {
        const gen = await generatedFor(dir);
        const missing = pulledImages(gen.dockerfile).filter((i) => !baseImages().includes(i));
        assert.deepEqual(missing, [], `the generated Dockerfile names images with no stand-in: add them to ${BASE_IMAGES_FILE} and run setup.sh`);
        const tag = `devgem-suite/${path.basename(dir)}:test`;
        const served = await buildAndServe(docker, dir, tag);
        assert.equal(served.status, 200, served.body.slice(0, 500));
        assert.match(served.body.trim(), body);
        results.push({ name, served });
      });
    }
  });
}

function notBuilt(): void {
  describe('not built here, with the reason (their Dockerfiles are checked line by line in the unit tests)', () => {
    for (const [fixture, why] of NOT_BUILT) {
      it(`${fixture}: not built, because ${why === 'image' ? NO_IMAGE : PYPI}`, async () => {
        const gen = await generatedFor(path.join(FIXTURES, fixture));
        const pulled = pulledImages(gen.dockerfile);
        const missing = pulled.filter((i) => !baseImages().includes(i));
        if (why === 'image') {
          assert.notDeepEqual(missing, [], `every image of ${fixture} has a stand-in now (${pulled.join(', ')}): move it to the built apps`);
        } else {
          assert.deepEqual(missing, [], `${fixture} also lacks a base image: ${missing.join(', ')}`);
          assert.match(gen.dockerfile, /pip install (poetry|uv|pipenv|pdm)|pip install -r requirements\.txt/, 'it installs with pip');
        }
        assert.match(gen.dockerfile, /^FROM \S+/m);
        assert.match(gen.dockerfile, /^(CMD|ENTRYPOINT) \[/m);
      });
    }
  });
}
