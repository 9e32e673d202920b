import * as vscode from 'vscode';
import type { ReviewFiles } from '../../../core/agent/registry';
import { redactText } from '../../../core/base/redact';

const SCHEME = 'devgem-review';
/** Reviews kept for the diff editor; the oldest go first. */
const KEEP = 20;

/**
 * A proposed edit in VS Code's own diff editor: both sides are read-only virtual documents
 * (`devgem-review:` URIs), so nothing is written until the user approves the card.
 */
export class DiffReview implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 0;

  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }

  async open(review: ReviewFiles): Promise<void> {
    const id = String(this.next++);
    const uri = (side: string, text: string) => {
      const key = `${id}-${side}`;
      this.texts.set(key, redactText(text));
      while (this.texts.size > KEEP * 2) this.texts.delete(this.texts.keys().next().value as string);
      return vscode.Uri.from({ scheme: SCHEME, path: `/${side}/${review.path}`, query: key });
    };
    const left = uri('current', review.before);
    const right = uri('proposed', review.after);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${review.path}: current ↔ proposed (Devgem)`, { preview: true, preserveFocus: true });
  }
}
