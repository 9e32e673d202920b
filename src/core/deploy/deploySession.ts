import { reduceDeploy } from '../../shared/deployState';
import { redactText } from '../base/redact';
import { LogBuffer } from '../logs/logBuffer';
import { resumePoint } from './resume';
import {
  MAX_HISTORY,
  type AgentStatus,
  type ChatMessage,
  type ChatRole,
  type ConfirmationRequest,
  type DeployEvent,
  type DeployRecord,
  type DeployResult,
  type DeployState,
  type ViewSnapshot,
} from '../../shared/protocol';

/** Somewhere to keep the view's state across window reloads (workspace storage). */
export interface SnapshotStore {
  load(): ViewSnapshot | undefined;
  save(snapshot: ViewSnapshot): void | Thenable<void>;
}

const MAX_CHAT = 200;
const INTERRUPTED = 'Interrupted when VS Code closed or reloaded';

/**
 * The host's single source of truth for the sidebar: the current deploy's
 * state, whether one is running, and the chat. Every change bumps `version`
 * so a webview can drop snapshots older than the one it shows.
 */
export class DeploySession {
  private snapshot: ViewSnapshot;
  private readonly listeners = new Set<(s: ViewSnapshot) => void>();
  private readonly logListeners = new Set<(deployId: string, lines: string[]) => void>();
  /** The current deploy's whole build log (up to MAX_VIEW_LOG_LINES); snapshots carry only its tail. */
  readonly buildLog = new LogBuffer();
  private running?: { controller: AbortController; done: Promise<DeployResult> };
  private seq = 0;
  /** The id of the unfinished deploy an earlier window left that resume() may continue. */
  private resumable?: string;

  constructor(
    private readonly store: SnapshotStore,
    private readonly now: () => number = Date.now,
  ) {
    const saved = store.load();
    this.snapshot = { version: 0, busy: false, chat: [], ...saved };
    this.snapshot.busy = false;
    // Nothing survives a reload half-done: no question waits (its token died with
    // the old host), no reply is still streaming, no tool is still running.
    delete this.snapshot.confirmation;
    if (!Array.isArray(this.snapshot.history)) this.snapshot.history = [];
    if (this.snapshot.agent) this.snapshot.agent = { ...this.snapshot.agent, busy: false };
    this.snapshot.chat = (Array.isArray(this.snapshot.chat) ? this.snapshot.chat : []).map((m) => {
      if (m.streaming) return { ...m, streaming: false };
      if (m.tool && (m.tool.status === 'running' || m.tool.status === 'awaiting-confirmation'))
        return { ...m, tool: { ...m.tool, status: 'cancelled', summary: INTERRUPTED } };
      return m;
    });
    const d = this.snapshot.deploy;
    if (d && !d.result) {
      // The window went away mid-deploy. One whose build Cloud Build still has
      // (or that got past it) waits for resume(); any other says where it was
      // interrupted rather than show a stage spinning forever.
      const point = resumePoint(d, this.now());
      if (point.kind === 'lost') {
        this.apply({ type: 'stage', stage: point.stage, status: 'failed', detail: point.problem.message, at: this.now() });
        this.apply({ type: 'finished', at: this.now(), result: { outcome: 'failed', stage: point.stage, problem: point.problem } });
      } else {
        this.resumable = d.deployId;
        // The chat's deploy card stopped with the old window; the deploy itself goes on.
        this.snapshot.chat = this.snapshot.chat.map((m) =>
          m.tool?.name === 'deploy' && m.tool.status === 'cancelled' && m.tool.summary === INTERRUPTED
            ? { ...m, tool: { ...m.tool, summary: 'Interrupted by the reload; the deploy continues in the tracker' } }
            : m,
        );
      }
    }
  }

  get current(): ViewSnapshot {
    return this.snapshot;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  onDidChange(listener: (s: ViewSnapshot) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Build log lines as they arrive (after the snapshot that holds them); `buildLog` has them too. */
  onDidLog(listener: (deployId: string, lines: string[]) => void): { dispose(): void } {
    this.logListeners.add(listener);
    return { dispose: () => this.logListeners.delete(listener) };
  }

  /** Runs one deploy at a time; the caller's signal and `cancel()` both stop it. */
  async run(work: (emit: (e: DeployEvent) => void, signal: AbortSignal) => Promise<DeployResult>, signal?: AbortSignal): Promise<DeployResult> {
    if (this.running) throw new Error('A deploy is already running.');
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) controller.abort();
    this.update({ ...this.snapshot, busy: true });
    const done = work((e) => this.apply(e), controller.signal);
    this.running = { controller, done };
    try {
      return await done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.running = undefined;
      this.update({ ...this.snapshot, busy: false });
    }
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.controller.abort();
    return true;
  }

  /** The deploy an earlier window left unfinished that can still go on; undefined once resumed or ended. */
  pendingResume(): DeployState | undefined {
    const d = this.snapshot.deploy;
    return d && !d.result && !this.running && d.deployId === this.resumable ? d : undefined;
  }

  /** Continues the pending deploy like run() (busy, cancel) instead of starting a new one. */
  resume(
    work: (state: DeployState, emit: (e: DeployEvent) => void, signal: AbortSignal) => Promise<DeployResult>,
    signal?: AbortSignal,
  ): Promise<DeployResult> {
    const d = this.pendingResume();
    if (!d) return Promise.reject(new Error('There is no interrupted deploy to continue.'));
    this.resumable = undefined;
    return this.run((emit, s) => work(d, emit, s), signal);
  }

  say(role: ChatRole, text: string): ChatMessage {
    const message: ChatMessage = { id: this.newId(), role, text: redactText(text), at: this.now() };
    this.update({ ...this.snapshot, chat: [...this.snapshot.chat, message].slice(-MAX_CHAT) });
    return message;
  }

  newId(): string {
    return `${this.now().toString(36)}-${++this.seq}`;
  }

  /** Adds a message, or replaces the one with the same id (a streaming reply, a tool card changing status). */
  upsertChat(shown: ChatMessage): void {
    const message = chatRedacted(shown);
    const chat = this.snapshot.chat;
    const i = chat.findIndex((m) => m.id === message.id);
    const next = i >= 0 ? [...chat.slice(0, i), message, ...chat.slice(i + 1)] : [...chat, message].slice(-MAX_CHAT);
    this.update({ ...this.snapshot, chat: next });
  }

  clearChat(): void {
    this.update({ ...this.snapshot, chat: [] });
  }

  /** Whether the local Cloud emulator answers instead of Google Cloud (the sidebar's badge). */
  setEmulator(on: boolean): void {
    if (Boolean(this.snapshot.emulator) === on) return;
    this.update({ ...this.snapshot, emulator: on || undefined });
  }

  setAgent(agent: AgentStatus): void {
    this.update({ ...this.snapshot, agent });
  }

  setConfirmation(confirmation: ConfirmationRequest | undefined): void {
    this.update({ ...this.snapshot, confirmation: confirmation && confirmationRedacted(confirmation) });
  }

  private apply(event: DeployEvent): void {
    const deploy = reduceDeploy(this.snapshot.deploy, event);
    const history =
      event.type === 'finished' && deploy
        ? [record(deploy, event.at), ...(this.snapshot.history ?? []).filter((h) => h.deployId !== deploy.deployId)].slice(0, MAX_HISTORY)
        : this.snapshot.history;
    if (event.type === 'started') this.buildLog.reset(event.deployId);
    if (event.type === 'log' && deploy) this.buildLog.appendFrom(deploy, event.lines);
    this.update({ ...this.snapshot, deploy, history });
    if (event.type === 'log' && deploy) for (const l of this.logListeners) l(deploy.deployId, event.lines);
  }

  private update(next: ViewSnapshot): void {
    this.snapshot = { ...next, version: this.snapshot.version + 1 };
    // Losing a save must not break the deploy; the next change saves again.
    Promise.resolve(this.store.save(this.snapshot)).catch(() => undefined);
    for (const l of this.listeners) l(this.snapshot);
  }
}

// The snapshot goes to the webview and to workspace storage: what people and tools wrote into the
// chat and the approval card is redacted here, once for both. Deploy events arrive redacted from the pipeline.
function chatRedacted(m: ChatMessage): ChatMessage {
  const out = { ...m, text: redactText(m.text) };
  if (m.tool) out.tool = { ...m.tool, args: redactText(m.tool.args), ...(m.tool.summary !== undefined ? { summary: redactText(m.tool.summary) } : {}) };
  return out;
}

function confirmationRedacted(c: ConfirmationRequest): ConfirmationRequest {
  const out = { ...c, title: redactText(c.title), details: c.details.map((d) => ({ label: d.label, value: redactText(d.value) })) };
  if (c.diff !== undefined) out.diff = redactText(c.diff);
  return out;
}

/** Enough of a failed build log to see why, without growing the stored history. */
const MAX_RECORD_LOG_TAIL = 50;

function record(d: DeployState, endedAt: number): DeployRecord {
  const r = d.result!;
  const base: DeployRecord = { deployId: d.deployId, target: d.target, startedAt: d.startedAt, endedAt, outcome: r.outcome, stages: d.stages };
  // Only what is known, so stored records (workspace state) stay small and carry no `undefined` keys.
  if (d.source?.commit) base.commit = d.source.commit;
  if (d.source?.branch) base.branch = d.source.branch;
  if (d.source?.dirty !== undefined) base.dirty = d.source.dirty;
  if (d.source?.repository) base.repository = d.source.repository;
  if (d.build?.consoleUrl) base.buildConsoleUrl = d.build.consoleUrl;
  if (d.build?.id) base.buildId = d.build.id;
  if (d.request) base.request = d.request;
  if (r.outcome === 'failed' && r.problem.logTail?.length) base.logTail = r.problem.logTail.slice(-MAX_RECORD_LOG_TAIL);
  switch (r.outcome) {
    case 'success':
      return { ...base, url: r.url, revision: r.revision };
    case 'private':
      return { ...base, url: r.url, revision: r.revision, message: r.problem.message, ...(r.problem.fix ? { fix: r.problem.fix } : {}) };
    case 'failed':
      return { ...base, stage: r.stage, message: r.problem.message, ...(r.problem.fix ? { fix: r.problem.fix } : {}) };
    case 'cancelled':
      return { ...base, stage: r.stage };
  }
}
