import type { DeployConfigReply, DeployState, ViewSnapshot, WebviewMessage } from '../../../src/shared/protocol';
import { Announcer } from './announcer';
import { BuildLog, type LogChunk } from '../log/buildLog';
import { Chat } from '../chat/chat';
import { h } from './dom';
import { Header } from './header';
import { mountHistory, type HistoryView } from '../history/history';
import { ResultView } from '../tracker/result';
import { DeploySettings } from '../settings/deploySettings';
import { isAtBottom, scrollToBottom } from '../log/scrollFollow';
import { Tracker } from '../tracker/tracker';

/** Scrolls the page the least that shows `el` whole (its top first when it is taller than the view). */
function bringIntoView(el: HTMLElement, block: ScrollLogicalPosition = 'nearest'): void {
  if (el.hidden || !el.isConnected) return;
  const r = el.getBoundingClientRect();
  const fits = r.height <= window.innerHeight;
  el.scrollIntoView({ block: fits ? block : 'start', inline: 'nearest' });
}

/** Lays out the view (header, tracker, result, log, chat) and renders snapshots into it. */
export class App {
  private readonly header: Header;
  private readonly tracker = new Tracker();
  private readonly buildLog: BuildLog;
  private readonly result: ResultView;
  private readonly chat: Chat;
  private readonly announcer = new Announcer();
  private readonly history: HistoryView;
  private readonly settings: DeploySettings;
  private readonly emptyHint: HTMLElement;
  private deploy: DeployState | undefined;

  constructor(root: HTMLElement, post: (message: WebviewMessage) => void) {
    this.settings = new DeploySettings(post);
    this.header = new Header(post, () => this.settings.toggle());
    this.buildLog = new BuildLog(post);
    this.result = new ResultView(post);
    this.chat = new Chat(post);
    this.emptyHint = h('p', { class: 'empty-hint', id: 'empty-hint' }, 'Deploy this workspace to Cloud Run, or ask Devgem about it below.');
    root.replaceChildren(this.header.el, this.settings.el, this.emptyHint, this.tracker.el, this.result.el, this.buildLog.el, this.chat.el, this.announcer.el);
    this.history = mountHistory(root, this.header.el, post);
  }

  /** The host's deploy settings answer; `open`: the Edit Deploy Settings command. */
  deployConfig(reply: DeployConfigReply, open: boolean): void {
    if (open) this.settings.open();
    else this.settings.receive(reply);
  }

  /** Streamed build log lines (between snapshots, which carry only the newest). */
  log(chunk: LogChunk): void {
    this.buildLog.append(chunk);
  }

  /** `announce` is false when repainting a restored snapshot, which is old news. */
  render(snapshot: ViewSnapshot, announce: boolean): void {
    const deploy = snapshot.deploy;
    const follow = isAtBottom();
    if (announce) this.announcer.update(this.deploy, deploy);
    const previous = this.deploy;
    this.deploy = deploy;
    this.header.render(snapshot);
    this.history.render(snapshot);
    this.emptyHint.hidden = Boolean(deploy) || snapshot.chat.length > 0 || Boolean(snapshot.confirmation);
    this.tracker.render(deploy);
    this.result.render(deploy?.result, deploy?.deployId, deploy?.build, snapshot.agent?.mode === 'gemini');
    this.buildLog.render(deploy);
    const started = deploy !== undefined && deploy.deployId !== previous?.deployId;
    const ended = deploy?.result !== undefined && (started || previous?.result === undefined);
    const chatChanged = this.chat.render(snapshot, announce);
    // Only chat growth follows: for a reader who was at the bottom before this render, or who is typing in the
    // chat input (the chat is the page's last section), so the input stays on screen after each reply.
    if (chatChanged && (follow || document.activeElement?.id === 'chat-input')) scrollToBottom();
    if (!announce) return;
    // A sidebar is short (about 700 px): what just happened must be on screen, not below the fold.
    if (ended) bringIntoView(this.result.el);
    else if (started) bringIntoView(this.tracker.el, 'start');
  }
}
