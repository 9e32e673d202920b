import * as os from 'node:os';
import * as vscode from 'vscode';
import { agentJail } from '../../../core/agent/agentFiles';
import type { AgentContext } from '../../../core/agent/context';
import type { SavedConversation } from '../../../core/agent/conversation';
import type { ModelPort } from '../../../core/agent/model';
import { addKnownSecret, redactText } from '../../../core/base/redact';
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
import type { CurrentFolder } from '../workspaceFolder';

export const API_KEY_SECRET = 'devgem.geminiApiKey';
const CONVERSATION_KEY = 'devgem.conversation.v1';
const USAGE_KEY = 'devgem.usage.v1';

export interface VscodeAgentContextDeps {
  session: DeploySession;
  runner: DeployRunner;
  ports: () => CloudPorts;
  usage: UsageGuard;
  /** The folder Devgem works on (the one Deploy chose); never asks, the chat may run unseen. */
  folders: CurrentFolder;
  manifests?: ManifestStore;
  gitHub?: () => Promise<GitHubAccess>;
}

/** The agent's tools act on the chosen folder, the tracker's session and Google Cloud. */
export class VscodeAgentContext implements AgentContext {
  lastDeployRequest?: DeployOptions;
  readonly usage: UsageGuard;
  private readonly manifestStore: ManifestStore;

  constructor(private readonly deps: VscodeAgentContextDeps) {
    this.usage = deps.usage;
    this.manifestStore = deps.manifests ?? memoryManifestStore();
  }

  private folder(): vscode.WorkspaceFolder {
    const folder = this.deps.folders.current();
    if (!folder) throw new DevgemError('config', 'No folder is open.', { fix: 'Open the folder you want to deploy (File > Open Folder), then ask again.' });
    return folder;
  }

  deployOptions(opts: { folderOptional?: boolean } = {}): DeployOptions {
    // Without a folder (a GitHub repository deploy), the user's settings, as Deploy GitHub Repository… reads them.
    if (opts.folderOptional && !this.deps.folders.current()) return readDeployOptions(vscode.Uri.file(os.tmpdir()));
    return readDeployOptions(this.folder().uri);
  }

  cloud(): CloudPorts {
    return this.deps.ports();
  }

  runDeploy(opts: DeployOptions, signal: AbortSignal) {
    return runDeployThrough(this.deps.runner, this.deps.gitHub, opts, signal);
  }

  async gitHub(): Promise<GitHubAccess> {
    if (!this.deps.gitHub)
      throw new DevgemError('failed-precondition', 'GitHub repository deploys are not set up in this window.', {
        fix: 'Reload the window; if it persists, reinstall Devgem.',
      });
    return this.deps.gitHub();
  }

  lastDeploy() {
    return this.deps.session.current.deploy;
  }

  deployHistory() {
    return this.deps.session.current.history ?? [];
  }

  manifests(): ManifestStore {
    return this.manifestStore;
  }

  async readWorkspaceFile(rel: string, opts?: { secretFile?: boolean }): Promise<string | undefined> {
    return agentJail(this.folder().uri.fsPath, opts).readText(rel);
  }

  async writeWorkspaceFile(rel: string, content: string): Promise<void> {
    const file = await agentJail(this.folder().uri.fsPath).writeText(rel, content);
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
      const project = s.vertexProject ?? s.windowProject ?? process.env.GOOGLE_CLOUD_PROJECT;
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
      // Redacted as the sidebar's card is (DeploySession): a modal is a sink too.
      const detail = redactText(
        [...request.details.map((d) => `${d.label}: ${d.value}`), ...(request.diff ? ['', request.diff.split('\n').slice(0, 40).join('\n')] : [])].join('\n'),
      );
      void vscode.window.showWarningMessage(redactText(request.title), { modal: true, detail }, request.approveLabel).then((answer) => {
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
    prompt: vscode.l10n.t("Paste a Gemini API key from Google AI Studio. It is stored in VS Code's secret storage, never in settings or logs."),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) =>
      !v.trim() ? 'The key is empty.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : v.trim().length < 20 ? 'That is too short to be an API key.' : undefined,
  });
  if (!key) return;
  await secrets.store(API_KEY_SECRET, key.trim());
  addKnownSecret(key.trim());
  void vscode.window.showInformationMessage(vscode.l10n.t('Gemini API key saved. The Devgem chat now uses Gemini.'));
}
