// The no-model parser on the phrasings users actually type (issue 16.7): each
// phrasing maps to one intent and its arguments, or to no action at all. A
// negation, or a "stop"/"cancel" that is not about the running deploy, must
// never become an action: `clarify` answers and acts on nothing.
import * as assert from 'node:assert/strict';
import type { ChatIntent } from '../../src/core/chat/intents/chatIntent';
import { HELP_TEXT } from '../../src/core/chat/intents/helpText';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';

/** `NO_ACTION`: a clarifying reply (kind `clarify`), whatever its words. */
const NO_ACTION = 'no action' as const;
type Expected = ChatIntent | typeof NO_ACTION;

/** Kinds that act on nothing without a further request or a card. */
const INERT = new Set<ChatIntent['kind']>(['clarify', 'help', 'invalid', 'status', 'usage', 'logs', 'services', 'revisions', 'describe', 'changes', 'config']);

const CASES: [string, Expected][] = [
  // Negations: never an action.
  ['do not deploy this', NO_ACTION],
  ["don't deploy", NO_ACTION],
  ['Don’t deploy yet!', NO_ACTION],
  ['dont deploy it', NO_ACTION],
  ['never roll back api', NO_ACTION],
  ['never rollback', NO_ACTION],
  ["please don't ship it", NO_ACTION],
  ["I don't want to deploy this", NO_ACTION],
  ['do not delete the api service', NO_ACTION],
  ["don't cancel", NO_ACTION],
  ['do not make it public', NO_ACTION],
  ['no need to redeploy', NO_ACTION],
  ["don't set DEBUG=1", NO_ACTION],
  ['we should not roll back', NO_ACTION],
  ["don't run it locally", NO_ACTION],
  // "stop"/"cancel" about something else: never cancels the running deploy.
  ['stop the api service', NO_ACTION],
  ['cancel my subscription to api logs', NO_ACTION],
  ['kill the web service', NO_ACTION],
  ['cancel my account', NO_ACTION],
  ['abort the mission', NO_ACTION],
  ['please cancel the newsletter', NO_ACTION],
  // Cancelling the deploy itself still works.
  ['cancel', { kind: 'cancel' }],
  ['cancel the deploy', { kind: 'cancel' }],
  ['stop the build', { kind: 'cancel' }],
  ['abort the running deployment', { kind: 'cancel' }],
  ['stop it', { kind: 'cancel' }],
  // Deploys.
  ['deploy api', { kind: 'deploy', service: 'api' }],
  ['deploy web-frontend', { kind: 'deploy', service: 'web-frontend' }],
  ['push this to production', { kind: 'deploy' }],
  ['push it to prod', { kind: 'deploy' }],
  ['push to cloud run', { kind: 'deploy' }],
  ['Deploy my Flask API to europe-west1', { kind: 'deploy', region: 'europe-west1' }],
  ['deploy our Next.js app to us-east1 as shop', { kind: 'deploy', region: 'us-east1', service: 'shop' }],
  ['deploy the FastAPI backend', { kind: 'deploy' }],
  ['deploy my app publicly', { kind: 'deploy', public: true }],
  ['ship my express server to asia-east1', { kind: 'deploy', region: 'asia-east1' }],
  ['deploy this to production', { kind: 'deploy' }],
  // Visibility, scaling and memory.
  ['make it public', { kind: 'config', public: true }],
  ['make it private', { kind: 'config', public: false }],
  ['make the api service public', { kind: 'config', service: 'api', public: true }],
  ['make api private', { kind: 'config', service: 'api', public: false }],
  ['scale api to 3 instances', { kind: 'config', service: 'api', minInstances: 3, maxInstances: 3 }],
  ['scale to 2 instances', { kind: 'config', minInstances: 2, maxInstances: 2 }],
  ['scale the web service up to 5 instances', { kind: 'config', service: 'web', minInstances: 5, maxInstances: 5 }],
  ['set min instances to 1', { kind: 'config', minInstances: 1 }],
  ['set the minimum instances to 0', { kind: 'config', minInstances: 0 }],
  ['set max instances to 10 on api', { kind: 'config', service: 'api', maxInstances: 10 }],
  ['set max-instances 4', { kind: 'config', maxInstances: 4 }],
  ['give it 1 GiB of memory', { kind: 'config', memory: '1Gi' }],
  ['give it 512MB of memory', { kind: 'config', memory: '512Mi' }],
  ['give api 2 GB of RAM', { kind: 'config', service: 'api', memory: '2Gi' }],
  ['set memory to 768Mi', { kind: 'config', memory: '768Mi' }],
  ['increase the memory to 4 GiB on web', { kind: 'config', service: 'web', memory: '4Gi' }],
  // Env vars.
  ['change LOG_LEVEL to debug', { kind: 'env-set', vars: { LOG_LEVEL: 'debug' } }],
  ['update API_URL to https://x.example.com on api', { kind: 'env-set', vars: { API_URL: 'https://x.example.com' }, service: 'api' }],
  ['remove the DEBUG variable', { kind: 'env-unset', names: ['DEBUG'] }],
  ['delete the FEATURE_X env var from web', { kind: 'env-unset', names: ['FEATURE_X'], service: 'web' }],
  ['remove env DEBUG', { kind: 'env-unset', names: ['DEBUG'] }],
  ['set GREETING="do not deploy"', { kind: 'env-set', vars: { GREETING: 'do not deploy' } }],
  // Roll back.
  ['go back to the previous version', { kind: 'rollback' }],
  ['go back to api-00002-xyz', { kind: 'rollback', revision: 'api-00002-xyz' }],
  ['roll back api', { kind: 'rollback', service: 'api' }],
  // Describe and delete.
  ['describe the api service', { kind: 'describe', service: 'api' }],
  ['describe api', { kind: 'describe', service: 'api' }],
  ['describe it', { kind: 'describe' }],
  ['show the details of web', { kind: 'describe', service: 'web' }],
  ['delete the api service', { kind: 'delete', service: 'api' }],
  ['delete service web', { kind: 'delete', service: 'web' }],
  ['tear down the staging service', { kind: 'delete', service: 'staging' }],
  // Run locally.
  ['run it locally', { kind: 'run-local' }],
  ['please run this locally', { kind: 'run-local' }],
  ['try it in docker', { kind: 'run-local' }],
  ['run the app on my machine', { kind: 'run-local' }],
  ['start a local run', { kind: 'run-local' }],
  // Questions never act.
  ['can I run it locally?', { kind: 'help' }],
  ['how do I delete a service?', { kind: 'help' }],
  ["why didn't it deploy?", { kind: 'logs', source: 'build' }],
  ['why did it not deploy', { kind: 'logs', source: 'build' }],
];

describe('parseChatIntent: phrasings and negations (no model)', () => {
  it('has at least 60 cases', () => assert.ok(CASES.length >= 60, String(CASES.length)));
  for (const [text, expected] of CASES) {
    it(`${JSON.stringify(text)} -> ${expected === NO_ACTION ? NO_ACTION : JSON.stringify(expected)}`, () => {
      const got = parseChatIntent(text);
      if (expected === NO_ACTION) {
        assert.equal(got.kind, 'clarify', JSON.stringify(got));
        assert.ok((got as { reply: string }).reply.length > 20);
      } else {
        assert.deepEqual(got, expected);
      }
    });
  }

  it('a negated request is answered without acting, in every family', () => {
    for (const verb of [
      'deploy',
      'roll back',
      'cancel',
      'delete the api service',
      'set FOO=1',
      'run it locally',
      'make it public',
      'scale api to 2 instances',
    ]) {
      for (const neg of ['do not', "don't", 'never']) {
        const got = parseChatIntent(`${neg} ${verb}`);
        assert.ok(INERT.has(got.kind), `${neg} ${verb} -> ${JSON.stringify(got)}`);
      }
    }
  });

  it('"delete" needs a service name: "delete it" is not a delete', () => {
    for (const text of ['delete it', 'delete the service', 'remove this']) assert.notEqual(parseChatIntent(text).kind, 'delete', text);
  });

  it('an out-of-range memory or count is a problem, not an action', () => {
    assert.equal(parseChatIntent('give it 64 MB of memory').kind, 'invalid');
    assert.equal(parseChatIntent('give it 100 GiB of memory').kind, 'invalid');
    assert.equal(parseChatIntent('scale api to 5000 instances').kind, 'invalid');
  });

  it('help names the AI setting devgem.ai.vertexProject, and says delete asks first', () => {
    assert.ok(HELP_TEXT.includes('`devgem.ai.vertexProject`'));
    assert.ok(!/`devgem\.vertexProject`/.test(HELP_TEXT));
    assert.match(HELP_TEXT, /"delete the api service" — deletes it only after you confirm/);
  });
});
