// Webview entry: restore the last picture at once, then follow host snapshots.
import '@vscode/codicons/dist/codicon.css';
import './styles.css';
import '../chat/chat.css';
import { App } from './app';
import { isHostMessage, isViewSnapshot } from './hostMessage';
import { connectToHost } from './vscodeApi';

interface SavedState {
  snapshot: unknown;
}

const host = connectToHost();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
const app = new App(root, host.post);

// Versions only order snapshots within one host session. A snapshot restored
// from getState() may come from an extension host that has since restarted
// and counts from 1 again, so it is painted but does not set the floor.
let renderedVersion = -Infinity;

const saved = host.getState() as SavedState | undefined;
if (saved && isViewSnapshot(saved.snapshot)) app.render(saved.snapshot, false);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message)) return;
  if (message.type === 'log') {
    app.log(message);
    return;
  }
  if (message.type === 'deployConfig') {
    app.deployConfig(message.reply, message.open === true);
    return;
  }
  const { snapshot } = message;
  if (snapshot.version <= renderedVersion) return;
  renderedVersion = snapshot.version;
  app.render(snapshot, true);
  // The confirmation token is a one-time secret between host and this page;
  // it is not written to VS Code's persisted webview state. The host re-sends
  // a still-open question after 'ready'.
  const { confirmation: _omitted, ...persisted } = snapshot;
  host.setState({ snapshot: persisted } satisfies SavedState);
});

host.post({ type: 'ready' });
