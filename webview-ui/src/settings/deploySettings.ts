import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './deploySettings.css';
import type { DeployConfigReply, WebviewMessage } from '../../../src/shared/protocol';
import { h, icon, setText } from '../shell/dom';
import { FIELDS, FormProblem, INGRESS_CHOICES, fromText, toText, type FieldKey, type FieldSpec } from './deploySettingsFields';

type Input = HTMLElement & { value: string; invalid?: boolean };

/**
 * "Deploy settings": a form over the folder's .devgem/deploy.json. It asks the host
 * for the saved values when it opens and sends them all back on Save; the host
 * validates, writes and answers with the saved config or the field that is wrong.
 * What the user typed stays in the form until a save succeeds.
 */
export class DeploySettings {
  readonly el: HTMLElement;
  private readonly inputs = new Map<FieldKey, Input>();
  private readonly status: HTMLElement;
  private readonly error: HTMLElement;
  private readonly saveButton: HTMLElement & { disabled: boolean };
  private waiting = false;

  constructor(private readonly post: (message: WebviewMessage) => void) {
    this.status = h('p', { id: 'deploy-settings-status', class: 'ds-status', role: 'status' });
    this.error = h('div', { id: 'deploy-settings-error', class: 'ds-error', role: 'alert', hidden: true });
    this.saveButton = h('vscode-button', { id: 'deploy-settings-save' }, 'Save');
    const close = h('vscode-button', { id: 'deploy-settings-close', secondary: true }, 'Close');
    this.saveButton.addEventListener('click', () => this.save());
    close.addEventListener('click', () => this.close());
    this.el = h(
      'section',
      { id: 'deploy-settings', class: 'deploy-settings', hidden: true, 'aria-labelledby': 'deploy-settings-title' },
      h('h2', { id: 'deploy-settings-title' }, icon('gear'), ' Deploy settings'),
      h('p', { class: 'ds-file' }, 'Saved in .devgem/deploy.json, applied on every deploy of this folder.'),
      ...FIELDS.map((f) => this.field(f)),
      this.error,
      h('div', { class: 'ds-actions' }, this.saveButton, close),
      this.status,
    );
  }

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  open(): void {
    const wasOpen = this.isOpen;
    this.el.hidden = false;
    if (!wasOpen) {
      this.showError(undefined);
      this.waiting = true;
      setText(this.status, 'Loading…');
      this.post({ type: 'getDeployConfig' });
    }
    this.el.scrollIntoView({ block: 'start' });
    this.inputs.get('service')?.focus();
  }

  close(): void {
    this.el.hidden = true;
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  /** The host's answer: the saved values (filled in), or what is wrong (the form keeps what was typed). */
  receive(reply: DeployConfigReply): void {
    this.waiting = false;
    this.saveButton.disabled = false;
    if (reply.error) {
      this.showError(reply.error.field as FieldKey | undefined, reply.error.message, reply.error.fix);
      setText(this.status, reply.saved ? '' : 'Not saved.');
      return;
    }
    this.showError(undefined);
    if (reply.config) for (const f of FIELDS) this.inputs.get(f.key)!.value = toText(f, reply.config[f.key]);
    setText(this.status, reply.saved ? `Saved to ${reply.file}.` : '');
  }

  private save(): void {
    if (this.waiting) return;
    const config: Record<string, unknown> = {};
    try {
      for (const f of FIELDS) {
        const v = fromText(f, this.inputs.get(f.key)!.value);
        if (v !== undefined) config[f.key] = v;
      }
    } catch (err) {
      if (!(err instanceof FormProblem)) throw err;
      this.showError(err.field, err.message);
      return;
    }
    this.waiting = true;
    this.saveButton.disabled = true;
    setText(this.status, 'Saving…');
    this.post({ type: 'saveDeployConfig', config });
  }

  private showError(field: FieldKey | undefined, message?: string, fix?: string): void {
    for (const [key, input] of this.inputs) {
      const bad = message !== undefined && key === field;
      input.invalid = bad;
      if (bad) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      input.closest('.ds-field')?.classList.toggle('ds-invalid', bad);
    }
    this.error.hidden = message === undefined;
    this.error.replaceChildren(
      ...(message === undefined ? [] : [h('p', {}, message), fix ? h('p', { class: 'ds-fix' }, fix) : undefined].filter((n) => n !== undefined)),
    );
    if (message !== undefined && field) this.inputs.get(field)?.focus();
  }

  private field(f: FieldSpec): HTMLElement {
    const id = `ds-${f.key}`;
    let input: Input;
    if (f.kind === 'ingress') {
      input = h(
        'vscode-single-select',
        { id, 'data-field': f.key },
        ...INGRESS_CHOICES.map((v) => h('vscode-option', { value: v }, v || '(not set)')),
      ) as unknown as Input;
    } else if (f.kind === 'map' || f.kind === 'list') {
      input = h('vscode-textarea', {
        id,
        'data-field': f.key,
        rows: 3,
        placeholder: f.placeholder && `e.g. ${f.placeholder}`,
        spellcheck: 'false',
      }) as unknown as Input;
    } else {
      input = h('vscode-textfield', {
        id,
        'data-field': f.key,
        placeholder: f.placeholder && `e.g. ${f.placeholder}`,
        spellcheck: 'false',
      }) as unknown as Input;
    }
    this.inputs.set(f.key, input);
    return h(
      'div',
      { class: 'ds-field', 'data-field': f.key },
      h('vscode-label', { for: id }, f.label),
      input,
      f.hint ? h('p', { class: 'ds-hint' }, f.hint) : undefined,
    );
  }
}
