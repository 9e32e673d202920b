// The sidebar's typed router (src/adapters/vscode/webview/router.ts and
// sidebarMessages.ts): every message type the webview may send, once
// validated, reaches a handler that does something.
import * as assert from 'node:assert/strict';
import type * as SidebarMessages from '../../src/adapters/vscode/webview/sidebarMessages';
import { webviewRouter } from '../../src/adapters/vscode/webview/router';
import { validateWebviewMessage } from '../../src/adapters/vscode/webview/messageValidation';
import type { WebviewMessage } from '../../src/shared/protocol';
import { useVscodeStub } from '../support/vscodeStub';

const SUBJECT = require.resolve('../../src/adapters/vscode/webview/sidebarMessages');
/** Modules the subject requires that bind `vscode` when first loaded: loaded fresh against this stub. */
const BOUND = ['../../src/adapters/vscode/webview/codeActions', '../../src/adapters/vscode/deploy/pastBuildLog'].map((m) => require.resolve(m));

/** One valid message of each type; the compiler rejects a missing or unknown type. */
const SAMPLES: { [K in WebviewMessage['type']]: Extract<WebviewMessage, { type: K }> } = {
  ready: { type: 'ready' },
  deploy: { type: 'deploy' },
  cancel: { type: 'cancel' },
  chat: { type: 'chat', text: 'deploy this' },
  stop: { type: 'stop' },
  confirm: { type: 'confirm', id: 'q1', token: 't1', approve: true },
  reviewDiff: { type: 'reviewDiff', id: 'q1' },
  openLogInEditor: { type: 'openLogInEditor' },
  openBuildInConsole: { type: 'openBuildInConsole' },
  showPastBuildLog: { type: 'showPastBuildLog', deployId: 'd-1' },
  retry: { type: 'retry' },
  fixWithAi: { type: 'fixWithAi' },
  insertCode: { type: 'insertCode', code: 'npm start', language: 'sh' },
  copyText: { type: 'copyText', text: 'gcloud run services list' },
  openUrl: { type: 'openUrl', url: 'https://example.com/' },
  copyUrl: { type: 'copyUrl', url: 'https://example.com/copy' },
  showLog: { type: 'showLog' },
  getDeployConfig: { type: 'getDeployConfig' },
  saveDeployConfig: { type: 'saveDeployConfig', config: { memory: '1Gi' } },
};

/** What each message should have done, as recorded below. */
const EXPECTED: Record<WebviewMessage['type'], string[]> = {
  ready: [],
  deploy: ['runner.deploy'],
  cancel: ['session.cancel'],
  chat: ['chat.handle deploy this'],
  stop: ['chat.stop', 'session.cancel'],
  confirm: ['card.answer q1 t1 true', 'log.warn'],
  reviewDiff: ['card.reviewOf q1', 'diffs.open Dockerfile'],
  openLogInEditor: ['actions.openLogInEditor'],
  openBuildInConsole: ['actions.openBuildInConsole'],
  showPastBuildLog: ['command devgem.showPastBuildLog d-1'],
  retry: ['actions.retry'],
  fixWithAi: ['actions.fixWithAi'],
  insertCode: ['vscode.openTextDocument npm start'],
  copyText: ['clipboard gcloud run services list'],
  openUrl: ['openExternal https://example.com/'],
  copyUrl: ['clipboard https://example.com/copy'],
  showLog: ['log.show'],
  // No folder open (the stub's root): the form hears why.
  getDeployConfig: ['settings.reply No folder is open.'],
  saveDeployConfig: ['log.warn', 'settings.reply No folder is open.'],
};

const done: string[] = [];

const stub = {
  Uri: { parse: (s: string) => ({ toString: () => s }) },
  env: {
    openExternal: async (uri: { toString(): string }) => void done.push(`openExternal ${uri.toString()}`),
    clipboard: { writeText: async (t: string) => void done.push(`clipboard ${t}`) },
  },
  commands: { executeCommand: async (id: string, ...args: unknown[]) => void done.push(`command ${id} ${args.join(' ')}`) },
  window: { activeTextEditor: undefined, showTextDocument: async () => undefined, setStatusBarMessage: () => ({ dispose() {} }) },
  workspace: { openTextDocument: async (o: { content: string }) => (done.push(`vscode.openTextDocument ${o.content}`), {}) },
  languages: { getLanguages: async () => ['shellscript'] },
};

describe('the sidebar webview router', () => {
  before(() => BOUND.forEach((m) => delete require.cache[m]));
  after(() => BOUND.forEach((m) => delete require.cache[m]));
  const subject = useVscodeStub<typeof SidebarMessages>(stub, SUBJECT);

  const route = () =>
    webviewRouter(
      subject.load().sidebarHandlers({
        runner: { deploy: async () => void done.push('runner.deploy') },
        session: { cancel: () => (done.push('session.cancel'), true) },
        chat: { handle: async (t) => void done.push(`chat.handle ${t}`), stop: () => (done.push('chat.stop'), false) },
        card: {
          answer: (id, token, approve) => (done.push(`card.answer ${id} ${token} ${approve}`), false),
          reviewOf: (id) => (done.push(`card.reviewOf ${id}`), { path: 'Dockerfile', before: 'FROM a\n', after: 'FROM b\n' }),
        },
        diffs: { open: async (r) => void done.push(`diffs.open ${r.path}`) },
        actions: {
          openLogInEditor: async () => void done.push('actions.openLogInEditor'),
          openBuildInConsole: async () => void done.push('actions.openBuildInConsole'),
          retry: async () => void done.push('actions.retry'),
          fixWithAi: async () => void done.push('actions.fixWithAi'),
        },
        log: { warn: () => done.push('log.warn'), show: () => done.push('log.show') } as never,
        settings: {
          root: () => undefined,
          reply: (m) => void done.push(`settings.reply ${m.type === 'deployConfig' ? m.reply.error?.message : m.type}`),
        },
      }),
    );

  for (const type of Object.keys(SAMPLES) as WebviewMessage['type'][]) {
    it(`routes "${type}" to its handler`, async () => {
      done.length = 0;
      const checked = validateWebviewMessage(JSON.parse(JSON.stringify(SAMPLES[type])));
      assert.ok(checked.ok, `the sample of ${type} is valid`);
      await route()(checked.message);
      assert.deepEqual(done, EXPECTED[type]);
    });
  }
});
