// "Devgem: Edit Environment Variables…": the service's env vars in a picker;
// add or change a plain one, remove any (each change is a new revision, after
// a modal). Secrets are shown by where they come from, never by value, and a
// secret-looking value is sent to the .env import instead.
import * as vscode from 'vscode';
import { checkAssignment, describeEnvVar, parseAssignment } from '../../../core/env/envEdit';
import { isCancelled, toProblem } from '../../../core/base/errors';
import type { CloudPorts, EnvVarInfo, RunServiceInfo, ServiceRef } from '../../../core/cloud/ports';
import { rolloutEffect, rolloutOf, rolloutSentence } from '../../../core/env/envRollout';
import { IMPORT_ENV_COMMAND } from './envImportCommand';
import { withCancellableProgress } from '../progress';
import { serviceRefFor, type ServiceNode } from '../serviceTarget';
import type { FolderChoice } from '../workspaceFolder';

/** The id package.json contributes (command palette and the explorer's service menu). */
export const EDIT_ENV_COMMAND = 'devgem.editEnvVars';
const CALL_MS = 60_000;
const UPDATE_MS = 10 * 60_000;

export interface EnvVarsHost {
  ports: () => CloudPorts;
  log: vscode.LogOutputChannel;
  /** Without a service from the explorer, the service is the one a deploy of this folder updates. */
  folders: Pick<FolderChoice, 'current' | 'pickFolder'>;
}

type VarItem = vscode.QuickPickItem & { v?: EnvVarInfo; add?: true };

const REMOVE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Remove this variable' };

export function registerEnvVarsCommand(host: EnvVarsHost): vscode.Disposable {
  return vscode.commands.registerCommand(EDIT_ENV_COMMAND, (node?: ServiceNode) =>
    editEnvVars(host, node).catch((err: unknown) => {
      if (isCancelled(err)) return;
      const p = toProblem(err);
      host.log.error(`Edit environment variables: ${p.message}`);
      void vscode.window.showErrorMessage(`${p.message}${p.fix ? ` ${p.fix}` : ''}`);
    }),
  );
}

async function editEnvVars(host: EnvVarsHost, node: ServiceNode | undefined): Promise<void> {
  // An explorer service names itself; otherwise ask (once) which folder's service is meant.
  const named = Boolean(node?.project && node.region && node.service);
  const open = host.folders.current() !== undefined;
  if (!open && !node?.service)
    return void vscode.window.showErrorMessage('Open the app’s folder, or use this command from a service in the Cloud Run explorer.');
  const folder = named || !open ? undefined : await host.folders.pickFolder();
  if (open && !named && !folder) return;
  const ref = await serviceRefFor(folder?.uri.fsPath ?? process.cwd(), node);
  const live = await withCancellableProgress(
    `Reading ${ref.service}`,
    CALL_MS,
    (s) => host.ports().runAdmin.describeService(ref, s),
    vscode.ProgressLocation.Window,
  );
  if (!live)
    return void vscode.window.showErrorMessage(`There is no Cloud Run service "${ref.service}" in ${ref.region} (project ${ref.project}). Deploy it first.`);
  const choice = await pickVar(ref, live.env);
  if (!choice) return;
  // A rollback may have pinned the traffic: then the new revision does not get it.
  const effect = rolloutEffect(live.traffic, live.image);
  if (choice.kind === 'remove') return removeVar(host, ref, choice.v, effect);
  if (choice.v?.secret) {
    const pick = await vscode.window.showInformationMessage(
      `${choice.v.name} comes from Secret Manager (${describeEnvVar(choice.v)}). Change it by importing your .env file.`,
      'Import .env File…',
    );
    if (pick) await vscode.commands.executeCommand(IMPORT_ENV_COMMAND, { ...ref });
    return;
  }
  const assignment = choice.v ? await askValue(choice.v) : await askAssignment();
  if (!assignment) return;
  const ok = await vscode.window.showWarningMessage(
    `Set ${assignment.key} on ${ref.service}?`,
    {
      modal: true,
      detail: `${ref.service} · ${ref.project} · ${ref.region}\n\n${assignment.key} is ${choice.v ? 'changed' : 'added'} in a new revision. ${effect}`,
    },
    'Apply',
  );
  if (ok !== 'Apply') return;
  const info = await withCancellableProgress(`Setting ${assignment.key} on ${ref.service}`, UPDATE_MS, (s) =>
    host.ports().runAdmin.updateEnv(ref, { set: { [assignment.key]: assignment.value }, unset: [] }, s),
  );
  host.log.info(`Set ${assignment.key} on ${ref.service} (${ref.region})`);
  reportRollout(host, ref, info, `${ref.service} now has ${assignment.key} set.`);
}

function pickVar(ref: ServiceRef, env: EnvVarInfo[]): Promise<{ kind: 'edit' | 'remove'; v?: EnvVarInfo } | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<VarItem>();
    qp.title = `Environment variables of ${ref.service} (${ref.region})`;
    qp.placeholder = env.length ? 'Pick one to change it, or the trash button to remove it' : 'No variables yet';
    qp.items = [
      { label: '$(add) Add a variable…', add: true, alwaysShow: true },
      ...[...env]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((v) => ({
          label: v.name,
          description: describeEnvVar(v),
          iconPath: new vscode.ThemeIcon(v.secret ? 'lock' : 'symbol-variable'),
          buttons: [REMOVE],
          v,
        })),
    ];
    let answer: { kind: 'edit' | 'remove'; v?: EnvVarInfo } | undefined;
    qp.onDidTriggerItemButton(({ item }) => {
      answer = { kind: 'remove', v: item.v };
      qp.hide();
    });
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0];
      if (item) answer = { kind: 'edit', v: item.v };
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(answer);
      qp.dispose();
    });
    qp.show();
  });
}

async function askAssignment(): Promise<{ key: string; value: string } | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Add an environment variable',
    prompt: 'KEY=value (secrets go to Secret Manager through "Devgem: Import .env File…")',
    ignoreFocusOut: true,
    validateInput: (t) => {
      const r = parseAssignment(t);
      return 'problem' in r ? r.problem : undefined;
    },
  });
  if (text === undefined) return undefined;
  const r = parseAssignment(text);
  return 'problem' in r ? undefined : r;
}

async function askValue(v: EnvVarInfo): Promise<{ key: string; value: string } | undefined> {
  const value = await vscode.window.showInputBox({
    title: `Change ${v.name}`,
    value: v.value ?? '',
    ignoreFocusOut: true,
    validateInput: (t) => checkAssignment(v.name, t)?.problem,
  });
  if (value === undefined || checkAssignment(v.name, value)) return undefined;
  return { key: v.name, value };
}

async function removeVar(host: EnvVarsHost, ref: ServiceRef, v: EnvVarInfo | undefined, effect: string): Promise<void> {
  if (!v) return;
  const ok = await vscode.window.showWarningMessage(
    `Remove ${v.name} from ${ref.service}?`,
    {
      modal: true,
      detail: `${ref.service} · ${ref.project} · ${ref.region}\n\n${v.name} is removed in a new revision. ${effect}${v.secret ? ' The secret itself stays in Secret Manager.' : ''} Roll back to the current revision to undo.`,
    },
    'Remove',
  );
  if (ok !== 'Remove') return;
  const info = await withCancellableProgress(`Removing ${v.name} from ${ref.service}`, UPDATE_MS, (s) =>
    host.ports().runAdmin.updateEnv(ref, { set: {}, unset: [v.name] }, s),
  );
  host.log.info(`Removed ${v.name} from ${ref.service} (${ref.region})`);
  reportRollout(host, ref, info, `Removed ${v.name} from ${ref.service}.`);
}

/** The change's result as the traffic split says it; when a rollback kept the traffic elsewhere, offers to move it. */
function reportRollout(host: EnvVarsHost, ref: ServiceRef, info: RunServiceInfo, done: string): void {
  const r = rolloutOf(info);
  if (!r.pinned || !r.revision) return void vscode.window.showInformationMessage(done);
  const to = r.revision;
  const send = `Send Traffic to ${to}`;
  const sendTraffic = async (answer: string | undefined) => {
    if (answer !== send) return;
    await withCancellableProgress(`Sending the traffic of ${ref.service} to ${to}`, UPDATE_MS, (s) =>
      host.ports().runAdmin.routeAllTraffic(ref, to, s, { followLatest: true }),
    );
    void vscode.window.showInformationMessage(`${to} now serves ${ref.service}.`);
  };
  const message = `${done} ${rolloutSentence(ref.service, r).replace(/ \(say "[^"]*"\)/, '')}`;
  Promise.resolve(vscode.window.showWarningMessage(message, send))
    .then(sendTraffic)
    .catch((err: unknown) => {
      if (!isCancelled(err)) void vscode.window.showErrorMessage(toProblem(err).message);
    });
}
