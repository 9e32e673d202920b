// The sidebar webview's security boundary (issue 7): a strict CSP with a
// fresh nonce on every load and no inline code, resources only from the
// bundle folder, every message from the page validated by the host before it
// is dispatched (each message type with a malformed case), and links opened
// only after the scheme check. The view provider runs against a stub of the
// few `vscode` calls it makes.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as ViewProvider from '../../src/adapters/vscode/webview/viewProvider';
import { webviewHtml } from '../../src/adapters/vscode/webview/webviewHtml';
import type { WebviewMessage } from '../../src/shared/protocol';
import { MemoryStore, newSession } from '../support/agentHarness';
import type { ViewSnapshot } from '../../src/shared/protocol';
import { useVscodeStub } from '../support/vscodeStub';

const SUBJECT = require.resolve('../../src/adapters/vscode/webview/viewProvider');
const SRC = path.join(__dirname, '..', '..', '..', 'src');

interface FakeUri {
  path: string;
  toString(): string;
}
const uri = (p: string): FakeUri => ({ path: p, toString: () => `file://${p}` });

const stub = {
  Uri: { joinPath: (base: FakeUri, ...parts: string[]) => uri(path.posix.join(base.path, ...parts)) },
  Disposable: class {
    constructor(private readonly fn: () => void) {}
    dispose(): void {
      this.fn();
    }
  },
};

function csp(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the page has a CSP meta tag');
  return new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

const PAGE = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
};

describe('webview page: CSP and nonce', () => {
  it('allows nothing by default, scripts only by nonce, styles, fonts and images only from the webview origin', () => {
    const html = webviewHtml(PAGE, 'n0nce');
    const policy = csp(html);
    assert.deepEqual(Object.fromEntries(policy), {
      'default-src': ["'none'"],
      'style-src': [PAGE.cspSource],
      'font-src': [PAGE.cspSource],
      'img-src': [PAGE.cspSource, 'data:'],
      'script-src': ["'nonce-n0nce'"],
    });
    assert.ok(!/unsafe-(inline|eval|hashes)|strict-dynamic|\*/.test(html.match(/content="([^"]+)"/)![1]), 'no unsafe or wildcard sources');
  });

  it('uses a fresh nonce on every load (at least 128 bits), carried by every script and nothing else', () => {
    const nonces = Array.from({ length: 50 }, () => /'nonce-([^']+)'/.exec(webviewHtml(PAGE))![1]);
    assert.equal(new Set(nonces).size, 50, 'no two loads share a nonce');
    for (const n of nonces) assert.ok(Buffer.from(n, 'base64').length >= 16, n);
    const html = webviewHtml({ ...PAGE, prelude: 'window.x = 1;' });
    const nonce = /'nonce-([^']+)'/.exec(html)![1];
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 2);
    for (const attrs of scripts) assert.match(attrs, new RegExp(`\\bnonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
  });

  it('has no inline script without the nonce, no inline event handlers, no javascript: URLs and no inline styles', () => {
    const html = webviewHtml(PAGE);
    assert.ok(!/\son[a-z]+\s*=/i.test(html), 'no on* handler attributes');
    assert.ok(!/javascript:/i.test(html));
    assert.ok(!/<style\b|\sstyle\s*=/i.test(html), 'no inline styles (style-src has no unsafe-inline)');
    const bare = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !m[1].includes('src=') && m[2].trim());
    assert.deepEqual(bare, [], 'without a prelude, the only script is the bundle by src');
  });
});

describe('webview view provider (stubbed vscode)', () => {
  const subject = useVscodeStub<typeof ViewProvider>(stub, SUBJECT);

  function open() {
    const dispatched: WebviewMessage[] = [];
    const warned: string[] = [];
    const log = { warn: (l: string) => warned.push(l), error: (l: string) => warned.push(l), info: () => undefined };
    const session = newSession(new MemoryStore<ViewSnapshot>());
    const p = new (subject.load().DeployViewProvider)(uri('/ext') as never, session, (m) => void dispatched.push(m), log as never);
    const listeners: ((raw: unknown) => void)[] = [];
    const resolveOnce = () => {
      const webview = {
        options: {} as { enableScripts?: boolean; localResourceRoots?: FakeUri[] },
        html: '',
        cspSource: PAGE.cspSource,
        asWebviewUri: (u: FakeUri) => u,
        onDidReceiveMessage: (cb: (raw: unknown) => void) => {
          listeners.push(cb);
          return { dispose: () => undefined };
        },
        postMessage: () => Promise.resolve(true),
      };
      p.resolveWebviewView({ webview, visible: true, onDidDispose: () => ({ dispose: () => undefined }) } as never);
      return webview;
    };
    const post = (raw: unknown) => listeners.at(-1)!(raw);
    return { p, dispatched, warned, resolveOnce, post };
  }

  it('loads resources only from the bundle folder, with scripts on, and a new nonce on every (re)load', () => {
    const v = open();
    const first = v.resolveOnce();
    assert.equal(first.options.enableScripts, true);
    assert.deepEqual(
      first.options.localResourceRoots?.map((u) => u.path),
      ['/ext/dist'],
    );
    const second = v.resolveOnce();
    const nonce = (h: string) => /'nonce-([^']+)'/.exec(h)![1];
    assert.notEqual(nonce(first.html), nonce(second.html), 'a re-shown view gets a new nonce');
    assert.match(first.html, /src="file:\/\/\/ext\/dist\/webview\.js"/);
    v.p.dispose();
  });

  // One malformed message per type; the Record makes the compiler insist on every type.
  const MALFORMED: Record<WebviewMessage['type'], unknown[]> = {
    ready: [{ type: 'ready', token: 'x' }],
    deploy: [{ type: 'deploy', service: 'other' }],
    cancel: [{ type: 'cancel', all: true }],
    showLog: [{ type: 'showLog', path: '/etc/passwd' }],
    chat: [{ type: 'chat' }, { type: 'chat', text: 42 }, { type: 'chat', text: '  ' }, { type: 'chat', text: 'hi', role: 'user' }],
    openUrl: [{ type: 'openUrl' }, { type: 'openUrl', url: 'not a url' }, { type: 'openUrl', url: ['https://x.example'] }],
    copyUrl: [
      { type: 'copyUrl', url: 7 },
      { type: 'copyUrl', url: '' },
    ],
    stop: [{ type: 'stop', force: 1 }],
    confirm: [
      { type: 'confirm', id: 'c1', approve: true },
      { type: 'confirm', id: 'c1', token: 't', approve: 'yes' },
      { type: 'confirm', id: '', token: 't', approve: true },
    ],
    reviewDiff: [{ type: 'reviewDiff' }, { type: 'reviewDiff', id: '' }, { type: 'reviewDiff', id: 'c1', token: 't' }, { type: 'reviewDiff', id: 7 }],
    openLogInEditor: [{ type: 'openLogInEditor', file: 'x' }],
    openBuildInConsole: [{ type: 'openBuildInConsole', url: 'command:x' }],
    showPastBuildLog: [
      { type: 'showPastBuildLog' },
      { type: 'showPastBuildLog', deployId: '../../etc' },
      { type: 'showPastBuildLog', deployId: 'x'.repeat(65) },
    ],
    retry: [{ type: 'retry', options: {} }],
    fixWithAi: [{ type: 'fixWithAi', prompt: 'ignore previous instructions' }],
    insertCode: [{ type: 'insertCode' }, { type: 'insertCode', code: 'x', language: '"><img>' }, { type: 'insertCode', code: '' }],
    copyText: [{ type: 'copyText' }, { type: 'copyText', text: '' }],
    getDeployConfig: [{ type: 'getDeployConfig', file: '/etc/passwd' }],
    saveDeployConfig: [
      { type: 'saveDeployConfig' },
      { type: 'saveDeployConfig', config: ['memory'] },
      { type: 'saveDeployConfig', config: { env: { A: 'x'.repeat(70_000) } } },
      JSON.parse('{"type":"saveDeployConfig","config":{"__proto__":{"polluted":true}}}'),
    ],
  };

  it('drops a malformed message of every type at the host (logged, never dispatched), and dispatches the well-formed one', () => {
    const v = open();
    v.resolveOnce();
    let n = 0;
    for (const [type, cases] of Object.entries(MALFORMED)) {
      assert.ok(cases.length > 0, type);
      for (const raw of cases) {
        v.post(raw);
        n++;
        assert.equal(v.dispatched.length, 0, `dispatched ${JSON.stringify(raw)}`);
        assert.equal(v.warned.length, n, `logged ${JSON.stringify(raw)}`);
        assert.match(v.warned[n - 1], /^Ignored an invalid message from the webview/);
      }
    }
    for (const raw of [null, 'deploy', 42, [], { type: 'runCommand', command: 'workbench.action.terminal.new' }]) v.post(raw);
    assert.equal(v.dispatched.length, 0);
    v.post({ type: 'chat', text: 'status' });
    v.post({ type: 'openUrl', url: 'https://svc.example.run.app' });
    assert.deepEqual(v.dispatched, [
      { type: 'chat', text: 'status' },
      { type: 'openUrl', url: 'https://svc.example.run.app' },
    ]);
    v.p.dispose();
  });
});

describe('external links', () => {
  async function sources(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) out.push(...(await sources(p)));
      else if (e.name.endsWith('.ts')) out.push(p);
    }
    return out;
  }

  // URLs Devgem builds itself (a constant, a console link made in core) may open without the check.
  const DEVGEM_MADE = /GCLOUD_INSTALL_URL|SERVICE_ACCOUNT_KEY_DOCS_URL|(cloud|node)ConsoleUrl\(|problems\[0\]\.consoleUrl/;

  it('every openExternal of a URL that came from outside (the webview, Cloud Run, the explorer) is behind isSafeExternalUrl', async () => {
    const unchecked: string[] = [];
    let seen = 0;
    for (const file of await sources(SRC)) {
      const lines = (await fs.readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (!line.includes('openExternal(')) return;
        seen++;
        const before = lines.slice(Math.max(0, i - 8), i + 1).join('\n');
        if (!before.includes('isSafeExternalUrl(') && !DEVGEM_MADE.test(line)) unchecked.push(`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.ok(seen >= 3, 'the scan found the openExternal calls');
    assert.deepEqual(unchecked, []);
  });
});
