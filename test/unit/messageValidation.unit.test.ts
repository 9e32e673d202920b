import * as assert from 'node:assert/strict';
import { isSafeExternalUrl, validateWebviewMessage } from '../../src/adapters/vscode/webview/messageValidation';
import { MAX_CHAT_TEXT, type WebviewMessage } from '../../src/shared/protocol';

function rejected(raw: unknown): string {
  const r = validateWebviewMessage(raw);
  assert.equal(r.ok, false, `expected ${JSON.stringify(raw)?.slice(0, 80)} to be rejected`);
  if (r.ok) return '';
  assert.equal(typeof r.error, 'string');
  assert.ok(r.error.length > 0, 'the error says something');
  return r.error;
}

describe('webview message validation', () => {
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'deploy' },
    { type: 'cancel' },
    { type: 'showLog' },
    { type: 'chat', text: 'deploy this' },
    { type: 'openUrl', url: 'https://svc-abc-uc.a.run.app' },
    { type: 'copyUrl', url: 'https://svc-abc-uc.a.run.app/path?q=1' },
    { type: 'stop' },
    { type: 'confirm', id: 'c1-abc', token: 'tok_-123', approve: true },
    { type: 'confirm', id: 'c1-abc', token: 'tok_-123', approve: false },
    { type: 'reviewDiff', id: 'c1-abc' },
    { type: 'openLogInEditor' },
    { type: 'openBuildInConsole' },
    { type: 'retry' },
    { type: 'fixWithAi' },
    { type: 'insertCode', code: 'npm ci', language: 'bash' },
    { type: 'insertCode', code: 'x' },
    { type: 'copyText', text: 'gcloud run deploy' },
  ];
  for (const msg of valid) {
    it(`accepts ${JSON.stringify(msg)}`, () => {
      const r = validateWebviewMessage(msg);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.deepEqual(r.message, msg);
    });
  }

  it('accepts a message that went through JSON (as postMessage delivers it)', () => {
    const r = validateWebviewMessage(JSON.parse('{"type":"chat","text":"status?"}'));
    assert.ok(r.ok);
  });

  it('trims chat text', () => {
    const r = validateWebviewMessage({ type: 'chat', text: '  deploy this \n' });
    assert.ok(r.ok);
    assert.deepEqual(r.message, { type: 'chat', text: 'deploy this' });
  });

  it('accepts chat text of exactly MAX_CHAT_TEXT characters', () => {
    assert.ok(validateWebviewMessage({ type: 'chat', text: 'x'.repeat(MAX_CHAT_TEXT) }).ok);
  });

  it('rejects an unknown type', () => {
    rejected({ type: 'runCommand', command: 'rm -rf /' });
    rejected({ type: 'Deploy' });
  });

  it('rejects a message without a type', () => {
    rejected({});
    rejected({ text: 'hi' });
  });

  it('rejects extra keys, naming them', () => {
    const error = rejected({ type: 'deploy', force: true });
    assert.match(error, /force/);
    rejected({ type: 'chat', text: 'hi', role: 'assistant' });
    rejected({ type: 'openUrl', url: 'https://example.com', then: 'command:x' });
  });

  it('rejects an own __proto__ key from JSON', () => {
    rejected(JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('rejects wrong field types, naming the field', () => {
    assert.match(rejected({ type: 'chat', text: 42 }), /text/);
    assert.match(rejected({ type: 'openUrl', url: 123 }), /url/);
    rejected({ type: 'chat', text: ['a'] });
    rejected({ type: 'chat' });
    rejected({ type: 42 });
  });

  it('rejects an openUrl/copyUrl whose url is not a URL', () => {
    rejected({ type: 'openUrl', url: 'not a url' });
    rejected({ type: 'copyUrl', url: '' });
    rejected({ type: 'openUrl', url: `https://example.com/${'a'.repeat(2048)}` });
  });

  it('rejects empty and whitespace-only chat', () => {
    assert.match(rejected({ type: 'chat', text: '' }), /text/);
    rejected({ type: 'chat', text: '   \n\t ' });
  });

  it('rejects chat over MAX_CHAT_TEXT', () => {
    assert.match(rejected({ type: 'chat', text: 'x'.repeat(MAX_CHAT_TEXT + 1) }), /text/);
  });

  it('rejects a confirm without its token or with a non-boolean answer', () => {
    assert.match(rejected({ type: 'confirm', id: 'c1', approve: true }), /token/);
    assert.match(rejected({ type: 'confirm', id: 'c1', token: 't', approve: 'yes' }), /approve/);
    rejected({ type: 'confirm', id: '', token: 't', approve: true });
    rejected({ type: 'confirm', id: 'c1', token: 'x'.repeat(201), approve: true });
    rejected({ type: 'stop', now: true });
  });

  it('rejects a reviewDiff without its question id, with an overlong one, or with anything else', () => {
    assert.match(rejected({ type: 'reviewDiff' }), /id: required/);
    assert.match(rejected({ type: 'reviewDiff', id: 'x'.repeat(101) }), /id: must hold at most 100/);
    assert.match(rejected({ type: 'reviewDiff', id: 'c1', path: '/etc/passwd' }), /unexpected key "path"/);
    rejected({ type: 'reviewDiff', id: '' });
    rejected({ type: 'reviewDiff', id: ['c1'] });
  });

  it('rejects oversized or malformed code actions', () => {
    rejected({ type: 'insertCode', code: 'x'.repeat(200_001) });
    rejected({ type: 'insertCode', code: '' });
    assert.match(rejected({ type: 'insertCode', code: 'x', language: 'js"><script>' }), /language/);
    rejected({ type: 'copyText', text: 42 });
    rejected({ type: 'retry', force: true });
  });

  it('rejects non-object input', () => {
    for (const raw of [null, undefined, 'deploy', '{"type":"deploy"}', ['deploy'], [{ type: 'deploy' }], 42, true]) rejected(raw);
  });

  it('rejects a 1 MB string, bare or as chat text', () => {
    const big = 'x'.repeat(1024 * 1024);
    rejected(big);
    rejected({ type: 'chat', text: big });
    rejected({ type: big });
  });
});

describe('isSafeExternalUrl', () => {
  const unsafe = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    '  javascript:alert(1)',
    'command:devgem.deploy',
    'command:workbench.action.terminal.new?%5B%5D',
    'file:///etc/passwd',
    'vscode://file/etc/passwd',
    'vscode-insiders://x',
    'data:text/html,<script>alert(1)</script>',
    'ftp://example.com',
    'not a url',
    '',
    '//example.com',
  ];
  for (const url of unsafe) it(`refuses ${JSON.stringify(url)}`, () => assert.equal(isSafeExternalUrl(url), false));

  const safe = ['https://svc-abc-uc.a.run.app', 'http://localhost:8080/health', 'HTTPS://EXAMPLE.COM/x'];
  for (const url of safe) it(`allows ${url}`, () => assert.equal(isSafeExternalUrl(url), true));
});
