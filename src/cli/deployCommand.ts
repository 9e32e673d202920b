import type * as Gcp from '../adapters/gcp/cloudPorts';
import { parseEmulatorHost } from '../adapters/gcp/gcpConfig';
import { DevgemError } from '../core/base/errors';
import { runDeploy } from '../core/deploy/pipeline';
import { STAGE_TITLES, type DeployResult } from '../shared/protocol';
import type { ParsedArgs } from './args';
import { cliWording } from './cliWording';
import type { CliIo } from './commands';
import { deployRequestFrom } from './deployArgs';
import { deployProgress, type DeployProgress } from './deployProgress';
import { cliDeployUi } from './deployUi';

/** What a shell reports for a process ended by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
/** The service exists and Devgem did not create it from this folder; nothing was changed (--take-over to update it). */
export const EXIT_TAKE_OVER_REFUSED = 3;
const LOG_TAIL_LINES = 30;

// Required on first deploy only: `devgem analyze` should not load the cloud adapters.
const gcp = (): typeof Gcp => require('../adapters/gcp/cloudPorts') as typeof Gcp;

/**
 * `devgem deploy`: the extension's pipeline with a command line's answers.
 * Progress goes to stderr, the result to stdout (the URL, or one JSON object),
 * so `URL=$(devgem deploy ...)` works.
 */
export async function deployCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const req = deployRequestFrom(args, io.cwd, env);
  if (req.emulatorHost) {
    try {
      parseEmulatorHost(req.emulatorHost);
    } catch (err) {
      throw new DevgemError('config', (err as Error).message, {
        fix: "Set DEVGEM_EMULATOR_HOST to the emulator's HOST:PORT, or unset it to deploy to Google Cloud.",
      });
    }
  }
  if (io.signal?.aborted) return EXIT_INTERRUPTED;

  const controller = new AbortController();
  let timedOut = false;
  const onInterrupt = () => {
    io.stderr('Cancelling the deploy (and its Cloud Build build)...\n');
    controller.abort();
  };
  io.signal?.addEventListener('abort', onInterrupt, { once: true });
  const timer =
    req.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          io.stderr(`Timed out after ${req.timeoutSeconds} s; cancelling the deploy (and its Cloud Build build)...\n`);
          controller.abort();
        }, req.timeoutSeconds * 1000);

  const progress = deployProgress((line) => io.stderr(`${line}\n`));
  let takeOverRefused = false;
  let result: DeployResult;
  try {
    result = await runDeploy(
      req.opts,
      {
        ports: gcp().createCloudPorts({ emulatorHost: req.emulatorHost }),
        emit: (e) => progress.emit(e),
        ui: cliDeployUi({
          yes: req.yes,
          takeOver: req.takeOver,
          workspaceRoot: req.opts.workspaceRoot,
          stderr: io.stderr,
          onTakeOverRefused: () => (takeOverRefused = true),
        }),
      },
      controller.signal,
    );
  } finally {
    if (timer) clearTimeout(timer);
    io.signal?.removeEventListener('abort', onInterrupt);
  }

  if (result.outcome === 'failed' || result.outcome === 'private') {
    result = { ...result, problem: { ...result.problem, message: cliWording(result.problem.message), fix: cliWording(result.problem.fix) } };
  }
  if (req.json) io.stdout(`${JSON.stringify(jsonResult(result, progress))}\n`);
  switch (result.outcome) {
    case 'success':
      if (result.preview)
        io.stderr(
          `devgem: Preview with no traffic (tag ${result.preview.tag}): ${result.url} — ${result.preview.serviceUrl} still serves ${result.preview.servingRevision ?? 'the current revision'}.\n`,
        );
      if (!req.json) io.stdout(`${result.url}\n`);
      return 0;
    case 'private':
      io.stderr(
        `devgem: Deployed to ${result.url}, but it is not public: ${result.problem.message}\n${result.problem.fix ? `Fix: ${result.problem.fix}\n` : ''}`,
      );
      return 1;
    case 'failed': {
      const tail = (result.problem.logTail ?? []).slice(-LOG_TAIL_LINES);
      if (tail.length) io.stderr(`Last ${tail.length} log lines:\n${tail.map((l) => `  ${l}\n`).join('')}`);
      io.stderr(
        `devgem: Failed at ${result.stage} (${STAGE_TITLES[result.stage]}): ${result.problem.message}\n${result.problem.fix ? `Fix: ${result.problem.fix}\n` : ''}`,
      );
      return takeOverRefused ? EXIT_TAKE_OVER_REFUSED : 1;
    }
    case 'cancelled':
      if (timedOut) {
        io.stderr(
          `devgem: Timed out after ${req.timeoutSeconds} s at ${result.stage}; the deploy was cancelled.\nFix: Pass a longer --timeout, or leave it out to use the per-stage limits.\n`,
        );
        return 1;
      }
      io.stderr(`devgem: Cancelled at ${result.stage}; nothing more was deployed.\n`);
      return io.signal?.aborted ? EXIT_INTERRUPTED : 1;
  }
}

/** One object for scripts: the outcome and where it got to, never log lines or env values. */
function jsonResult(result: DeployResult, progress: DeployProgress): Record<string, unknown> {
  const base = { outcome: result.outcome, deployId: progress.deployId, target: progress.target, stages: progress.stages };
  switch (result.outcome) {
    case 'success':
      return { ...base, url: result.url, revision: result.revision, image: result.image, ...(result.preview ? { preview: result.preview } : {}) };
    case 'private':
      return { ...base, url: result.url, revision: result.revision, image: result.image, message: result.problem.message, fix: result.problem.fix };
    case 'failed':
      return { ...base, stage: result.stage, message: result.problem.message, fix: result.problem.fix };
    case 'cancelled':
      return { ...base, stage: result.stage };
  }
}
