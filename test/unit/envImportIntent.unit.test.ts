import * as assert from 'node:assert/strict';
import type { ChatIntent } from '../../src/core/chat/intents/chatIntent';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';

describe('parseChatIntent: .env import', () => {
  const cases: [string, ChatIntent][] = [
    ['import .env', { kind: 'env-import', file: '.env' }],
    ['import env', { kind: 'env-import' }],
    ['Import the .env file.', { kind: 'env-import', file: '.env' }],
    ['please import my env vars', { kind: 'env-import' }],
    ['import env from .env.production', { kind: 'env-import', file: '.env.production' }],
    ['import env from config/prod.env to api', { kind: 'env-import', file: 'config/prod.env', service: 'api' }],
    ['import .env.local into the service web', { kind: 'env-import', file: '.env.local', service: 'web' }],
    ['load secrets from .env for api', { kind: 'env-import', file: '.env', service: 'api' }],
    ['import environment variables from "services/api/.env" on api', { kind: 'env-import', file: 'services/api/.env', service: 'api' }],
    ['import .env service api', { kind: 'env-import', file: '.env', service: 'api' }],
  ];
  for (const [text, intent] of cases) it(`${JSON.stringify(text)} -> ${JSON.stringify(intent)}`, () => assert.deepEqual(parseChatIntent(text), intent));

  it('an import that is not about env files is not one (and "set"/"unset" keep their meaning)', () => {
    assert.notEqual(parseChatIntent('import data').kind, 'env-import');
    assert.equal(parseChatIntent('set IMPORT=1').kind, 'env-set');
    assert.equal(parseChatIntent('unset ENV_FILE').kind, 'env-unset');
  });

  it('problems: a bad service name, two files, a missing service, unknown words; a KEY=value word is never quoted back', () => {
    const problem = (text: string) => {
      const i = parseChatIntent(text);
      assert.equal(i.kind, 'invalid', JSON.stringify(i));
      return (i as { problem: string }).problem;
    };
    assert.match(problem('import .env to API_SERVICE'), /Invalid Cloud Run service name/);
    assert.match(problem('import .env and .env.local'), /Name one env file/);
    assert.match(problem('import .env to'), /Say which service after "to"/);
    assert.match(problem('import env quickly'), /did not understand "quickly"/);
    const p = problem('import env STRIPE_KEY=sk_live_zzzzzzzz');
    assert.ok(!p.includes('sk_live'), p);
  });
});
