// "Devgem: Import .env File…": pick the file, choose per key (import or not,
// Secret Manager or plain), confirm, apply with a cancellable progress. Values
// stay in memory: the pickers, dialogs, progress and log show names and ids.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addKnownSecret, redactText } from '../../../core/base/redact';
import { parseDotenv, type DotenvResult } from '../../../core/env/dotenv';
import {
  applyEnvImport,
  describeForeignSecret,
  describePlan,
  foreignSecrets,
  importChanges,
  importSummary,
  planEnvImport,
  retarget,
  type EnvImportItem,
} from '../../../core/env/envImport';
import { originOf } from '../../../core/deploy/origin';
import { devgemLabels } from '../../../core/deploy/ownership';
import { isCancelled, toProblem } from '../../../core/base/errors';
import type { CloudPorts, ServiceRef } from '../../../core/cloud/ports';
import { withCancellableProgress } from '../progress';
import { serviceRefFor, type ServiceNode } from '../serviceTarget';
import type { FolderChoice } from '../workspaceFolder';

/** The id package.json contributes (command palette and the explorer's service menu). */
export const IMPORT_ENV_COMMAND = 'devgem.importEnvFile';
const CALL_MS = 60_000;
const IMPORT_MS = 15 * 60_000;

export interface EnvImportHost {
  ports: () => CloudPorts;
  log: vscode.LogOutputChannel;
  /** The folder whose .env file is imported (and whose service, without one from the explorer). */
  folders: Pick<FolderChoice, 'current' | 'pickFolder'>;
}

type KeyItem = vscode.QuickPickItem & { item: EnvImportItem };

const TOGGLE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('arrow-swap'), tooltip: 'Switch between Secret Manager and plain env var' };

export function registerEnvImport(host: EnvImportHost): vscode.Disposable {
  return vscode.commands.registerCommand(IMPORT_ENV_COMMAND, (node?: ServiceNode) =>
    importEnvFile(host, node).catch((err: unknown) => {
      const p = toProblem(err);
      host.log.error(`Import .env: ${redactText(p.message)}`);
      void vscode.window.showErrorMessage(redactText(`${p.message}${p.fix ? ` ${p.fix}` : ''}`));
    }),
  );
}

async function pickFile(root: string): Promise<string | undefined> {
  const dflt = path.join(root, '.env');
  if (
    await fs.stat(dflt).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return dflt;
  const picked = await vscode.window.showOpenDialog({
    defaultUri: vscode.Uri.file(root),
    canSelectMany: false,
    openLabel: 'Import',
    title: 'Choose the .env file to import',
  });
  return picked?.[0]?.fsPath;
}

function keyItem(item: EnvImportItem, picked: boolean): KeyItem {
  const secret = item.target === 'secret';
  return { label: item.key, description: secret ? `→ Secret Manager (${item.secretId ?? ''})` : '→ plain env var', picked, buttons: [TOGGLE], item };
}

/** The keys to import, as the user leaves them: ticked ones, each toggled to secret or plain. */
function chooseKeys(ref: ServiceRef, file: string, items: EnvImportItem[], parsed: DotenvResult): Promise<EnvImportItem[] | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<KeyItem>();
    qp.title = `Import ${file} into ${ref.service} (${ref.region})`;
    qp.placeholder = 'Untick keys to leave out; the ⇄ button switches a key between Secret Manager and plain';
    qp.canSelectMany = true;
    qp.ignoreFocusOut = true;
    const skipped = items.filter((i) => i.target === 'rejected');
    const notes = [...skipped.map((i) => `${i.key} skipped: ${i.reason ?? 'refused'}`), ...parsed.problems.map((p) => p.message)];
    if (notes.length) qp.placeholder = `${notes.length} not importable (see the confirmation). ${qp.placeholder}`;
    qp.items = items.filter((i) => i.target !== 'rejected').map((i) => keyItem(i, true));
    qp.selectedItems = qp.items;
    let done = false;
    qp.onDidTriggerItemButton(({ item }) => {
      const picked = new Set(qp.selectedItems.map((i) => i.label));
      qp.items = qp.items.map((i) =>
        i === item
          ? keyItem(retarget(i.item, i.item.target === 'secret' ? 'plain' : 'secret', ref.service), picked.has(i.label))
          : keyItem(i.item, picked.has(i.label)),
      );
      qp.selectedItems = qp.items.filter((i) => picked.has(i.label));
    });
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems.map((i) => i.item));
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

async function importEnvFile(host: EnvImportHost, node: ServiceNode | undefined): Promise<void> {
  if (!host.folders.current())
    return void vscode.window.showErrorMessage('Open the folder of the app first: Devgem imports its .env file into the app’s Cloud Run service.');
  const folder = await host.folders.pickFolder();
  if (!folder) return;
  const root = folder.uri.fsPath;
  const abs = await pickFile(root);
  if (!abs) return;
  const rel = path.relative(root, abs).replace(/\\/g, '/') || path.basename(abs);
  const ref = await serviceRefFor(root, node);
  const parsed = parseDotenv(await fs.readFile(abs, 'utf8'));
  const planned = planEnvImport(parsed, ref.service);
  for (const e of parsed.entries) if (planned.some((i) => i.key === e.key && i.target === 'secret')) addKnownSecret(e.value);
  if (!planned.some((i) => i.target !== 'rejected')) {
    return void vscode.window.showErrorMessage(`${rel} has nothing to import.`, {
      modal: true,
      detail: [...describePlan(planned), ...parsed.problems.map((p) => p.message)].join('\n') || 'Add KEY=value lines.',
    });
  }
  let chosen = await chooseKeys(ref, rel, planned, parsed);
  if (!chosen?.length) return;

  const live = await withCancellableProgress(
    `Reading service ${ref.service}`,
    CALL_MS,
    (s) => host.ports().runAdmin.describeService(ref, s),
    vscode.ProgressLocation.Window,
  );

  if (!live)
    return void vscode.window.showErrorMessage(
      `There is no Cloud Run service "${ref.service}" in ${ref.region} (project ${ref.project}). Deploy it first, then import its .env file.`,
    );
  for (const i of chosen) if (i.target === 'secret') addKnownSecret(parsed.entries.find((e) => e.key === i.key)?.value);
  // Someone else's secret: asked secret by secret, before anything is written.
  const takeOverSecrets: string[] = [];
  const picked = chosen;
  const foreign = await withCancellableProgress(
    'Checking the secrets',
    CALL_MS,
    (s) => foreignSecrets(host.ports(), ref, picked, s),
    vscode.ProgressLocation.Window,
  );
  for (const f of foreign) {
    const use = 'Use It';
    const leave = `Leave ${f.key} Out`;
    const answer = await vscode.window.showWarningMessage(
      `Secret ${f.secretId} already exists, and Devgem did not create it.`,
      { modal: true, detail: `${describeForeignSecret(f)}.` },
      use,
      leave,
    );
    if (answer === use) takeOverSecrets.push(f.secretId);
    else if (answer === leave) chosen = chosen.filter((i) => i.key !== f.key);
    else return;
  }
  if (!chosen.length) return;
  const risks = importChanges(live.env, chosen, ref.service);
  const left = planned.filter((p) => !chosen.some((c) => c.key === p.key));
  const detail = [
    `${ref.service} · ${ref.project} · ${ref.region}`,
    '',
    ...describePlan(chosen),
    ...(left.length ? ['', ...left.map((i) => `${i.key} → not imported${i.reason ? `: ${i.reason}` : ''}`)] : []),
    ...(parsed.problems.length ? ['', ...parsed.problems.map((p) => `Not read: ${p.message}`)] : []),
    ...(risks.length ? ['', 'This also changes what the service relies on:', ...risks.map((r) => `• ${r.message}`)] : []),
    '',
    'Secrets get roles/secretmanager.secretAccessor for the service’s runtime account; a new revision then gets all traffic.',
  ].join('\n');
  const ok = await vscode.window.showWarningMessage(
    `Import ${chosen.length} key${chosen.length === 1 ? '' : 's'} from ${rel} into ${ref.service}?`,
    { modal: true, detail },
    'Import',
  );
  if (ok !== 'Import') return;

  const labels = devgemLabels((await originOf({ workspaceRoot: root })).label);
  try {
    const r = await withCancellableProgress(`Importing ${rel} into ${ref.service}`, IMPORT_MS, (signal, progress) =>
      applyEnvImport(host.ports(), ref, parsed, chosen, {
        signal,
        // The user saw and approved the changes listed above.
        approveRisky: true,
        takeOverSecrets,
        labels,
        progress: (line) => {
          host.log.info(line);
          progress.report({ message: line });
        },
      }),
    );
    const summary = importSummary(r, rel);
    host.log.info(summary);
    void vscode.window.showInformationMessage(summary);
  } catch (err) {
    if (!isCancelled(err)) throw err;
    void vscode.window.showInformationMessage(`Import cancelled: ${ref.service} was not changed (secrets created before the cancel stay in Secret Manager).`);
  }
}
