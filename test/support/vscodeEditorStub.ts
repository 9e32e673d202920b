// The editor side of a `vscode` stand-in: open text documents (dirty or not), WorkspaceEdit,
// workspace.applyEdit and document.save(), enough to check how Devgem applies an approved edit.
// Positions are offsets (`character`, line 0): agentHost only makes them with positionAt().
import { promises as fs } from 'node:fs';

interface Uri {
  fsPath: string;
}
class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}
type Op = { kind: 'replace'; uri: Uri; range: Range; text: string } | { kind: 'insert'; uri: Uri; at: Position; text: string } | { kind: 'create'; uri: Uri };

class WorkspaceEdit {
  readonly ops: Op[] = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.ops.push({ kind: 'replace', uri, range, text });
  }
  insert(uri: Uri, at: Position, text: string): void {
    this.ops.push({ kind: 'insert', uri, at, text });
  }
  createFile(uri: Uri): void {
    this.ops.push({ kind: 'create', uri });
  }
}

export class StubDocument {
  isDirty = false;
  constructor(
    readonly uri: Uri,
    public text: string,
  ) {}
  getText(): string {
    return this.text;
  }
  positionAt(offset: number): Position {
    return new Position(0, offset);
  }
  async save(): Promise<boolean> {
    await fs.writeFile(this.uri.fsPath, this.text);
    this.isDirty = false;
    return true;
  }
}

export function editorStub() {
  const documents: StubDocument[] = [];
  const applied: WorkspaceEdit[] = [];
  const find = (p: string) => documents.find((d) => d.uri.fsPath === p);
  async function open(uri: Uri): Promise<StubDocument> {
    const known = find(uri.fsPath);
    if (known) return known;
    const doc = new StubDocument({ fsPath: uri.fsPath }, await fs.readFile(uri.fsPath, 'utf8'));
    documents.push(doc);
    return doc;
  }
  return {
    documents,
    /** Every WorkspaceEdit applied, in order. */
    applied,
    /** Opens `fsPath` in the stub editor, with unsaved `text` when given. */
    async openDocument(fsPath: string, unsaved?: string): Promise<StubDocument> {
      const doc = await open({ fsPath });
      if (unsaved !== undefined) {
        doc.text = unsaved;
        doc.isDirty = true;
      }
      return doc;
    },
    api: {
      Position,
      Range,
      WorkspaceEdit,
      workspace: {
        get textDocuments() {
          return documents;
        },
        openTextDocument: open,
        async applyEdit(edit: WorkspaceEdit): Promise<boolean> {
          for (const op of edit.ops) {
            if (op.kind === 'create') {
              if (
                find(op.uri.fsPath) ||
                (await fs.stat(op.uri.fsPath).then(
                  () => true,
                  () => false,
                ))
              )
                return false;
              await fs.writeFile(op.uri.fsPath, '');
              continue;
            }
            const doc = await open(op.uri);
            const [from, to] = op.kind === 'replace' ? [op.range.start.character, op.range.end.character] : [op.at.character, op.at.character];
            doc.text = doc.text.slice(0, from) + op.text + doc.text.slice(to);
            doc.isDirty = true;
          }
          applied.push(edit);
          return true;
        },
      },
    },
  };
}
