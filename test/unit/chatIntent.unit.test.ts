import * as assert from 'node:assert/strict';
import type { ChatIntent } from '../../src/core/chat/intents/chatIntent';
import { HELP_TEXT } from '../../src/core/chat/intents/helpText';
import { MAX_LOG_LIMIT } from '../../src/core/chat/intents/logsIntent';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';
import { envNameProblem, RESERVED_ENV } from '../../src/core/env/envNames';

function table(title: string, cases: [string, ChatIntent][]): void {
  describe(title, () => {
    for (const [text, intent] of cases) {
      it(`${JSON.stringify(text)} -> ${JSON.stringify(intent)}`, () => assert.deepEqual(parseChatIntent(text), intent));
    }
  });
}

/** Asserts an `invalid` result whose problem matches `re`. */
function problemOf(text: string): string {
  const intent = parseChatIntent(text);
  assert.equal(intent.kind, 'invalid', `${JSON.stringify(text)} gave ${JSON.stringify(intent)}`);
  return (intent as { problem: string }).problem;
}

describe('parseChatIntent', () => {
  describe('kinds (kept from the first parser)', () => {
    const cases: [string, ChatIntent['kind']][] = [
      ['deploy this', 'deploy'],
      ['Deploy', 'deploy'],
      ['please ship it', 'deploy'],
      ['publish the app', 'deploy'],
      ['cancel', 'cancel'],
      ['  CANCEL  ', 'cancel'],
      ['stop now', 'cancel'],
      ['abort!', 'cancel'],
      ['status?', 'status'],
      ["what's the url", 'status'],
      ['where is it?', 'status'],
      ['hello', 'help'],
      ['', 'help'],
      ['deployment', 'help'],
      ['stopwatch', 'help'],
      ['shipping costs', 'help'],
    ];
    for (const [text, kind] of cases) {
      it(`${JSON.stringify(text)} -> ${kind}`, () => assert.equal(parseChatIntent(text).kind, kind));
    }
  });

  table('deploy', [
    ['deploy this', { kind: 'deploy' }],
    ['ship it', { kind: 'deploy' }],
    ['deploy', { kind: 'deploy' }],
    ['Deploy this.', { kind: 'deploy' }],
    ['DEPLOY IT!', { kind: 'deploy' }],
    ['please deploy', { kind: 'deploy' }],
    ['can you deploy this please?', { kind: 'deploy' }],
    ["let's ship it", { kind: 'deploy' }],
    ['go ahead and deploy the app', { kind: 'deploy' }],
    ['redeploy', { kind: 'deploy' }],
    ['deploy it again', { kind: 'deploy' }],
    ['deploy it to cloud run', { kind: 'deploy' }],
    ['ok, time to deploy', { kind: 'deploy' }],
    ['deploy this to europe-west1 as api', { kind: 'deploy', region: 'europe-west1', service: 'api' }],
    ['Deploy this to Europe-West1 as api.', { kind: 'deploy', region: 'europe-west1', service: 'api' }],
    ['deploy services/api to us-central1', { kind: 'deploy', appPath: 'services/api', region: 'us-central1' }],
    ['deploy the folder services/api', { kind: 'deploy', appPath: 'services/api' }],
    ['deploy folder web', { kind: 'deploy', appPath: 'web' }],
    ['deploy the api folder as backend', { kind: 'deploy', appPath: 'api', service: 'backend' }],
    ['deploy from web', { kind: 'deploy', appPath: 'web' }],
    ['deploy ./web as frontend', { kind: 'deploy', appPath: 'web', service: 'frontend' }],
    ['deploy ./services/api/ as api', { kind: 'deploy', appPath: 'services/api', service: 'api' }],
    ['deploy services\\api', { kind: 'deploy', appPath: 'services/api' }],
    ['deploy the folder "my app"', { kind: 'deploy', appPath: 'my app' }],
    ['deploy ./', { kind: 'deploy' }],
    ['deploy apps/../web', { kind: 'deploy', appPath: 'web' }],
    ['deploy privately', { kind: 'deploy', public: false }],
    ['deploy this as a private service', { kind: 'deploy', public: false }],
    ['deploy publicly', { kind: 'deploy', public: true }],
    ['deploy and make it public', { kind: 'deploy', public: true }],
    ['deploy to region asia-northeast1 with name my-svc', { kind: 'deploy', region: 'asia-northeast1', service: 'my-svc' }],
    ['deploy in europe-west4 named shop', { kind: 'deploy', region: 'europe-west4', service: 'shop' }],
    ['deploy europe-west1', { kind: 'deploy', region: 'europe-west1' }],
    ['deploy this as service api', { kind: 'deploy', service: 'api' }],
    ['ship the folder web to us-east1 as frontend privately', { kind: 'deploy', appPath: 'web', region: 'us-east1', service: 'frontend', public: false }],
  ]);

  describe('deploy problems', () => {
    it('rejects an invalid service name with the validator message', () => {
      assert.match(problemOf('deploy this as API'), /must start with a lowercase letter/);
      assert.match(problemOf('deploy as my_app'), /only lowercase letters, digits and hyphens/);
      assert.match(problemOf('deploy as api-'), /must not end with a hyphen/);
    });
    it('rejects something that is not a Cloud Run region', () => {
      assert.match(problemOf('deploy to europe-west'), /"europe-west" is not a Cloud Run region/);
      assert.match(problemOf('deploy to region mars'), /"mars" is not a Cloud Run region/);
      assert.match(problemOf('deploy to region'), /Say which region/);
    });
    it('rejects absolute paths and paths that leave the workspace', () => {
      assert.match(problemOf('deploy /etc/app'), /absolute path/);
      assert.match(problemOf('deploy the folder C:\\code\\app'), /absolute path/);
      assert.match(problemOf('deploy ~/code/app'), /absolute path/);
      assert.match(problemOf('deploy ../other'), /outside the workspace/);
      assert.match(problemOf('deploy the folder web/../../x'), /outside the workspace/);
    });
    it('says which words it did not understand instead of guessing', () => {
      // One bare word is the service ("deploy api", issue 16.7); two are not guessed at.
      const p = problemOf('deploy web fast');
      assert.match(p, /"web fast"/);
      assert.match(p, /deploy the folder services\/api/);
    });
    it('refuses contradictions', () => {
      assert.match(problemOf('deploy publicly and privately'), /two visibilities/);
      assert.match(problemOf('deploy to us-central1 in europe-west1'), /two regions/);
      assert.match(problemOf('deploy as web then as shop'), /two service names/);
      assert.match(problemOf('deploy as'), /service name after "as"/);
    });
  });

  table('cancel', [
    ['cancel', { kind: 'cancel' }],
    ['stop', { kind: 'cancel' }],
    ['Stop the deploy.', { kind: 'cancel' }],
    ['abort', { kind: 'cancel' }],
    ['cancel deploy', { kind: 'cancel' }],
    ['please cancel the deploy', { kind: 'cancel' }],
    ['can you stop the deploy?', { kind: 'cancel' }],
    ['I need to cancel this', { kind: 'cancel' }],
    ['cancel the rollback', { kind: 'cancel' }],
  ]);

  table('status', [
    ['status', { kind: 'status' }],
    ['Status?', { kind: 'status' }],
    ['how did the last deploy go?', { kind: 'status' }],
    ["what's the status of the deploy?", { kind: 'status' }],
    ["what's the url", { kind: 'status' }],
    ['What is the URL?', { kind: 'status' }],
    ['is it live?', { kind: 'status' }],
    ['did it work?', { kind: 'status' }],
    ['does it work?', { kind: 'status' }],
    ['is the service up?', { kind: 'status' }],
    ['deploy status', { kind: 'status' }],
    ['did you cancel it?', { kind: 'status' }],
  ]);

  table('logs', [
    ['logs', { kind: 'logs', source: 'service' }],
    ['show logs', { kind: 'logs', source: 'service' }],
    ['Show me the last errors.', { kind: 'logs', source: 'service', severity: 'ERROR' }],
    ['any warnings?', { kind: 'logs', source: 'service', severity: 'WARNING' }],
    ['show logs for api', { kind: 'logs', source: 'service', service: 'api' }],
    ['show the logs of the service api', { kind: 'logs', source: 'service', service: 'api' }],
    ['logs for the last hour', { kind: 'logs', source: 'service' }],
    ['build logs', { kind: 'logs', source: 'build' }],
    ['show the build log', { kind: 'logs', source: 'build' }],
    ['why did the build fail?', { kind: 'logs', source: 'build' }],
    ['why did the deploy fail?', { kind: 'logs', source: 'build' }],
    ['why did it fail', { kind: 'logs', source: 'build' }],
    ['deploy logs', { kind: 'logs', source: 'build' }],
    ['why is it crashing?', { kind: 'logs', source: 'service', severity: 'ERROR' }],
    ['show the last 50 log lines', { kind: 'logs', source: 'service', limit: 50 }],
    ['show 20 errors from api', { kind: 'logs', source: 'service', severity: 'ERROR', limit: 20, service: 'api' }],
    ['tail 5000 lines of logs', { kind: 'logs', source: 'service', limit: MAX_LOG_LIMIT }],
    ['show the last 0 log lines', { kind: 'logs', source: 'service', limit: 1 }],
    ['last 30 build log lines', { kind: 'logs', source: 'build', limit: 30 }],
    ['what went wrong?', { kind: 'logs', source: 'build' }],
    ['show api logs', { kind: 'logs', source: 'service', service: 'api' }],
    ['show error logs', { kind: 'logs', source: 'service', severity: 'ERROR' }],
    ['show build logs', { kind: 'logs', source: 'build' }],
    ['show recent logs', { kind: 'logs', source: 'service' }],
    // A guessed name before "logs" that is not valid is just not a name.
    ['show API logs', { kind: 'logs', source: 'service' }],
    // Minutes and revision-like names are not line counts.
    ['logs from api in the last 10 minutes', { kind: 'logs', source: 'service', service: 'api' }],
    ['show web-1 logs', { kind: 'logs', source: 'service', service: 'web-1' }],
    ['show the last 10 logs', { kind: 'logs', source: 'service', limit: 10 }],
  ]);

  it('log requests validate the service name', () => {
    assert.match(problemOf('show logs for API'), /must start with a lowercase letter/);
  });

  table('env-set', [
    ['set FOO=bar', { kind: 'env-set', vars: { FOO: 'bar' } }],
    ['Set FOO=Bar.', { kind: 'env-set', vars: { FOO: 'Bar' } }],
    ['set env FOO=bar BAZ="two words"', { kind: 'env-set', vars: { FOO: 'bar', BAZ: 'two words' } }],
    ["set the environment variables A=1, B='x y' and C=3", { kind: 'env-set', vars: { A: '1', B: 'x y', C: '3' } }],
    ['env set A=1 on api', { kind: 'env-set', vars: { A: '1' }, service: 'api' }],
    ['set env var A=1 for the service web', { kind: 'env-set', vars: { A: '1' }, service: 'web' }],
    ['set FOO to bar', { kind: 'env-set', vars: { FOO: 'bar' } }],
    ['set FOO to "Hello World" on api', { kind: 'env-set', vars: { FOO: 'Hello World' }, service: 'api' }],
    ['please set DATABASE_URL=postgres://u@h:5432/db?sslmode=require', { kind: 'env-set', vars: { DATABASE_URL: 'postgres://u@h:5432/db?sslmode=require' } }],
    ['set HOSTS=a.com,b.com', { kind: 'env-set', vars: { HOSTS: 'a.com,b.com' } }],
    ['set EMPTY=""', { kind: 'env-set', vars: { EMPTY: '' } }],
    ['set MSG="say \\"hi\\""', { kind: 'env-set', vars: { MSG: 'say "hi"' } }],
    ['set FOO = bar', { kind: 'env-set', vars: { FOO: 'bar' } }],
    ['FOO=bar', { kind: 'env-set', vars: { FOO: 'bar' } }],
    ['export $FOO=bar', { kind: 'env-set', vars: { FOO: 'bar' } }],
    ['add env var MODE=prod', { kind: 'env-set', vars: { MODE: 'prod' } }],
    ['set ENV=prod', { kind: 'env-set', vars: { ENV: 'prod' } }],
    ['set ENV to prod', { kind: 'env-set', vars: { ENV: 'prod' } }],
    ['set env region to eu', { kind: 'env-set', vars: { region: 'eu' } }],
    ['set QUOTE=“curly value”', { kind: 'env-set', vars: { QUOTE: 'curly value' } }],
    ['set DEPLOY_TARGET=prod', { kind: 'env-set', vars: { DEPLOY_TARGET: 'prod' } }],
    ['set STOP=1', { kind: 'env-set', vars: { STOP: '1' } }],
  ]);

  describe('env-set problems', () => {
    it('a name without a value', () => assert.match(problemOf('set FOO'), /FOO needs a value/));
    it('"to" without a value', () => assert.match(problemOf('set FOO to'), /FOO needs a value/));
    it('nothing to set', () => assert.match(problemOf('set env'), /Say which variable to set/));
    it('an empty bare value', () => assert.match(problemOf('set FOO='), /FOO has no value.*FOO="".*unset FOO/));
    it('an unquoted value with spaces after "to"', () => assert.match(problemOf('set GREETING to hello there world'), /Quote a value/));
    it('a bad name', () => assert.match(problemOf('set 1FOO=bar'), /"1FOO" is not a valid variable name/));
    it('a name given twice', () => assert.match(problemOf('set A=1 A=2'), /A is given twice/));
    it('reserved names and the X_GOOGLE_ prefix', () => {
      for (const name of [...RESERVED_ENV, 'X_GOOGLE_THING']) assert.match(problemOf(`set ${name}=1`), /reserved by Cloud Run/, name);
    });
    it('a deploy setting said as if it were a variable', () => {
      assert.match(problemOf('set region to europe-west1'), /deploy setting.*deploy to europe-west1/);
      assert.match(problemOf('set project to foo'), /devgem\.project/);
    });
    it('an invalid service name', () => assert.match(problemOf('set A=1 on My_Svc'), /Invalid Cloud Run service name/));
    it('never echoes a value, which may be a secret', () => {
      for (const text of ['set API_KEY to sk-12345 abcdef', 'set API_KEY=sk-12345 trailing"junk', 'set 9KEY=sk-12345']) {
        assert.doesNotMatch(problemOf(text), /sk-12345/, text);
      }
    });
  });

  table('env-unset', [
    ['unset FOO', { kind: 'env-unset', names: ['FOO'] }],
    ['unset env FOO', { kind: 'env-unset', names: ['FOO'] }],
    ['remove env FOO BAR', { kind: 'env-unset', names: ['FOO', 'BAR'] }],
    ['delete env var FOO', { kind: 'env-unset', names: ['FOO'] }],
    ['delete env FOO', { kind: 'env-unset', names: ['FOO'] }],
    ['Remove the environment variables A, B and C from api.', { kind: 'env-unset', names: ['A', 'B', 'C'], service: 'api' }],
    ['env unset $FOO on web', { kind: 'env-unset', names: ['FOO'], service: 'web' }],
    ['unset VAR', { kind: 'env-unset', names: ['VAR'] }],
    ['unset FOO FOO', { kind: 'env-unset', names: ['FOO'] }],
  ]);

  describe('env-unset problems', () => {
    it('no names', () => assert.match(problemOf('unset'), /Say which variables to remove/));
    it('a bad name', () => assert.match(problemOf('unset FOO-BAR'), /"FOO-BAR" is not a valid variable name/));
    it('a reserved name', () => assert.match(problemOf('remove env PORT'), /PORT is reserved by Cloud Run/));
  });

  it('"delete" without an env word is never an env change (a service delete goes through a destructive card)', () => {
    for (const text of ['delete api', 'delete the service api', 'remove FOO']) {
      const kind = parseChatIntent(text).kind;
      assert.ok(kind !== 'env-unset' && kind !== 'env-set', `${text} -> ${kind}`);
    }
    assert.deepEqual(parseChatIntent('delete the service api'), { kind: 'delete', service: 'api' });
  });

  table('rollback', [
    ['roll back', { kind: 'rollback' }],
    ['rollback', { kind: 'rollback' }],
    ['Roll-back!', { kind: 'rollback' }],
    ['revert to the previous revision', { kind: 'rollback' }],
    ['roll back the last deploy', { kind: 'rollback' }],
    ['undo the last deploy', { kind: 'rollback' }],
    ['please roll back to api-00002-xyz', { kind: 'rollback', revision: 'api-00002-xyz' }],
    ['roll back to revision api-00002-xyz', { kind: 'rollback', revision: 'api-00002-xyz' }],
    ['roll back api', { kind: 'rollback', service: 'api' }],
    ['roll back api to the previous revision', { kind: 'rollback', service: 'api' }],
    ['rollback api to api-00003-abc', { kind: 'rollback', service: 'api', revision: 'api-00003-abc' }],
    ['roll back api-00002-xyz', { kind: 'rollback', revision: 'api-00002-xyz' }],
    ['we should roll back web', { kind: 'rollback', service: 'web' }],
  ]);

  describe('rollback problems', () => {
    it('an invalid revision', () => assert.match(problemOf('roll back to API-00002-XYZ'), /not a revision name/));
    it('an invalid service', () => assert.match(problemOf('roll back My_Api'), /Invalid Cloud Run service name/));
    it('too many names', () => assert.match(problemOf('roll back api web'), /did not understand "api web"/));
  });

  it('asking how to roll back or deploy never does it', () => {
    assert.equal(parseChatIntent('how do I roll back?').kind, 'help');
    assert.equal(parseChatIntent('how do I deploy?').kind, 'help');
    assert.equal(parseChatIntent('can I roll back?').kind, 'help');
    assert.equal(parseChatIntent('should I deploy?').kind, 'help');
  });

  table('services and revisions', [
    ['list services', { kind: 'services' }],
    ['services', { kind: 'services' }],
    ['what services do I have?', { kind: 'services' }],
    ['Show my services.', { kind: 'services' }],
    ['list my apps', { kind: 'services' }],
    ['revisions', { kind: 'revisions' }],
    ['list revisions of api', { kind: 'revisions', service: 'api' }],
    ['show the revisions for the service web', { kind: 'revisions', service: 'web' }],
  ]);

  table('usage', [
    ['usage', { kind: 'usage' }],
    ['Usage?', { kind: 'usage' }],
    ['how many deploys have I done?', { kind: 'usage' }],
    ['how many model calls are left today', { kind: 'usage' }],
    ['what are my limits', { kind: 'usage' }],
    ['show usage', { kind: 'usage' }],
  ]);

  table('help', [
    ['help', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['Help me', { kind: 'help' }],
    ['what can you do?', { kind: 'help' }],
    ['tell me a joke', { kind: 'help' }],
    ['hi there', { kind: 'help' }],
    ['set up the project', { kind: 'help' }],
    ['settings', { kind: 'help' }],
    ['log in', { kind: 'help' }],
  ]);

  it('checks other intents before deploy when a sentence mentions deploying', () => {
    assert.equal(parseChatIntent('stop the deploy').kind, 'cancel');
    assert.equal(parseChatIntent('how did the last deploy go?').kind, 'status');
    assert.deepEqual(parseChatIntent('why did the deploy fail?'), { kind: 'logs', source: 'build' });
    assert.equal(parseChatIntent('roll back the last deploy').kind, 'rollback');
    assert.equal(parseChatIntent('set DEPLOY=1').kind, 'env-set');
    assert.equal(parseChatIntent('how many deploys today?').kind, 'usage');
  });
});

describe('envNameProblem', () => {
  it("accepts ordinary names and keeps Cloud Run's reserved list small and exact", () => {
    for (const ok of ['FOO', 'foo', '_X', 'A1_B2', 'port', 'K_SERVICES']) assert.equal(envNameProblem(ok), undefined, ok);
    assert.deepEqual([...RESERVED_ENV].sort(), ['K_CONFIGURATION', 'K_REVISION', 'K_SERVICE', 'PORT']);
  });
  it('truncates a very long bad name in the message', () => {
    const p = envNameProblem(`1${'X'.repeat(100)}`)!;
    assert.ok(p.length < 200, p);
  });
});

describe('HELP_TEXT', () => {
  it('names the basic requests', () => {
    for (const word of ['deploy this', 'status', 'cancel']) assert.ok(HELP_TEXT.includes(`"${word}"`), word);
  });

  // Every example the help shows must really work, so the help cannot drift from the parser.
  const examples = HELP_TEXT.split('\n')
    .filter((l) => l.startsWith('•'))
    .flatMap((l) => [...l.matchAll(/"([^"]+)"/g)].map((m) => m[1]));
  it('shows an example for every kind but invalid', () => {
    const kinds = new Set(examples.map((e) => parseChatIntent(e).kind));
    for (const kind of ['deploy', 'cancel', 'status', 'logs', 'env-set', 'env-unset', 'env-import', 'rollback', 'services', 'revisions', 'usage', 'help'])
      assert.ok(kinds.has(kind as ChatIntent['kind']), kind);
  });
  for (const example of examples) {
    it(`help example ${JSON.stringify(example)} parses to a real request`, () => {
      const intent = parseChatIntent(example);
      assert.notEqual(intent.kind, 'invalid', JSON.stringify(intent));
      if (example !== 'help') assert.notEqual(intent.kind, 'help');
    });
  }

  it('ends with how to turn on the AI', () => {
    const last = HELP_TEXT.trim().split('\n').at(-1)!;
    assert.match(last, /"Devgem: Set Gemini API Key"/);
    assert.match(last, /`devgem\.ai\.vertexProject`/);
    assert.match(last, /Application Default Credentials/);
  });
});
