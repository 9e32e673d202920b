import * as assert from 'node:assert/strict';
import { checkAssignment, describeEnvVar, MAX_ENV_VALUE, parseAssignment } from '../../src/core/env/envEdit';

describe('editing one env var by hand', () => {
  it('parses KEY=value, keeping = and spaces in the value and allowing it empty', () => {
    assert.deepEqual(parseAssignment('LOG_LEVEL=debug'), { key: 'LOG_LEVEL', value: 'debug' });
    assert.deepEqual(parseAssignment(' GREETING =hello = world '), { key: 'GREETING', value: 'hello = world ' });
    assert.deepEqual(parseAssignment('EMPTY='), { key: 'EMPTY', value: '' });
  });

  it('refuses text without =, bad and reserved names, each saying what to do', () => {
    assert.match(problem(parseAssignment('LOG_LEVEL')), /Type KEY=value/);
    assert.match(problem(parseAssignment('1ST=x')), /not a valid variable name/);
    assert.match(problem(parseAssignment('MY-VAR=x')), /not a valid variable name/);
    assert.match(problem(parseAssignment('PORT=9000')), /reserved by Cloud Run/);
    assert.match(problem(parseAssignment('X_GOOGLE_A=1')), /reserved by Cloud Run/);
  });

  it('sends secret-looking names and URLs with a password to the .env import, never quoting the value', () => {
    for (const text of ['API_KEY=abc123', 'DB_PASSWORD=hunter2', 'SERVICE_URL=postgres://u:pw-9931@db/app']) {
      const p = problem(parseAssignment(text));
      assert.match(p, /looks like a secret.*Import \.env File.*Secret Manager/);
      assert.ok(!p.includes(text.split('=').slice(1).join('=')), `the value stays out of: ${p}`);
    }
    assert.equal(checkAssignment('SERVICE_URL', 'https://api.example.com/v1'), undefined);
  });

  it('refuses a value longer than Cloud Run takes', () => {
    assert.match(problem(checkAssignment('BIG', 'x'.repeat(MAX_ENV_VALUE + 1))), /longer than 32 KiB/);
    assert.equal(checkAssignment('BIG', 'x'.repeat(MAX_ENV_VALUE)), undefined);
  });

  it('describes plain values (shortened) and secret references', () => {
    assert.equal(describeEnvVar({ name: 'A', value: 'debug' }), 'debug');
    assert.equal(describeEnvVar({ name: 'A', value: '' }), '(empty)');
    assert.equal(describeEnvVar({ name: 'A', value: 'y'.repeat(80) }), `${'y'.repeat(60)}…`);
    assert.equal(describeEnvVar({ name: 'DB', secret: { secret: 'api-db-url', version: '3' } }), 'Secret Manager: api-db-url (version 3)');
  });
});

function problem(r: unknown): string {
  assert.ok(r && typeof r === 'object' && 'problem' in r, `expected a problem, got ${JSON.stringify(r)}`);
  return String((r as { problem: string }).problem);
}
