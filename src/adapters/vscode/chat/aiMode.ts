import * as vscode from 'vscode';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { Disposable } from '../lifecycle';
import { SECTION } from '../settings';
import { API_KEY_SECRET, type ModelProvider } from './agentHost';

export interface AiModeDeps {
  models: Pick<ModelProvider, 'describe'>;
  session: DeploySession;
  chat: { readonly busy: boolean };
  secrets: vscode.SecretStorage;
}

/**
 * The chat's mode line (Gemini and which model, or offline): shown before the
 * first message, and kept current when the key or the AI settings change.
 */
export class AiModeLine extends Disposable {
  constructor(private readonly deps: AiModeDeps) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.ai`) || e.affectsConfiguration(`${SECTION}.emulatorHost`)) void this.refresh();
      }),
    );
    this._register(
      deps.secrets.onDidChange((e) => {
        if (e.key === API_KEY_SECRET) void this.refresh();
      }),
    );
  }

  refresh(): Promise<void> {
    const { models, session, chat } = this.deps;
    return models.describe().then(
      (label) => session.setAgent({ busy: chat.busy, mode: label ? 'gemini' : 'offline', model: label }),
      () => session.setAgent({ busy: chat.busy, mode: 'offline' }),
    );
  }
}
