import * as path from 'node:path';
import * as vscode from 'vscode';
import { askEnvNeeds, confirmNoServer } from './readinessQuestions';
import type { AppAnalysis, PortFix } from '../../../core/analysis/types';
import type { PreflightProblem, SpecChange } from '../../../core/cloud/ports';
import { analysisKit } from '../../../core/analysis/lazyAnalysis';
import type { DeployUiPort, DockerfileReview } from '../../../core/deploy/deployUi';
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
  file: { path: string; relativePath?: string; gitHub?: GitHubSource; dockerignore?: string; portFix?: { fix: PortFix }; offerBuildpacks?: boolean },
  relative: string,
): { title: string; message: string; detail: string; button: string; fixButton?: string; buildpacks?: string } {
  const q = dockerfileQuestionText(file, relative);
  if (!file.offerBuildpacks) return q;
  return {
    ...q,
    detail: `${q.detail}\n\n${BUILDPACKS_BUTTON}: no Dockerfile is written; Google Cloud's buildpacks (as \`gcloud run deploy --source\` uses) detect the stack on Cloud Build and choose its runtime.`,
    buildpacks: BUILDPACKS_BUTTON,
  };
}

/** The review's other choice: Google Cloud's buildpacks instead of the proposed Dockerfile. */
export const BUILDPACKS_BUTTON = "Use Google's Buildpacks";

function dockerfileQuestionText(
  file: { path: string; relativePath?: string; gitHub?: GitHubSource; dockerignore?: string; portFix?: { fix: PortFix } },
  relative: string,
): { title: string; message: string; detail: string; button: string; fixButton?: string } {
  // The .dockerignore is written with the Dockerfile (when there is none): the question names both.
  const ignoreNote = file.dockerignore ? ` Devgem also writes ${file.dockerignore}, so local builds, dependencies and secrets stay out of the image.` : '';
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
  const fix = file.portFix?.fix;
  // Offered here, in the modal, because a notification would sit hidden behind it.
  const portNote = fix ? `\n\nThe port: ${fix.file}:${fix.line} ${fix.explanation} Devgem can change that line to: ${fix.after.trim()}` : '';
  return {
    title: `${relative} (proposed by Devgem)`,
    message: `Devgem has no Dockerfile for this app and proposes the one shown. Write it to ${relative}${file.dockerignore ? ` (and ${file.dockerignore})` : ''} and deploy?`,
    detail: `Devgem uses an existing Dockerfile as it is, so you can edit this one for later deploys.${ignoreNote}${portNote}`,
    button: 'Write and Deploy',
    ...(fix ? { fixButton: 'Fix the Port, Write and Deploy' } : {}),
  };
}

/** The button the user clicked → the review's answer (undefined: closed or cancelled). */
export function reviewAnswer(q: { button: string; buildpacks?: string }, answer: string | undefined): boolean | 'buildpacks' {
  if (answer !== undefined && answer === q.buildpacks) return 'buildpacks';
  return answer === q.button;
}

const SCHEME = 'devgem-proposed';

/** Closes every tab (a diff's either side included) that shows `uri`. */
async function closeTabsShowing(uri: vscode.Uri): Promise<void> {
  const shows = (input: unknown) =>
    (input instanceof vscode.TabInputTextDiff && (input.modified.toString() === uri.toString() || input.original.toString() === uri.toString())) ||
    (input instanceof vscode.TabInputText && input.uri.toString() === uri.toString());
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => shows(t.input));
  if (tabs.length) await Promise.resolve(vscode.window.tabGroups.close(tabs)).catch(() => undefined);
}

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
      description: analysisKit().describeAppShort(app),
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

  async reviewDockerfile(file: DockerfileReview, signal: AbortSignal): Promise<boolean | 'buildpacks'> {
    if (!readReviewGeneratedDockerfile()) {
      // No review to show it in: the notification is not hidden by anything.
      if (file.portFix) this.offerPortFix(file.portFix.fix, file.portFix.workspaceRoot);
      return true;
    }
    const key = `/${Date.now()}/${path.basename(file.path)}`;
    this.proposals.set(key, file.content);
    this.proposals.set(`${key}.empty`, '');
    const proposed = vscode.Uri.from({ scheme: SCHEME, path: key });
    try {
      const empty = vscode.Uri.from({ scheme: SCHEME, path: `${key}.empty` });
      const q = dockerfileQuestion(file, vscode.workspace.asRelativePath(file.path));
      await vscode.commands.executeCommand('vscode.diff', empty, proposed, q.title, { preview: true });
      // What will break on Cloud Run belongs next to the Dockerfile that is about to be built.
      const detail = file.warnings?.length ? `${q.detail}\n\nWill it run on Cloud Run?\n${file.warnings.map((w) => `⚠ ${w}`).join('\n')}` : q.detail;
      const buttons = [q.button, ...(q.fixButton ? [q.fixButton] : []), ...(q.buildpacks ? [q.buildpacks] : [])];
      const answer = await unlessCancelled(vscode.window.showInformationMessage(q.message, { modal: true, detail }, ...buttons), signal);
      if (answer !== undefined && answer === q.fixButton && file.portFix) {
        await this.applyPortFix(file.portFix.fix, file.portFix.workspaceRoot, true);
        return true;
      }
      return reviewAnswer(q, answer);
    } finally {
      this.proposals.delete(key);
      this.proposals.delete(`${key}.empty`);
      // The proposal was answered (or the deploy ended): its diff tab has nothing left to show.
      await closeTabsShowing(proposed);
    }
  }

  offerPortFix(fix: PortFix, workspaceRoot: string): void {
    const apply = 'Apply Fix';
    void vscode.window.showWarningMessage(`${fix.file}:${fix.line}: ${fix.explanation}`, apply, 'Show Line').then(async (answer) => {
      if (answer === apply) await this.applyPortFix(fix, workspaceRoot, false);
      else if (answer) await this.showFixLine(fix, workspaceRoot);
    });
  }

  /** Replaces the line the analysis saw; `save`: a deploy is about to package the folder, so the edit goes to disk. */
  private async applyPortFix(fix: PortFix, workspaceRoot: string, save: boolean): Promise<void> {
    const uri = vscode.Uri.file(path.join(workspaceRoot, fix.file));
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.lineAt(fix.line - 1);
    // The user may have edited the line since the analysis: only replace what was seen.
    if (line.text !== fix.before) {
      void vscode.window.showWarningMessage(`${fix.file}:${fix.line} changed since the analysis; the fix was not applied.`);
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, line.range, fix.after);
    await vscode.workspace.applyEdit(edit);
    if (save) await doc.save();
    await vscode.window.showTextDocument(doc, { selection: line.range, preview: true });
  }

  private async showFixLine(fix: PortFix, workspaceRoot: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot, fix.file)));
    await vscode.window.showTextDocument(doc, { selection: doc.lineAt(fix.line - 1).range, preview: true });
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
