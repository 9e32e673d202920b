import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { agentJail } from '../../../core/agent/agentFiles';
import type { AgentContext, WriteOptions } from '../../../core/agent/context';
import { assertFileUnchanged } from '../../../core/agent/tools/pinned';
import { TOO_LARGE } from '../../../core/agent/diff';
import type { DiffReview } from './diffReview';
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
import type { LocalRunner } from '../local/localRunner';
import { readAgentSettings, readDeployOptions, readGcpConfig, writeTargetSetting } from '../settings';
import { vscodeChatModel } from './vscodeModel';
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
  /** Run Locally (the chat's run_locally tool). */
  localRunner?: Pick<LocalRunner, 'start'>;
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

  async runLocally(signal: AbortSignal): Promise<{ url: string; engine: string; app: string }> {
    if (!this.deps.localRunner) throw new DevgemError('failed-precondition', 'Running locally is not available here.');
    const r = await this.deps.localRunner.start(false, signal);
    return { url: r.url, engine: `${r.engine.name} ${r.engine.version}`, app: r.app.path || '.' };
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

  cancelDeploy(): boolean {
    return this.deps.session.cancel();
  }

  async chooseProject(projectId: string): Promise<void> {
    await writeTargetSetting('project', projectId, this.deps.folders.current()?.uri);
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

  /**
   * An approved edit, applied as a WorkspaceEdit (undoable, seen by open editors) and saved so a
   * redeploy uploads it. Refused when the file has unsaved changes or no longer has the content
   * the approved diff was made from: the user's newer work is never overwritten.
   */
  async writeWorkspaceFile(rel: string, content: string, opts: WriteOptions = {}): Promise<void> {
    const { real, exists } = await agentJail(this.folder().uri.fsPath).writeTarget(rel);
    const uri = vscode.Uri.file(real);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === real);
    if (open?.isDirty) {
      throw new DevgemError('failed-precondition', `${rel} has unsaved changes in the editor, so Devgem did not apply the edit over them.`, {
        fix: 'Save or revert the file, then ask again for a diff against it.',
      });
    }
    const edit = new vscode.WorkspaceEdit();
    if (exists) {
      const doc = open ?? (await vscode.workspace.openTextDocument(uri));
      const text = doc.getText();
      if (opts.expectedHash !== undefined) assertFileUnchanged(rel, opts.expectedHash, text);
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), content);
    } else {
      if (opts.expectedHash !== undefined) assertFileUnchanged(rel, opts.expectedHash, undefined);
      await fs.mkdir(path.dirname(real), { recursive: true });
      edit.createFile(uri, { ignoreIfExists: false });
      edit.insert(uri, new vscode.Position(0, 0), content);
    }
    if (!(await vscode.workspace.applyEdit(edit))) throw new DevgemError('failed-precondition', `VS Code did not apply the edit to ${rel}.`);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty && !(await doc.save())) throw new DevgemError('failed-precondition', `The edit to ${rel} is applied but could not be saved.`);
    void vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true });
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
    if (s.provider === 'vscode') return (await this.pickVscodeModel(s.model)).label;
    const key = s.provider !== 'vertex' && (await this.secrets.get(API_KEY_SECRET)) !== undefined;
    const vertex = s.provider === 'vertex' || (s.provider === 'auto' && s.vertexProject !== undefined);
    if (vertex) return `${s.model} (Vertex AI${key ? ', API key as fallback' : ''})`;
    return key ? `${s.model} (Gemini API key)` : undefined;
  }

  async get(): Promise<ModelPort | undefined> {
    const s = readAgentSettings();
    if (s.provider === 'off') return undefined;
    if (s.provider === 'vscode') return this.withRetries([await this.pickVscodeModel(s.model)]);
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
    return this.withRetries(this.load().createModelPorts({ model: s.model, vertex, apiKey, emulatorBaseUrl: emulator ? `http://${emulator}` : undefined }));
  }

  /**
   * `@devgem`'s model: the configured one (Gemini, or devgem.ai.provider "vscode"), else the model the user
   * picked in VS Code's Chat (`request.model`). With the AI turned off, none: the offline parser answers.
   */
  async forChatRequest(picked: vscode.LanguageModelChat | undefined): Promise<ModelPort | undefined> {
    if (readAgentSettings().provider === 'off') return undefined;
    return (await this.get()) ?? (picked ? this.withRetries([vscodeChatModel(picked)]) : undefined);
  }

  /** devgem.ai.provider "vscode": a chat model installed in VS Code, the one named like devgem.ai.model first. */
  private async pickVscodeModel(wanted: string): Promise<ModelPort> {
    const all = typeof vscode.lm?.selectChatModels === 'function' ? await vscode.lm.selectChatModels() : [];
    const chat = all.find((m) => m.id === wanted || m.family === wanted) ?? all[0];
    if (!chat)
      throw new DevgemError('config', 'No chat model is installed in VS Code.', {
        fix: 'Install a chat model extension (for example GitHub Copilot Chat), or set "devgem.ai.provider" to "auto" and add a Gemini key.',
      });
    return vscodeChatModel(chat);
  }

  private withRetries(ports: ModelPort[]): ModelPort {
    const s = readAgentSettings();
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
    private readonly diffs?: DiffReview,
  ) {}

  async ask(request: ConfirmationDraft & { tool: string; risk: ToolRisk }, signal: AbortSignal): Promise<boolean> {
    const { review, ...shown } = request;
    const cut = diffCut(shown.diff);
    if (this.viewVisible()) {
      // The card shows the inline diff; one it cannot show whole opens beside it in the diff editor.
      if (review && cut.cut && this.diffs) void this.diffs.open(review);
      // With the edit kept on the host, the card's "Review in diff editor" can open it at any time.
      return this.card.ask(review && this.diffs ? { ...shown, review } : shown, signal);
    }
    for (;;) {
      const answer = await this.modal(shown, cut, review && this.diffs ? REVIEW : undefined, signal);
      if (answer !== REVIEW || !review || !this.diffs) return answer === shown.approveLabel;
      // Reviewed in the diff editor, then asked again: only the approve button approves.
      await this.diffs.open(review);
    }
  }

  private modal(request: ConfirmationDraft, cut: DiffCut, review: string | undefined, signal: AbortSignal): Promise<string | undefined> {
    return new Promise<string | undefined>((resolve, reject) => {
      const onAbort = () => reject(new CancelledError());
      signal.addEventListener('abort', onAbort, { once: true });
      const more = cut.cut
        ? [
            cut.hidden ? `… ${cut.hidden} more diff lines are not shown here.` : 'The change is too large to show here.',
            review ? `Choose "${review}" to see all of it.` : '',
          ]
        : [];
      // Redacted as the sidebar's card is (DeploySession): a modal is a sink too.
      const detail = redactText([...request.details.map((d) => `${d.label}: ${d.value}`), ...(request.diff ? ['', cut.shown, ...more] : [])].join('\n'));
      const buttons = review ? [request.approveLabel, review] : [request.approveLabel];
      void vscode.window.showWarningMessage(redactText(request.title), { modal: true, detail }, ...buttons).then((answer) => {
        signal.removeEventListener('abort', onAbort);
        resolve(answer);
      });
    });
  }
}

const REVIEW = 'Review in Diff Editor';
const MODAL_DIFF_LINES = 40;

interface DiffCut {
  shown: string;
  /** Diff lines left out of `shown`. */
  hidden: number;
  /** Not the whole change: lines left out, or the diff could not be computed inline. */
  cut: boolean;
}

/** The part of a diff a modal shows, and whether it is the whole change. */
export function diffCut(diff: string | undefined): DiffCut {
  if (!diff) return { shown: '', hidden: 0, cut: false };
  const lines = diff.split('\n');
  const tooLarge = diff.includes(TOO_LARGE);
  const hidden = Math.max(0, lines.length - MODAL_DIFF_LINES);
  return { shown: lines.slice(0, MODAL_DIFF_LINES).join('\n'), hidden, cut: hidden > 0 || tooLarge };
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
