import * as assert from 'node:assert/strict';
import { HELP_TEXT, parseChatIntent, type ChatIntent } from '../../src/core/chatIntent';

describe('parseChatIntent', () => {
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
    it(`${JSON.stringify(text)} -> ${kind}`, () => assert.deepEqual(parseChatIntent(text), { kind }));
  }

  it('the cancel words win over deploy words at the start', () => {
    assert.equal(parseChatIntent('stop the deploy').kind, 'cancel');
    assert.equal(parseChatIntent('cancel deploy').kind, 'cancel');
  });

  // Mentioning "deploy" in a question must not start one.
  it('asking how the last deploy went is a status question, not a new deploy', () => {
    assert.equal(parseChatIntent('how did the last deploy go?').kind, 'status');
    assert.equal(parseChatIntent("what's the status of the deploy?").kind, 'status');
  });

  it('a request to cancel phrased politely does not start a deploy', () => {
    assert.equal(parseChatIntent('please cancel the deploy').kind, 'cancel');
    assert.equal(parseChatIntent('can you stop the deploy?').kind, 'cancel');
  });

  it('the help text names each thing the chat understands', () => {
    for (const word of ['deploy this', 'status', 'cancel']) assert.ok(HELP_TEXT.includes(`"${word}"`), word);
  });
});
