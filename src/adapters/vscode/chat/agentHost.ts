import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentContext } from '../../../core/agent/context';
import type { SavedConversation } from '../../../core/agent/conversation';
import type { ModelPort } from '../../../core/agent/model';
import { addKnownSecret } from '../../../core/base/redact';
import type { ConfirmationDraft, ConfirmPort } from '../../../core/agent/registry';
import { resilientModel } from '../../../core/agent/resilientModel';
import type { SessionConfirm } from '../../../core/chat/sessionConfirm';
import type { UsageCounts, UsageGuard, UsageStore } from '../../../core/base/usage';
import type { DeployOptions } from '../../../core/deploy/deployOptions';
import type { DeploySession } from '../../../core/deploy/deploySession';
import { CancelledError, DevgemError } from '../../../core/base/errors';
import type { CloudPorts } from '../../../core/cloud/ports';
import { realClock } from '../../../core/base/wait';
import type { ToolRisk } from '../../../shared/protocol';
import type * as Model from '../../gemini/index';
import type { DeployRunner } from '../deploy/deployRunner';
import type { GitHubAccess } from '../github/gitHubConnect';
import { runDeployThrough } from '../github/gitHubDeploy';
import { readAgentSettings, readDeployOptions, readGcpConfig } from '../settings';
import { memoryManifestStore, type ManifestStore } from '../../../core/git/sourceChanges';

export const API_KEY_SECRET = 'devgem.geminiApiKey';
const CONVERSATION_KEY = 'devgem.conversation.v1';
const USAGE_KEY = 'devgem.usage.v1';

/** The agent's tools act on the open folder, the tracker's session and Google Cloud. */
export class VscodeAgentContext implements AgentContext {
  lastDeployRequest?: DeployOptions;

  constructor(
    private readonly session: DeploySession,
    private readonly runner: DeployRunner,
    private readonly ports: () => CloudPorts,
    readonly usage: UsageGuard,
    private readonly manifestStore: ManifestStore = memoryManifestStore(),
    private readonly gitHubAccess?: () => Promise<GitHubAccess>,
  ) {}

  private folder(): vscode.WorkspaceFolder {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new DevgemError('config', 'No folder is open.', { fix: 'Open the folder you want to deploy (File > Open Folder), then ask again.' });
    return folder;
  }

  deployOptions(opts: { folderOptional?: boolean } = {}): DeployOptions {
    // Without a folder (a GitHub repository deploy), the user's settings, as Deploy GitHub Repository… reads them.
    if (opts.folderOptional && !vscode.workspace.workspaceFolders?.length) return readDeployOptions(vscode.Uri.file(os.tmpdir()));
    return readDeployOptions(this.folder().uri);
  }

  cloud(): CloudPorts {
    return this.ports();
  }

  runDeploy(opts: DeployOptions, signal: AbortSignal) {
    return runDeployThrough(this.runner, this.gitHubAccess, opts, signal);
  }

  async gitHub(): Promise<GitHubAccess> {
    if (!this.gitHubAccess)
      throw new DevgemError('failed-precondition', 'GitHub repository deploys are not set up in this window.', {
        fix: 'Reload the window; if it persists, reinstall Devgem.',
      });
    return this.gitHubAccess();
  }

  lastDeploy() {
    return this.session.current.deploy;
  }

  deployHistory() {
    return this.session.current.history ?? [];
  }

  manifests(): ManifestStore {
    return this.manifestStore;
  }

  private resolve(rel: string): string {
    const root = this.folder().uri.fsPath;
    const file = path.resolve(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) throw new DevgemError('invalid-argument', `${rel} is outside the workspace.`);
    return file;
  }

  async readWorkspaceFile(rel: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.resolve(rel), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeWorkspaceFile(rel: string, content: string): Promise<void> {
    const file = this.resolve(rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
    void vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true, preserveFocus: true });
  }
}

/**
 * Which Gemini backends are configured: Vertex AI (Application Default
 * Credentials) and/or an API key from SecretStorage. Undefined = AI is off.
 */
export class ModelProvider {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    /** Loads dist/model.js (the @google/genai bundle) on first use. */
    private readonly load: () => typeof Model,
  ) {}

  /** What the chat will use, without loading the SDK (for the mode line). */
  async describe(): Promise<string | undefined> {
    const s = readAgentSettings();
    if (s.provider === 'off') return undefined;
    const key = s.provider !== 'vertex' && (await this.secrets.get(API_KEY_SECRET)) !== undefined;
    const vertex = s.provider === 'vertex' || (s.provider === 'auto' && s.vertexProject !== undefined);
    if (vertex) return `${s.model} (Vertex AI${key ? ', API key as fallback' : ''})`;
    return key ? `${s.model} (Gemini API key)` : undefined;
  }

  async get(): Promise<ModelPort | undefined> {
    const s = readAgentSettings();
    if (s.provider === 'off') return undefined;
    const apiKey = s.provider === 'vertex' ? undefined : await this.secrets.get(API_KEY_SECRET);
    addKnownSecret(apiKey);
    let vertex: { project: string; location: string } | undefined;
    if (s.provider === 'vertex' || (s.provider === 'auto' && s.vertexProject)) {
      const project = s.vertexProject ?? vscode.workspace.getConfiguration('devgem').get<string>('project')?.trim() ?? process.env.GOOGLE_CLOUD_PROJECT;
      if (!project) throw new DevgemError('config', 'Vertex AI needs a project.', { fix: 'Set "devgem.ai.vertexProject" (or "devgem.project") in Settings.' });
      vertex = { project, location: s.vertexLocation };
    }
    if (s.provider === 'apiKey' && !apiKey) throw new DevgemError('config', 'No Gemini API key is stored.', { fix: 'Run "Devgem: Set Gemini API Key".' });
    if (!vertex && !apiKey) {
      this.log.info(`Chat: no Gemini model configured (devgem.ai.provider "${s.provider}"); answering without AI.`);
      return undefined;
    }
    const emulator = readGcpConfig().emulatorHost;
    const ports = this.load().createModelPorts({ model: s.model, vertex, apiKey, emulatorBaseUrl: emulator ? `http://${emulator}` : undefined });
    return resilientModel(ports, {
      clock: realClock,
      timeouts: { firstByteMs: s.firstByteTimeoutSeconds * 1000, idleMs: s.idleTimeoutSeconds * 1000 },
      onRetry: (i) =>
        this.log.warn(
          i.fallbackFrom
            ? `Gemini: ${i.fallbackFrom} gave up; trying ${i.model}`
            : `Gemini: retrying ${i.model} in ${i.delayMs} ms (HTTP ${i.status ?? 'network error'}), attempt ${i.attempt}`,
        ),
    });
  }
}

/**
 * Asks in the sidebar's card while the view is visible (the click carries a
 * token the model never sees); otherwise in a modal dialog. Either way only
 * the user's click approves.
 */
export class HybridConfirm implements ConfirmPort {
  constructor(
    private readonly card: SessionConfirm,
    private readonly viewVisible: () => boolean,
  ) {}

  ask(request: ConfirmationDraft & { tool: string; risk: ToolRisk }, signal: AbortSignal): Promise<boolean> {
    if (this.viewVisible()) return this.card.ask(request, signal);
    return new Promise<boolean>((resolve, reject) => {
      const onAbort = () => reject(new CancelledError());
      signal.addEventListener('abort', onAbort, { once: true });
      const detail = [
        ...request.details.map((d) => `${d.label}: ${d.value}`),
        ...(request.diff ? ['', request.diff.split('\n').slice(0, 40).join('\n')] : []),
      ].join('\n');
      void vscode.window.showWarningMessage(request.title, { modal: true, detail }, request.approveLabel).then((answer) => {
        signal.removeEventListener('abort', onAbort);
        resolve(answer === request.approveLabel);
      });
    });
  }
}

export function conversationStore(memento: vscode.Memento) {
  return {
    load: () => memento.get<SavedConversation>(CONVERSATION_KEY),
    save: (c: SavedConversation) => memento.update(CONVERSATION_KEY, c),
  };
}

export function usageStore(memento: vscode.Memento): UsageStore {
  return {
    load: () => memento.get<UsageCounts>(USAGE_KEY),
    save: (c: UsageCounts) => memento.update(USAGE_KEY, c),
  };
}

/** "Devgem: Set Gemini API Key": asked in a password box, kept only in SecretStorage. */
export async function setApiKey(secrets: vscode.SecretStorage): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Gemini API Key',
    prompt: "Paste a Gemini API key from Google AI Studio. It is stored in VS Code's secret storage, never in settings or logs.",
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) =>
      !v.trim() ? 'The key is empty.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : v.trim().length < 20 ? 'That is too short to be an API key.' : undefined,
  });
  if (!key) return;
  await secrets.store(API_KEY_SECRET, key.trim());
  addKnownSecret(key.trim());
  void vscode.window.showInformationMessage('Gemini API key saved. The Devgem chat now uses Gemini.');
}
