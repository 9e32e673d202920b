import * as vscode from 'vscode';

// What the chat's code-block buttons do once the host has validated the
// request: the webview cannot touch editors or the clipboard itself.

/** How long "Copied" stays in the status bar. */
const COPIED_MS = 2500;

/** Fence labels models write that are not VS Code language ids. */
const LANGUAGE_ALIASES: Record<string, string> = {
  bash: 'shellscript',
  sh: 'shellscript',
  shell: 'shellscript',
  zsh: 'shellscript',
  console: 'shellscript',
  ts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
  py: 'python',
  python3: 'python',
  rb: 'ruby',
  rs: 'rust',
  golang: 'go',
  cs: 'csharp',
  'c#': 'csharp',
  'c++': 'cpp',
  kt: 'kotlin',
  yml: 'yaml',
  md: 'markdown',
  docker: 'dockerfile',
  ps1: 'powershell',
  pwsh: 'powershell',
  text: 'plaintext',
  txt: 'plaintext',
  plain: 'plaintext',
};

/** Schemes whose editors are views, not documents a user means to type into. */
const NOT_EDITABLE = new Set(['output', 'vscode-chat-code-block', 'git', 'debug']);

/**
 * Inserts at the cursor (replacing the selection) of the editor the user was
 * last in; with none, or one that cannot take the edit, opens the code in a
 * new untitled document of its language. Either way the result is shown.
 */
export async function insertCode(code: string, language?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor && !NOT_EDITABLE.has(editor.document.uri.scheme) && (await tryReplaceSelection(editor, code))) {
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: await languageId(language), content: code });
  await vscode.window.showTextDocument(document);
}

async function tryReplaceSelection(editor: vscode.TextEditor, code: string): Promise<boolean> {
  try {
    return await editor.edit((edit) => edit.replace(editor.selection, code));
  } catch {
    // A read-only or closed document: the untitled document is the fallback.
    return false;
  }
}

/** A language id VS Code knows for a fence label, or plain text. */
export async function languageId(fence: string | undefined): Promise<string> {
  if (!fence) return 'plaintext';
  const lower = fence.toLowerCase();
  const wanted = LANGUAGE_ALIASES[lower] ?? lower;
  const known = await vscode.languages.getLanguages();
  return known.includes(wanted) ? wanted : 'plaintext';
}

export async function copyText(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage('$(check) Copied to clipboard', COPIED_MS);
}
