// What "Sign In to Google Cloud" says and offers when VS Code runs Devgem on
// another machine (Remote-SSH, Dev Containers, Codespaces, WSL, a tunnel):
// the extension host, and so the Google client libraries looking for
// Application Default Credentials, run there, usually without a browser.

export const SIGN_IN_COMMAND = 'gcloud auth application-default login';
/** Prints a command to run where a browser is, then takes the code back: works on any remote. */
export const REMOTE_SIGN_IN_COMMAND = `${SIGN_IN_COMMAND} --no-browser`;
export const GCLOUD_INSTALL_URL = 'https://cloud.google.com/sdk/docs/install';
/** Google's page on giving ADC a service-account key through GOOGLE_APPLICATION_CREDENTIALS. */
export const SERVICE_ACCOUNT_KEY_DOCS_URL = 'https://cloud.google.com/docs/authentication/application-default-credentials#GAC';

export type RemoteSignInAction = 'terminal' | 'keyDocs' | 'installGcloud';

export interface RemoteSignInAdvice {
  message: string;
  /** Buttons in order, each with the action it runs. */
  actions: { title: string; action: RemoteSignInAction }[];
  /** What the terminal action types. */
  command: string;
}

/** "on the SSH host", "in the dev container" … for `vscode.env.remoteName`. */
export function remoteWhere(remoteName: string): string {
  switch (remoteName) {
    case 'ssh-remote':
      return 'on the SSH host';
    case 'dev-container':
    case 'attached-container':
      return 'in the dev container';
    case 'codespaces':
      return 'in the codespace';
    case 'wsl':
      return 'in WSL';
    case 'tunnel':
      return "on the tunnel's machine";
    default:
      return `on the remote machine (${remoteName})`;
  }
}

/**
 * The sign-in advice for a window whose extension host runs on `remoteName`;
 * undefined for a local window (the plain `gcloud auth application-default login` then).
 */
export function remoteSignInAdvice(remoteName: string | undefined, hasGcloud: boolean): RemoteSignInAdvice | undefined {
  const remote = remoteName?.trim();
  if (!remote) return undefined;
  const where = remoteWhere(remote);
  const gcloud = hasGcloud
    ? `Sign in there with \`${REMOTE_SIGN_IN_COMMAND}\`: it prints a command to run on a computer with a browser and gcloud, then asks for what that prints.`
    : `gcloud is not installed ${where}: install it there, then run \`${REMOTE_SIGN_IN_COMMAND}\` (it needs no browser ${where}).`;
  const message = [
    `Devgem runs ${where}, so it looks for your Google Cloud credentials there, not on this computer.`,
    gcloud,
    `Or use a service-account key: put the key file ${where} and set GOOGLE_APPLICATION_CREDENTIALS to its path${remote === 'dev-container' || remote === 'codespaces' ? ' (in devcontainer.json\'s "remoteEnv", or as a Codespaces secret)' : ''}, then reload the window.`,
  ].join(' ');
  return {
    message,
    command: REMOTE_SIGN_IN_COMMAND,
    actions: [
      hasGcloud ? { title: 'Sign In (--no-browser)', action: 'terminal' } : { title: 'Install gcloud', action: 'installGcloud' },
      { title: 'Use a Service-Account Key', action: 'keyDocs' },
    ],
  };
}
