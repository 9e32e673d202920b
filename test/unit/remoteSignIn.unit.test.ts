// Signing in when VS Code runs Devgem on another machine: one message per kind
// of remote, with `--no-browser` and service-account keys, and the command
// acting on it (against a stand-in for `vscode`).
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as WalkthroughModule from '../../src/adapters/vscode/setup/walkthrough';
import { REMOTE_SIGN_IN_COMMAND, SERVICE_ACCOUNT_KEY_DOCS_URL, remoteSignInAdvice } from '../../src/core/setup/remoteSignIn';
import { useVscodeStub } from '../support/vscodeStub';

const ROOT = path.join(__dirname, '../../..');

describe('sign-in on a remote (Remote-SSH, Dev Containers, Codespaces, WSL, tunnels)', () => {
  const kinds: [string, RegExp][] = [
    ['ssh-remote', /^Devgem runs on the SSH host, so it looks for your Google Cloud credentials there, not on this computer\./],
    ['dev-container', /^Devgem runs in the dev container, .*devcontainer\.json's "remoteEnv", or as a Codespaces secret/],
    ['attached-container', /^Devgem runs in the dev container, /],
    ['codespaces', /^Devgem runs in the codespace, .*Codespaces secret/],
    ['wsl', /^Devgem runs in WSL, /],
    ['tunnel', /^Devgem runs on the tunnel's machine, /],
    ['some-new-remote', /^Devgem runs on the remote machine \(some-new-remote\), /],
  ];
  for (const [kind, first] of kinds) {
    it(`${kind}: says where Devgem runs and offers --no-browser and a service-account key`, () => {
      const advice = remoteSignInAdvice(kind, true)!;
      assert.match(advice.message, first);
      assert.ok(advice.message.includes('`gcloud auth application-default login --no-browser`'), advice.message);
      assert.match(advice.message, /service-account key.*GOOGLE_APPLICATION_CREDENTIALS/);
      assert.equal(advice.command, REMOTE_SIGN_IN_COMMAND);
      assert.deepEqual(
        advice.actions.map((a) => a.action),
        ['terminal', 'keyDocs'],
      );
    });
  }

  it('without gcloud on the remote, offers to install it there instead of a terminal', () => {
    const advice = remoteSignInAdvice('ssh-remote', false)!;
    assert.match(advice.message, /gcloud is not installed on the SSH host: install it there/);
    assert.deepEqual(
      advice.actions.map((a) => a.action),
      ['installGcloud', 'keyDocs'],
    );
  });

  it('a local window gets no remote advice', () => {
    assert.equal(remoteSignInAdvice(undefined, true), undefined);
    assert.equal(remoteSignInAdvice('', false), undefined);
  });

  it('the extension runs on the workspace side, where the files and ADC are (extensionKind)', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { extensionKind?: string[] };
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });

  describe('"Devgem: Sign In to Google Cloud" in a dev container', () => {
    const seen = { messages: [] as string[], sent: [] as string[], opened: [] as string[], answer: '' };
    const disposable = { dispose() {} };
    const stub = {
      Disposable: { from: (...ds: { dispose(): unknown }[]) => ({ dispose: () => ds.forEach((d) => d.dispose()) }) },
      Uri: { parse: (s: string) => ({ toString: () => s }) },
      env: {
        remoteName: 'dev-container',
        openExternal: async (u: { toString(): string }) => (seen.opened.push(u.toString()), true),
      },
      workspace: {
        onDidChangeConfiguration: () => disposable,
        onDidChangeWorkspaceFolders: () => disposable,
        getConfiguration: () => ({ get: () => undefined }),
      },
      window: {
        onDidChangeWindowState: () => disposable,
        tabGroups: { all: [], onDidChangeTabs: () => disposable },
        showInformationMessage: async (text: string, ...actions: string[]) => (seen.messages.push(text), actions.find((a) => a === seen.answer)),
        showErrorMessage: async (text: string) => void seen.messages.push(text),
        createTerminal: () => ({ show() {}, sendText: (t: string) => void seen.sent.push(t), dispose() {} }),
      },
      commands: {
        registered: new Map<string, () => Promise<void>>(),
        registerCommand(id: string, fn: () => Promise<void>) {
          this.registered.set(id, fn);
          return disposable;
        },
        executeCommand: async () => undefined,
      },
    };
    const subject = useVscodeStub<typeof WalkthroughModule>(stub, require.resolve('../../src/adapters/vscode/setup/walkthrough'));
    let registered: { dispose(): void } | undefined;
    let bin: string;
    before(async () => {
      // gcloud "installed" on the remote: a PATH holding an executable of that name.
      bin = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-remote-'));
      await fs.writeFile(path.join(bin, 'gcloud'), '#!/bin/sh\n', { mode: 0o755 });
      registered = subject.load().registerWalkthrough({
        session: { current: {}, onDidChange: () => disposable } as never,
        folders: { current: () => undefined, onDidChange: () => disposable } as never,
      });
    });
    after(async () => {
      registered?.dispose();
      await fs.rm(bin, { recursive: true, force: true });
    });
    const saved = process.env.PATH;
    afterEach(() => (process.env.PATH = saved));

    it('explains, then types the --no-browser sign-in in a terminal there', async () => {
      process.env.PATH = bin;
      seen.answer = 'Sign In (--no-browser)';
      await stub.commands.registered.get('devgem.signIn')!();
      assert.match(seen.messages.at(-1) ?? '', /^Devgem runs in the dev container/);
      assert.deepEqual(seen.sent, [REMOTE_SIGN_IN_COMMAND]);
    });

    it("or opens Google's page on service-account keys", async () => {
      process.env.PATH = bin;
      seen.answer = 'Use a Service-Account Key';
      await stub.commands.registered.get('devgem.signIn')!();
      assert.deepEqual(seen.opened, [SERVICE_ACCOUNT_KEY_DOCS_URL]);
    });
  });
});
