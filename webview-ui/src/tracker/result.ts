import '@vscode-elements/elements/dist/vscode-button/index.js';
import { STAGE_TITLES, type DeployResult, type DeployState, type Problem, type WebviewMessage } from '../../../src/shared/protocol';
import { fixButtonLabel } from '../../../src/shared/fixEvidence';
import { h, icon, replaceChildren } from '../shell/dom';

type Post = (message: WebviewMessage) => void;

/** The outcome block under the tracker: where the service is, or what to do next. */
export class ResultView {
  readonly el: HTMLElement;
  private shown = '';

  constructor(private readonly post: Post) {
    this.el = h('section', { id: 'result', class: 'result', hidden: true, 'aria-labelledby': 'result-heading' });
  }

  /** `aiOn`: a model is configured, so Fix with AI is offered. */
  render(result: DeployResult | undefined, deployId: string | undefined, build?: DeployState['build'], aiOn = false): void {
    // Results are small and rare; rebuild only when the outcome (or the build link, or the AI) changed.
    const key = result ? `${deployId}\u0000${JSON.stringify(result)}\u0000${build?.consoleUrl ?? ''}\u0000${aiOn}` : '';
    if (key === this.shown) return;
    this.shown = key;
    this.el.hidden = !result;
    if (!result) {
      this.el.removeAttribute('data-outcome');
      this.el.replaceChildren();
      return;
    }
    this.el.setAttribute('data-outcome', result.outcome);
    replaceChildren(this.el, ...this.content(result, build?.consoleUrl, aiOn));
  }

  private content(result: DeployResult, consoleUrl: string | undefined, aiOn: boolean): Node[] {
    switch (result.outcome) {
      case 'success':
        if (result.preview) {
          const p = result.preview;
          return [
            heading('pass', `Preview deployed (no traffic, tag ${p.tag})`),
            h(
              'p',
              { class: 'result-stage' },
              `${p.serviceUrl} still serves ${p.servingRevision ?? 'the current revision'}; only this URL reaches the new one.`,
            ),
            ...this.urlBlock(result.url, result.revision),
          ];
        }
        return [heading('pass', 'Deployed'), ...this.urlBlock(result.url, result.revision)];
      case 'private':
        return [
          heading('warning', 'Deployed, but not reachable by the public'),
          ...problemBlock(result.problem),
          ...this.urlBlock(result.url, result.revision),
        ];
      case 'failed':
        return [
          heading('error', 'Deploy failed'),
          h('p', { class: 'result-stage' }, `During: ${STAGE_TITLES[result.stage] ?? result.stage}`),
          ...problemBlock(result.problem),
          this.failureActions(consoleUrl, aiOn ? fixButtonLabel(result.stage) : undefined),
        ];
      case 'cancelled':
        return [heading('stop-circle', 'Deploy cancelled'), h('p', { class: 'result-stage' }, `Stopped during: ${STAGE_TITLES[result.stage] ?? result.stage}`)];
      default:
        return [heading('question', 'Deploy finished')];
    }
  }

  /** What to do about a failure; the host knows the log, the console URL and the options, so only the action is posted. */
  private failureActions(consoleUrl: string | undefined, fixLabel: string | undefined): HTMLElement {
    const button = (id: string, iconName: string, label: string, message: WebviewMessage, secondary = true) => {
      const b = h('vscode-button', { id, secondary }, slotIcon(iconName), label);
      b.addEventListener('click', () => this.post(message));
      return b;
    };
    return h(
      'div',
      { class: 'result-actions', id: 'failure-actions' },
      // Only with a model: without one there is no AI to ask.
      fixLabel ? button('action-fix', 'sparkle', fixLabel, { type: 'fixWithAi' }, false) : undefined,
      button('action-retry', 'refresh', 'Retry', { type: 'retry' }, Boolean(fixLabel)),
      button('action-show-log', 'go-to-file', 'Show full log', { type: 'openLogInEditor' }),
      // Only with a link from the host: a build that never started has no page.
      consoleUrl ? button('action-console', 'link-external', 'Open in Cloud Console', { type: 'openBuildInConsole' }) : undefined,
    );
  }

  private urlBlock(url: string, revision: string | undefined): Node[] {
    const open = h('vscode-button', { id: 'open-url' }, 'Open');
    open.addEventListener('click', () => this.post({ type: 'openUrl', url }));
    const copy = h('vscode-button', { id: 'copy-url', secondary: true }, 'Copy');
    copy.addEventListener('click', () => this.post({ type: 'copyUrl', url }));
    return [
      h('p', { class: 'result-url' }, h('code', { id: 'service-url', tabindex: 0 }, url)),
      revision ? h('p', { class: 'result-meta' }, 'Revision ', h('code', { id: 'revision-name' }, revision)) : undefined,
      h('div', { class: 'result-actions' }, open, copy),
    ].filter((n) => n !== undefined);
  }
}

// A slotted codicon (light DOM, styled by the bundled codicon.css); see header.ts.
function slotIcon(name: string): HTMLElement {
  const glyph = icon(name);
  glyph.setAttribute('slot', 'content-before');
  glyph.classList.add('button-icon');
  return glyph;
}

function heading(iconName: string, text: string): HTMLElement {
  return h('h2', { id: 'result-heading', class: 'result-heading' }, icon(iconName), text);
}

function problemBlock(problem: Problem): Node[] {
  const nodes: Node[] = [h('p', { class: 'problem-message', id: 'problem-message' }, problem.message)];
  if (problem.fix) nodes.push(fixBlock(problem.fix));
  if (problem.logTail?.length) {
    nodes.push(
      h(
        'pre',
        { id: 'log-tail', class: 'log-tail', tabindex: 0, 'aria-label': 'Log lines that explain the failure' },
        ...problem.logTail.map((line) => h('span', { class: 'log-line' }, `${line}\n`)),
      ),
    );
  }
  return nodes;
}

/** The fix as selectable code, with a button that copies it. */
function fixBlock(fix: string): HTMLElement {
  const code = h('code', { id: 'problem-fix', class: 'fix-code', tabindex: 0 }, fix);
  const copy = h('vscode-button', { id: 'copy-fix', secondary: true }, 'Copy');
  copy.addEventListener('click', () => {
    // Webview frames may refuse clipboard access; then leave the text selected for Ctrl+C.
    if (navigator.clipboard)
      navigator.clipboard.writeText(fix).then(
        () => flash(copy, 'Copied'),
        () => selectContents(code),
      );
    else selectContents(code);
  });
  return h('div', { class: 'fix' }, h('span', { class: 'fix-label' }, 'Fix:'), h('pre', { class: 'fix-pre' }, code), copy);
}

function selectContents(el: Element): void {
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

function flash(button: HTMLElement, text: string): void {
  const before = button.textContent ?? '';
  button.textContent = text;
  setTimeout(() => (button.textContent = before), 1500);
}
