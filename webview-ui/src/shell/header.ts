import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ViewSnapshot, WebviewMessage } from '../../../src/shared/protocol';
import { h, icon } from './dom';

type VscodeButton = HTMLElementTagNameMap['vscode-button'];

/** Deploy / Cancel, and the Deploy settings gear. While the host is busy, Deploy is disabled and Cancel appears. */
export class Header {
  readonly el: HTMLElement;
  private readonly deployButton: VscodeButton;
  private readonly cancelButton: VscodeButton;
  private readonly emulatorBadge: HTMLElement;

  constructor(post: (message: WebviewMessage) => void, onSettings: () => void) {
    this.deployButton = h('vscode-button', { id: 'deploy-button' }, withSlotIcon('cloud-upload'), 'Deploy');
    this.cancelButton = h('vscode-button', { id: 'cancel-button', secondary: true, hidden: true }, withSlotIcon('debug-stop'), 'Cancel');
    this.deployButton.addEventListener('click', () => {
      if (!this.deployButton.disabled) post({ type: 'deploy' });
    });
    this.cancelButton.addEventListener('click', () => {
      if (!this.cancelButton.hidden) post({ type: 'cancel' });
    });
    // Nothing deployed here reaches Google Cloud while the emulator answers: say so where every deploy starts.
    this.emulatorBadge = h(
      'span',
      { id: 'emulator-badge', class: 'emulator-badge', hidden: true, title: 'Devgem talks to the local Cloud emulator, not Google Cloud' },
      icon('beaker'),
      'Emulator',
    );
    const settingsButton = h(
      'vscode-button',
      { id: 'settings-button', class: 'settings-button', secondary: true, title: 'Deploy settings (.devgem/deploy.json)', 'aria-label': 'Deploy settings' },
      withSlotIcon('gear'),
    );
    settingsButton.addEventListener('click', onSettings);
    this.el = h('header', { class: 'header' }, this.deployButton, this.cancelButton, this.emulatorBadge, settingsButton);
  }

  render(snapshot: ViewSnapshot): void {
    this.deployButton.disabled = snapshot.busy;
    this.cancelButton.hidden = !snapshot.busy;
    this.emulatorBadge.hidden = !snapshot.emulator;
  }
}

// vscode-button's own `icon` property renders <vscode-icon>, which needs a
// codicon <link> with a fixed id that the host page does not have. A slotted
// glyph is light DOM, so our bundled codicon.css styles it.
function withSlotIcon(name: string): HTMLElement {
  const glyph = icon(name);
  glyph.setAttribute('slot', 'content-before');
  glyph.classList.add('button-icon');
  return glyph;
}
