import * as vscode from 'vscode';
import type { EnvNeed, Warning } from '../../../core/analysis/types';
import { CancelledError } from '../../../core/base/errors';
import type { EnvNeedAnswer } from '../../../core/deploy/deployUi';
import { looksSecret } from '../../../core/env/envNames';

// "Will it run on Cloud Run?" in VS Code: deploy anyway when no server was found, and the env
// vars the code needs, asked before the build.

const ANYWAY = 'Deploy Anyway';
/** At most this many needs are asked one by one; the rest stay in the tracker's detail. */
const MAX_ASKED = 8;

function unlessCancelled<T>(question: Thenable<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    void Promise.resolve(question).then((v) => {
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    });
  });
}

export async function confirmNoServer(warning: Warning, signal: AbortSignal): Promise<boolean> {
  const where = warning.evidence[0] ? ` (${warning.evidence[0].file}${warning.evidence[0].line ? `:${warning.evidence[0].line}` : ''})` : '';
  const answer = await unlessCancelled(
    vscode.window.showWarningMessage(
      'This app may not run on Cloud Run',
      {
        modal: true,
        detail: `${warning.message}${where}\n\nCloud Run sends requests to a server listening on $PORT; without one the revision fails to start. Deploy anyway only if the app does start a server Devgem did not recognise.`,
      },
      ANYWAY,
    ),
    signal,
  );
  return answer === ANYWAY;
}

export async function askEnvNeeds(needs: EnvNeed[], signal: AbortSignal): Promise<EnvNeedAnswer> {
  const env: Record<string, string> = {};
  for (const need of needs.slice(0, MAX_ASKED)) {
    const where = need.evidence[0] ? `${need.evidence[0].file}${need.evidence[0].line ? `:${need.evidence[0].line}` : ''}` : 'the code';
    const secret = need.secret || looksSecret(need.name);
    const items = secret
      ? [
          { label: `Import ${need.name} from .env to Secret Manager`, description: 'stops this deploy; deploy again after the import', id: 'import' },
          { label: 'Skip', description: 'deploy without it', id: 'skip' },
        ]
      : [
          { label: `Set ${need.name} now…`, description: 'a plain env var of the service', id: 'set' },
          { label: `Import ${need.name} from .env`, description: 'stops this deploy; deploy again after the import', id: 'import' },
          { label: 'Skip', description: 'deploy without it', id: 'skip' },
        ];
    const picked = await unlessCancelled(
      vscode.window.showQuickPick(items, {
        title: `${where} reads ${need.name}, and nothing sets it`,
        placeHolder: `How should the service get ${need.name}?`,
        ignoreFocusOut: true,
      }),
      signal,
    );
    if (!picked) throw new CancelledError();
    if (picked.id === 'import') {
      void vscode.commands.executeCommand('devgem.importEnvFile');
      throw new CancelledError();
    }
    if (picked.id !== 'set') continue;
    const value = await unlessCancelled(
      vscode.window.showInputBox({
        title: `${need.name} for the service`,
        prompt: 'Set as a plain env var (visible in the service configuration). Secrets belong in Secret Manager.',
        ignoreFocusOut: true,
        validateInput: (v) => (looksSecret(need.name, v) ? 'This looks like a secret: import it from .env to Secret Manager instead.' : undefined),
      }),
      signal,
    );
    if (value === undefined) throw new CancelledError();
    env[need.name] = value;
  }
  return { env };
}
