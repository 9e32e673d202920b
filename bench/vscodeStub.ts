/**
 * Just enough of the `vscode` API for `activate()` to run in plain Node, with
 * no-op behaviour. Namespaces and the context record any member the extension
 * reads that the stub lacks, so a new API call at activation shows up in the
 * bench output instead of silently making activation look cheaper.
 */
import * as path from 'node:path';

type Fn = (...args: unknown[]) => unknown;

class Disposable {
  constructor(private readonly fn?: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.fn?.();
  }
}

class EventEmitter<T> {
  private readonly listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

class TreeItem {
  constructor(
    readonly label: string,
    readonly collapsibleState?: number,
  ) {}
}

class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(.*)$/i.exec(s);
    return m ? new Uri(m[1], m[2]) : new Uri('file', s);
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, path.posix.join(base.path, ...segments));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

const IGNORED_KEYS = new Set(['then', '__esModule', 'default', 'toJSON', 'constructor', 'inspect']);

/** Wraps `target` so reads of members it lacks are recorded as `name.member`. */
function recording<T extends object>(name: string, target: T, missing: Set<string>): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'string' && !(key in t) && !IGNORED_KEYS.has(key)) missing.add(`${name}.${key}`);
      return Reflect.get(t, key, receiver);
    },
  });
}

const noop: Fn = () => undefined;
const resolved: Fn = async () => undefined;
const disposable = (): Disposable => new Disposable();

function memento(): object {
  const values = new Map<string, unknown>();
  return {
    get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
    update: async (key: string, value: unknown) => void values.set(key, value),
    keys: () => [...values.keys()],
    setKeysForSync: noop,
  };
}

export function createVscodeStub(missing: Set<string>): object {
  const outputChannel = (name: string) =>
    recording(
      `OutputChannel`,
      {
        name,
        logLevel: 2,
        append: noop,
        appendLine: noop,
        replace: noop,
        clear: noop,
        show: noop,
        hide: noop,
        dispose: noop,
        trace: noop,
        debug: noop,
        info: noop,
        warn: noop,
        error: noop,
        onDidChangeLogLevel: disposable,
      },
      missing,
    );
  const statusBarItem = (id: string, alignment: number, priority: number) =>
    recording(
      'StatusBarItem',
      { id, alignment, priority, name: '', text: '', tooltip: '', command: undefined, backgroundColor: undefined, show: noop, hide: noop, dispose: noop },
      missing,
    );

  // The namespace itself records too: a new class or enum read at activation shows up.
  return recording(
    'vscode',
    {
      Disposable,
      EventEmitter,
      ThemeColor,
      ThemeIcon,
      TreeItem,
      TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
      Uri,
      StatusBarAlignment: { Left: 1, Right: 2 },
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
      window: recording(
        'window',
        {
          createOutputChannel: outputChannel,
          createStatusBarItem: statusBarItem,
          registerWebviewViewProvider: disposable,
          createTreeView: () =>
            recording(
              'TreeView',
              {
                visible: false,
                message: undefined,
                description: undefined,
                onDidChangeVisibility: disposable,
                onDidChangeSelection: disposable,
                onDidExpandElement: disposable,
                onDidCollapseElement: disposable,
                reveal: resolved,
                dispose: noop,
              },
              missing,
            ),
          showInformationMessage: resolved,
          showWarningMessage: resolved,
          showErrorMessage: resolved,
          showWorkspaceFolderPick: resolved,
          showTextDocument: resolved,
          withProgress: resolved,
          onDidChangeWindowState: disposable,
        },
        missing,
      ),
      commands: recording('commands', { registerCommand: disposable, executeCommand: resolved }, missing),
      workspace: recording(
        'workspace',
        {
          workspaceFolders: undefined,
          getConfiguration: () => ({ get: (_key: string, fallback?: unknown) => fallback, has: () => false, inspect: noop, update: resolved }),
          onDidChangeConfiguration: disposable,
          onDidChangeWorkspaceFolders: disposable,
          registerTextDocumentContentProvider: disposable,
          onDidCloseTextDocument: disposable,
        },
        missing,
      ),
      // VS Code's Chat and language-model tools, as a host with Chat offers them.
      chat: recording('chat', { createChatParticipant: () => ({ iconPath: undefined, dispose: noop }) }, missing),
      lm: recording('lm', { registerTool: disposable }, missing),
      env: recording('env', { openExternal: resolved, clipboard: { writeText: resolved, readText: resolved } }, missing),
    },
    missing,
  );
}

export function createContext(extensionPath: string, missing: Set<string>): object {
  return recording(
    'ExtensionContext',
    {
      subscriptions: [] as { dispose(): unknown }[],
      workspaceState: memento(),
      globalState: memento(),
      secrets: { get: resolved, store: resolved, delete: resolved, onDidChange: disposable },
      extensionUri: Uri.file(extensionPath),
      extensionPath,
      storageUri: undefined,
      globalStorageUri: Uri.file(path.join(extensionPath, '.global')),
      logUri: Uri.file(path.join(extensionPath, '.log')),
      extensionMode: 1,
      asAbsolutePath: (p: string) => path.join(extensionPath, p),
    },
    missing,
  );
}
