// The host side of the chat's code-block buttons (src/adapters/vscode/webview/codeActions.ts)
// against a small stand-in for the `vscode` module, installed only while
// this file's tests run.
import * as assert from 'node:assert/strict';
import type * as CodeActions from '../../src/adapters/vscode/webview/codeActions';
import { useVscodeStub } from '../support/vscodeStub';

const SUBJECT = require.resolve('../../src/adapters/vscode/webview/codeActions');

interface FakeEditor {
  document: { uri: { scheme: string }; name: string };
  selection: string;
  viewColumn: number;
  edit(cb: (b: { replace(range: string, text: string): void }) => void): Promise<boolean>;
}

/** What the code under test did to the fake VS Code. */
const calls: unknown[][] = [];
let activeTextEditor: FakeEditor | undefined;

const stub = {
  window: {
    get activeTextEditor() {
      return activeTextEditor;
    },
    showTextDocument: async (doc: unknown, options?: unknown) => {
      calls.push(['show', doc, options]);
    },
    setStatusBarMessage: (text: string, ms: number) => {
      calls.push(['status', text, ms]);
      return { dispose() {} };
    },
  },
  workspace: {
    openTextDocument: async (options: { language: string; content: string }) => {
      calls.push(['open', options]);
      return { untitled: options.language };
    },
  },
  languages: { getLanguages: async () => ['plaintext', 'python', 'shellscript', 'dockerfile', 'typescript'] },
  env: {
    clipboard: {
      writeText: async (text: string) => {
        calls.push(['clipboard', text]);
      },
    },
  },
};

function editor(scheme: string, edit: FakeEditor['edit']): FakeEditor {
  return { document: { uri: { scheme }, name: `${scheme}-doc` }, selection: 'the-selection', viewColumn: 2, edit };
}

/** An editor that records the replace it is asked to make and accepts it. */
function writable(scheme = 'file'): FakeEditor {
  return editor(scheme, async (cb) => {
    cb({ replace: (range, text) => calls.push(['replace', range, text]) });
    return true;
  });
}

describe('code actions (host)', () => {
  const subject = useVscodeStub<typeof CodeActions>(stub, SUBJECT);

  beforeEach(() => {
    calls.length = 0;
    activeTextEditor = undefined;
  });

  it('inserts over the selection of the editor the user was in, then shows that editor', async () => {
    activeTextEditor = writable();
    await subject.load().insertCode('print(1)\n', 'python');
    assert.deepEqual(calls, [
      ['replace', 'the-selection', 'print(1)\n'],
      ['show', activeTextEditor.document, { viewColumn: 2, preserveFocus: false }],
    ]);
  });

  it('opens an untitled document in the code’s language when no editor is open', async () => {
    await subject.load().insertCode('FROM node:20', 'Dockerfile');
    assert.deepEqual(calls, [
      ['open', { language: 'dockerfile', content: 'FROM node:20' }],
      ['show', { untitled: 'dockerfile' }, undefined],
    ]);
  });

  it('falls back to an untitled document when the editor is an output view, read-only or refuses the edit', async () => {
    const refusing = [
      writable('output'),
      editor('file', async () => false),
      editor('file', async () => {
        throw new Error('document is read-only');
      }),
    ];
    for (const e of refusing) {
      calls.length = 0;
      activeTextEditor = e;
      await subject.load().insertCode('x', 'sh');
      assert.deepEqual(
        calls,
        [
          ['open', { language: 'shellscript', content: 'x' }],
          ['show', { untitled: 'shellscript' }, undefined],
        ],
        e.document.uri.scheme,
      );
    }
  });

  it('maps fence labels to language ids VS Code knows, else plain text', async () => {
    const cases: [string | undefined, string][] = [
      ['py', 'python'],
      ['bash', 'shellscript'],
      ['TS', 'typescript'],
      ['python', 'python'],
      ['brainfuck', 'plaintext'],
      ['', 'plaintext'],
      [undefined, 'plaintext'],
    ];
    for (const [fence, id] of cases) assert.equal(await subject.load().languageId(fence), id, String(fence));
  });

  it('copies to the clipboard and says so briefly in the status bar', async () => {
    await subject.load().copyText('gcloud run deploy');
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[0], ['clipboard', 'gcloud run deploy']);
    const [kind, message, ms] = calls[1] as [string, string, number];
    assert.equal(kind, 'status');
    assert.match(message, /Copied/);
    assert.ok(ms > 0 && ms <= 5000, 'the message goes away by itself');
  });
});
