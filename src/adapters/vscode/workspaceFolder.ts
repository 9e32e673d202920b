import * as vscode from 'vscode';
import { Disposable } from './lifecycle';

/** The id package.json contributes ("Devgem: Choose Folder", shown when several folders are open). */
export const CHOOSE_FOLDER_COMMAND = 'devgem.chooseFolder';
const CHOSEN_KEY = 'devgem.folder.v1';

/** What the folder's users need: a folder now, without asking. */
export interface CurrentFolder {
  current(): vscode.WorkspaceFolder | undefined;
}

/**
 * The one folder Devgem works on. In a multi-root workspace Deploy, the chat,
 * the Cloud Run explorer and the env commands must act on the same folder, or a
 * chat "deploy" and the Deploy button could update two different services. A
 * command the user started asks once (`pickFolder`); the choice is kept in the
 * workspace's state until the user changes it or removes that folder. Callers
 * that must not open a picker (the chat's prompt, a tree refresh) take
 * `current()`: the choice, else the first folder.
 */
export class FolderChoice extends Disposable implements CurrentFolder {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.WorkspaceFolder | undefined>());
  /** The folder `current()` gives changed (chosen, or the chosen one removed). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    super();
    this._register(
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        const chosen = this.state.get<string>(CHOSEN_KEY);
        if (chosen && e.removed.some((f) => f.uri.toString() === chosen)) void this.remember(undefined);
      }),
    );
  }

  current(): vscode.WorkspaceFolder | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    return this.chosen(folders) ?? folders[0];
  }

  /**
   * The folder for a command the user started: the only one, the remembered
   * one, or (several open, none chosen yet) the one they pick now. Undefined
   * when no folder is open or the pick was dismissed.
   */
  async pickFolder(placeHolder = 'Which folder should Devgem work on?'): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length <= 1) return folders[0];
    return this.chosen(folders) ?? this.ask(placeHolder);
  }

  /** "Devgem: Choose Folder": asks again even when a folder was chosen. */
  async choose(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showErrorMessage('No folder is open: open the folder you want to deploy (File > Open Folder).');
      return undefined;
    }
    if (folders.length === 1) {
      void vscode.window.showInformationMessage(`Devgem works on ${folders[0].name}, the only folder open.`);
      return folders[0];
    }
    const folder = await this.ask('Which folder should Devgem deploy, chat about and show in the Cloud Run explorer?');
    if (folder) void vscode.window.showInformationMessage(`Devgem now works on ${folder.name}.`);
    return folder;
  }

  private chosen(folders: readonly vscode.WorkspaceFolder[]): vscode.WorkspaceFolder | undefined {
    const chosen = this.state.get<string>(CHOSEN_KEY);
    return chosen ? folders.find((f) => f.uri.toString() === chosen) : undefined;
  }

  private async ask(placeHolder: string): Promise<vscode.WorkspaceFolder | undefined> {
    const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder });
    if (folder) await this.remember(folder);
    return folder;
  }

  private async remember(folder: vscode.WorkspaceFolder | undefined): Promise<void> {
    await this.state.update(CHOSEN_KEY, folder?.uri.toString());
    if (!this.isDisposed) this.changed.fire(this.current());
  }
}
