import * as assert from 'node:assert/strict';
import { Conversation } from '../../src/core/agent/conversation';
import { unifiedDiff } from '../../src/core/agent/diff';
import type { ModelTurn } from '../../src/core/agent/model';
import { addKnownSecret, redactDeep, redactText } from '../../src/core/base/redact';

const user = (text: string): ModelTurn => ({ role: 'user', parts: [{ text }] });
const model = (text: string): ModelTurn => ({ role: 'model', parts: [{ text }] });
const fnCall = (name: string): ModelTurn => ({ role: 'model', parts: [{ functionCall: { name, args: {} } }] });
const fnResp = (name: string, payload = 'x'): ModelTurn => ({ role: 'user', parts: [{ functionResponse: { name, response: { payload } } }] });

describe('conversation history', () => {
  it('sends everything while it fits', () => {
    const c = new Conversation();
    c.push(user('deploy this'));
    c.push(fnCall('deploy'));
    c.push(fnResp('deploy'));
    c.push(model('Done.'));
    const { turns, trimmed } = c.forModel(100_000);
    assert.equal(turns.length, 4);
    assert.deepEqual(trimmed, []);
  });

  it('trims whole exchanges, oldest first, into one-line summaries, never splitting a call from its response', () => {
    const c = new Conversation();
    for (let i = 0; i < 5; i++) {
      c.push(user(`question ${i}`));
      c.push(fnCall('list_services'));
      c.push(fnResp('list_services', 'y'.repeat(1000)));
      c.push(model(`answer ${i}`));
    }
    const { turns, trimmed } = c.forModel(2500);
    assert.ok(turns.length < 20 && turns.length >= 4);
    assert.equal(turns.length % 4, 0, 'whole exchanges only');
    assert.deepEqual(turns[0], user(`question ${5 - turns.length / 4}`));
    for (let i = 0; i < turns.length; i++) {
      if (turns[i].parts[0].functionCall) assert.ok(turns[i + 1].parts[0].functionResponse, 'each call keeps its response');
    }
    assert.equal(trimmed.length, 5 - turns.length / 4);
    assert.match(trimmed[0], /User: "question 0"; tools: list_services; Devgem: "answer 0"/);
  });

  it('always keeps the current exchange even when it alone is over budget', () => {
    const c = new Conversation();
    c.push(user('old'));
    c.push(model('old answer'));
    c.push(user('now'));
    c.push(fnCall('get_build_logs'));
    c.push(fnResp('get_build_logs', 'z'.repeat(5000)));
    const { turns, trimmed } = c.forModel(100);
    assert.deepEqual(turns[0], user('now'));
    assert.equal(turns.length, 3);
    assert.equal(trimmed.length, 1);
  });

  it('compacts what it stores and keeps the summary across a save and load', () => {
    const c = new Conversation();
    for (let i = 0; i < 10; i++) {
      c.push(user(`q${i} ${'p'.repeat(200)}`));
      c.push(model(`a${i}`));
    }
    c.compact(1000);
    const saved = JSON.parse(JSON.stringify(c.toJSON()));
    const restored = new Conversation(saved);
    assert.ok(restored.length < 20);
    assert.ok(restored.earlier.length > 0);
    assert.match(restored.earlier[0], /q0/);
    assert.deepEqual(restored.all(), c.all());
  });

  it('drops a dangling function call and junk from a saved history', () => {
    const restored = new Conversation({
      turns: [fnResp('x'), user('deploy'), fnCall('deploy'), { role: 'system', parts: [] } as unknown as ModelTurn],
      summary: ['ok', 42 as unknown as string],
    });
    assert.deepEqual(restored.all(), [user('deploy')]);
    assert.deepEqual(restored.earlier, ['ok']);
    assert.equal(new Conversation({ turns: 'nope', summary: null } as never).length, 0);
  });
});

describe('unified diff', () => {
  it('is undefined for equal content', () => assert.equal(unifiedDiff('a', 'x\n', 'x\n'), undefined));

  it('shows a one-line change with context and correct hunk header', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n';
    const after = before.replace('e\n', 'E\n');
    const d = unifiedDiff('server.js', before, after)!;
    assert.equal(d, ['--- a/server.js', '+++ b/server.js', '@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h'].join('\n'));
  });

  it('handles a new file and additions at the end', () => {
    assert.equal(unifiedDiff('new.txt', '', 'x\ny\n'), ['--- a/new.txt', '+++ b/new.txt', '@@ -1,0 +1,2 @@', '+x', '+y'].join('\n'));
    const d = unifiedDiff('f', 'a\nb\n', 'a\nb\nc\n')!;
    assert.match(d, /@@ -1,2 \+1,3 @@\n a\n b\n\+c$/);
  });

  it('makes two hunks for distant changes', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const after = [...lines];
    after[2] = 'X';
    after[25] = 'Y';
    const d = unifiedDiff('f', lines.join('\n'), after.join('\n'))!;
    assert.equal(d.match(/^@@/gm)?.length, 2);
  });
});

describe('redaction', () => {
  it('removes tokens, keys and secret-looking assignments, keeping the rest', () => {
    const text = [
      'key=AIzaSyA1234567890abcdefghijklmnopqrstuvw',
      'Authorization: Bearer ya29.a0AfH6SMBxxxxxxxxxxxxxxxxxxxxxxxxx',
      'DATABASE_PASSWORD=hunter2hunter2',
      'postgres://admin:s3cretpass@db.internal:5432/app',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'Step 3/7 : RUN npm ci',
    ].join('\n');
    const out = redactText(text);
    for (const secret of ['AIzaSyA1234567890', 'ya29.a0AfH6SMB', 'hunter2hunter2', 's3cretpass', 'ghp_abcdef'])
      assert.ok(!out.includes(secret), `${secret} left in ${out}`);
    assert.match(out, /Step 3\/7 : RUN npm ci/);
    assert.match(out, /postgres:\/\/admin:\[redacted\]@db\.internal/);
    assert.match(out, /DATABASE_PASSWORD=\[redacted\]/);
  });

  it('removes values registered as secrets wherever they appear, deep inside objects too', () => {
    addKnownSecret('my-very-private-value-123');
    const out = redactDeep({ a: ['x my-very-private-value-123 y'], b: { c: 'my-very-private-value-123' }, n: 4 });
    assert.deepEqual(out, { a: ['x [redacted] y'], b: { c: '[redacted]' }, n: 4 });
  });

  it("a registered connection string's password is redacted on its own too, raw and percent-decoded", () => {
    addKnownSecret('postgres://shop:Pw9%40kQ7zz@10.0.0.5:5432/shop');
    assert.equal(redactText('the password is Pw9%40kQ7zz'), 'the password is [redacted]');
    assert.equal(redactText('password authentication failed: Pw9@kQ7zz'), 'password authentication failed: [redacted]');
    addKnownSecret('redis://:abc@host');
    assert.equal(redactText('abc stays: too short to register'), 'abc stays: too short to register');
  });
});
