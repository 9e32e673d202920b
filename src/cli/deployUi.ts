import * as path from 'node:path';
import { DevgemError } from '../core/base/errors';
import { unattendedUi, type DeployUiPort } from '../core/deploy/deployUi';
import { takeOverDetails } from '../core/deploy/ownership';

// The deploy's questions on a command line with no one to ask: unattendedUi's
// answers, except that nothing is written or uploaded on the user's behalf
// unless --yes said so, and every refusal says which flag changes it.
// Refusals throw a 'failed-precondition' error rather than answering "no":
// the pipeline takes a 'cancelled' answer as the user backing out, and a
// script needs to be told why it failed. Questions not answered here get
// unattendedUi's safe answers.

export function cliDeployUi(opts: {
  yes: boolean;
  /** --take-over: update a service Devgem did not create from this folder. */
  takeOver?: boolean;
  workspaceRoot: string;
  stderr(s: string): void;
  /** Told when a take-over was refused, so the command can exit with its own code. */
  onTakeOverRefused?: () => void;
}): DeployUiPort {
  return {
    ...unattendedUi,
    chooseApp: async (apps) => {
      throw new DevgemError(
        'invalid-argument',
        `This folder has ${apps.length} deployable apps: ${apps.map((a) => `${a.path || '.'} (${a.stack})`).join(', ')}.`,
        {
          fix: `Pick one with --app, e.g. --app ${apps[0].path || '.'}.`,
        },
      );
    },
    reviewDockerfile: async (file) => {
      const rel = path.relative(opts.workspaceRoot, file.path) || file.path;
      const fix = file.portFix?.fix;
      if (fix) opts.stderr(`[analyze] warning: ${fix.file}:${fix.line}: ${fix.explanation} Suggested: ${fix.after.trim()}\n`);
      if (!opts.yes) {
        throw new DevgemError('failed-precondition', `The app has no Dockerfile; Devgem would write a generated one to ${rel}.`, {
          fix: 'Pass --yes to write it and deploy, or add your own Dockerfile (see `devgem dockerfile` for what Devgem would write).',
        });
      }
      opts.stderr(`[dockerfile] writing the generated ${rel} (--yes)\n`);
      return true;
    },
    offerPortFix: (fix) => {
      opts.stderr(`[analyze] warning: ${fix.file}:${fix.line}: ${fix.explanation} Suggested: ${fix.after.trim()}\n`);
    },
    confirmUpload: async (preview) => {
      const flags = preview.redFlags.map((f) => `${f.path} (${f.reason})`).join('; ');
      if (!opts.yes) {
        throw new DevgemError('failed-precondition', `The upload would include files that look private: ${flags}.`, {
          fix: 'Exclude them in .gcloudignore (or .gitignore), or pass --yes to upload them anyway.',
        });
      }
      opts.stderr(`[package] warning: uploading flagged files (--yes): ${flags}\n`);
      return true;
    },
    // Enabling an API is what `gcloud services enable` would do; --yes allows it.
    offerPreflightFix: async (problems) => {
      if (!opts.yes) return false;
      const apis = problems.flatMap((p) => (p.autoFix ? [p.autoFix.enableService] : []));
      opts.stderr(`[preflight] enabling ${apis.join(', ')} (--yes)\n`);
      return true;
    },
    // Only --take-over takes over, never --yes: a script that says yes to questions it cannot
    // foresee must not replace a service someone else runs. A "no" fails the deploy with what is there.
    confirmTakeOver: async (t) => {
      if (!opts.takeOver) {
        opts.onTakeOverRefused?.();
        return false;
      }
      const now = takeOverDetails(t)
        .slice(0, -1)
        .map((d) => `${d.label}: ${d.value}`)
        .join('; ');
      opts.stderr(`[analyze] taking over ${t.existing.ref.service} (--take-over): ${now}\n`);
      return true;
    },
    // A "no" lets the deploy stage fail with the list of changes and how to go on (--yes).
    confirmSpecChanges: async (changes) => {
      if (!opts.yes) return false;
      opts.stderr(`[deploy] warning: going on with these changes to the live service (--yes): ${changes.map((c) => c.message).join('; ')}\n`);
      return true;
    },
  };
}
