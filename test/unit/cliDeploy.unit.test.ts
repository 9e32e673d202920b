import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../src/cli/args';
import { cliWording } from '../../src/cli/cliWording';
import { deployRequestFrom, parseTimeout } from '../../src/cli/deployArgs';
import { deployProgress } from '../../src/cli/deployProgress';
import { cliDeployUi } from '../../src/cli/deployUi';
import { runCli } from '../../src/cli/runCli';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { DevgemError } from '../../src/core/base/errors';

const CWD = path.resolve('/tmp/cli-deploy-unit');

function request(argv: string[], env: Record<string, string | undefined> = {}) {
  return deployRequestFrom(parseArgs(['deploy', ...argv]), CWD, env);
}

function usageError(argv: string[]): string {
  try {
    request(argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, `${argv.join(' ')}: expected a UsageError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

describe('devgem deploy: arguments', () => {
  it('turns flags into the DeployOptions the pipeline takes', () => {
    const r = request(
      [
        'app',
        '--project',
        'my-proj-1',
        '--region=europe-west1',
        '--service',
        'web',
        '--env',
        'GREETING=hi=there',
        '--env',
        'EMPTY=',
        '--secret',
        'DB_URL=db-url:3',
        '--secret',
        'STRIPE_KEY=stripe',
        '--private',
        '--app',
        './api/',
        '--json',
        '--timeout',
        '600',
        '--yes',
      ],
      { DEVGEM_EMULATOR_HOST: ' 127.0.0.1:8123 ' },
    );
    assert.equal(r.opts.workspaceRoot, path.join(CWD, 'app'));
    assert.deepEqual([r.opts.project, r.opts.region, r.opts.service, r.opts.appPath], ['my-proj-1', 'europe-west1', 'web', 'api']);
    assert.equal(r.opts.allowUnauthenticated, false);
    assert.deepEqual(r.opts.runtime?.env, { GREETING: 'hi=there', EMPTY: '' });
    assert.deepEqual(r.opts.runtime?.secrets, { DB_URL: { secret: 'db-url', version: '3' }, STRIPE_KEY: { secret: 'stripe', version: 'latest' } });
    assert.deepEqual([r.json, r.yes, r.timeoutSeconds, r.emulatorHost], [true, true, 600, '127.0.0.1:8123']);
    assert.equal(r.opts.repository, 'devgem', 'defaults as in the extension');
  });

  it('leaves project, region and service to the environment when no flag gives them', () => {
    const env = { GOOGLE_CLOUD_PROJECT: 'from-env' };
    const r = request([], env);
    assert.equal(r.opts.workspaceRoot, CWD);
    assert.deepEqual([r.opts.project, r.opts.region, r.opts.service, r.opts.appPath, r.opts.runtime], [undefined, undefined, undefined, undefined, undefined]);
    assert.equal(r.opts.env, env, 'resolveTarget reads GOOGLE_CLOUD_PROJECT etc. from it');
    assert.equal(r.opts.allowUnauthenticated, true);
    assert.deepEqual([r.json, r.yes, r.timeoutSeconds, r.emulatorHost], [false, false, undefined, undefined]);
    assert.equal(request(['--app', '.']).opts.appPath, '', "'.' is the root app");
  });

  it('refuses a secret-looking name as a plain env var, and says to use --secret', () => {
    const message = usageError(['--env', 'API_KEY=sk-live-123']);
    assert.match(message, /"API_KEY" looks like a secret/);
    assert.match(message, /--secret API_KEY=api-key/);
    assert.doesNotMatch(message, /sk-live-123/, 'the value is never repeated');
    assert.doesNotMatch(message, /secrets: \{/, "CLI wording, not the agent's");
    // The same name is fine as a secret reference.
    assert.deepEqual(request(['--secret', 'API_KEY=api-key']).opts.runtime?.secrets, { API_KEY: { secret: 'api-key', version: 'latest' } });
  });

  it('refuses malformed --env, --secret, --service, --timeout and --app values with what to write instead', () => {
    const cases: [string[], RegExp][] = [
      [['--env', 'GREETING'], /--env takes NAME=VALUE \(e\.g\. --env GREETING=hello\), not "GREETING"/],
      [['--env', '=x'], /--env takes NAME=VALUE/],
      [['--env', 'A=1', '--env', 'A=2'], /--env A is given twice/],
      [['--env', '1BAD=x'], /"1BAD" is not a valid env var name/],
      [['--env', 'PORT=9000'], /Cloud Run sets "PORT" itself/],
      [['--secret', 'DB_URL=postgres://user:pw@host/db'], /--secret DB_URL= needs a Secret Manager secret ID.*never the secret itself/],
      [['--secret', 'DB_URL=db:v2'], /:VERSION \(a number or latest\)/],
      [['--service', 'my_app'], /--service: "my_app" may contain only lowercase letters, digits and hyphens/],
      [['--timeout', '0'], /--timeout takes whole seconds from 1/],
      [['--timeout', '10m'], /not "10m"/],
      [['--app', '../elsewhere'], /is not a folder inside the workspace/],
      [['a', 'b'], /at most one folder/],
    ];
    for (const [argv, re] of cases) assert.match(usageError(argv), re, argv.join(' '));
    // The secret's value never ends up in the message.
    assert.doesNotMatch(usageError(['--secret', 'DB_URL=postgres://user:pw@host/db']), /pw@host/);
  });

  it('parses repeatable flags in order and refuses a single-valued flag given twice', () => {
    const args = parseArgs(['deploy', '--env', 'A=1', '--env=B=2', '--secret', 'S=s']);
    assert.deepEqual(args.lists.get('--env'), ['A=1', 'B=2']);
    assert.deepEqual(args.lists.get('--secret'), ['S=s']);
    assert.throws(() => parseArgs(['deploy', '--project', 'a', '--project', 'b']), /--project is given twice/);
    assert.throws(() => parseArgs(['deploy', '--private=yes']), /--private takes no value/);
    assert.throws(() => parseArgs(['deploy', '--env']), /--env needs a value/);
    assert.throws(() => parseArgs(['deploy', '--out', 'x']), /Unknown option --out for deploy/);
    assert.equal(parseTimeout(undefined), undefined);
    assert.equal(parseTimeout('86400'), 86400);
    assert.throws(() => parseTimeout('86401'), UsageError);
  });

  it('exits 2 with the usage for deploy usage errors, before touching any cloud', async () => {
    for (const argv of [
      ['deploy', '--bogus'],
      ['deploy', '--env', 'NOEQUALS'],
      ['deploy', '--env', 'GITHUB_TOKEN=x'],
      ['deploy', '--timeout', 'soon'],
      ['deploy', '--project'],
    ]) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: CWD, env: { DEVGEM_EMULATOR_HOST: '127.0.0.1:1' } });
      assert.equal(code, 2, `${argv.join(' ')}: ${stderr}`);
      assert.match(stderr, /^devgem: .+\n\nUsage: devgem/);
      assert.equal(stdout, '');
    }
  });

  it('exits 1 for an emulator host that is not HOST:PORT, saying how to fix it', async () => {
    let stderr = '';
    const code = await runCli(['deploy', '--project', 'demo-project'], {
      stdout: () => undefined,
      stderr: (s) => (stderr += s),
      cwd: CWD,
      env: { DEVGEM_EMULATOR_HOST: 'localhost' },
    });
    assert.equal(code, 1);
    assert.match(stderr, /DEVGEM_EMULATOR_HOST must look like 127\.0\.0\.1:8090/);
    assert.match(stderr, /Fix: Set DEVGEM_EMULATOR_HOST/);
  });

  it('documents deploy in the usage', async () => {
    let stdout = '';
    await runCli(['--help'], { stdout: (s) => (stdout += s), stderr: () => undefined, cwd: CWD });
    for (const flag of [
      'deploy [dir]',
      '--env NAME=VALUE',
      '--secret NAME=SECRET[:VERSION]',
      '--private',
      '--yes',
      '--json',
      '--timeout SECONDS',
      'DEVGEM_EMULATOR_HOST',
      '130',
    ]) {
      assert.ok(stdout.includes(flag), flag);
    }
  });
});

describe('devgem deploy: questions with no one to ask', () => {
  const app = (p: string) => ({ path: p, stack: 'node' }) as AppAnalysis;
  const signal = new AbortController().signal;

  it('several apps: fails listing them and naming --app', async () => {
    const ui = cliDeployUi({ yes: true, workspaceRoot: '/ws', stderr: () => undefined });
    await assert.rejects(ui.chooseApp([app('api'), app('web')], signal), (err: unknown) => {
      assert.ok(err instanceof DevgemError);
      assert.equal(err.message, 'This folder has 2 deployable apps: api (node), web (node).');
      assert.match(err.fix ?? '', /--app api/);
      return true;
    });
  });

  it('writes a generated Dockerfile only with --yes', async () => {
    let stderr = '';
    const file = { path: '/ws/api/Dockerfile', content: 'FROM node' };
    await assert.rejects(cliDeployUi({ yes: false, workspaceRoot: '/ws', stderr: () => undefined }).reviewDockerfile(file, signal), (err: unknown) => {
      assert.ok(err instanceof DevgemError);
      assert.equal(err.kind, 'failed-precondition', 'a failure with a reason, not a silent cancel');
      assert.match(err.message, /no Dockerfile; Devgem would write a generated one to api\/Dockerfile/);
      assert.match(err.fix ?? '', /Pass --yes .* or add your own Dockerfile/);
      return true;
    });
    assert.equal(await cliDeployUi({ yes: true, workspaceRoot: '/ws', stderr: (s) => (stderr += s) }).reviewDockerfile(file, signal), true);
    assert.match(stderr, /\[dockerfile\] writing the generated api\/Dockerfile \(--yes\)/);
  });

  it('uploads flagged files only with --yes', async () => {
    const preview = { fileCount: 2, totalBytes: 10, largest: [], redFlags: [{ path: 'id_rsa', reason: 'private key' }] };
    await assert.rejects(
      cliDeployUi({ yes: false, workspaceRoot: '/ws', stderr: () => undefined }).confirmUpload(preview, signal),
      /look private: id_rsa \(private key\)/,
    );
    assert.equal(await cliDeployUi({ yes: true, workspaceRoot: '/ws', stderr: () => undefined }).confirmUpload(preview, signal), true);
  });
});

describe('devgem deploy: enabling APIs', () => {
  it('enables a missing API only with --yes, and says so', async () => {
    const signal = new AbortController().signal;
    const problems = [
      {
        kind: 'api-disabled' as const,
        message: 'Cloud Build API is not enabled',
        fixCommand: 'gcloud services enable cloudbuild.googleapis.com',
        consoleUrl: 'https://console.cloud.google.com/',
        autoFix: { enableService: 'cloudbuild.googleapis.com' },
      },
    ];
    assert.equal(await cliDeployUi({ yes: false, workspaceRoot: '/ws', stderr: () => undefined }).offerPreflightFix(problems, signal), false);
    let stderr = '';
    assert.equal(await cliDeployUi({ yes: true, workspaceRoot: '/ws', stderr: (s) => (stderr += s) }).offerPreflightFix(problems, signal), true);
    assert.equal(stderr, '[preflight] enabling cloudbuild.googleapis.com (--yes)\n');
  });
});

describe('devgem deploy: wording', () => {
  it("names flags where core's texts name settings, and leaves other texts alone", () => {
    assert.equal(cliWording('p-1 (setting devgem.project) · r (setting devgem.region)'), 'p-1 (--project) · r (--region)');
    assert.equal(
      cliWording('Set "devgem.project" in Settings (Devgem: Open Settings), or run `gcloud config set project YOUR_PROJECT_ID`.'),
      'Pass --project PROJECT_ID (or set GOOGLE_CLOUD_PROJECT), or run `gcloud config set project YOUR_PROJECT_ID`.',
    );
    assert.equal(cliWording('Private: "devgem.allowUnauthenticated" is off'), 'Private (--private)');
    assert.equal(cliWording('Cloud Build failed: step 0'), 'Cloud Build failed: step 0');
    assert.equal(cliWording(undefined), undefined);
  });
});

describe('devgem deploy: progress lines', () => {
  it('prints stage changes and build log lines prefixed with their stage, and keeps the stages for --json', () => {
    const lines: string[] = [];
    const p = deployProgress((l) => lines.push(l));
    p.emit({ type: 'started', deployId: 'd1', workspace: '/ws', at: 0 });
    p.emit({ type: 'target', target: { project: 'p', region: 'r', service: 's' } });
    p.emit({ type: 'target', target: { project: 'p', region: 'r', service: 's' } });
    p.emit({ type: 'stage', stage: 'build', status: 'running', at: 1 });
    p.emit({ type: 'log', stage: 'build', lines: ['Step 1/5 : FROM node:22', 'Step 2/5 : COPY . .\n'] });
    p.emit({ type: 'stage', stage: 'build', status: 'failed', detail: 'Cloud Build failed\nsee log', at: 2 });
    assert.deepEqual(lines, [
      'Deploying /ws (deploy d1)',
      'Target: Cloud Run service s in p/r',
      '[build] running',
      '[build] Step 1/5 : FROM node:22',
      '[build] Step 2/5 : COPY . .',
      '[build] failed: Cloud Build failed see log',
    ]);
    assert.equal(p.deployId, 'd1');
    assert.deepEqual(p.stages, { build: { status: 'failed', detail: 'Cloud Build failed\nsee log' } });
  });
});
