import * as path from 'node:path';
import * as vscode from 'vscode';
import { askEnvNeeds, confirmNoServer } from './readinessQuestions';
import type { AppAnalysis, PortFix } from '../../../core/analysis/types';
import type { PreflightProblem, SpecChange } from '../../../core/cloud/ports';
import type { DeployUiPort } from '../../../core/deploy/deployUi';
import { takeOverDetails, takeOverHeadline, type TakeOver } from '../../../core/deploy/ownership';
import type { UploadPreview } from '../../../core/packaging/uploadPreview';
import type { GitHubSource } from '../../../core/github/gitHubPort';
import { readReviewGeneratedDockerfile } from '../settings';

/**
 * What the Dockerfile review asks. For the user's folder: write the file there
 * (it stays, for later deploys). For a GitHub repository: the file goes into the
 * download and lives for this deploy only; the repository is not changed.
 */
export function dockerfileQuestion(
  file: { path: string; relativePath?: string; gitHub?: GitHubSource },
  relative: string,
): { title: string; message: string; detail: string; button: string } {
  if (file.gitHub) {
    const { repository, ref, commit } = file.gitHub;
    const inRepo = file.relativePath ?? 'Dockerfile';
    return {
      title: `${repository}: ${inRepo} (proposed by Devgem)`,
      message: `${repository} (${ref}, ${commit.slice(0, 7)}) has no Dockerfile for this app. Deploy it with the one Devgem proposes?`,
      detail: `The Dockerfile is used for this deploy only; the repository on GitHub is not changed. To keep it, commit it to the repository as ${inRepo}.`,
      button: 'Deploy with It',
    };
  }
  return {
    title: `${relative} (proposed by Devgem)`,
    message: `Devgem has no Dockerfile for this app and proposes the one shown. Write it to ${relative} and deploy?`,
    detail: 'Devgem uses an existing Dockerfile as it is, so you can edit this one for later deploys.',
    button: 'Write and Deploy',
  };
}

const SCHEME = 'devgem-proposed';

/** Resolves to undefined when the deploy is cancelled while a question is open. */
function unlessCancelled<T>(question: Thenable<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    question.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      () => resolve(undefined),
    );
  });
}

/**
 * The deploy's questions as VS Code asks them: a quick pick for the app, a
 * diff of the proposed Dockerfile with a modal to accept it, a notification
 * offering the port fix, a modal when the upload looks wrong.
 */
export class VscodeDeployUi implements DeployUiPort, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly proposals = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.path) ?? '';
  }

  async chooseApp(apps: AppAnalysis[], signal: AbortSignal): Promise<AppAnalysis | undefined> {
    const items = apps.map((app) => ({
      label: app.path || '.',
      description: [app.framework?.value ?? app.stack, app.version ? `${app.language.value} ${app.version.value}` : app.language.value].join(' · '),
      detail: app.notes[0],
      app,
    }));
    const picked = await unlessCancelled(
      vscode.window.showQuickPick(items, { title: 'Devgem found several apps', placeHolder: 'Which app should Devgem deploy?', ignoreFocusOut: true }),
      signal,
    );
    return picked?.app;
  }

  readonly confirmNoServer = confirmNoServer;
  readonly askEnvNeeds = askEnvNeeds;

  async reviewDockerfile(
    file: { path: string; relativePath?: string; content: string; gitHub?: GitHubSource; warnings?: string[] },
    signal: AbortSignal,
  ): Promise<boolean> {
    if (!readReviewGeneratedDockerfile()) return true;
    const key = `/${Date.now()}/${path.basename(file.path)}`;
    this.proposals.set(key, file.content);
    this.proposals.set(`${key}.empty`, '');
    try {
      const proposed = vscode.Uri.from({ scheme: SCHEME, path: key });
      const empty = vscode.Uri.from({ scheme: SCHEME, path: `${key}.empty` });
      const q = dockerfileQuestion(file, vscode.workspace.asRelativePath(file.path));
      await vscode.commands.executeCommand('vscode.diff', empty, proposed, q.title, { preview: true });
      // What will break on Cloud Run belongs next to the Dockerfile that is about to be built.
      const detail = file.warnings?.length ? `${q.detail}\n\nWill it run on Cloud Run?\n${file.warnings.map((w) => `⚠ ${w}`).join('\n')}` : q.detail;
      const answer = await unlessCancelled(vscode.window.showInformationMessage(q.message, { modal: true, detail }, q.button), signal);
      return answer === q.button;
    } finally {
      this.proposals.delete(key);
      this.proposals.delete(`${key}.empty`);
    }
  }

  offerPortFix(fix: PortFix, workspaceRoot: string): void {
    const apply = 'Apply Fix';
    void vscode.window.showWarningMessage(`${fix.file}:${fix.line}: ${fix.explanation}`, apply, 'Show Line').then(async (answer) => {
      const uri = vscode.Uri.file(path.join(workspaceRoot, fix.file));
      const doc = await vscode.workspace.openTextDocument(uri);
      const line = doc.lineAt(fix.line - 1);
      if (answer === apply) {
        // The user may have edited the line since the analysis: only replace what was seen.
        if (line.text !== fix.before) {
          void vscode.window.showWarningMessage(`${fix.file}:${fix.line} changed since the analysis; the fix was not applied.`);
          return;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, line.range, fix.after);
        await vscode.workspace.applyEdit(edit);
      }
      if (answer) await vscode.window.showTextDocument(doc, { selection: line.range, preview: true });
    });
  }

  async confirmUpload(preview: UploadPreview, signal: AbortSignal): Promise<boolean> {
    const upload = 'Upload Anyway';
    const flags = preview.redFlags.map((f) => `• ${f.path}: ${f.reason}`).join('\n');
    const answer = await unlessCancelled(
      vscode.window.showWarningMessage(
        `The upload (${preview.fileCount} files) has ${preview.redFlags.length} thing(s) that look wrong.`,
        { modal: true, detail: `${flags}\n\nExclude them in .gcloudignore to leave them out.` },
        upload,
      ),
      signal,
    );
    return answer === upload;
  }

  async confirmSpecChanges(changes: SpecChange[], signal: AbortSignal): Promise<boolean> {
    const deploy = 'Deploy Anyway';
    const list = changes.map((c) => `• ${c.message}`).join('\n');
    const answer = await unlessCancelled(
      vscode.window.showWarningMessage(
        `This deploy changes ${changes.length === 1 ? 'one thing' : `${changes.length} things`} the live service relies on.`,
        { modal: true, detail: `${list}\n\nCancel leaves the service as it is.` },
        deploy,
      ),
      signal,
    );
    return answer === deploy;
  }

  /** A modal showing what the service runs now, its labels, who may call it and its last deploy; true only for "Take Over". */
  async confirmTakeOver(takeOver: TakeOver, signal: AbortSignal): Promise<boolean> {
    const button = 'Take Over';
    const detail = takeOverDetails(takeOver)
      .map((d) => `${d.label}: ${d.value}`)
      .join('\n');
    const answer = await unlessCancelled(
      vscode.window.showWarningMessage(
        takeOverHeadline(takeOver),
        { modal: true, detail: `${detail}\n\nCancel leaves it as it is; to deploy beside it, set "devgem.serviceName" to another name.` },
        button,
      ),
      signal,
    );
    return answer === button;
  }

  /** An error modal listing what is wrong; true only when the user chose to enable the APIs. */
  async offerPreflightFix(problems: PreflightProblem[], signal: AbortSignal): Promise<boolean> {
    const enable = 'Enable APIs';
    const copy = 'Copy Command';
    const open = 'Open Console';
    const canEnable = problems.some((p) => p.autoFix);
    const list = problems.map((p) => `• ${p.message}`).join('\n');
    const answer = await unlessCancelled(
      vscode.window.showErrorMessage(
        `The project is not ready for a deploy (${problems.length} problem${problems.length === 1 ? '' : 's'}).`,
        {
          modal: true,
          detail: `${list}\n\n${canEnable ? 'Devgem can enable the missing APIs for you; anything else needs the commands Copy Command gives.' : 'Run the commands Copy Command gives, then deploy again.'}`,
        },
        ...(canEnable ? [enable] : []),
        copy,
        open,
      ),
      signal,
    );
    if (answer === copy) {
      await vscode.env.clipboard.writeText(problems.map((p) => p.fixCommand).join('\n'));
      vscode.window.setStatusBarMessage('Devgem: fix commands copied', 3000);
    } else if (answer === open) {
      await vscode.env.openExternal(vscode.Uri.parse(problems[0].consoleUrl));
    }
    return answer === enable;
  }

  dispose(): void {
    this.registration.dispose();
  }
}
